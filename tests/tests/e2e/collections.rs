//! The `collections` interface end to end, through a guest that exposes it:
//! visibility, ownership, filters, revisions, paging and isolation between
//! apps, behaving the same on SQLite and PostgreSQL.

use crate::support::*;
use serde_json::{Value, json};

struct Notes {
    _deployment: Deployment,
    node: Node,
    client: reqwest::Client,
    residents: std::collections::HashMap<&'static str, Auth>,
}

impl Notes {
    async fn start() -> Notes {
        let deployment = Deployment::new().await;
        let installed = deployment.install(NOTES_WASM, fixture_manifest("notes"));
        assert!(installed.status.success(), "{}", String::from_utf8_lossy(&installed.stderr));
        let node = deployment.start();
        let mut residents = std::collections::HashMap::new();
        let mut world = World::new(&deployment, &node);
        for who in ["alice", "bob"] {
            residents.insert(who, world.resident(who, "acme", "elm-5").await);
        }
        node.wait_for_app(&world.client, "notes", &residents["alice"]).await;
        world.approve("acme", "notes", None).await;
        for who in ["alice", "bob"] {
            world.consent(&residents[who], "notes", None).await;
        }
        drop(world);
        Notes { _deployment: deployment, node, client: client(), residents }
    }

    async fn send(&self, method: reqwest::Method, path: &str, who: &str, body: Option<Value>) -> (u16, Value) {
        let (name, value) = self.residents[who].clone();
        let mut request = self.client.request(method, self.node.url(&format!("/apps/notes{path}"))).header(name, value);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn create(&self, who: &str, query: &str, note: Value) -> String {
        let (status, body) = self.send(reqwest::Method::POST, &format!("/notes{query}"), who, Some(note)).await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    async fn list(&self, who: &str, query: &str) -> Vec<Value> {
        let (status, body) = self.send(reqwest::Method::GET, &format!("/notes{query}"), who, None).await;
        assert_eq!(status, 200, "{body}");
        body["items"].as_array().unwrap().iter().map(|item| item["data"].clone()).collect()
    }
}

#[tokio::test]
async fn private_documents_stay_with_their_owner() {
    let notes = Notes::start().await;
    let secret = notes.create("alice", "?private=1", json!({ "text": "door code 4711" })).await;
    notes.create("alice", "", json!({ "text": "shared" })).await;

    assert_eq!(notes.list("alice", "").await.len(), 2);
    assert_eq!(notes.list("bob", "").await, [json!({ "text": "shared" })]);
    let (status, _) = notes.send(reqwest::Method::GET, &format!("/notes/{secret}"), "bob", None).await;
    assert_eq!(status, 404);
    let (status, _) = notes.send(reqwest::Method::GET, &format!("/notes/{secret}"), "alice", None).await;
    assert_eq!(status, 200);
    assert_eq!(notes.list("bob", "?mine=1").await, Vec::<Value>::new());
    assert_eq!(notes.list("alice", "?mine=1").await.len(), 2);
}

#[tokio::test]
async fn updates_are_owner_only_and_revision_checked() {
    let notes = Notes::start().await;
    let id = notes.create("alice", "", json!({ "text": "v1" })).await;
    let path = format!("/notes/{id}");

    let (status, _) = notes.send(reqwest::Method::PUT, &path, "bob", Some(json!({ "text": "bob was here" }))).await;
    assert_eq!(status, 404, "someone else's document cannot be changed");
    let (status, _) = notes.send(reqwest::Method::DELETE, &path, "bob", None).await;
    assert_eq!(status, 404);

    let (status, body) =
        notes.send(reqwest::Method::PUT, &format!("{path}?rev=1"), "alice", Some(json!({ "text": "v2" }))).await;
    assert_eq!((status, body["revision"].as_u64()), (200, Some(2)), "{body}");
    let (status, body) =
        notes.send(reqwest::Method::PUT, &format!("{path}?rev=1"), "alice", Some(json!({ "text": "stale" }))).await;
    assert_eq!(status, 400, "a stale revision is refused: {body}");
    let (_, current) = notes.send(reqwest::Method::GET, &path, "bob", None).await;
    assert_eq!(current["data"], json!({ "text": "v2" }));

    let (status, _) = notes.send(reqwest::Method::DELETE, &path, "alice", None).await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn filters_match_by_value_and_json_type_alike_on_every_backend() {
    let notes = Notes::start().await;
    notes.create("alice", "", json!({ "tag": "bikes", "n": 1, "x": 1.5, "done": true })).await;
    notes.create("alice", "", json!({ "tag": "1", "n": true, "x": 2, "done": 1 })).await;
    notes.create("alice", "", json!({ "tag": "laundry", "n": 2, "done": false })).await;

    let tags =
        |items: Vec<Value>| items.iter().map(|item| item["tag"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(tags(notes.list("bob", "?tag=bikes").await), ["bikes"]);
    assert_eq!(tags(notes.list("bob", "?n=1").await), ["bikes"], "true is not the integer 1");
    assert_eq!(tags(notes.list("bob", "?done=true").await), ["bikes"], "1 is not true");
    assert_eq!(tags(notes.list("bob", "?done=false").await), ["laundry"]);
    assert_eq!(tags(notes.list("bob", "?x=2").await), ["1"], "2 and 2.0 are the same number");
    assert_eq!(tags(notes.list("bob", "?tag=bikes&n=2").await), Vec::<String>::new());

    for bad in ["?field=no%20spaces", "?field=a.b", "?limit=abc"] {
        let (status, body) = notes.send(reqwest::Method::GET, &format!("/notes{bad}"), "bob", None).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
}

#[tokio::test]
async fn pages_follow_the_requested_order() {
    let notes = Notes::start().await;
    for n in 0..5 {
        notes.create("alice", "", json!({ "n": n })).await;
    }
    let (_, first) = notes.send(reqwest::Method::GET, "/notes?oldest=1&limit=2", "bob", None).await;
    let numbers =
        |page: &Value| page["items"].as_array().unwrap().iter().map(|i| i["data"]["n"].clone()).collect::<Vec<_>>();
    assert_eq!(numbers(&first), [json!(0), json!(1)]);
    // The SDK's page is the platform's: `next`, and times in RFC 3339.
    assert_conventions("GET /notes", &first);
    assert!(first.get("next_cursor").is_none(), "{first}");
    assert!(is_rfc3339_utc_millis(first["items"][0]["created_at"].as_str().unwrap()), "{first}");
    let cursor = first["next"].as_str().unwrap();
    let (_, second) =
        notes.send(reqwest::Method::GET, &format!("/notes?oldest=1&limit=2&after={cursor}"), "bob", None).await;
    assert_eq!(numbers(&second), [json!(2), json!(3)]);
    let cursor = second["next"].as_str().unwrap();
    let (_, last) =
        notes.send(reqwest::Method::GET, &format!("/notes?oldest=1&limit=2&after={cursor}"), "bob", None).await;
    assert_eq!((numbers(&last), &last["next"]), (vec![json!(4)], &Value::Null), "{last}");
    // A full page that is the last one says so too.
    let (_, whole) = notes.send(reqwest::Method::GET, "/notes?oldest=1&limit=5", "bob", None).await;
    assert_eq!((numbers(&whole).len(), &whole["next"]), (5, &Value::Null), "{whole}");
}

#[tokio::test]
async fn hostile_documents_and_ids_get_clear_errors_on_every_backend() {
    let notes = Notes::start().await;
    for (body, expected) in [
        (json!({ "text": "nul \u{0} inside" }), 400),
        (json!({ "nul\u{0}key": 1 }), 400),
        (json!([1, 2]), 400),
        (json!({ "big": "x".repeat(70_000) }), 429),
    ] {
        let (status, error) = notes.send(reqwest::Method::POST, "/notes", "alice", Some(body)).await;
        assert_eq!(status, expected, "{error}");
    }
    for id in ["%00", "not-a-uuid", "00000000-0000-0000-0000-000000000000", &"9".repeat(500)] {
        let (status, _) = notes.send(reqwest::Method::GET, &format!("/notes/{id}"), "alice", None).await;
        assert_eq!(status, 404, "{id}");
    }
    assert_eq!(notes.list("alice", "").await, Vec::<Value>::new(), "nothing refused was stored");
}

#[tokio::test]
async fn apps_never_see_each_others_collections() {
    let notes = Notes::start().await;
    let (name, value) = notes.residents["alice"].clone();
    let posted = notes
        .client
        .post(notes.node.url("/apps/pinboard/posts"))
        .header(name, value)
        .json(&json!({ "title": "Pinboard's own", "body": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 201);
    // Its own `posts` collection is not declared, and pinboard's is not its own.
    let (status, body) = notes.send(reqwest::Method::GET, "/raw/posts", "alice", None).await;
    assert_eq!(status, 403, "notes must not read collections it did not declare: {body}");
    let (status, body) = notes.send(reqwest::Method::GET, "/raw/pinboard%2Fposts", "alice", None).await;
    assert_eq!(status, 403, "notes must not read pinboard's posts without a grant: {body}");
}
