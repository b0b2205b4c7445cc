//! The HTTP front: health, errors in one JSON shape, limits, request ids.

use crate::support::*;
use serde_json::Value;

#[tokio::test]
async fn health_unknown_routes_and_unknown_apps() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();

    let health: Value = client.get(node.url("/healthz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let expected = if deployment.database_url.is_some() { "postgres" } else { "sqlite" };
    assert_eq!(health["database"], expected, "the suite must run against the backend it was asked for");

    let wrong_method = client.post(node.url("/healthz")).send().await.unwrap();
    assert_eq!(wrong_method.status(), 405);
    assert_eq!(wrong_method.json::<Value>().await.unwrap()["error"]["code"], "method_not_allowed");
    let mut world = World::new(&deployment, &node);
    let (name, value) = world.resident("alice", "acme", "elm-5").await;
    let bad_path = client.get(node.url("/apps/%FF%FE/x")).header(name, value.clone()).send().await.unwrap();
    assert_eq!(bad_path.status(), 400);
    assert_eq!(bad_path.json::<Value>().await.unwrap()["error"]["code"], "bad_request");

    for path in ["/nothing-here", "/apps/no-such-app/", "/apps/no-such-app/deep/path"] {
        let response = client.get(node.url(path)).header(name, value.clone()).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_reaching_the_app() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let (name, value) = World::new(&deployment, &node).resident("alice", "acme", "elm-5").await;
    let response = client
        .post(node.url("/apps/pinboard/posts"))
        .header(name, value.clone())
        .header("content-type", "application/json")
        .body(vec![b' '; (1 << 20) + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(response.json::<Value>().await.unwrap()["error"]["code"], "payload_too_large");
    let board: Value =
        client.get(node.url("/apps/pinboard/posts")).header(name, value).send().await.unwrap().json().await.unwrap();
    assert_eq!(board["items"], serde_json::json!([]));
}

#[tokio::test]
async fn the_host_assigns_every_request_id_itself() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let mut seen = Vec::new();
    for sent in [Some("trace-42"), Some("trace-42"), Some("evil id {injected}"), None] {
        let mut request = client.get(node.url("/healthz"));
        if let Some(sent) = sent {
            request = request.header("x-request-id", sent);
        }
        let answer = request.send().await.unwrap();
        let id = answer.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_ne!(Some(id.as_str()), sent, "a client's id is never taken over");
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{id}");
        assert!(!seen.contains(&id), "every request gets its own id");
        seen.push(id);
    }
}

#[tokio::test]
async fn apps_need_a_signed_in_caller_and_the_old_dev_header_means_nothing() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let anonymous = client.get(node.url("/apps/pinboard/posts")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    assert_eq!(anonymous.json::<Value>().await.unwrap()["error"]["code"], "unauthorized");
    let pretending = client
        .get(node.url("/apps/pinboard/posts"))
        .header("x-courtyard-dev-caller", "subject=alice; customer=acme; property=elm-5; roles=resident")
        .send()
        .await
        .unwrap();
    assert_eq!(pretending.status(), 401, "identity comes from a token, never from a header");
}

#[tokio::test]
async fn mail_links_open_account_pages_and_browsers_are_sent_to_sign_in() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    // Every account page is a plain form: no script at all, and the page's
    // own posts keep their origin; a token in the URL goes to no other site.
    for (path, form, filled) in [
        ("/account/signup?code=ABCD-EFGH", "/account/signup", "value=\"ABCD-EFGH\""),
        ("/account/verify?token=tok-1", "/account/verify", "value=\"tok-1\""),
        ("/account/reset?token=tok-2", "/account/reset/confirm", "value=\"tok-2\""),
        ("/account/reset", "/account/reset", "type=\"email\""),
        ("/account/request", "/account/request", "autocomplete=\"postal-code\""),
        ("/account/signin?next=/apps/pinboard/", "/account/signin", "value=\"/apps/pinboard/\""),
    ] {
        let page = client.get(node.url(path)).send().await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(
            !csp.contains("script-src") && csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert_eq!(page.headers()["referrer-policy"], "same-origin", "{path}");
        let html = page.text().await.unwrap();
        assert!(html.contains(&format!("<form method=\"post\" action=\"{form}\">")), "{path}: {html}");
        assert!(html.contains(filled) && !html.contains("<script"), "{path}: {html}");
    }
    // A hostile code in the link is text, never markup.
    let hostile = client.get(node.url("/account/signup?code=%22%3E%3Cscript%3Ex%3C/script%3E")).send().await.unwrap();
    let html = hostile.text().await.unwrap();
    assert!(!html.contains("<script>") && html.contains("&#34;&#62;&#60;script&#62;"), "{html}");

    // A browser without a session is sent to sign in and back; an API client gets 401.
    let browser =
        client.get(node.url("/apps/pinboard/?page=2")).header("accept", "text/html,*/*").send().await.unwrap();
    assert_eq!(browser.status(), 303);
    assert_eq!(browser.headers()["location"], "/account/signin?next=%2Fapps%2Fpinboard%2F%3Fpage%3D2");
    let api = client.get(node.url("/apps/pinboard/")).header("accept", "application/json").send().await.unwrap();
    assert_eq!(api.status(), 401);
}

#[tokio::test]
async fn an_oversized_json_body_is_too_large_not_invalid() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let huge = format!("{{\"email\":\"{}\",\"password\":\"x\"}}", "a".repeat(3 << 20));
    let answer = client()
        .post(node.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 413);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
}
