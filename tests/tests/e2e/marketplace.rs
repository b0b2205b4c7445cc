//! The marketplace end to end, through its JSON API and its pages:
//! residents publish listings with photos that their property sees and
//! nobody else does; only the seller changes, moves, renews or deletes a
//! listing; broken and hostile input is refused with nothing stored; and
//! an expired listing leaves the market until its seller renews it.

use crate::support::*;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const APP: &str = "/apps/marketplace";

fn png(filler: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR".to_vec();
    bytes.extend(std::iter::repeat_n(0x42, filler));
    bytes
}

fn part(bytes: Vec<u8>, name: &str, media_type: &str) -> Part {
    Part::bytes(bytes).file_name(name.to_owned()).mime_str(media_type).unwrap()
}

struct Market<'a> {
    world: World<'a>,
}

impl Market<'_> {
    async fn expect(&self, status: u16, method: Method, path: &str, who: &Auth, body: Option<Value>) -> Value {
        self.world.expect_below(APP, status, method, path, who, body).await
    }

    /// Publishes a listing as JSON; answers its id.
    async fn publish(&self, who: &Auth, title: &str, kind: &str, price_cents: Option<i64>) -> String {
        let body = json!({ "title": title, "description": format!("{title}, hardly used."), "kind": kind, "price_cents": price_cents });
        let created = self.expect(201, Method::POST, "/listings", who, Some(body)).await;
        assert_eq!(
            (created["state"].as_str(), created["mine"].as_bool()),
            (Some("available"), Some(true)),
            "{created}"
        );
        created["id"].as_str().expect("a listing id").to_owned()
    }

    /// Posts a `multipart/form-data` form as an API client (no `accept`).
    async fn post_form(&self, path: &str, who: &Auth, form: Form) -> (u16, Value) {
        let response = client()
            .post(self.world.node.url(&format!("{APP}{path}")))
            .header(who.0, who.1.clone())
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The ids of the listings `who` finds at `path`, in order.
    async fn ids(&self, path: &str, who: &Auth) -> Vec<String> {
        let page = self.expect(200, Method::GET, path, who, None).await;
        assert!(page.get("next").is_some(), "a page: {page}");
        page["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
    }

    async fn page(&self, path: &str, who: &Auth) -> (u16, String) {
        let response = client()
            .get(self.world.node.url(&format!("{APP}{path}")))
            .header(who.0, who.1.clone())
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    async fn download(&self, link: &str, who: &Auth) -> (u16, Vec<u8>) {
        let response = client()
            .get(self.world.node.url(&format!("{APP}{link}")))
            .header(who.0, who.1.clone())
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.bytes().await.unwrap().to_vec())
    }
}

#[tokio::test]
async fn a_listing_with_a_photo_reaches_its_property_and_nobody_else() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let carl = world.resident_person("carl", "acme", "oak-1").await;
    let sven = world.resident_person("sven", "other-co", "elm-5").await;
    node.wait_for_app(&world.client, "marketplace", &anna.auth).await;
    let market = Market { world };

    let photo = png(20_000);
    let form = Form::new()
        .text("title", "Bike")
        .text("description", "City bike, 28 inch, with lights.")
        .text("kind", "sell")
        .text("price", "80.00")
        .part("photo", part(photo.clone(), "bike.png", "image/png"));
    let (status, created) = market.post_form("/listings", &anna.auth, form).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!((created["price_cents"].as_i64(), created["currency"].as_str()), (Some(8_000), Some("CHF")));
    assert_eq!((created["kind"].as_str(), created["photo_count"].as_u64()), (Some("sell"), Some(1)), "{created}");
    assert!(created.get("contact").is_none() && created.get("report").is_none(), "not on one's own: {created}");
    assert!(is_rfc3339_utc_millis(created["expires_at"].as_str().unwrap()), "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let link = created["photos"][0]["link"].as_str().expect("the photo's link").to_owned();
    assert!(link.starts_with("/.files/"), "{link}");

    // Ben, of the same property, finds it, its photo and whom to write to.
    assert_eq!(market.ids("/listings", &ben.auth).await, std::slice::from_ref(&id));
    assert_eq!(market.ids("/listings?kind=sell", &ben.auth).await, std::slice::from_ref(&id));
    assert!(market.ids("/listings?kind=free", &ben.auth).await.is_empty());
    let seen = market.expect(200, Method::GET, &format!("/listings/{id}"), &ben.auth, None).await;
    assert_eq!((seen["title"].as_str(), seen["seller_name"].as_str()), (Some("Bike"), Some("anna")), "{seen}");
    assert_eq!(seen["mine"], false);
    let contact = format!("/apps/neighbors/conversations/with/{}?about=Bike", anna.user_id);
    assert_eq!(seen["contact"], contact.as_str(), "{seen}");
    assert_eq!(seen["report"], format!("/moderation/report/marketplace/listings/{id}"), "{seen}");
    assert!(!seen.to_string().contains("@residents.example"), "no email address: {seen}");
    assert_eq!(market.download(&link, &ben.auth).await, (200, photo));
    let (status, html) = market.page(&format!("/listings/{id}"), &ben.auth).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("CHF 80.00") && html.contains(&format!("href=\"{contact}\"")), "{html}");
    assert!(!html.contains("anna@residents.example"), "{html}");
    let (_, own) = market.page(&format!("/listings/{id}"), &anna.auth).await;
    assert!(!own.contains("/apps/neighbors/") && !own.contains("/moderation/report/"), "{own}");

    // Another property of the customer, and another customer, see nothing.
    for who in [&carl.auth, &sven.auth] {
        assert!(market.ids("/listings", who).await.is_empty());
        market.expect(404, Method::GET, &format!("/listings/{id}"), who, None).await;
        assert_eq!(market.download(&link, who).await.0, 404);
        let (status, page) = market.page(&format!("/listings/{id}"), who).await;
        assert!(status == 404 && !page.contains("City bike"), "{status}: {page}");
    }
    market.expect(404, Method::GET, "/listings/00000000-0000-4000-8000-000000000000", &ben.auth, None).await;
    market.expect(404, Method::GET, "/listings/not%20an%20id", &ben.auth, None).await;
}

#[tokio::test]
async fn only_the_seller_changes_moves_and_deletes_a_listing() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let mia = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let carl = world.resident_person("carl", "acme", "oak-1").await;
    node.wait_for_app(&world.client, "marketplace", &anna.auth).await;
    let market = Market { world };
    let id = market.publish(&anna.auth, "Sofa", "sell", Some(15_000)).await;
    let at = format!("/listings/{id}");
    let changed = json!({ "title": "Mine now", "kind": "free" });

    // A neighbour and staff are refused (staff take listings down through
    // moderation); another property does not even find it.
    for (who, status) in [(&ben.auth, 403), (&mia.auth, 403), (&carl.auth, 404)] {
        market.expect(status, Method::PUT, &at, who, Some(changed.clone())).await;
        market.expect(status, Method::POST, &format!("{at}/state"), who, Some(json!({ "state": "gone" }))).await;
        market.expect(status, Method::POST, &format!("{at}/renew"), who, None).await;
        market.expect(status, Method::DELETE, &at, who, None).await;
    }
    let unchanged = market.expect(200, Method::GET, &at, &ben.auth, None).await;
    assert_eq!((unchanged["title"].as_str(), unchanged["state"].as_str()), (Some("Sofa"), Some("available")));

    // The seller edits it, reserves it, frees it, reserves it, sells it.
    let edited = json!({ "title": "Sofa, grey", "description": "Three seats.", "kind": "sell", "price_cents": 12_000 });
    let edited = market.expect(200, Method::PUT, &at, &anna.auth, Some(edited)).await;
    assert_eq!((edited["title"].as_str(), edited["price_cents"].as_i64()), (Some("Sofa, grey"), Some(12_000)));
    let state = |to: &str| Some(json!({ "state": to }));
    let steps = ["reserved", "available", "reserved", "gone"];
    for to in steps {
        let moved = market.expect(200, Method::POST, &format!("{at}/state"), &anna.auth, state(to)).await;
        assert_eq!(moved["state"], to, "{moved}");
    }
    // Gone is for good, and off the market; the seller still has it.
    for to in ["available", "reserved", "gone", "sold", ""] {
        market.expect(400, Method::POST, &format!("{at}/state"), &anna.auth, state(to)).await;
    }
    assert!(market.ids("/listings", &ben.auth).await.is_empty(), "a gone listing leaves the market");
    assert_eq!(market.ids("/mine", &anna.auth).await, std::slice::from_ref(&id));
    assert!(market.ids("/mine", &ben.auth).await.is_empty());

    market.expect(204, Method::DELETE, &at, &anna.auth, None).await;
    market.expect(404, Method::GET, &at, &anna.auth, None).await;
    assert!(market.ids("/mine", &anna.auth).await.is_empty());
}

#[tokio::test]
async fn hostile_input_is_refused_with_400_and_nothing_is_stored() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "marketplace", &anna.auth).await;
    let market = Market { world };

    for (body, expected) in [
        (json!({ "title": "Bike", "kind": "sell", "price_cents": -1 }), "price"),
        (json!({ "title": "Bike", "kind": "sell", "price_cents": 100_000_001 }), "price"),
        (json!({ "title": "Bike", "kind": "sell" }), "needs a price"),
        (json!({ "title": "Bike", "kind": "free", "price_cents": 500 }), "no price"),
        (json!({ "title": "Bike", "kind": "auction", "price_cents": 100 }), "Choose"),
        (json!({ "title": "x".repeat(121), "kind": "wanted" }), "title"),
        (json!({ "title": " ", "kind": "wanted" }), "title"),
        (json!({ "title": "Bike", "kind": "wanted", "description": "d".repeat(4_001) }), "4000"),
        (json!({ "title": "Bike", "kind": "sell", "price_cents": 80.5 }), "request body"),
        (json!({ "title": "Bike", "kind": "sell", "price_cents": "80" }), "request body"),
        (json!({ "title": "Bike", "kind": "free", "owner": "someone-else" }), "request body"),
        (json!({ "title": "Bike", "kind": "free", "state": "gone" }), "request body"),
        (json!(["not", "an", "object"]), "request body"),
    ] {
        let refused = market.expect(400, Method::POST, "/listings", &anna.auth, Some(body.clone())).await;
        assert_eq!(refused["error"]["code"], "invalid", "{body}: {refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{body}: {expected}: {refused}");
    }
    for query in ["kind=auction", "kind=%3Cb%3E"] {
        market.expect(400, Method::GET, &format!("/listings?{query}"), &anna.auth, None).await;
    }

    // A text file named as a photo is refused by its content: nothing is stored.
    let form = Form::new()
        .text("title", "Bike")
        .text("kind", "sell")
        .text("price", "80")
        .part("photo", part(b"just some text, not a photo at all".to_vec(), "bike.png", "image/png"));
    let (status, refused) = market.post_form("/listings", &anna.auth, form).await;
    assert_eq!(status, 400, "{refused}");
    let form = Form::new().text("title", "Bike").text("kind", "sell").text("price", "eighty");
    let (status, refused) = market.post_form("/listings", &anna.auth, form).await;
    assert_eq!(status, 400, "{refused}");
    assert!(market.ids("/mine", &anna.auth).await.is_empty(), "nothing refused was kept");

    // Markup is text on every page.
    let title = "<script>alert(1)</script> \"Bike\"";
    let id = market.publish(&anna.auth, title, "wanted", None).await;
    for (path, who) in
        [("/".to_owned(), &ben.auth), (format!("/listings/{id}"), &ben.auth), ("/mine".to_owned(), &anna.auth)]
    {
        let (status, html) = market.page(&path, who).await;
        assert_eq!(status, 200, "{path}: {html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{path}: {html}");
        assert!(!html.contains("<script"), "{path}: {html}");
    }
}

#[tokio::test]
async fn an_expired_listing_leaves_the_market_until_its_seller_renews_it() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "marketplace", &anna.auth).await;
    let market = Market { world };
    let old = market.publish(&anna.auth, "Lamp", "free", None).await;
    let fresh = market.publish(&anna.auth, "Chair", "free", None).await;
    assert_eq!(market.ids("/listings", &ben.auth).await, [fresh.clone(), old.clone()]);

    // The API publishes only for 30 days from now: the lamp's expiry is
    // moved into the past behind the API.
    let pool = deployment.pool().await;
    let moved = match deployment.database_url {
        Some(_) => "UPDATE documents SET body = jsonb_set(body, '{expires}', '1000') WHERE id = $1",
        None => "UPDATE documents SET body = json_set(body, '$.expires', 1000) WHERE id = $1",
    };
    let done = sqlx::query(moved).bind(&old).execute(&pool).await.expect("move the expiry");
    assert_eq!(done.rows_affected(), 1);

    assert_eq!(market.ids("/listings", &ben.auth).await, std::slice::from_ref(&fresh), "gone from the market");
    assert_eq!(market.ids("/listings?kind=free", &ben.auth).await, std::slice::from_ref(&fresh));
    market.expect(404, Method::GET, &format!("/listings/{old}"), &ben.auth, None).await;
    let (_, market_page) = market.page("/", &ben.auth).await;
    assert!(market_page.contains("Chair") && !market_page.contains("Lamp"), "{market_page}");

    // The seller still sees it, expired, and renews it for another 30 days.
    let mine = market.expect(200, Method::GET, "/mine", &anna.auth, None).await;
    let lamp = mine["items"].as_array().unwrap().iter().find(|item| item["id"] == old.as_str()).expect("hers");
    assert_eq!(
        (lamp["expired"].as_bool(), lamp["expires_at"].as_str()),
        (Some(true), Some("1970-01-01T00:00:01.000Z"))
    );
    let (_, page) = market.page("/mine", &anna.auth).await;
    assert!(page.contains(&format!("action=\"listings/{old}/renew\"")), "{page}");
    market.expect(403, Method::POST, &format!("/listings/{old}/renew"), &ben.auth, None).await;
    let renewed = market.expect(200, Method::POST, &format!("/listings/{old}/renew"), &anna.auth, None).await;
    assert_eq!(renewed["expired"], false, "{renewed}");
    let mut back = market.ids("/listings", &ben.auth).await;
    back.sort();
    let mut both = vec![old.clone(), fresh.clone()];
    both.sort();
    assert_eq!(back, both, "back on the market");
}
