//! Contract 0.2 end to end, through a guest that exposes it (the `desk`
//! fixture): who reads a document of a unit, of staff and of participants;
//! what staff reach and what they never reach; replies; unique keys under
//! a race; and queries ranging over and ordered by declared fields.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

struct Desk<'a> {
    world: World<'a>,
}

impl Desk<'_> {
    async fn call(&self, method: Method, path: &str, who: &Auth, body: Option<Value>) -> (u16, Value) {
        self.world.call_below("/apps/desk", method, path, who, body).await
    }

    async fn expect(&self, status: u16, method: Method, path: &str, who: &Auth, body: Option<Value>) -> Value {
        self.world.expect_below("/apps/desk", status, method, path, who, body).await
    }

    async fn ids(&self, path: &str, who: &Auth) -> Vec<String> {
        let page = self.expect(200, Method::GET, path, who, None).await;
        page["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
    }
}

async fn desk_deployment() -> Deployment {
    let deployment = Deployment::new().await;
    deployment.install_ok(DESK_WASM, fixture_manifest("desk"));
    deployment
}

/// A second person in `who`'s occupancy, signed up with its own code.
async fn flatmate(world: &mut World<'_>, name: &str, occupancy: &str) -> Person {
    let admin = world.customer("acme").await.admin;
    let code = world
        .expect(
            201,
            Method::POST,
            &format!("/api/occupancies/{occupancy}/activation-codes"),
            Some(&admin),
            Some(json!({})),
        )
        .await;
    let email = format!("{name}@residents.example");
    let signup = json!({ "name": name, "email": email, "password": PASSWORD, "activation_code": code["code"] });
    world.expect(201, Method::POST, "/api/auth/signup", None, Some(signup)).await;
    let mail = world.deployment.wait_for_mail(&email, "Confirm your email address").await;
    let token = link_parameter(&mail, "token").expect("a verification token");
    world.expect(204, Method::POST, "/api/auth/verify-email", None, Some(json!({ "token": token }))).await;
    let (auth, user_id) = world.login(&email, PASSWORD).await;
    Person { auth, user_id, email, occupancy: Some(occupancy.to_owned()), unit: None }
}

#[tokio::test]
async fn audiences_are_decided_in_the_query_for_units_staff_and_participants() {
    let deployment = desk_deployment().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = flatmate(&mut world, "ben", anna.occupancy.as_deref().unwrap()).await;
    let carl = world.resident_person("carl", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let stranger = world.resident_person("sven", "other-co", "oak-1").await;
    node.wait_for_app(&world.client, "desk", &anna.auth).await;
    let desk = Desk { world };

    // Who the host says they are.
    let me = desk.expect(200, Method::GET, "/whoami", &manager.auth, None).await;
    assert_eq!(me["staff"], true, "{me}");
    let me = desk.expect(200, Method::GET, "/whoami", &anna.auth, None).await;
    assert!(me["staff"] == false && me["unit"].is_string(), "{me}");

    let unit =
        desk.expect(201, Method::POST, "/tickets?visibility=unit", &anna.auth, Some(json!({ "t": "tap" }))).await;
    let staff =
        desk.expect(201, Method::POST, "/tickets?visibility=staff", &anna.auth, Some(json!({ "t": "rent" }))).await;
    let private =
        desk.expect(201, Method::POST, "/tickets?visibility=private", &anna.auth, Some(json!({ "t": "me" }))).await;
    let carl_subject = carl.user_id.clone();
    let talk = desk
        .expect(
            201,
            Method::POST,
            &format!("/tickets?visibility=participants&with={carl_subject}"),
            &anna.auth,
            Some(json!({ "t": "hi" })),
        )
        .await;
    // Only people of the property take part; someone elsewhere is refused.
    let elsewhere = format!("/tickets?visibility=participants&with={}", stranger.user_id);
    let (status, refused) = desk.call(Method::POST, &elsewhere, &anna.auth, Some(json!({ "t": "psst" }))).await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused.to_string().contains("not a person of this property"), "{refused}");
    let [unit, staff, private, talk] =
        [&unit, &staff, &private, &talk].map(|doc| doc["id"].as_str().unwrap().to_owned());

    let mut anna_sees = desk.ids("/tickets", &anna.auth).await;
    anna_sees.sort();
    let mut all = vec![unit.clone(), staff.clone(), private.clone(), talk.clone()];
    all.sort();
    assert_eq!(anna_sees, all, "the owner reads all of her own");
    assert_eq!(desk.ids("/tickets", &ben.auth).await, std::slice::from_ref(&unit), "her flatmate reads the unit's");
    assert_eq!(
        desk.ids("/tickets", &carl.auth).await,
        std::slice::from_ref(&talk),
        "a participant reads the conversation only"
    );
    let mut staff_sees = desk.ids("/tickets", &manager.auth).await;
    staff_sees.sort();
    let mut expected = vec![unit.clone(), staff.clone()];
    expected.sort();
    assert_eq!(staff_sees, expected, "staff read unit and staff documents, never private talk");
    assert!(desk.ids("/tickets", &stranger.auth).await.is_empty(), "another customer sees nothing");

    // Guessed ids read as absent, the same way for every hidden document.
    for (who, id) in [
        (&ben.auth, &private),
        (&ben.auth, &talk),
        (&carl.auth, &unit),
        (&manager.auth, &private),
        (&manager.auth, &talk),
    ] {
        desk.expect(404, Method::GET, &format!("/tickets/{id}"), who, None).await;
        desk.expect(404, Method::PUT, &format!("/tickets/{id}"), who, Some(json!({ "t": "mine now" }))).await;
    }
    // Staff change what they reach; a flatmate reads but does not change.
    desk.expect(
        200,
        Method::PUT,
        &format!("/tickets/{unit}"),
        &manager.auth,
        Some(json!({ "t": "tap", "state": "closed" })),
    )
    .await;
    desk.expect(404, Method::PUT, &format!("/tickets/{unit}"), &ben.auth, Some(json!({ "t": "mine" }))).await;
    desk.expect(404, Method::DELETE, &format!("/tickets/{unit}"), &manager.auth, None).await;
    let changed = desk.expect(200, Method::GET, &format!("/tickets/{unit}"), &anna.auth, None).await;
    assert_eq!(changed["data"]["state"], "closed", "{changed}");
    assert_eq!(changed["owner"], anna.user_id.as_str(), "an update by staff keeps the owner: {changed}");
}

#[tokio::test]
async fn a_staff_reply_reaches_the_tickets_owner_and_an_internal_note_never_does() {
    let deployment = desk_deployment().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let carl = world.resident_person("carl", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "desk", &anna.auth).await;
    let desk = Desk { world };

    let ticket =
        desk.expect(201, Method::POST, "/tickets?visibility=staff", &anna.auth, Some(json!({ "t": "heating" }))).await;
    let ticket = ticket["id"].as_str().unwrap().to_owned();
    let replies = format!("/tickets/{ticket}/replies");
    let answer = desk
        .expect(
            201,
            Method::POST,
            &format!("{replies}?visibility=staff"),
            &manager.auth,
            Some(json!({ "t": "on my way" })),
        )
        .await;
    assert_eq!(answer["parent"], ticket.as_str(), "{answer}");
    desk.expect(
        201,
        Method::POST,
        "/tickets?visibility=staff",
        &manager.auth,
        Some(json!({ "internal": "tenant is difficult" })),
    )
    .await;

    let thread = desk.expect(200, Method::GET, &replies, &anna.auth, None).await;
    assert_eq!(thread["items"][0]["data"]["t"], "on my way", "{thread}");
    let everything = desk.expect(200, Method::GET, "/tickets", &anna.auth, None).await;
    assert!(!everything.to_string().contains("difficult"), "the internal note never reaches her: {everything}");
    let staff_view = desk.expect(200, Method::GET, "/tickets", &manager.auth, None).await;
    assert!(staff_view.to_string().contains("difficult"), "{staff_view}");
    // Someone who cannot read the ticket can neither read nor answer it.
    assert!(desk.ids(&replies, &carl.auth).await.is_empty());
    let (status, refused) = desk.call(Method::POST, &replies, &carl.auth, Some(json!({ "t": "me too" }))).await;
    assert_eq!(status, 400, "{refused}");
}

#[tokio::test]
async fn of_fifty_residents_racing_for_one_slot_exactly_one_wins() {
    let deployment = desk_deployment().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let mut residents = Vec::new();
    for n in 0..50 {
        residents.push(world.resident(&format!("r{n}"), "acme", "elm-5").await);
    }
    node.wait_for_app(&world.client, "desk", &residents[0]).await;
    let client = client();
    let url = node.url("/apps/desk/slots");
    let attempts = residents.iter().map(|(name, value)| {
        let request =
            client.post(&url).header(*name, value.clone()).json(&json!({ "day": "2027-03-12", "time": "08:00" }));
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
    assert!(lost.iter().all(|body| body["taken"] == "slot:2027-03-12/08:00"), "{lost:?}");

    // Moving a booking claims the new slot and frees the old one, or does nothing.
    let desk = Desk { world };
    let first = desk
        .expect(201, Method::POST, "/slots", &residents[0], Some(json!({ "day": "2027-03-13", "time": "09:00" })))
        .await;
    let second = desk
        .expect(201, Method::POST, "/slots", &residents[1], Some(json!({ "day": "2027-03-13", "time": "10:00" })))
        .await;
    let second_id = second["id"].as_str().unwrap();
    let taken = desk
        .expect(
            409,
            Method::PUT,
            &format!("/slots/{second_id}"),
            &residents[1],
            Some(json!({ "day": "2027-03-13", "time": "09:00" })),
        )
        .await;
    assert_eq!(taken["taken"], "slot:2027-03-13/09:00");
    let kept = desk.expect(200, Method::GET, "/slots?day=2027-03-13", &residents[1], None).await;
    assert!(kept.to_string().contains("10:00"), "a refused move changes nothing: {kept}");
    assert_eq!(first["keys"], json!(["slot:2027-03-13/09:00"]), "{first}");
}

#[tokio::test]
async fn queries_range_over_and_order_by_declared_fields_only_and_page_with_a_cursor() {
    let deployment = desk_deployment().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "desk", &anna.auth).await;
    let desk = Desk { world };
    for (n, state) in (0..7).zip(["open", "closed", "open", "open", "closed", "open", "open"]) {
        let ticket = json!({ "n": n, "state": state, "activity": 1_000 + (n * 37) % 7 });
        desk.expect(201, Method::POST, "/tickets?visibility=unit", &anna.auth, Some(ticket)).await;
    }
    desk.expect(201, Method::POST, "/tickets?visibility=unit", &anna.auth, Some(json!({ "state": "open" }))).await;

    // The staff queue: open ones, latest activity first, two per page.
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = desk
            .expect(
                200,
                Method::GET,
                &format!("/tickets?state=open&order=-activity&limit=2{after}"),
                &manager.auth,
                None,
            )
            .await;
        seen.extend(page["items"].as_array().unwrap().iter().map(|item| item["data"]["activity"].as_i64().unwrap()));
        match page["next"].as_str() {
            Some(next) => after = format!("&after={next}"),
            None => break,
        }
    }
    let mut expected: Vec<i64> = [0, 2, 3, 5, 6].iter().map(|n| 1_000 + (n * 37) % 7).collect();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, expected, "descending, every open one with the field once, none without it");

    let later = desk.expect(200, Method::GET, "/tickets?after_activity=1003&order=activity", &anna.auth, None).await;
    let later: Vec<i64> =
        later["items"].as_array().unwrap().iter().map(|item| item["data"]["activity"].as_i64().unwrap()).collect();
    assert!(later.windows(2).all(|pair| pair[0] <= pair[1]) && later.iter().all(|a| *a > 1003), "{later:?}");

    // Ranges and orders on fields no index declares are refused, not slow.
    let (status, refused) = desk.call(Method::GET, "/tickets?field=n", &anna.auth, None).await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused.to_string().contains("index"), "{refused}");
    let (status, _) = desk.call(Method::GET, "/tickets?order=n", &anna.auth, None).await;
    assert_eq!(status, 400);
    // A cursor from one order is no cursor in another.
    let page = desk.expect(200, Method::GET, "/tickets?order=activity&limit=1", &anna.auth, None).await;
    let next = page["next"].as_str().unwrap();
    let (status, _) = desk.call(Method::GET, &format!("/tickets?after={next}"), &anna.auth, None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn staff_are_notified_by_role_and_residents_never_become_staff_by_what_they_send() {
    let deployment = desk_deployment().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let elsewhere = world.staff("otto", "acme", "property-manager", Some("oak-2")).await;
    node.wait_for_app(&world.client, "desk", &anna.auth).await;
    let desk = Desk { world };

    let told = desk.expect(200, Method::POST, "/staff-notice", &anna.auth, None).await;
    assert_eq!(told["notified"], 1, "the manager of her property, no one else: {told}");
    let notes = desk.world.expect(200, Method::GET, "/api/me/notifications", Some(&manager.auth), None).await;
    assert_eq!(notes["items"][0]["title"], "A new ticket", "{notes}");
    let none = desk.world.expect(200, Method::GET, "/api/me/notifications", Some(&elsewhere.auth), None).await;
    assert_eq!(none["items"], json!([]), "{none}");

    // A body claiming staff powers is just a body.
    let staff_note = desk
        .expect(201, Method::POST, "/tickets?visibility=staff", &manager.auth, Some(json!({ "internal": "x" })))
        .await;
    let id = staff_note["id"].as_str().unwrap();
    let (status, _) = desk.call(Method::GET, &format!("/tickets/{id}?staff=true"), &anna.auth, None).await;
    assert_eq!(status, 404);
    let me = desk.expect(200, Method::GET, "/whoami", &anna.auth, None).await;
    assert_eq!(me["staff"], false);
}
