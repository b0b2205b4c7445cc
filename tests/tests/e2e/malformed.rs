//! Malformed input to every route of the live route table: broken query
//! strings, broken and mistyped JSON bodies, ids that cannot exist. Each is
//! refused with a 4xx in the platform's JSON error shape, never a 5xx and
//! never a framework's plain-text message.

use crate::support::*;
use reqwest::Method;
use serde_json::Value;

/// A path of the route table with every parameter filled by `id`.
fn filled(path: &str, id: &str) -> String {
    path.split('/')
        .map(|segment| if segment.starts_with('{') { id.to_owned() } else { segment.to_owned() })
        .collect::<Vec<_>>()
        .join("/")
}

fn assert_error_shape(what: &str, status: u16, content_type: &str, body: &str) {
    assert!((400..500).contains(&status), "{what}: {status} {body}");
    assert!(content_type.starts_with("application/json"), "{what}: {content_type} {body}");
    let parsed: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{what}: not JSON: {body}"));
    assert!(parsed["error"]["code"].is_string() && parsed["error"]["message"].is_string(), "{what}: {body}");
}

#[tokio::test]
async fn every_route_refuses_malformed_input_in_the_error_shape() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let admin = world.customer("acme").await.admin;
    let description = world.expect(200, Method::GET, "/api/openapi.json", None, None).await;
    let paths = description["paths"].as_object().expect("paths");
    let mut tried = 0;
    for (path, item) in paths.iter().filter(|(path, _)| path.starts_with("/api/")) {
        for (method, operation) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let takes_body = operation.get("requestBody").is_some();
            // Ids that cannot exist: a made-up one, one too long, bytes that are no text.
            for id in ["00000000-0000-0000-0000-000000000000", &"x".repeat(2000), "%FF%FE", "..%2F..%2Fetc"] {
                let url = format!("{}?limit=many&after=&before=yesterday&outcome=maybe&from=soon", filled(path, id));
                let mut request = world.client.request(method.clone(), node.url(&url)).header(admin.0, admin.1.clone());
                if takes_body {
                    request = request.header("content-type", "application/json").body("{\"name\": ");
                }
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let content_type =
                    response.headers().get("content-type").map_or("", |v| v.to_str().unwrap()).to_owned();
                let body = response.text().await.unwrap();
                let what = format!("{method} {path} with {}", &id[..id.len().min(20)]);
                if (200..300).contains(&status) {
                    // Routes without parameters may take no query either and answer.
                    assert!(!path.contains('{'), "{what} answered {status} for an id that cannot exist: {body}");
                    continue;
                }
                assert_error_shape(&what, status, &content_type, &body);
                tried += 1;
            }
            if takes_body {
                for (content_type, body) in
                    [("text/plain", "{}"), ("application/json", "[1, 2"), ("application/json", "42")]
                {
                    let url = filled(path, "00000000-0000-0000-0000-000000000000");
                    let response = world
                        .client
                        .request(method.clone(), node.url(&url))
                        .header(admin.0, admin.1.clone())
                        .header("content-type", content_type)
                        .body(body)
                        .send()
                        .await
                        .unwrap();
                    let status = response.status().as_u16();
                    let got_type =
                        response.headers().get("content-type").map_or("", |v| v.to_str().unwrap()).to_owned();
                    let text = response.text().await.unwrap();
                    assert_error_shape(
                        &format!("{method} {path} with {content_type} {body}"),
                        status,
                        &got_type,
                        &text,
                    );
                    tried += 1;
                }
            }
        }
    }
    assert!(tried > 150, "only {tried} malformed requests were tried");
    // Nothing malformed hurt the node.
    assert_eq!(world.expect(200, Method::GET, "/healthz", None, None).await["status"], "ok");
}
