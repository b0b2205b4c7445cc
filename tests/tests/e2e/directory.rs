//! The directory end to end, through its JSON API and its pages: staff
//! keep the property's local businesses, residents browse them by
//! category and find them by name, people of other properties and
//! customers see nothing of them; residents suggest businesses only they
//! and staff read, staff accept (the entry appears) or decline with a
//! reason, and the suggester hears of it either way.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const APP: &str = "/apps/directory";

struct Directory<'a> {
    world: World<'a>,
}

impl Directory<'_> {
    async fn call(&self, method: Method, path: &str, who: &Auth, body: Option<Value>) -> (u16, Value) {
        self.world.call_below(APP, method, path, who, body).await
    }

    async fn expect(&self, status: u16, method: Method, path: &str, who: &Auth, body: Option<Value>) -> Value {
        self.world.expect_below(APP, status, method, path, who, body).await
    }

    /// Staff `who` adds an entry; answers its id.
    async fn entry(&self, who: &Auth, body: Value) -> String {
        let created = self.expect(201, Method::POST, "/entries", who, Some(body)).await;
        created["id"].as_str().expect("an entry id").to_owned()
    }

    /// `who` suggests a business; answers the suggestion's id.
    async fn suggest(&self, who: &Auth, body: Value) -> String {
        let suggested = self.expect(201, Method::POST, "/suggestions", who, Some(body)).await;
        assert_eq!((suggested["state"].as_str(), suggested["mine"].as_bool()), (Some("open"), Some(true)));
        suggested["id"].as_str().expect("a suggestion id").to_owned()
    }

    /// The names of the items `who` lists at `path`, in order.
    async fn names(&self, path: &str, who: &Auth) -> Vec<String> {
        let page = self.expect(200, Method::GET, path, who, None).await;
        assert!(page["next"].is_null() || page["next"].is_string(), "{page}");
        page["items"].as_array().unwrap().iter().map(|item| item["name"].as_str().unwrap().to_owned()).collect()
    }

    /// `who`'s notifications, newest first.
    async fn notified(&self, who: &Auth) -> Vec<Value> {
        let notes = self.world.expect(200, Method::GET, "/api/me/notifications", Some(who), None).await;
        notes["items"].as_array().unwrap().clone()
    }

    async fn page(&self, who: &Auth, path: &str) -> (u16, String) {
        let page = client()
            .get(self.world.node.url(&format!("{APP}{path}")))
            .header(who.0, who.1.clone())
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        (page.status().as_u16(), page.text().await.unwrap())
    }
}

fn bakery() -> Value {
    json!({
        "name": "Bäckerei Sonne",
        "category": "shop",
        "street": "Elm Street 3",
        "postal_code": "8000",
        "city": "Zurich",
        "hours": { "mon": "06:30–18:30", "tue": "06:30–18:30", "sat": "07:00–13:00", "sun": "closed" },
        "phone": "+41 44 123 45 67",
        "email": "hallo@sonne.example",
        "website": "https://sonne.example/",
        "offer": "10% for residents",
        "time_zone": "Europe/Zurich"
    })
}

#[tokio::test]
async fn staff_keep_the_entries_residents_find_them_and_other_properties_see_nothing() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let elsewhere = world.resident_person("carol", "acme", "oak-1").await;
    let other_manager = world.staff("otto", "acme", "property-manager", Some("oak-1")).await;
    let stranger = world.resident_person("mallory", "other-co", "elm-5").await;
    node.wait_for_app(&world.client, "directory", &anna.auth).await;
    let app = Directory { world };

    // Residents do not add entries; staff do.
    let (status, refused) = app.call(Method::POST, "/entries", &anna.auth, Some(bakery())).await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["error"]["code"], "denied", "{refused}");
    let sonne = app.entry(&manager.auth, bakery()).await;
    let weber = app.entry(&manager.auth, json!({ "name": "Dr. Weber", "category": "doctor" })).await;
    let mond =
        app.entry(&manager.auth, json!({ "name": "café Mond", "category": "restaurant", "city": "Zurich" })).await;

    // By name, ignoring case; by category; by part of the name.
    assert_eq!(app.names("/entries", &anna.auth).await, ["Bäckerei Sonne", "café Mond", "Dr. Weber"]);
    assert_eq!(app.names("/entries?category=shop", &anna.auth).await, ["Bäckerei Sonne"]);
    assert_eq!(app.names("/entries?category=doctor", &anna.auth).await, ["Dr. Weber"]);
    assert_eq!(app.names("/entries?q=SONNE", &anna.auth).await, ["Bäckerei Sonne"]);
    assert_eq!(app.names("/entries?q=%C3%A9%20m", &anna.auth).await, ["café Mond"]);
    assert!(app.names("/entries?q=sonne&category=doctor", &anna.auth).await.is_empty());
    assert!(app.names("/entries?q=pizza", &anna.auth).await.is_empty());
    app.expect(400, Method::GET, "/entries?category=casino", &anna.auth, None).await;

    let seen = app.expect(200, Method::GET, &format!("/entries/{sonne}"), &anna.auth, None).await;
    assert_eq!(
        (seen["name"].as_str(), seen["website"].as_str()),
        (Some("Bäckerei Sonne"), Some("https://sonne.example/"))
    );
    assert_eq!((seen["hours"]["mon"].as_str(), seen["hours"]["sun"].as_str()), (Some("06:30–18:30"), Some("closed")));
    assert_eq!(seen["offer"], "10% for residents", "{seen}");
    assert!(seen["open_now"].is_boolean(), "the hours tell: {seen}");
    assert!(seen.get("owner").is_none() && !seen.to_string().contains(&manager.user_id), "{seen}");
    let plain = app.expect(200, Method::GET, &format!("/entries/{weber}"), &anna.auth, None).await;
    assert!(plain["open_now"].is_null(), "no hours, nothing said: {plain}");
    let (status, html) = app.page(&anna.auth, &format!("/entries/{sonne}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("<a href=\"https://sonne.example/\" rel=\"noopener noreferrer\">"), "{html}");

    // Other properties and customers: an empty list, and 404 for the id.
    for who in [&elsewhere.auth, &other_manager.auth, &stranger.auth] {
        assert!(app.names("/entries", who).await.is_empty());
        assert!(app.names("/entries?q=sonne", who).await.is_empty());
        app.expect(404, Method::GET, &format!("/entries/{sonne}"), who, None).await;
        let (status, _) = app
            .call(Method::PUT, &format!("/entries/{sonne}"), who, Some(json!({ "name": "Ours", "category": "shop" })))
            .await;
        assert_eq!(status, 404);
        let (status, _) = app.call(Method::DELETE, &format!("/entries/{sonne}"), who, None).await;
        assert_eq!(status, 404);
    }
    let (status, html) = app.page(&elsewhere.auth, &format!("/entries/{sonne}")).await;
    assert!(status == 404 && !html.contains("Sonne"), "{status}: {html}");

    // Residents neither change nor delete; nothing changes.
    let changed = json!({ "name": "Bäckerei Mond", "category": "shop" });
    app.expect(403, Method::PUT, &format!("/entries/{sonne}"), &anna.auth, Some(changed.clone())).await;
    app.expect(403, Method::DELETE, &format!("/entries/{sonne}"), &anna.auth, None).await;
    let (status, _) = app.call(Method::POST, &format!("/entries/{sonne}/delete"), &anna.auth, None).await;
    assert_eq!(status, 403);
    assert_eq!(app.names("/entries?category=shop", &anna.auth).await, ["Bäckerei Sonne"]);

    // Staff change and delete.
    let mut better = bakery();
    better["offer"] = json!("15% for residents on Saturdays");
    let saved = app.expect(200, Method::PUT, &format!("/entries/{sonne}"), &manager.auth, Some(better)).await;
    assert_eq!(saved["offer"], "15% for residents on Saturdays", "{saved}");
    app.expect(204, Method::DELETE, &format!("/entries/{mond}"), &manager.auth, None).await;
    app.expect(404, Method::GET, &format!("/entries/{mond}"), &anna.auth, None).await;
    assert_eq!(app.names("/entries", &anna.auth).await, ["Bäckerei Sonne", "Dr. Weber"]);
    app.expect(404, Method::GET, "/entries/00000000-0000-4000-8000-000000000000", &anna.auth, None).await;
    app.expect(404, Method::GET, "/entries/not%20an%20id", &anna.auth, None).await;
}

#[tokio::test]
async fn a_suggestion_is_read_by_staff_only_and_accepting_it_adds_the_entry_and_tells_the_suggester() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let elsewhere = world.staff("otto", "acme", "property-manager", Some("oak-1")).await;
    node.wait_for_app(&world.client, "directory", &anna.auth).await;
    let app = Directory { world };

    let suggestion = app.suggest(&anna.auth, bakery()).await;
    let accept = format!("/suggestions/{suggestion}/accept");

    // Her neighbour sees nothing of it, nor do staff of another property.
    for who in [&ben.auth, &elsewhere.auth] {
        assert!(app.names("/suggestions", who).await.is_empty());
        app.expect(404, Method::GET, &format!("/suggestions/{suggestion}"), who, None).await;
        let (status, _) = app.call(Method::POST, &accept, who, None).await;
        assert_eq!(status, 404);
    }
    assert_eq!(app.names("/suggestions", &anna.auth).await, ["Bäckerei Sonne"]);
    assert!(app.names("/entries", &anna.auth).await.is_empty(), "a suggestion is no entry yet");

    // Staff: the queue, and a notification of it.
    let queue = app.expect(200, Method::GET, "/suggestions", &manager.auth, None).await;
    assert_eq!(queue["items"][0]["id"], suggestion.as_str(), "{queue}");
    assert_eq!(queue["items"][0]["mine"], false, "{queue}");
    assert!(!queue.to_string().contains(&anna.user_id), "who suggested stays out of the answer: {queue}");
    let told: Vec<String> =
        app.notified(&manager.auth).await.iter().map(|n| n["title"].as_str().unwrap().to_owned()).collect();
    assert!(told.contains(&"New suggestion: Bäckerei Sonne".to_owned()), "{told:?}");
    assert!(app.notified(&elsewhere.auth).await.is_empty());

    // She cannot accept her own; staff accept it, corrected.
    app.expect(403, Method::POST, &accept, &anna.auth, Some(json!({}))).await;
    let edits = json!({ "offer": "15% for residents" });
    let accepted = app.expect(201, Method::POST, &accept, &manager.auth, Some(edits)).await;
    assert_eq!(accepted["suggestion"]["state"], "accepted", "{accepted}");
    let entry = accepted["entry"]["id"].as_str().expect("the new entry").to_owned();
    assert_eq!(accepted["suggestion"]["entry"], entry.as_str(), "{accepted}");
    assert_eq!(
        (accepted["entry"]["offer"].as_str(), accepted["entry"]["street"].as_str()),
        (Some("15% for residents"), Some("Elm Street 3")),
        "{accepted}"
    );

    // The entry is everyone's and names nobody.
    assert_eq!(app.names("/entries?q=sonne", &ben.auth).await, ["Bäckerei Sonne"]);
    let read = app.expect(200, Method::GET, &format!("/entries/{entry}"), &ben.auth, None).await;
    let text = read.to_string();
    assert!(!text.contains(&anna.user_id) && !text.contains(&suggestion) && !text.contains("anna"), "{text}");

    // She is told, with a link to the entry, and sees the outcome.
    let notes = app.notified(&anna.auth).await;
    let note = notes.iter().find(|note| note["title"] == "Now in the directory: Bäckerei Sonne").expect("told");
    assert!(note.to_string().contains(&format!("/entries/{entry}")), "{note}");
    let hers = app.expect(200, Method::GET, &format!("/suggestions/{suggestion}"), &anna.auth, None).await;
    assert_eq!((hers["state"].as_str(), hers["entry"].as_str()), (Some("accepted"), Some(entry.as_str())), "{hers}");

    // Decided is decided: no second entry, no refusal afterwards.
    let again = app.expect(409, Method::POST, &accept, &manager.auth, None).await;
    assert_eq!(again["error"]["code"], "conflict", "{again}");
    let reason = json!({ "reason": "Too late." });
    app.expect(409, Method::POST, &format!("/suggestions/{suggestion}/reject"), &manager.auth, Some(reason)).await;
    assert_eq!(app.names("/entries", &ben.auth).await, ["Bäckerei Sonne"]);
    assert!(app.names("/suggestions", &manager.auth).await.is_empty(), "the queue holds open ones");
    assert_eq!(app.names("/suggestions?state=accepted", &manager.auth).await, ["Bäckerei Sonne"]);
}

#[tokio::test]
async fn declining_needs_a_reason_which_the_suggester_is_told() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "directory", &anna.auth).await;
    let app = Directory { world };

    let suggestion = app.suggest(&anna.auth, json!({ "name": "Kiosk Eck", "category": "shop" })).await;
    let reject = format!("/suggestions/{suggestion}/reject");
    for body in [Some(json!({})), Some(json!({ "reason": "  " })), Some(json!({ "reason": "r".repeat(501) })), None] {
        let (status, refused) = app.call(Method::POST, &reject, &manager.auth, body.clone()).await;
        assert_eq!(status, 400, "{body:?}: {refused}");
        assert_eq!(refused["error"]["code"], "invalid", "{refused}");
    }
    app.expect(403, Method::POST, &reject, &anna.auth, Some(json!({ "reason": "Mine." }))).await;
    let still = app.expect(200, Method::GET, &format!("/suggestions/{suggestion}"), &anna.auth, None).await;
    assert_eq!(still["state"], "open", "{still}");

    let reason = "The kiosk closed last year.";
    let declined = app.expect(200, Method::POST, &reject, &manager.auth, Some(json!({ "reason": reason }))).await;
    assert_eq!((declined["state"].as_str(), declined["reason"].as_str()), (Some("rejected"), Some(reason)));
    let notes = app.notified(&anna.auth).await;
    let note = notes.iter().find(|note| note["title"] == "Your suggestion was declined: Kiosk Eck").expect("told");
    assert!(note.to_string().contains(reason), "the reason reaches her: {note}");
    let hers = app.expect(200, Method::GET, "/suggestions", &anna.auth, None).await;
    assert_eq!(
        (hers["items"][0]["state"].as_str(), hers["items"][0]["reason"].as_str()),
        (Some("rejected"), Some(reason))
    );
    assert!(app.names("/entries?q=kiosk", &anna.auth).await.is_empty());
    assert!(app.names("/suggestions?state=open", &manager.auth).await.is_empty());
    assert_eq!(app.names("/suggestions?state=rejected", &manager.auth).await, ["Kiosk Eck"]);
}

#[tokio::test]
async fn hostile_input_is_refused_with_400_stores_nothing_and_markup_is_shown_as_text() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "directory", &anna.auth).await;
    let app = Directory { world };

    let with = |field: &str, value: Value| {
        let mut body = bakery();
        body[field] = value;
        body
    };
    let mut long_hours = bakery();
    long_hours["hours"]["fri"] = json!("x".repeat(61));
    let bodies = [
        with("website", json!("javascript:alert(1)")),
        with("website", json!("http://sonne.example/")),
        with("website", json!("https://")),
        with("website", json!("data:text/html,<b>hi</b>")),
        with("name", json!("")),
        with("name", json!("n".repeat(121))),
        with("offer", json!("o".repeat(1_001))),
        with("street", json!("s".repeat(121))),
        with("city", json!("c".repeat(81))),
        with("postal_code", json!("1234567890123")),
        with("phone", json!("9".repeat(41))),
        with("email", json!("not an address")),
        with("category", json!("casino")),
        with("time_zone", json!("Mars/Olympus")),
        with("name", json!(7)),
        with("owner", json!("someone-else")),
        long_hours,
        json!(["not", "an", "object"]),
    ];
    for body in &bodies {
        let (status, refused) = app.call(Method::POST, "/entries", &manager.auth, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {refused}");
        assert!(refused["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{refused}");
        let (status, refused) = app.call(Method::POST, "/suggestions", &anna.auth, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {refused}");
    }
    assert!(app.names("/entries", &anna.auth).await.is_empty(), "nothing was stored");
    assert!(app.names("/suggestions", &anna.auth).await.is_empty());
    assert!(app.names("/suggestions", &manager.auth).await.is_empty());
    app.expect(400, Method::GET, &format!("/entries?q={}", "q".repeat(121)), &anna.auth, None).await;

    // A change that fails changes nothing; an accepted edit is checked too.
    let sonne = app.entry(&manager.auth, bakery()).await;
    let bad = with("website", json!("javascript:alert(1)"));
    app.expect(400, Method::PUT, &format!("/entries/{sonne}"), &manager.auth, Some(bad)).await;
    let kept = app.expect(200, Method::GET, &format!("/entries/{sonne}"), &anna.auth, None).await;
    assert_eq!(kept["website"], "https://sonne.example/", "{kept}");
    let suggestion = app.suggest(&anna.auth, json!({ "name": "Deli", "category": "shop" })).await;
    let accept = format!("/suggestions/{suggestion}/accept");
    app.expect(400, Method::POST, &accept, &manager.auth, Some(json!({ "website": "http://deli.example" }))).await;
    app.expect(400, Method::POST, &accept, &manager.auth, Some(json!({ "unknown": true }))).await;
    let open = app.expect(200, Method::GET, &format!("/suggestions/{suggestion}"), &manager.auth, None).await;
    assert_eq!(open["state"], "open", "{open}");
    assert_eq!(app.names("/entries", &anna.auth).await, ["Bäckerei Sonne"]);

    // Markup is text on every page.
    let name = "<script>alert(1)</script> \"Deli\"";
    let deli = app
        .entry(&manager.auth, json!({ "name": name, "category": "shop", "offer": "<img src=x onerror=alert(1)>" }))
        .await;
    for path in ["/".to_owned(), format!("/entries/{deli}"), "/entries?q=deli".to_owned()] {
        let (status, html) = app.page(&anna.auth, &path).await;
        assert_eq!(status, 200, "{path}: {html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{path}: {html}");
        assert!(!html.contains("<script") && !html.contains("<img src=x"), "{path}: {html}");
    }
}
