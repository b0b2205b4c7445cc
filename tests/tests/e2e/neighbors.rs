//! My neighbours end to end, through its JSON API: residents opt in with
//! the fields they choose and are gone the moment they leave; direct
//! messages reach the two neighbours and nobody else, not a third
//! resident, not staff, not another building; a block stops messages until
//! it is lifted; broken and hostile input is refused and changes nothing.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const APP: &str = "/apps/neighbors";

struct Neighbors<'a> {
    world: World<'a>,
}

impl Neighbors<'_> {
    async fn call(&self, method: Method, path: &str, who: &Auth, body: Option<Value>) -> (u16, Value) {
        self.world.call_below(APP, method, path, who, body).await
    }

    async fn expect(&self, status: u16, method: Method, path: &str, who: &Auth, body: Option<Value>) -> Value {
        self.world.expect_below(APP, status, method, path, who, body).await
    }

    /// The subjects of the profiles `who` lists.
    async fn listed(&self, who: &Auth) -> Vec<String> {
        let page = self.expect(200, Method::GET, "/profiles", who, None).await;
        page["items"].as_array().unwrap().iter().map(|item| item["subject"].as_str().unwrap().to_owned()).collect()
    }

    /// The texts of a conversation's newest page as `who` reads it.
    async fn texts(&self, conversation: &str, who: &Auth) -> Vec<String> {
        let page = self.expect(200, Method::GET, &format!("/conversations/{conversation}"), who, None).await;
        page["items"].as_array().unwrap().iter().map(|item| item["text"].as_str().unwrap().to_owned()).collect()
    }

    /// Writes `text` to `to` as `who`; answers the conversation's id.
    async fn write_to(&self, who: &Auth, to: &str, text: &str) -> String {
        let sent = self.expect(201, Method::POST, "/conversations", who, Some(json!({ "to": to, "text": text }))).await;
        assert_eq!(sent["message"]["text"], text, "{sent}");
        assert_eq!(sent["message"]["mine"], true, "{sent}");
        sent["id"].as_str().expect("the conversation's id").to_owned()
    }

    /// The titles of `who`'s notifications, newest first.
    async fn notified(&self, who: &Auth) -> Vec<String> {
        let notes = self.world.expect(200, Method::GET, "/api/me/notifications", Some(who), None).await;
        notes["items"].as_array().unwrap().iter().map(|note| note["title"].as_str().unwrap().to_owned()).collect()
    }
}

#[tokio::test]
async fn a_profile_shows_the_chosen_fields_to_the_building_only_and_leaving_hides_it_at_once() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let sven = world.resident_person("sven", "acme", "oak-2").await;
    let otto = world.resident_person("otto", "other-co", "oak-1").await;
    let mia = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "neighbors", &anna.auth).await;
    let app = Neighbors { world };

    assert!(app.listed(&ben.auth).await.is_empty(), "nobody opted in yet");
    app.expect(404, Method::GET, "/profile", &anna.auth, None).await;

    let profile =
        json!({ "name": "Anna K.", "intro": "I bake on Sundays.", "interests": ["Baking", "Chess"], "floor": "3" });
    let saved = app.expect(201, Method::PUT, "/profile", &anna.auth, Some(profile)).await;
    assert_eq!((saved["name"].clone(), saved["floor"].clone()), (json!("Anna K."), json!("3")), "{saved}");
    assert_eq!(saved["interests"], json!(["Baking", "Chess"]), "{saved}");
    let id = saved["id"].as_str().unwrap().to_owned();
    assert_eq!(app.listed(&ben.auth).await, vec![anna.user_id.clone()], "her neighbour finds her");
    let seen = app.expect(200, Method::GET, &format!("/profiles/{id}"), &ben.auth, None).await;
    assert_eq!((seen["intro"].clone(), seen["mine"].clone()), (json!("I bake on Sundays."), json!(false)));
    assert!(!seen.to_string().contains("residents.example"), "never an email address: {seen}");

    // Only the fields chosen: saving with a name alone drops the rest.
    let changed = app.expect(200, Method::PUT, "/profile", &anna.auth, Some(json!({ "name": "Anna" }))).await;
    assert_eq!(changed["id"], id.as_str(), "one profile per resident");
    assert!(changed.get("intro").is_none() && changed.get("interests").is_none(), "{changed}");
    let page = app.expect(200, Method::GET, "/profiles?sort=newest", &ben.auth, None).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");

    // Another building and another customer see none of it.
    for who in [&sven.auth, &otto.auth] {
        assert!(app.listed(who).await.is_empty());
        app.expect(404, Method::GET, &format!("/profiles/{id}"), who, None).await;
    }

    // Staff are not residents and get no profile.
    app.expect(403, Method::PUT, "/profile", &mia.auth, Some(json!({ "name": "Mia" }))).await;

    // Broken and hostile profiles are refused, and nothing changes.
    for (body, expected) in [
        (json!({ "name": "" }), "name"),
        (json!({ "name": "x".repeat(61) }), "name"),
        (json!({ "name": "Anna", "intro": "x".repeat(501) }), "500"),
        (json!({ "name": "Anna", "interests": (0..11).map(|n| format!("tag{n}")).collect::<Vec<_>>() }), "10"),
        (json!({ "name": "Anna", "email": "anna@residents.example" }), "request body"),
        (json!({ "name": 7 }), "request body"),
    ] {
        let refused = app.expect(400, Method::PUT, "/profile", &anna.auth, Some(body)).await;
        assert!(refused["error"]["message"].as_str().unwrap().contains(expected), "{expected}: {refused}");
    }
    app.expect(400, Method::GET, "/profiles?sort=bogus", &ben.auth, None).await;
    let still = app.expect(200, Method::GET, "/profile", &anna.auth, None).await;
    assert_eq!(still["name"], "Anna", "{still}");

    // Leaving the community hides her at once.
    app.expect(204, Method::DELETE, "/profile", &anna.auth, None).await;
    assert!(app.listed(&ben.auth).await.is_empty());
    app.expect(404, Method::GET, &format!("/profiles/{id}"), &ben.auth, None).await;
    app.expect(404, Method::GET, "/profile", &anna.auth, None).await;
    app.expect(404, Method::GET, "/profiles/not%20an%20id", &ben.auth, None).await;
}

#[tokio::test]
async fn messages_reach_the_two_neighbours_and_nobody_else() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let carl = world.resident_person("carl", "acme", "elm-5").await;
    let sven = world.resident_person("sven", "acme", "oak-2").await;
    let mia = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "neighbors", &anna.auth).await;
    let app = Neighbors { world };

    // Ben writes to Anna, who has no profile; both sides reuse the one conversation.
    let talk = app.write_to(&ben.auth, &anna.user_id, "Hello Anna, is the parcel yours?").await;
    assert_eq!(app.write_to(&ben.auth, &anna.user_id, "It is by the door.").await, talk);
    assert_eq!(app.write_to(&anna.auth, &ben.user_id, "Yes, thank you!").await, talk);
    assert_eq!(
        app.texts(&talk, &anna.auth).await,
        ["Yes, thank you!", "It is by the door.", "Hello Anna, is the parcel yours?"],
        "newest first"
    );
    let listed = app.expect(200, Method::GET, "/conversations", &anna.auth, None).await;
    assert_eq!(listed["items"][0]["id"], talk.as_str(), "{listed}");
    assert_eq!(listed["items"][0]["with"]["subject"], ben.user_id.as_str(), "{listed}");
    assert_eq!(listed["items"][0]["last"]["text"], "Yes, thank you!", "{listed}");
    assert!(!listed.to_string().contains("residents.example"), "never an email address: {listed}");
    let told = app.notified(&anna.auth).await;
    assert!(told.contains(&"ben wrote to you".to_owned()), "{told:?}");
    assert!(app.notified(&ben.auth).await.contains(&"anna wrote to you".to_owned()));

    // Older messages page on with a cursor.
    let path = format!("/conversations/{talk}/messages");
    for n in 0..20 {
        app.expect(201, Method::POST, &path, &ben.auth, Some(json!({ "text": format!("Note {n}") }))).await;
    }
    let first = app.expect(200, Method::GET, &format!("/conversations/{talk}?format=json"), &anna.auth, None).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 20, "{first}");
    assert_eq!(first["items"][0]["text"], "Note 19", "{first}");
    let cursor = first["next"].as_str().expect("a cursor to older messages");
    let older = app.expect(200, Method::GET, &format!("/conversations/{talk}?after={cursor}"), &anna.auth, None).await;
    let older: Vec<&str> = older["items"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(older, ["Yes, thank you!", "It is by the door.", "Hello Anna, is the parcel yours?"]);

    // A third resident, staff and another building read nothing and write nothing.
    for who in [&carl.auth, &sven.auth] {
        app.expect(404, Method::GET, &format!("/conversations/{talk}"), who, None).await;
        app.expect(404, Method::POST, &path, who, Some(json!({ "text": "me too" }))).await;
        let theirs = app.expect(200, Method::GET, "/conversations", who, None).await;
        assert!(!theirs.to_string().contains(&talk), "{theirs}");
    }
    let (status, answer) = app.call(Method::GET, &format!("/conversations/{talk}"), &mia.auth, None).await;
    assert!(status == 403 && !answer.to_string().contains("parcel"), "{status}: {answer}");
    let (status, _) = app.call(Method::POST, &path, &mia.auth, Some(json!({ "text": "Staff here" }))).await;
    assert_eq!(status, 403);
    app.expect(404, Method::GET, "/conversations/00000000-0000-4000-8000-000000000000", &anna.auth, None).await;
    app.expect(404, Method::GET, "/conversations/not%20an%20id", &anna.auth, None).await;

    // Another building's resident cannot be written to, nor staff, nor oneself.
    let elsewhere = json!({ "to": sven.user_id, "text": "Hi" });
    app.expect(404, Method::POST, "/conversations", &anna.auth, Some(elsewhere)).await;
    app.expect(404, Method::GET, &format!("/conversations/with/{}", sven.user_id), &anna.auth, None).await;
    app.expect(404, Method::GET, &format!("/conversations/with/{}", anna.user_id), &sven.auth, None).await;
    app.expect(403, Method::GET, &format!("/conversations/with/{}", mia.user_id), &anna.auth, None).await;
    app.expect(400, Method::GET, &format!("/conversations/with/{}", anna.user_id), &anna.auth, None).await;
    let to_staff = json!({ "to": mia.user_id, "text": "Hi" });
    app.expect(403, Method::POST, "/conversations", &anna.auth, Some(to_staff)).await;

    // `with/{subject}` finds the conversation from either side, or says there is none.
    let with = app.expect(200, Method::GET, &format!("/conversations/with/{}", ben.user_id), &anna.auth, None).await;
    assert_eq!((with["id"].clone(), with["may_write"].clone()), (json!(talk), json!(true)), "{with}");
    let none = app.expect(200, Method::GET, &format!("/conversations/with/{}", anna.user_id), &carl.auth, None).await;
    assert!(none["id"].is_null() && none["with"]["name"] == "anna", "{none}");

    // Over-long and empty messages are refused and nothing is stored.
    for text in ["x".repeat(4_001), "   ".to_owned()] {
        app.expect(400, Method::POST, &path, &anna.auth, Some(json!({ "text": text }))).await;
        let start = json!({ "to": carl.user_id, "text": text });
        app.expect(400, Method::POST, "/conversations", &anna.auth, Some(start)).await;
    }
    app.expect(400, Method::POST, &path, &anna.auth, Some(json!([1, 2]))).await;
    assert_eq!(app.texts(&talk, &anna.auth).await[0], "Note 19");
    let carls = app.expect(200, Method::GET, "/conversations", &carl.auth, None).await;
    assert_eq!(carls["items"], json!([]), "{carls}");
}

#[tokio::test]
async fn a_block_stops_messages_until_it_is_lifted_and_hides_the_profile() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let sven = world.resident_person("sven", "acme", "oak-2").await;
    node.wait_for_app(&world.client, "neighbors", &anna.auth).await;
    let app = Neighbors { world };

    app.expect(201, Method::PUT, "/profile", &ben.auth, Some(json!({ "name": "Ben", "floor": "2" }))).await;
    let talk = app.write_to(&ben.auth, &anna.user_id, "Coffee tomorrow?").await;
    assert_eq!(app.listed(&anna.auth).await, vec![ben.user_id.clone()]);

    let blocked = app.expect(201, Method::POST, "/blocks", &anna.auth, Some(json!({ "subject": ben.user_id }))).await;
    assert_eq!(blocked["subject"], ben.user_id.as_str(), "{blocked}");
    app.expect(200, Method::POST, "/blocks", &anna.auth, Some(json!({ "subject": ben.user_id }))).await;
    let mine = app.expect(200, Method::GET, "/blocks", &anna.auth, None).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");

    // Ben can neither write in the conversation nor start another one.
    let path = format!("/conversations/{talk}/messages");
    let refused = app.expect(403, Method::POST, &path, &ben.auth, Some(json!({ "text": "Hello?" }))).await;
    assert!(refused["error"]["message"].as_str().unwrap().contains("cannot message"), "{refused}");
    let again = json!({ "to": anna.user_id, "text": "Hello?" });
    app.expect(403, Method::POST, "/conversations", &ben.auth, Some(again)).await;
    let his = app.expect(200, Method::GET, &format!("/conversations/{talk}"), &ben.auth, None).await;
    assert_eq!(his["may_write"], false, "{his}");
    assert!(!his.to_string().contains("block"), "who blocked whom is not told: {his}");
    let ours = app.expect(200, Method::GET, "/blocks", &ben.auth, None).await;
    assert_eq!(ours["items"], json!([]), "Ben does not learn of Anna's blocks: {ours}");

    // Anna no longer sees his profile, and cannot write either until she unblocks.
    assert!(app.listed(&anna.auth).await.is_empty());
    let back = json!({ "text": "Sorry" });
    app.expect(403, Method::POST, &path, &anna.auth, Some(back.clone())).await;
    assert_eq!(app.texts(&talk, &anna.auth).await, ["Coffee tomorrow?"], "nothing was stored");

    // Unblocking restores both.
    app.expect(204, Method::DELETE, &format!("/blocks/{}", ben.user_id), &anna.auth, None).await;
    app.expect(201, Method::POST, &path, &ben.auth, Some(json!({ "text": "Hello?" }))).await;
    app.expect(201, Method::POST, &path, &anna.auth, Some(back)).await;
    assert_eq!(app.listed(&anna.auth).await, vec![ben.user_id.clone()]);

    // Nobody of another building can be blocked, nor oneself.
    app.expect(404, Method::POST, "/blocks", &anna.auth, Some(json!({ "subject": sven.user_id }))).await;
    app.expect(400, Method::POST, "/blocks", &anna.auth, Some(json!({ "subject": anna.user_id }))).await;
    app.expect(404, Method::POST, "/blocks", &anna.auth, Some(json!({ "subject": "../../x" }))).await;
    let none = app.expect(200, Method::GET, "/blocks", &anna.auth, None).await;
    assert_eq!(none["items"], json!([]), "{none}");
}
