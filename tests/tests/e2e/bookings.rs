//! Bookings end to end: staff define what can be booked and its rules,
//! residents book and cancel within them, neighbours see a slot taken
//! without learning by whom, staff block slots and cancel with a reason
//! the resident is told, and of fifty residents racing for one slot
//! exactly one wins.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const APP: &str = "/apps/bookings";

struct Bookings<'a> {
    world: World<'a>,
}

impl Bookings<'_> {
    async fn call(&self, method: Method, path: &str, who: &Auth, body: Option<Value>) -> (u16, Value) {
        self.world.call_below(APP, method, path, who, body).await
    }

    async fn expect(&self, status: u16, method: Method, path: &str, who: &Auth, body: Option<Value>) -> Value {
        self.world.expect_below(APP, status, method, path, who, body).await
    }

    /// Staff `who` adds a resource; answers its id.
    async fn resource(&self, who: &Auth, settings: Value) -> String {
        let created = self.expect(201, Method::POST, "/resources", who, Some(settings)).await;
        created["id"].as_str().expect("a resource id").to_owned()
    }

    async fn book(&self, who: &Auth, resource: &str, day: &str, start: &str, slots: u32) -> (u16, Value) {
        let body = json!({ "day": day, "start": start, "slots": slots });
        self.call(Method::POST, &format!("/resources/{resource}/bookings"), who, Some(body)).await
    }

    /// The state of the slot starting at `start` on `day`, as `who` sees it.
    async fn slot(&self, who: &Auth, resource: &str, day: &str, start: &str) -> Value {
        let view = self.expect(200, Method::GET, &format!("/resources/{resource}?day={day}"), who, None).await;
        view["slots"].as_array().unwrap().iter().find(|slot| slot["start"] == start).cloned().unwrap_or(Value::Null)
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

fn room() -> Value {
    json!({
        "name": "Common room",
        "description": "Ground floor, with a kitchen.",
        "slot_minutes": 60,
        "max_slots": 3,
        "horizon_days": 30,
        "quota": 2,
        "cancel_hours": 24
    })
}

#[tokio::test]
async fn residents_book_neighbours_see_it_taken_without_learning_who_and_cancel_in_time() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "bookings", &anna.auth).await;
    let app = Bookings { world };

    // Residents do not define resources; staff do.
    let (status, refused) = app.call(Method::POST, "/resources", &anna.auth, Some(room())).await;
    assert_eq!(status, 403, "{refused}");
    let room = app.resource(&manager.auth, room()).await;
    let listed = app.expect(200, Method::GET, "/resources", &ben.auth, None).await;
    assert_eq!(listed["items"][0]["name"], "Common room", "{listed}");
    assert_eq!(listed["items"][0]["hours"][0], "08:00-22:00", "{listed}");

    let day = days_from_today(3);
    let (status, booked) = app.book(&anna.auth, &room, &day, "10:00", 2).await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!((booked["start"].as_str(), booked["end"].as_str()), (Some("10:00"), Some("12:00")), "{booked}");
    assert_eq!(booked["state"], "active");
    assert!(is_rfc3339_utc_millis(booked["starts_at"].as_str().unwrap()), "{booked}");
    let booking = booked["id"].as_str().unwrap().to_owned();

    // Ben sees both slots taken and nothing about who took them.
    for start in ["10:00", "11:00"] {
        let slot = app.slot(&ben.auth, &room, &day, start).await;
        assert_eq!(slot["state"], "taken", "{slot}");
        assert!(slot.get("booking").is_none(), "{slot}");
    }
    let view = app.expect(200, Method::GET, &format!("/resources/{room}?day={day}"), &ben.auth, None).await;
    let text = view.to_string();
    assert!(!text.contains(&anna.user_id) && !text.contains(&booking) && !text.contains("anna"), "{text}");
    assert_eq!(app.slot(&anna.auth, &room, &day, "10:00").await["state"], "mine");
    assert_eq!(app.slot(&ben.auth, &room, &day, "12:00").await["state"], "free");
    app.expect(404, Method::GET, &format!("/bookings/{booking}"), &ben.auth, None).await;
    let (status, _) = app.call(Method::POST, &format!("/bookings/{booking}/cancel"), &ben.auth, None).await;
    assert_eq!(status, 404, "a neighbour cannot even find it");
    let page = app.page(&ben.auth, &format!("/resources/{room}?day={day}")).await;
    assert_eq!(page.0, 200);
    assert!(!page.1.contains(&anna.user_id) && !page.1.contains("anna"), "{}", page.1);

    // Booking a taken slot, or one overlapping it, answers 409 in words.
    for (start, slots) in [("10:00", 1), ("09:00", 2), ("11:00", 3)] {
        let (status, taken) = app.book(&ben.auth, &room, &day, start, slots).await;
        assert_eq!(status, 409, "{start}: {taken}");
        assert_eq!(taken["error"]["code"], "conflict", "{taken}");
        assert!(taken["error"]["message"].as_str().unwrap().starts_with("Already booked"), "{taken}");
    }

    // Staff see who booked; the owner sees her own.
    let all = app.expect(200, Method::GET, "/bookings", &manager.auth, None).await;
    assert_eq!(all["items"][0]["owner"], anna.user_id.as_str(), "{all}");
    let mine = app.expect(200, Method::GET, "/bookings", &anna.auth, None).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");
    assert!(mine["items"][0].get("owner").is_none(), "{mine}");
    assert!(app.expect(200, Method::GET, "/bookings", &ben.auth, None).await["items"].as_array().unwrap().is_empty());

    // Well before the deadline, she cancels; the slots are free again.
    let cancelled = app.expect(200, Method::POST, &format!("/bookings/{booking}/cancel"), &anna.auth, None).await;
    assert_eq!(cancelled["state"], "cancelled", "{cancelled}");
    let again = app.expect(409, Method::POST, &format!("/bookings/{booking}/cancel"), &anna.auth, None).await;
    assert_eq!(again["error"]["code"], "conflict", "{again}");
    assert_eq!(app.slot(&ben.auth, &room, &day, "10:00").await["state"], "free");
    let (status, rebooked) = app.book(&ben.auth, &room, &day, "10:00", 1).await;
    assert_eq!(status, 201, "{rebooked}");
}

#[tokio::test]
async fn the_quota_the_horizon_the_past_and_the_deadline_are_kept() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "bookings", &anna.auth).await;
    let app = Bookings { world };
    let room = app.resource(&manager.auth, room()).await;
    let day = days_from_today(2);

    // Two bookings at a time; the third is refused until one is cancelled.
    let (status, first) = app.book(&anna.auth, &room, &day, "08:00", 1).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(app.book(&anna.auth, &room, &day, "09:00", 1).await.0, 201);
    let (status, over) = app.book(&anna.auth, &room, &day, "13:00", 1).await;
    assert_eq!(status, 429, "{over}");
    assert_eq!(over["error"]["code"], "limit", "{over}");
    assert!(over["error"]["message"].as_str().unwrap().contains("2 bookings"), "{over}");
    let first = first["id"].as_str().unwrap();
    app.expect(200, Method::POST, &format!("/bookings/{first}/cancel"), &anna.auth, Some(json!({}))).await;
    assert_eq!(app.book(&anna.auth, &room, &day, "13:00", 1).await.0, 201);

    // Too far ahead, in the past, too long, outside the hours: 400, in words.
    for (day, start, slots) in [
        (days_from_today(40), "10:00", 1),
        (days_from_today(-1), "10:00", 1),
        (days_from_today(3), "10:00", 4),
        (days_from_today(3), "21:00", 2),
        (days_from_today(3), "07:00", 1),
        (days_from_today(3), "10:30", 1),
    ] {
        let (status, refused) = app.book(&anna.auth, &room, &day, start, slots).await;
        assert_eq!(status, 400, "{day} {start} {slots}: {refused}");
        assert!(refused["error"]["message"].as_str().is_some_and(|message| !message.is_empty()), "{refused}");
    }

    // With a deadline of 30 days, a booking in 3 days cannot be cancelled by her.
    let strict = json!({ "name": "Common room", "cancel_hours": 720, "quota": 5 });
    let changed = app.expect(200, Method::PUT, &format!("/resources/{room}"), &manager.auth, Some(strict)).await;
    assert_eq!((changed["cancel_hours"].as_u64(), changed["max_slots"].as_u64()), (Some(720), Some(3)), "{changed}");
    let (status, late) = app.book(&anna.auth, &room, &days_from_today(3), "15:00", 1).await;
    assert_eq!(status, 201, "{late}");
    let late = late["id"].as_str().unwrap();
    let refused = app.expect(403, Method::POST, &format!("/bookings/{late}/cancel"), &anna.auth, None).await;
    assert!(refused["error"]["message"].as_str().unwrap().contains("too late"), "{refused}");
    let still = app.expect(200, Method::GET, &format!("/bookings/{late}"), &anna.auth, None).await;
    assert_eq!(still["state"], "active", "{still}");
    // Residents do not change the rules.
    let (status, _) =
        app.call(Method::PUT, &format!("/resources/{room}"), &anna.auth, Some(json!({ "name": "Mine now" }))).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn staff_block_slots_and_cancel_a_booking_with_a_reason_the_resident_is_told() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "bookings", &anna.auth).await;
    let app = Bookings { world };
    let room = app.resource(&manager.auth, room()).await;
    let day = days_from_today(4);

    // A block for maintenance: residents see it blocked and cannot book it.
    let blocks = format!("/resources/{room}/blocks");
    let body = json!({ "day": day, "start": "14:00", "slots": 2, "reason": "Floor is polished" });
    let (status, _) = app.call(Method::POST, &blocks, &anna.auth, Some(body.clone())).await;
    assert_eq!(status, 403, "residents do not block");
    let block = app.expect(201, Method::POST, &blocks, &manager.auth, Some(body)).await;
    assert_eq!(block["kind"], "blocked", "{block}");
    assert_eq!(app.slot(&ben.auth, &room, &day, "15:00").await["state"], "blocked");
    let (status, taken) = app.book(&ben.auth, &room, &day, "15:00", 1).await;
    assert_eq!(status, 409, "{taken}");

    // Anna books; staff cancel it, and must say why.
    let (status, booked) = app.book(&anna.auth, &room, &day, "18:00", 1).await;
    assert_eq!(status, 201, "{booked}");
    let booking = booked["id"].as_str().unwrap();
    let cancel = format!("/bookings/{booking}/cancel");
    let (status, needs) = app.call(Method::POST, &cancel, &manager.auth, Some(json!({ "reason": " " }))).await;
    assert_eq!(status, 400, "{needs}");
    let reason = "A water pipe burst in the room.";
    let cancelled = app.expect(200, Method::POST, &cancel, &manager.auth, Some(json!({ "reason": reason }))).await;
    assert_eq!((cancelled["state"].as_str(), cancelled["reason"].as_str()), (Some("cancelled"), Some(reason)));
    assert_eq!(cancelled["cancelled_by_staff"], true, "{cancelled}");

    let notes = app.world.expect(200, Method::GET, "/api/me/notifications", Some(&anna.auth), None).await;
    let note = &notes["items"][0];
    let title = note["title"].as_str().unwrap_or_default();
    assert!(["Your booking was cancelled", "Deine Buchung wurde storniert"].contains(&title), "{notes}");
    assert!(note.to_string().contains(reason), "the reason reaches her: {notes}");
    let none = app.world.expect(200, Method::GET, "/api/me/notifications", Some(&ben.auth), None).await;
    assert_eq!(none["items"], json!([]), "{none}");
    let hers = app.expect(200, Method::GET, &format!("/bookings/{booking}"), &anna.auth, None).await;
    assert_eq!(hers["reason"], reason, "{hers}");
    assert_eq!(app.slot(&ben.auth, &room, &day, "18:00").await["state"], "free", "the slot is free again");

    // Lifting the block frees its slots too.
    let block = block["id"].as_str().unwrap();
    app.expect(200, Method::POST, &format!("/bookings/{block}/cancel"), &manager.auth, None).await;
    assert_eq!(app.slot(&ben.auth, &room, &day, "14:00").await["state"], "free");
}

#[tokio::test]
async fn of_fifty_residents_racing_for_one_slot_on_two_nodes_exactly_one_books_it() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let mut residents = Vec::new();
    for n in 0..50 {
        residents.push(world.resident(&format!("r{n}"), "acme", "elm-5").await);
    }
    node.wait_for_app(&world.client, "bookings", &residents[0]).await;
    let app = Bookings { world };
    let room = app.resource(&manager.auth, room()).await;
    let day = days_from_today(5);

    // Two nodes on the one database (on PostgreSQL, as a cluster runs):
    // half of the residents reach each.
    let second = deployment.start();
    second.wait_for_app(&app.world.client, "bookings", &residents[1]).await;
    let client = client();
    let path = format!("{APP}/resources/{room}/bookings");
    let urls = [node.url(&path), second.url(&path)];
    let attempts = residents.iter().enumerate().map(|(n, (name, value))| {
        let request = client
            .post(&urls[n % 2])
            .header(*name, value.clone())
            .json(&json!({ "day": day, "start": "19:00", "slots": 1 }));
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap_or(Value::Null))
        }
    });
    let outcomes = futures::future::join_all(attempts).await;
    let won = outcomes.iter().filter(|(status, _)| *status == 201).count();
    let lost: Vec<&Value> = outcomes.iter().filter(|(status, _)| *status == 409).map(|(_, body)| body).collect();
    assert_eq!(won, 1, "{outcomes:?}\n{}", node.log());
    assert_eq!(lost.len(), 49, "{outcomes:?}\n{}", node.log());
    assert!(
        lost.iter().all(|body| body["error"]["code"] == "conflict"
            && body["error"]["message"].as_str().unwrap_or_default().starts_with("Already booked")
            && body["error"]["slot"] == format!("{day}T19:00")),
        "{lost:?}"
    );

    // Staff find exactly one booking of the slot.
    let all = app.expect(200, Method::GET, &format!("/bookings?resource={room}"), &manager.auth, None).await;
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{all}");
    assert_eq!((items[0]["day"].as_str(), items[0]["start"].as_str()), (Some(day.as_str()), Some("19:00")));
    assert_eq!(app.slot(&residents[7], &room, &day, "19:00").await["state"], "taken");
}

#[tokio::test]
async fn other_properties_and_customers_cannot_see_or_book_a_resource() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let elsewhere = world.resident("carol", "acme", "oak-1").await;
    let stranger = world.resident("mallory", "other-co", "elm-5").await;
    let other_manager = world.staff("otto", "other-co", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "bookings", &anna.auth).await;
    let app = Bookings { world };
    let room = app.resource(&manager.auth, room()).await;
    let day = days_from_today(3);
    let (status, booked) = app.book(&anna.auth, &room, &day, "10:00", 1).await;
    assert_eq!(status, 201, "{booked}");
    let booking = booked["id"].as_str().unwrap();

    for who in [&elsewhere, &stranger, &other_manager.auth] {
        let listed = app.expect(200, Method::GET, "/resources", who, None).await;
        assert_eq!(listed["items"], json!([]), "{listed}");
        app.expect(404, Method::GET, &format!("/resources/{room}?day={day}"), who, None).await;
        let (status, _) = app.book(who, &room, &day, "12:00", 1).await;
        assert_eq!(status, 404);
        app.expect(404, Method::GET, &format!("/bookings/{booking}"), who, None).await;
        let (status, _) = app.call(Method::POST, &format!("/bookings/{booking}/cancel"), who, None).await;
        assert_eq!(status, 404);
    }
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/resources/{room}/blocks"),
            &other_manager.auth,
            Some(json!({ "day": day, "start": "12:00" })),
        )
        .await;
    assert_eq!(status, 404, "another customer's manager reaches nothing of it");
    let (status, _) = app
        .call(Method::PUT, &format!("/resources/{room}"), &other_manager.auth, Some(json!({ "name": "Ours" })))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn hostile_input_is_refused_with_400_and_markup_is_shown_as_text() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "bookings", &anna.auth).await;
    let app = Bookings { world };
    let name = "<script>alert(1)</script> \"Room\"";
    let room =
        app.resource(&manager.auth, json!({ "name": name, "description": "<img src=x onerror=alert(1)>" })).await;
    let day = days_from_today(3);
    let bookings = format!("/resources/{room}/bookings");

    for body in [
        json!({ "day": "2027-02-30", "start": "10:00", "slots": 1 }),
        json!({ "day": "<b>today</b>", "start": "10:00", "slots": 1 }),
        json!({ "day": day, "start": "25:00", "slots": 1 }),
        json!({ "day": day, "start": "10:00", "slots": 1_000_000 }),
        json!({ "day": day, "start": "10:00", "slots": 1e40 }),
        json!({ "day": day, "start": "10:00", "slots": -1 }),
        json!({ "day": day, "start": "10:00", "slots": "two" }),
        json!({ "day": day, "start": "10:00", "slots": 1, "owner": "someone-else" }),
        json!(["not", "an", "object"]),
    ] {
        let (status, refused) = app.call(Method::POST, &bookings, &anna.auth, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {refused}");
    }
    for query in ["day=2027-13-01", "day=%3Cscript%3E", "week=yesterday", "day=99999999999-01-01"] {
        app.expect(400, Method::GET, &format!("/resources/{room}?{query}"), &anna.auth, None).await;
    }
    for settings in [
        json!({ "name": "" }),
        json!({ "name": "x".repeat(81) }),
        json!({ "name": "Room", "max_slots": 17 }),
        json!({ "name": "Room", "slot_minutes": 7 }),
        json!({ "name": "Room", "hours": { "mon": "22:00-08:00" } }),
        json!({ "name": "Room", "time_zone": "Mars/Olympus" }),
        json!({ "name": "Room", "quota": 4_294_967_296u64 }),
        json!({ "name": "Room", "unknown": true }),
    ] {
        let (status, refused) = app.call(Method::POST, "/resources", &manager.auth, Some(settings.clone())).await;
        assert_eq!(status, 400, "{settings}: {refused}");
    }

    // The name is text on every page.
    for path in ["/".to_owned(), format!("/resources/{room}?day={day}"), format!("/resources/{room}?week={day}")] {
        let (status, html) = app.page(&anna.auth, &path).await;
        assert_eq!(status, 200, "{path}: {html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{path}: {html}");
        assert!(!html.contains("<script") && !html.contains("<img"), "{path}: {html}");
    }
}

#[tokio::test]
async fn a_browser_books_by_form_and_a_taken_slot_is_said_on_the_page() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "bookings", &anna.auth).await;
    let app = Bookings { world };
    let room = app.resource(&manager.auth, room()).await;
    let day = days_from_today(6);

    let (status, page) = app.page(&anna.auth, &format!("/resources/{room}?day={day}")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("action=\"../resources/{room}/bookings\"")), "{page}");
    assert!(page.contains("<label for=\"book-start\">Start</label>"), "{page}");

    let form = |who: &Auth| {
        client()
            .post(node.url(&format!("{APP}/resources/{room}/bookings")))
            .header(who.0, who.1.clone())
            .header("accept", "text/html")
            .form(&[("day", day.as_str()), ("start", "20:00"), ("slots", "1")])
            .send()
    };
    let booked = form(&anna.auth).await.unwrap();
    assert_eq!(booked.status(), 303);
    let location = booked.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with(&format!("/apps/bookings/resources/{room}?day={day}")), "{location}");

    let refused = form(&ben.auth).await.unwrap();
    assert_eq!(refused.status(), 409);
    let html = refused.text().await.unwrap();
    assert!(html.contains("role=\"alert\"") && html.contains("Already booked"), "{html}");
    assert!(html.contains("<html lang=\"en\">"), "{html}");

    // In German, for a browser that asks for it.
    let german = client()
        .get(node.url(&format!("{APP}/bookings")))
        .header(anna.auth.0, anna.auth.1.clone())
        .header("accept", "text/html")
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    let html = german.text().await.unwrap();
    assert!(html.contains("Deine Buchungen") || html.contains("Your bookings"), "{html}");
}
