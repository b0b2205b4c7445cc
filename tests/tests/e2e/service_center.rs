//! The service center end to end, through its JSON API and its pages:
//! residents file tickets their flatmates follow and nobody else sees;
//! staff work the queue (filtered, latest activity first), take tickets,
//! move them through their states, answer and keep internal notes no
//! resident ever reads; each side hears of the other's steps.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const APP: &str = "/apps/service-center";

struct Center<'a> {
    world: World<'a>,
}

impl Center<'_> {
    async fn expect(&self, status: u16, method: Method, path: &str, who: &Auth, body: Option<Value>) -> Value {
        self.world.expect_below(APP, status, method, path, who, body).await
    }

    /// The ids of the tickets `who` lists at `path`, in order.
    async fn ids(&self, path: &str, who: &Auth) -> Vec<String> {
        let page = self.expect(200, Method::GET, path, who, None).await;
        page["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
    }

    /// Files a ticket as `who` and answers its id.
    async fn file(&self, who: &Auth, category: &str, title: &str, location: &str) -> String {
        let ticket = json!({
            "category": category,
            "title": title,
            "description": format!("{title}: it started on Monday."),
            "location": location,
            "place": "Kitchen",
        });
        let filed = self.expect(201, Method::POST, "/tickets", who, Some(ticket)).await;
        assert_eq!(filed["ticket"]["state"], "open", "{filed}");
        assert_eq!(filed["ticket"]["mine"], true, "{filed}");
        assert!(filed.get("notes").is_none(), "{filed}");
        filed["ticket"]["id"].as_str().unwrap().to_owned()
    }

    /// The titles of `who`'s notifications, newest first.
    async fn notified(&self, who: &Auth) -> Vec<String> {
        let notes = self.world.expect(200, Method::GET, "/api/me/notifications", Some(who), None).await;
        notes["items"].as_array().unwrap().iter().map(|note| note["title"].as_str().unwrap().to_owned()).collect()
    }

    /// A ticket's page as a browser gets it.
    async fn page(&self, id: &str, who: &Auth) -> (u16, String) {
        let response = client()
            .get(self.world.node.url(&format!("{APP}/tickets/{id}")))
            .header(who.0, who.1.clone())
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}

/// A second resident of `occupancy`, signed up with its own code.
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
async fn a_ticket_reaches_its_unit_and_the_staff_and_nobody_else() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = flatmate(&mut world, "ben", anna.occupancy.as_deref().unwrap()).await;
    let carl = world.resident_person("carl", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let elsewhere = world.staff("otto", "acme", "property-manager", Some("oak-2")).await;
    let stranger = world.resident_person("sven", "other-co", "oak-1").await;
    node.wait_for_app(&world.client, "service-center", &anna.auth).await;
    let center = Center { world };

    let tap = center.file(&anna.auth, "plumbing", "Dripping tap", "unit").await;
    let lift = center.file(&anna.auth, "common_areas", "Lift light broken", "common_area").await;

    let mut mine = center.ids("/tickets", &anna.auth).await;
    mine.sort();
    let mut both = vec![tap.clone(), lift.clone()];
    both.sort();
    assert_eq!(mine, both, "she lists her own");
    assert_eq!(
        center.ids("/tickets", &ben.auth).await,
        std::slice::from_ref(&tap),
        "her flatmate follows the one of their home"
    );
    let seen = center.expect(200, Method::GET, &format!("/tickets/{tap}"), &ben.auth, None).await;
    assert_eq!(
        (seen["ticket"]["mine"].clone(), seen["ticket"]["title"].clone()),
        (json!(false), json!("Dripping tap"))
    );
    let mut queue = center.ids("/tickets", &manager.auth).await;
    queue.sort();
    assert_eq!(queue, both, "staff of the property see both");

    // Neighbours, staff of another property and another customer's people
    // see nothing, and a guessed id answers as absent.
    for who in [&carl.auth, &elsewhere.auth, &stranger.auth] {
        assert!(center.ids("/tickets", who).await.is_empty());
        for id in [&tap, &lift] {
            center.expect(404, Method::GET, &format!("/tickets/{id}"), who, None).await;
            let reply = json!({ "text": "me too" });
            center.expect(404, Method::POST, &format!("/tickets/{id}/replies"), who, Some(reply)).await;
            let state = json!({ "state": "closed" });
            center.expect(404, Method::POST, &format!("/tickets/{id}/state"), who, Some(state)).await;
        }
        let (status, page) = center.page(&tap, who).await;
        assert!(status == 404 && !page.contains("Dripping tap"), "{status}: {page}");
    }
    center.expect(404, Method::GET, "/tickets/00000000-0000-4000-8000-000000000000", &anna.auth, None).await;
    center.expect(404, Method::GET, "/tickets/not%20an%20id", &anna.auth, None).await;

    // Staff hear of both new tickets; the other property's staff of none.
    let told = center.notified(&manager.auth).await;
    assert!(told.iter().any(|title| title == "New ticket: Dripping tap"), "{told:?}");
    assert!(told.iter().any(|title| title == "New ticket: Lift light broken"), "{told:?}");
    assert!(center.notified(&elsewhere.auth).await.is_empty());

    // Hostile and broken input is refused, and nothing is stored.
    for (body, expected) in [
        (json!({ "category": "pool", "title": "x", "description": "y", "location": "unit" }), "categories"),
        (json!({ "category": "other", "title": "", "description": "y", "location": "unit" }), "title"),
        (json!({ "category": "other", "title": "x", "description": "", "location": "unit" }), "Describe"),
        (json!({ "category": "other", "title": "x", "description": "y", "location": "roof" }), "common area"),
        (json!({ "category": "other", "title": 7, "description": "y", "location": "unit" }), "request body"),
        (json!([1, 2, 3]), "request body"),
    ] {
        let refused = center.expect(400, Method::POST, "/tickets", &anna.auth, Some(body)).await;
        assert!(refused["error"]["message"].as_str().unwrap().contains(expected), "{expected}: {refused}");
    }
    for query in ["state=bogus", "assignee=someone", "category=%3Cb%3E"] {
        center.expect(400, Method::GET, &format!("/tickets?{query}"), &manager.auth, None).await;
    }
    assert_eq!(center.ids("/tickets?state=any", &anna.auth).await.len(), 2);
}

#[tokio::test]
async fn staff_work_the_queue_and_the_resident_follows_every_step_but_the_notes() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = flatmate(&mut world, "ben", anna.occupancy.as_deref().unwrap()).await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "service-center", &anna.auth).await;
    let center = Center { world };

    let tap = center.file(&anna.auth, "plumbing", "Dripping tap", "unit").await;
    let heating = center.file(&anna.auth, "heating", "Cold radiator", "unit").await;
    assert_eq!(center.ids("/tickets?state=open", &manager.auth).await, [heating.clone(), tap.clone()]);

    // An answer is activity: the tap comes first in the queue now.
    let answer = json!({ "text": "A plumber comes on Tuesday." });
    let sent = center.expect(201, Method::POST, &format!("/tickets/{tap}/replies"), &manager.auth, Some(answer)).await;
    assert_eq!(sent["message"]["by_staff"], true, "{sent}");
    assert_eq!(center.ids("/tickets?state=open", &manager.auth).await, [tap.clone(), heating.clone()]);
    assert!(center.notified(&anna.auth).await.contains(&"The management answered: Dripping tap".to_owned()));

    // Taking a ticket, and the filters by assignee, state and category.
    let taken = center
        .expect(
            200,
            Method::POST,
            &format!("/tickets/{heating}/assign"),
            &manager.auth,
            Some(json!({ "assignee": "me" })),
        )
        .await;
    assert_eq!((taken["assigned_to_me"].clone(), taken["assignee"].clone()), (json!(true), json!(manager.user_id)));
    assert_eq!(center.ids("/tickets?assignee=me", &manager.auth).await, std::slice::from_ref(&heating));
    assert_eq!(center.ids("/tickets?assignee=nobody", &manager.auth).await, std::slice::from_ref(&tap));
    assert_eq!(center.ids("/tickets?category=heating&state=any", &manager.auth).await, std::slice::from_ref(&heating));
    let seen = center.expect(200, Method::GET, &format!("/tickets/{heating}"), &anna.auth, None).await;
    assert_eq!(seen["ticket"]["assigned"], true, "{seen}");
    assert!(seen["ticket"].get("assignee").is_none(), "residents learn that, not who: {seen}");

    let state = |to: &str| Some(json!({ "state": to }));
    let moved = center
        .expect(200, Method::POST, &format!("/tickets/{tap}/state"), &manager.auth, state("waiting_external"))
        .await;
    assert_eq!(moved["history"][1]["change"], json!({ "kind": "state", "from": "open", "to": "waiting_external" }));
    assert_eq!(center.ids("/tickets?state=waiting_external", &manager.auth).await, std::slice::from_ref(&tap));
    assert_eq!(center.ids("/tickets?state=open", &manager.auth).await, std::slice::from_ref(&heating));
    let told = center.notified(&anna.auth).await;
    assert!(told.contains(&"Your ticket is now: Waiting for a third party".to_owned()), "{told:?}");

    // An internal note: staff read it, the resident and her flatmate never do.
    let note = json!({ "text": "Tenant is difficult about appointments." });
    center.expect(201, Method::POST, &format!("/tickets/{tap}/notes"), &manager.auth, Some(note)).await;
    let staff_view = center.expect(200, Method::GET, &format!("/tickets/{tap}"), &manager.auth, None).await;
    assert_eq!(staff_view["notes"][0]["text"], "Tenant is difficult about appointments.", "{staff_view}");
    for who in [&anna.auth, &ben.auth] {
        let view = center.expect(200, Method::GET, &format!("/tickets/{tap}"), who, None).await;
        assert!(!view.to_string().contains("difficult") && view.get("notes").is_none(), "{view}");
        assert_eq!(view["messages"][0]["text"], "A plumber comes on Tuesday.", "{view}");
        let (status, page) = center.page(&tap, who).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("A plumber comes on Tuesday.") && page.contains("Waiting for a third party"), "{page}");
        assert!(!page.contains("difficult") && !page.contains("Internal notes"), "{page}");
        let list = center.expect(200, Method::GET, "/tickets", who, None).await;
        assert!(!list.to_string().contains("difficult"), "{list}");
    }
    let (_, staff_page) = center.page(&tap, &manager.auth).await;
    assert!(staff_page.contains("Tenant is difficult about appointments."), "{staff_page}");

    // What residents may not do.
    let note = Some(json!({ "text": "I am staff now" }));
    center.expect(403, Method::POST, &format!("/tickets/{tap}/notes"), &anna.auth, note).await;
    let me = Some(json!({ "assignee": "me" }));
    center.expect(403, Method::POST, &format!("/tickets/{tap}/assign"), &anna.auth, me).await;
    center.expect(403, Method::POST, &format!("/tickets/{tap}/state"), &anna.auth, state("waiting_agent")).await;
    center.expect(403, Method::POST, &format!("/tickets/{tap}/state"), &ben.auth, state("closed")).await;
    center.expect(400, Method::POST, &format!("/tickets/{tap}/state"), &manager.auth, state("waiting_external")).await;

    // Asked something, the resident answers: back to the agent, staff hear of it.
    center.expect(200, Method::POST, &format!("/tickets/{tap}/state"), &manager.auth, state("waiting_resident")).await;
    let answer = json!({ "text": "Tuesday works, I am home." });
    center.expect(201, Method::POST, &format!("/tickets/{tap}/replies"), &anna.auth, Some(answer)).await;
    let told = center.notified(&manager.auth).await;
    assert!(told.contains(&"The resident wrote: Dripping tap".to_owned()), "{told:?}");

    // She closes it, cannot write any more, and reopens it.
    let closed = center.expect(200, Method::POST, &format!("/tickets/{tap}/state"), &anna.auth, state("closed")).await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(
        center.ids("/tickets", &manager.auth).await,
        std::slice::from_ref(&heating),
        "the queue shows what is not closed"
    );
    let late = Some(json!({ "text": "one more thing" }));
    center.expect(400, Method::POST, &format!("/tickets/{tap}/replies"), &anna.auth, late).await;
    let reopened = center.expect(200, Method::POST, &format!("/tickets/{tap}/state"), &anna.auth, state("open")).await;
    let changes: Vec<Value> =
        reopened["history"].as_array().unwrap().iter().map(|entry| entry["change"].clone()).collect();
    let step = |from: &str, to: &str| json!({ "kind": "state", "from": from, "to": to });
    assert_eq!(
        changes,
        [
            json!({ "kind": "filed" }),
            step("open", "waiting_external"),
            step("waiting_external", "waiting_resident"),
            step("waiting_resident", "waiting_agent"),
            step("waiting_agent", "closed"),
            step("closed", "open"),
        ],
        "every change is kept: {reopened}"
    );
    let by_staff: Vec<bool> =
        reopened["history"].as_array().unwrap().iter().map(|entry| entry["by_staff"].as_bool().unwrap()).collect();
    assert_eq!(by_staff, [false, true, true, false, false, false]);
    let conversation = center.expect(200, Method::GET, &format!("/tickets/{tap}"), &anna.auth, None).await;
    assert_eq!(conversation["messages"].as_array().unwrap().len(), 2, "{conversation}");
    assert_eq!(conversation["messages"][1]["mine"], true, "{conversation}");
}

#[tokio::test]
async fn staff_keep_the_categories_residents_choose_from() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let stranger = world.staff("sue", "other-co", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "service-center", &anna.auth).await;
    let center = Center { world };

    let defaults = center.expect(200, Method::GET, "/settings/categories", &anna.auth, None).await;
    assert_eq!(defaults["categories"][0], json!({ "key": "plumbing", "en": "Plumbing", "de": "Sanitär" }));

    let lift = json!({ "categories": [
        { "key": "lift", "en": "Lift", "de": "Aufzug" },
        { "key": "other", "en": "Other", "de": "Anderes" },
    ] });
    center.expect(403, Method::POST, "/settings/categories", &anna.auth, Some(lift.clone())).await;
    let broken = json!({ "categories": [{ "key": "Lift Shaft", "en": "Lift", "de": "Aufzug" }] });
    center.expect(400, Method::POST, "/settings/categories", &manager.auth, Some(broken)).await;
    center.expect(200, Method::POST, "/settings/categories", &manager.auth, Some(lift.clone())).await;
    let saved = center.expect(200, Method::GET, "/settings/categories", &anna.auth, None).await;
    assert_eq!(saved, lift);
    // Saving again replaces the list rather than adding a second one.
    let again = json!({ "categories": [{ "key": "lift", "en": "Elevator", "de": "Lift" }] });
    center.expect(200, Method::POST, "/settings/categories", &manager.auth, Some(again.clone())).await;
    assert_eq!(center.expect(200, Method::GET, "/settings/categories", &anna.auth, None).await, again);
    // Another customer keeps its own.
    let theirs = center.expect(200, Method::GET, "/settings/categories", &stranger.auth, None).await;
    assert_eq!(theirs["categories"][0]["key"], "plumbing", "{theirs}");

    center.file(&anna.auth, "lift", "Lift stuck", "common_area").await;
    let refused = json!({ "category": "plumbing", "title": "x", "description": "y", "location": "unit" });
    center.expect(400, Method::POST, "/tickets", &anna.auth, Some(refused)).await;
    let listed = center.expect(200, Method::GET, "/tickets", &manager.auth, None).await;
    assert_eq!(listed["items"][0]["category_label"], "Elevator", "{listed}");
}
