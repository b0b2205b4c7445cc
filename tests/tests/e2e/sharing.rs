//! Sharing end to end: a resident offers a drill, a neighbour borrows it
//! through its whole life (requested, accepted, handed over, returned),
//! only the two of them ever read the loan (not a flatmate, not staff, not
//! another building), of two overlapping requests only one can be
//! accepted, and hostile input is refused without changing anything.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const APP: &str = "/apps/sharing";

struct Sharing<'a> {
    world: World<'a>,
}

impl Sharing<'_> {
    async fn call(&self, method: Method, path: &str, who: &Auth, body: Option<Value>) -> (u16, Value) {
        self.world.call_below(APP, method, path, who, body).await
    }

    async fn expect(&self, status: u16, method: Method, path: &str, who: &Auth, body: Option<Value>) -> Value {
        self.world.expect_below(APP, status, method, path, who, body).await
    }

    /// `who` offers a thing; answers its id.
    async fn offer(&self, who: &Auth, name: &str, max_days: u32) -> String {
        let body =
            json!({ "name": name, "description": "Ask me for the bits.", "category": "tools", "max_days": max_days });
        let created = self.expect(201, Method::POST, "/items", who, Some(body)).await;
        assert_eq!(created["name"], name, "{created}");
        created["id"].as_str().expect("an item id").to_owned()
    }

    async fn ask(&self, who: &Auth, item: &str, from: i64, due: i64) -> (u16, Value) {
        let body = json!({ "from": days_from_today(from), "due": days_from_today(due) });
        self.call(Method::POST, &format!("/items/{item}/loans"), who, Some(body)).await
    }

    async fn step(&self, who: &Auth, loan: &str, step: &str) -> (u16, Value) {
        self.call(Method::POST, &format!("/loans/{loan}/{step}"), who, None).await
    }
}

fn steps(loan: &Value) -> Vec<Value> {
    loan["history"].as_array().expect("a history").iter().map(|line| line["step"].clone()).collect()
}

#[tokio::test]
async fn anna_lends_ben_a_drill_and_only_the_two_of_them_follow_the_loan() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let cara = world.resident_person("cara", "acme", "elm-5").await;
    let mia = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let dave = world.resident("dave", "acme", "oak-1").await;
    node.wait_for_app(&world.client, "sharing", &anna.auth).await;
    let app = Sharing { world };

    let drill = app.offer(&anna.auth, "Drill", 7).await;
    let listed = app.expect(200, Method::GET, "/items", &ben.auth, None).await;
    assert_eq!(listed["items"][0]["name"], "Drill", "{listed}");
    assert_eq!(listed["items"][0]["report"], format!("/moderation/report/sharing/items/{drill}"), "{listed}");
    // Another building sees nothing of it.
    let elsewhere = app.expect(200, Method::GET, "/items", &dave, None).await;
    assert_eq!(elsewhere["items"], json!([]), "{elsewhere}");
    app.expect(404, Method::GET, &format!("/items/{drill}"), &dave, None).await;
    assert_eq!(app.ask(&dave, &drill, 1, 2).await.0, 404);

    // Ben asks for three days.
    let (status, asked) = app.ask(&ben.auth, &drill, 1, 3).await;
    assert_eq!(status, 201, "{asked}");
    assert_eq!((asked["state"].as_str(), asked["role"].as_str()), (Some("requested"), Some("borrower")), "{asked}");
    assert_eq!(asked["due"], days_from_today(3), "{asked}");
    let loan = asked["id"].as_str().unwrap().to_owned();
    let notes = app.world.expect(200, Method::GET, "/api/me/notifications", Some(&anna.auth), None).await;
    assert!(notes["items"][0]["title"].as_str().unwrap_or_default().contains("Drill"), "{notes}");
    assert!(!notes.to_string().contains("@residents.example"), "never an email: {notes}");

    // Neither a flatmate, nor staff, nor another building reads or moves it.
    for who in [&cara.auth, &mia.auth, &dave] {
        app.expect(404, Method::GET, &format!("/loans/{loan}"), who, None).await;
        assert_eq!(app.step(who, &loan, "accept").await.0, 404);
        let theirs = app.expect(200, Method::GET, "/loans?role=lender", who, None).await;
        assert_eq!(theirs["items"], json!([]), "{theirs}");
    }

    // Ben cannot accept his own request; Anna can.
    let (status, refused) = app.step(&ben.auth, &loan, "accept").await;
    assert!(status == 403 || status == 400, "{status}: {refused}");
    assert_eq!(app.expect(200, Method::GET, &format!("/loans/{loan}"), &anna.auth, None).await["state"], "requested");
    let accepted = app.expect(200, Method::POST, &format!("/loans/{loan}/accept"), &anna.auth, None).await;
    assert_eq!(accepted["state"], "accepted", "{accepted}");
    let (status, twice) = app.step(&anna.auth, &loan, "accept").await;
    assert_eq!(status, 409, "{twice}");
    let handed = app.expect(200, Method::POST, &format!("/loans/{loan}/hand-over"), &anna.auth, None).await;
    assert_eq!(handed["state"], "handed_over", "{handed}");

    let bens = app.expect(200, Method::GET, &format!("/loans/{loan}"), &ben.auth, None).await;
    assert_eq!(
        (bens["state"].as_str(), bens["due"].as_str()),
        (Some("handed_over"), Some(days_from_today(3).as_str()))
    );
    let told = app.world.expect(200, Method::GET, "/api/me/notifications", Some(&ben.auth), None).await;
    assert!(told.to_string().contains("Handed over to you: Drill"), "{told}");
    let current = app.expect(200, Method::GET, "/loans?when=current", &ben.auth, None).await;
    assert_eq!(current["items"][0]["id"], loan.as_str(), "{current}");

    // Only the lender confirms the return; then it is past for both.
    assert_eq!(app.step(&ben.auth, &loan, "return").await.0, 403);
    let returned = app.expect(200, Method::POST, &format!("/loans/{loan}/return"), &anna.auth, None).await;
    assert_eq!(returned["state"], "returned", "{returned}");
    let expected = [json!(null), json!("accept"), json!("hand_over"), json!("return")];
    for who in [&anna.auth, &ben.auth] {
        let seen = app.expect(200, Method::GET, &format!("/loans/{loan}"), who, None).await;
        assert_eq!(steps(&seen), expected, "{seen}");
        let times: Vec<&str> = seen["history"].as_array().unwrap().iter().map(|l| l["at"].as_str().unwrap()).collect();
        assert!(times.iter().all(|at| is_rfc3339_utc_millis(at)) && times.windows(2).all(|w| w[0] <= w[1]), "{seen}");
    }
    let past = app.expect(200, Method::GET, "/loans?when=past", &ben.auth, None).await;
    assert_eq!(past["items"][0]["state"], "returned", "{past}");
    let lent = app.expect(200, Method::GET, "/loans?role=lender&when=current", &anna.auth, None).await;
    assert_eq!(lent["items"], json!([]), "{lent}");
}

#[tokio::test]
async fn of_two_overlapping_requests_only_one_can_be_accepted() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let cara = world.resident_person("cara", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "sharing", &anna.auth).await;
    let app = Sharing { world };
    let ladder = app.offer(&anna.auth, "Ladder", 5).await;

    let (_, first) = app.ask(&ben.auth, &ladder, 2, 4).await;
    let (_, second) = app.ask(&cara.auth, &ladder, 4, 6).await;
    let (_, apart) = app.ask(&cara.auth, &ladder, 8, 9).await;
    let [first, second, apart] = [&first, &second, &apart].map(|loan| loan["id"].as_str().unwrap().to_owned());
    let lending = app.expect(200, Method::GET, "/loans?role=lender", &anna.auth, None).await;
    assert_eq!(lending["items"].as_array().unwrap().len(), 3, "{lending}");

    app.expect(200, Method::POST, &format!("/loans/{first}/accept"), &anna.auth, None).await;
    let (status, taken) = app.step(&anna.auth, &second, "accept").await;
    assert_eq!(status, 409, "{taken}");
    assert_eq!(taken["error"]["code"], "conflict", "{taken}");
    assert!(taken["error"]["message"].as_str().unwrap().contains(&days_from_today(4)), "{taken}");
    assert_eq!(app.expect(200, Method::GET, &format!("/loans/{second}"), &cara.auth, None).await["state"], "requested");
    app.expect(200, Method::POST, &format!("/loans/{apart}/accept"), &anna.auth, None).await;

    // Ben cancels before the hand-over: the days are free for Cara.
    let cancelled = app.expect(200, Method::POST, &format!("/loans/{first}/cancel"), &ben.auth, None).await;
    assert_eq!(cancelled["state"], "cancelled", "{cancelled}");
    assert_eq!(app.step(&anna.auth, &first, "hand-over").await.0, 409);
    let accepted = app.expect(200, Method::POST, &format!("/loans/{second}/accept"), &anna.auth, None).await;
    assert_eq!(accepted["state"], "accepted", "{accepted}");
    // The lender declines only a request, and the borrower cannot decline.
    assert_eq!(app.step(&cara.auth, &second, "decline").await.0, 403);
    assert_eq!(app.step(&anna.auth, &second, "decline").await.0, 409);
}

#[tokio::test]
async fn hostile_input_is_refused_and_changes_nothing() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "sharing", &anna.auth).await;
    let app = Sharing { world };
    let drill = app.offer(&anna.auth, "<script>alert(1)</script> Drill", 3).await;
    let loans = format!("/items/{drill}/loans");

    for body in [
        json!({ "from": days_from_today(-1), "due": days_from_today(1) }),
        json!({ "from": days_from_today(3), "due": days_from_today(2) }),
        json!({ "from": days_from_today(1), "due": days_from_today(4) }),
        json!({ "from": "2027-02-30", "due": "2027-03-01" }),
        json!({ "from": "<b>soon</b>", "due": days_from_today(2) }),
        json!({ "from": days_from_today(1), "due": days_from_today(2), "lender": ben.user_id }),
        json!({ "from": days_from_today(1), "due": days_from_today(2), "note": "x".repeat(501) }),
        json!(["not", "an", "object"]),
    ] {
        let (status, refused) = app.call(Method::POST, &loans, &ben.auth, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {refused}");
        assert!(refused["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{refused}");
    }
    let (status, own) = app.ask(&anna.auth, &drill, 1, 2).await;
    assert_eq!(status, 403, "{own}");
    for who in [&anna.auth, &ben.auth] {
        for role in ["borrower", "lender"] {
            let none = app.expect(200, Method::GET, &format!("/loans?role={role}"), who, None).await;
            assert_eq!(none["items"], json!([]), "nothing was stored: {none}");
        }
    }

    for item in [
        json!({ "name": "", "category": "tools", "max_days": 3 }),
        json!({ "name": "x".repeat(121), "category": "tools", "max_days": 3 }),
        json!({ "name": "Saw", "description": "x".repeat(2_001), "category": "tools", "max_days": 3 }),
        json!({ "name": "Saw", "category": "weapons", "max_days": 3 }),
        json!({ "name": "Saw", "category": "tools", "max_days": 0 }),
        json!({ "name": "Saw", "category": "tools", "max_days": 1e40 }),
        json!({ "name": "Saw", "category": "tools", "max_days": 3, "owner": "someone" }),
    ] {
        let (status, refused) = app.call(Method::POST, "/items", &anna.auth, Some(item.clone())).await;
        assert_eq!(status, 400, "{item}: {refused}");
    }
    // Only the owner changes or withdraws a thing.
    let change = json!({ "name": "Mine now", "category": "tools", "max_days": 3 });
    assert_eq!(app.call(Method::PUT, &format!("/items/{drill}"), &ben.auth, Some(change)).await.0, 403);
    assert_eq!(app.call(Method::DELETE, &format!("/items/{drill}"), &ben.auth, None).await.0, 403);
    let (status, _) = app.call(Method::GET, "/loans/not-a-loan/accept", &ben.auth, None).await;
    assert_eq!(status, 405);
    assert_eq!(app.step(&ben.auth, "00000000-0000-4000-8000-000000000000", "accept").await.0, 404);
    assert_eq!(app.call(Method::GET, "/loans?role=staff", &ben.auth, None).await.0, 400);
    let still = app.expect(200, Method::GET, &format!("/items/{drill}"), &ben.auth, None).await;
    assert_eq!(
        (still["name"].as_str(), still["available"].as_bool()),
        (Some("<script>alert(1)</script> Drill"), Some(true))
    );

    // The name is text on the pages; withdrawn, it cannot be asked for.
    let page = client()
        .get(node.url(&format!("{APP}/items/{drill}")))
        .header(ben.auth.0, ben.auth.1.clone())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Drill") && !html.contains("<script"), "{html}");
    assert!(!html.contains("@residents.example"), "{html}");
    let withdrawn = app.expect(200, Method::DELETE, &format!("/items/{drill}"), &anna.auth, None).await;
    assert_eq!(withdrawn["withdrawn"], true, "{withdrawn}");
    assert_eq!(app.ask(&ben.auth, &drill, 1, 2).await.0, 409);
    let listed = app.expect(200, Method::GET, "/items", &ben.auth, None).await;
    assert_eq!(listed["items"], json!([]), "{listed}");
}
