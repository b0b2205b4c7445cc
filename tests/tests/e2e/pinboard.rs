//! Pinboard end to end: residents post, list their property's board and
//! delete their own posts, over JSON and over the HTML page.

use crate::support::*;
use serde_json::{Value, json};

async fn post(client: &reqwest::Client, node: &Node, who: (&str, String), title: &str) -> reqwest::Response {
    client
        .post(node.url("/apps/pinboard/posts"))
        .header(who.0, who.1)
        .json(&json!({ "title": title, "body": "Details inside." }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn residents_post_list_and_delete_their_own() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let mut world = World::new(&deployment, &node);
    let alice_person = world.resident_person("alice", "acme", "elm-5").await;
    let bob_auth = world.resident("bob", "acme", "elm-5").await;
    let alice = || alice_person.auth.clone();
    let bob = || bob_auth.clone();

    let created = post(&client, &node, alice(), "Bike room cleanup on Saturday").await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["author"], alice_person.user_id.as_str(), "the author is the host's subject, not a claim");
    assert_eq!(created["mine"], true);
    let id = created["id"].as_str().unwrap().to_owned();

    let board = get_json(&client, &node, "/apps/pinboard/posts", &bob()).await;
    assert_eq!(board["items"].as_array().unwrap().len(), 1);
    assert_eq!(board["items"][0]["title"], "Bike room cleanup on Saturday");
    assert_eq!(board["items"][0]["mine"], false);

    // Bob cannot delete Alice's post, and learns nothing from trying.
    let refused = client.delete(node.url(&format!("/apps/pinboard/posts/{id}"))).header(bob().0, bob().1).send().await;
    assert_eq!(refused.unwrap().status(), 404);

    let deleted = client.delete(node.url(&format!("/apps/pinboard/posts/{id}"))).header(alice().0, alice().1).send();
    assert_eq!(deleted.await.unwrap().status(), 204);
    let gone = client.get(node.url(&format!("/apps/pinboard/posts/{id}"))).header(alice().0, alice().1).send();
    assert_eq!(gone.await.unwrap().status(), 404);
}

#[tokio::test]
async fn other_properties_and_customers_see_nothing() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident("alice", "acme", "elm-5").await;
    let created: Value = post(&client, &node, alice, "Only for Elm Street 5").await.json().await.unwrap();
    let id = created["id"].as_str().unwrap();

    for (who, customer, property) in [("carol", "acme", "oak-1"), ("mallory", "other-co", "elm-5")] {
        let (name, value) = world.resident(who, customer, property).await;
        let board = get_json(&client, &node, "/apps/pinboard/posts", &(name, value.clone())).await;
        assert_eq!(board["items"], json!([]), "{who} must not see Elm Street 5's board");
        let direct = client.get(node.url(&format!("/apps/pinboard/posts/{id}"))).header(name, value).send();
        assert_eq!(direct.await.unwrap().status(), 404, "{who} must get 404 for a foreign post");
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let (name, value) = World::new(&deployment, &node).resident("alice", "acme", "elm-5").await;

    let anonymous = client.post(node.url("/apps/pinboard/posts")).json(&json!({"title": "x", "body": ""})).send();
    let anonymous = anonymous.await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.json::<Value>().await.unwrap()["error"]["code"], "unauthorized");

    for (body, expected) in [
        ("{not json", "request body"),
        ("{\"title\": \"\", \"body\": \"\"}", "a title has 1 to 120 characters"),
        ("[1, 2, 3]", "request body"),
    ] {
        let response = client
            .post(node.url("/apps/pinboard/posts"))
            .header(name, value.clone())
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let error: Value = response.json().await.unwrap();
        assert!(error["error"]["message"].as_str().unwrap().contains(expected), "{error}");
    }
    let long_title = "x".repeat(121);
    assert_eq!(post(&client, &node, (name, value.clone()), &long_title).await.status(), 400);

    let board = get_json(&client, &node, "/apps/pinboard/posts", &(name, value)).await;
    assert_eq!(board["items"], json!([]));
}

#[tokio::test]
async fn the_board_pages_through_many_posts() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident("alice", "acme", "elm-5").await;
    for n in 0..25 {
        assert_eq!(post(&client, &node, alice.clone(), &format!("Notice {n}")).await.status(), 201);
    }
    let (name, value) = world.resident("bob", "acme", "elm-5").await;
    let first = get_json(&client, &node, "/apps/pinboard/posts", &(name, value.clone())).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    assert_eq!(first["items"][0]["title"], "Notice 24", "newest first");
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second =
        get_json(&client, &node, &format!("/apps/pinboard/posts?after={cursor}"), &(name, value.clone())).await;
    let titles: Vec<&str> = second["items"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Notice 4", "Notice 3", "Notice 2", "Notice 1", "Notice 0"]);
    assert!(second["next_cursor"].is_null());

    let forged = client.get(node.url("/apps/pinboard/posts?after=not-a-cursor")).header(name, value).send();
    assert_eq!(forged.await.unwrap().status(), 400);
}

#[tokio::test]
async fn the_html_page_posts_by_form_and_escapes_everything() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let (name, value) = World::new(&deployment, &node).resident("alice", "acme", "elm-5").await;

    let posted = client
        .post(node.url("/apps/pinboard/posts"))
        .header(name, value.clone())
        .form(&[("title", "<script>alert(1)</script>"), ("body", "Tom & Jerry's \"party\"")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    assert_eq!(posted.headers()["location"], "/apps/pinboard/", "resolved by the host, below the app");

    let page = client.get(node.url("/apps/pinboard/")).header(name, value).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
    let html = page.text().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("Tom &amp; Jerry&#x27;s &quot;party&quot;"), "{html}");
    assert!(html.contains("/delete\"><button>Delete</button>"), "own posts get a delete button");
}
