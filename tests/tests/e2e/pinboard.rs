//! Pinboard end to end: residents post, list their property's board and
//! delete their own posts, over JSON and over the HTML page, in the
//! portal's frame and in the person's language.

use crate::support::*;
use reqwest::Method;
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

/// `2026-12-04T18:20:00.123Z`: RFC 3339, in UTC, to the millisecond.
fn is_rfc3339_utc(text: &str) -> bool {
    let shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    text.len() == shape.len()
        && text.chars().zip(shape.chars()).all(|(c, s)| if s == 'd' { c.is_ascii_digit() } else { c == s })
}

/// The board as a browser sees it, with `accept_language` if given.
async fn board_page(node: &Node, who: &Auth, accept_language: Option<&str>) -> (reqwest::StatusCode, String) {
    let mut request =
        client().get(node.url("/apps/pinboard/")).header(who.0, who.1.clone()).header("accept", "text/html");
    if let Some(languages) = accept_language {
        request = request.header("accept-language", languages);
    }
    let page = request.send().await.unwrap();
    (page.status(), page.text().await.unwrap())
}

async fn set_locale(world: &World<'_>, who: &Auth, locale: &str) {
    world.expect(200, Method::PATCH, "/api/me", Some(who), Some(json!({ "locale": locale }))).await;
}

const GERMAN: [&str; 5] = [
    "<html lang=\"de\">",
    "Das Brett deines Hauses",
    "Aushang schreiben",
    ">Aushängen</button>",
    ">Zur Startseite</a>",
];
const ENGLISH: [&str; 5] =
    ["<html lang=\"en\">", "Your building&#x27;s board", "Post a notice", ">Post</button>", ">Back to home</a>"];

fn speaks(html: &str, words: &[&str]) -> bool {
    words.iter().all(|word| html.contains(word))
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
    // Times in JSON are RFC 3339, in UTC.
    let created_at = created["created_at"].as_str().expect("created_at is a string");
    assert!(is_rfc3339_utc(created_at), "{created_at}");
    let around_today = [days_from_today(-1), days_from_today(0), days_from_today(1)];
    assert!(around_today.contains(&created_at[..10].to_owned()), "{created_at} is about now");

    let board = get_json(&client, &node, "/apps/pinboard/posts", &bob()).await;
    assert_eq!(board["items"].as_array().unwrap().len(), 1);
    assert_eq!(board["items"][0]["title"], "Bike room cleanup on Saturday");
    assert_eq!(board["items"][0]["mine"], false);

    // Bob cannot delete Alice's post, and learns nothing from trying.
    let refused = client.delete(node.url(&format!("/apps/pinboard/posts/{id}"))).header(bob().0, bob().1).send().await;
    assert_eq!(refused.unwrap().status(), 404);
    let by_form = client.post(node.url(&format!("/apps/pinboard/posts/{id}/delete"))).header(bob().0, bob().1).send();
    let by_form = by_form.await.unwrap();
    assert_eq!(by_form.status(), 404);
    let page = by_form.text().await.unwrap();
    assert!(page.contains("That notice is gone, or it is not yours to delete."), "{page}");
    assert!(page.contains("Bike room cleanup on Saturday"), "the board is shown, her post still on it: {page}");

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
        ("{\"title\": \"\", \"body\": \"\"}", "Give your notice a title of 1 to 120 characters."),
        ("{\"title\": \"x\", \"body\": 7}", "request body"),
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
    assert!(first.get("next_cursor").is_none(), "the page says `next`: {first}");
    let cursor = first["next"].as_str().expect("a second page");
    let second =
        get_json(&client, &node, &format!("/apps/pinboard/posts?after={cursor}"), &(name, value.clone())).await;
    let titles: Vec<&str> = second["items"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Notice 4", "Notice 3", "Notice 2", "Notice 1", "Notice 0"]);
    assert!(second["next"].is_null());

    let forged = client.get(node.url("/apps/pinboard/posts?after=not-a-cursor")).header(name, value.clone()).send();
    assert_eq!(forged.await.unwrap().status(), 400);

    // The page pages on too, with links both ways; a forged cursor is said on the page.
    let (_, html) = board_page(&node, &(name, value.clone()), None).await;
    let older = html.split("<a href=\"?after=").nth(1).and_then(|rest| rest.split('"').next()).expect("a link on");
    assert_eq!(html.matches("<li class=\"card\">").count(), 20);
    let later = client
        .get(node.url(&format!("/apps/pinboard/?after={older}")))
        .header(name, value.clone())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let later = later.text().await.unwrap();
    assert_eq!(later.matches("<li class=\"card\">").count(), 5, "{later}");
    assert!(later.contains("<h3>Notice 0</h3>") && later.contains("<a href=\"./\">Newest notices</a>"), "{later}");
    let forged = client
        .get(node.url("/apps/pinboard/?after=%22%3E%3Cscript%3E"))
        .header(name, value)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    let forged = forged.text().await.unwrap();
    assert!(forged.contains("The board cannot be shown right now") && !forged.contains("<script"), "{forged}");
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
    assert!(html.contains("/delete\"><button class=\"secondary\">Delete<span"), "own posts get a delete button");
}

#[tokio::test]
async fn the_board_speaks_the_persons_language_then_the_browsers_then_english() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;

    // Her own locale wins over what the browser asks for.
    set_locale(&world, &alice.auth, "de-CH").await;
    let (status, html) = board_page(&node, &alice.auth, Some("en-GB, en;q=0.9")).await;
    assert_eq!(status, 200);
    assert!(speaks(&html, &GERMAN) && !html.contains("Post a notice"), "{html}");
    assert!(html.contains("Noch hängt nichts am Brett."), "{html}");

    // A locale the app does not speak: the browser's best language it does.
    set_locale(&world, &alice.auth, "fr-CH").await;
    let (_, html) = board_page(&node, &alice.auth, Some("fr-CH, it;q=0.9, de;q=0.8, en;q=0.5")).await;
    assert!(speaks(&html, &GERMAN), "{html}");
    let (_, html) = board_page(&node, &alice.auth, Some("de;q=0.2, en;q=0.7")).await;
    assert!(speaks(&html, &ENGLISH), "{html}");

    // Neither speaks one of ours: English.
    let (_, html) = board_page(&node, &alice.auth, Some("fr-CH, it")).await;
    assert!(speaks(&html, &ENGLISH) && !html.contains("Aushang"), "{html}");
    let (_, html) = board_page(&node, &alice.auth, None).await;
    assert!(speaks(&html, &ENGLISH), "{html}");

    // A refused post says why in her language, and keeps what she typed.
    set_locale(&world, &alice.auth, "de").await;
    let refused = client()
        .post(node.url("/apps/pinboard/posts"))
        .header(alice.auth.0, alice.auth.1.clone())
        .header("accept-language", "en")
        .form(&[("title", "   "), ("body", "Mein Velo </textarea> ist weg")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Dein Aushang wurde nicht veröffentlicht"), "{html}");
    assert!(html.contains("Gib deinem Aushang einen Titel mit 1 bis 120 Zeichen."), "{html}");
    assert!(html.contains(">Mein Velo &lt;/textarea&gt; ist weg</textarea>"), "{html}");
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    // So does the JSON answer.
    let json = client()
        .post(node.url("/apps/pinboard/posts"))
        .header(alice.auth.0, alice.auth.1.clone())
        .json(&json!({ "title": "x", "body": "é".repeat(4_001) }))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 400);
    let error: Value = json.json().await.unwrap();
    assert_eq!(error["error"]["message"], "Ein Aushang hat höchstens 4000 Zeichen; deiner hat 4001.");
}

#[tokio::test]
async fn a_neighbours_hostile_post_and_name_are_shown_as_text_in_the_portals_frame() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let mallory = world.resident_person("mallory", "acme", "elm-5").await;
    let bob = world.resident("bob", "acme", "elm-5").await;
    let name = "<b>Mallory</b> \"the admin\" <img src=x onerror=alert(1)>";
    world.expect(200, Method::PATCH, "/api/me", Some(&mallory.auth), Some(json!({ "name": name }))).await;
    let posted = client()
        .post(node.url("/apps/pinboard/posts"))
        .header(mallory.auth.0, mallory.auth.1.clone())
        .form(&[
            ("title", "<script>alert('title')</script>"),
            ("body", "\" onmouseover=\"alert(1)\" x=\"</textarea><style>body{display:none}</style>"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);

    let page = client()
        .get(node.url("/apps/pinboard/"))
        .header(bob.0, bob.1.clone())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains("style-src 'self';") && !policy.contains("unsafe-inline"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(html.contains("<h3>&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;</h3>"), "{html}");
    assert!(html.contains("&quot; onmouseover=&quot;alert(1)&quot; x=&quot;&lt;/textarea&gt;&lt;style&gt;"), "{html}");
    assert!(html.contains("by &lt;b&gt;Mallory&lt;/b&gt; &quot;the admin&quot; &lt;img src=x onerror=alert(1)&gt;"));
    for raw in ["<script", "<style", "<img", "<b>", "style=", "onmouseover=\""] {
        assert!(!html.contains(raw), "`{raw}` must not reach the page raw: {html}");
    }
    assert!(!html.contains("/delete\""), "no delete button on a neighbour's post: {html}");

    // The portal's frame, whose two links work on the platform too.
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/.courtyard/app.css\">"), "{html}");
    assert!(html.contains("<a class=\"home\" href=\"/.courtyard/home\">Back to home</a>"), "{html}");
    assert!(html.contains("<a class=\"skip\" href=\"#main\">") && html.contains("<main id=\"main\">"), "{html}");
    assert!(html.contains("<title>Your building&#x27;s board · Pinboard</title>"), "{html}");
    let stylesheet = client().get(node.url("/.courtyard/app.css")).send().await.unwrap();
    assert_eq!(stylesheet.status(), 200);
    assert!(stylesheet.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert!(stylesheet.text().await.unwrap().contains(".visually-hidden"), "the classes apps rely on");
    let home = client().get(node.url("/.courtyard/home")).send().await.unwrap();
    assert_eq!((home.status().as_u16(), home.headers()["location"].to_str().unwrap()), (303, "/"));
}

#[tokio::test]
async fn the_address_people_type_moves_on_to_the_app_with_its_slash() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let alice = World::new(&deployment, &node).resident("alice", "acme", "elm-5").await;
    for method in [Method::GET, Method::HEAD] {
        let typed = client()
            .request(method.clone(), node.url("/apps/pinboard?after=x%2Fy&limit=5"))
            .header(alice.0, alice.1.clone())
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(typed.status(), 308, "{method}");
        assert_eq!(typed.headers()["location"], "/apps/pinboard/?after=x%2Fy&limit=5", "{method}: the query kept");
    }
    // Only from there do the page's relative forms stay below the app.
    let (status, html) = board_page(&node, &alice, None).await;
    assert_eq!(status, 200);
    assert!(html.contains("action=\"posts\""), "{html}");
    let page = reqwest::Url::parse(&node.url("/apps/pinboard/")).unwrap();
    assert_eq!(page.join("posts").unwrap().path(), "/apps/pinboard/posts");
    let typed = reqwest::Url::parse(&node.url("/apps/pinboard")).unwrap();
    assert_eq!(typed.join("posts").unwrap().path(), "/apps/posts", "why the typed address moves on");
    // Other methods there are the app's, as before.
    let posted = client()
        .post(node.url("/apps/pinboard"))
        .header(alice.0, alice.1.clone())
        .json(&json!({ "title": "x", "body": "y" }))
        .send()
        .await
        .unwrap();
    assert_ne!(posted.status(), 308);
    assert!(posted.status().is_client_error(), "{}", posted.status());
}
