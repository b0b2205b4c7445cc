//! The HTTP front: health, errors in one JSON shape, limits, request ids.

mod support;

use serde_json::Value;
use support::*;

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
    let bad_path = client.get(node.url("/apps/%FF%FE/x")).send().await.unwrap();
    assert_eq!(bad_path.status(), 400);
    assert_eq!(bad_path.json::<Value>().await.unwrap()["error"]["code"], "bad_request");

    for path in ["/nothing-here", "/apps/no-such-app/", "/apps/no-such-app/deep/path"] {
        let response = client.get(node.url(path)).send().await.unwrap();
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
    let (name, value) = caller("alice", "acme", "elm-5");
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
async fn request_ids_are_kept_when_sane_and_made_up_otherwise() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let kept = client.get(node.url("/healthz")).header("x-request-id", "trace-42").send().await.unwrap();
    assert_eq!(kept.headers()["x-request-id"], "trace-42");
    let replaced = client.get(node.url("/healthz")).header("x-request-id", "evil id {injected}").send().await;
    let replaced = replaced.unwrap();
    let id = replaced.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(!id.contains("injected") && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{id}");
    let next = client.get(node.url("/healthz")).send().await.unwrap();
    assert_ne!(next.headers()["x-request-id"].to_str().unwrap(), id, "every request gets its own id");
}

#[tokio::test]
async fn the_dev_caller_header_can_be_switched_off_and_is_checked() {
    let deployment = Deployment::with_config("dev_caller_header = false\n").await;
    let node = deployment.start();
    let client = client();
    let (name, value) = caller("alice", "acme", "elm-5");
    let refused = client.get(node.url("/apps/pinboard/posts")).header(name, value.clone()).send().await.unwrap();
    assert_eq!(refused.status(), 401);

    let open = Deployment::new().await;
    let node = open.start();
    let malformed = client.get(node.url("/apps/pinboard/posts")).header(name, "subject=<script>").send().await;
    assert_eq!(malformed.unwrap().status(), 400);
    let proxied = client
        .get(node.url("/apps/pinboard/posts"))
        .header(name, value)
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status(), 401, "a proxied request must not carry the development identity");
}
