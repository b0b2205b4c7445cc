//! Hostile guests: each misbehaviour is contained to its own request with a
//! 5xx, and a well-behaved app keeps answering during and after it.

use crate::support::*;
use serde_json::Value;

/// Alice uses the pinboard; Mallory runs the hostile app. Same building.
struct Cast {
    alice: Auth,
    mallory: Auth,
}

async fn deployment_with_hostile() -> (Deployment, Node, Cast) {
    deployment_with_hostile_and("").await
}

async fn deployment_with_hostile_and(config: &str) -> (Deployment, Node, Cast) {
    let deployment = Deployment::with_config(config).await;
    let installed = deployment.install(HOSTILE_WASM, fixture_manifest("hostile"));
    assert!(installed.status.success(), "{}", String::from_utf8_lossy(&installed.stderr));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let cast = Cast {
        alice: world.resident("alice", "acme", "elm-5").await,
        mallory: world.resident("mallory", "acme", "elm-5").await,
    };
    world.enable_for("acme", "hostile", &cast.mallory).await;
    drop(world);
    (deployment, node, cast)
}

async fn pinboard_answers(client: &reqwest::Client, node: &Node, cast: &Cast) {
    let (name, value) = cast.alice.clone();
    let response = client.get(node.url("/apps/pinboard/posts")).header(name, value).send().await.unwrap();
    assert_eq!(response.status(), 200, "the well-behaved app must keep answering");
}

async fn hostile(client: &reqwest::Client, node: &Node, cast: &Cast, route: &str) -> (u16, Value) {
    let (name, value) = cast.mallory.clone();
    let response = client.get(node.url(&format!("/apps/hostile{route}"))).header(name, value).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test]
async fn each_hostile_guest_is_contained_to_its_own_request() {
    let (_deployment, node, cast) = deployment_with_hostile().await;
    let client = client();
    for (route, status, code) in [
        ("/spin", 504, "app_timeout"),
        ("/memory-bomb", 500, "app_failed"),
        ("/recursion", 500, "app_failed"),
        ("/deep-frames", 500, "app_failed"),
        ("/huge-response", 502, "app_bad_response"),
        ("/trap", 500, "app_failed"),
        ("/exit", 500, "app_failed"),
        ("/bad-status", 502, "app_bad_response"),
    ] {
        let (got, body) = hostile(&client, &node, &cast, route).await;
        assert_eq!(got, status, "{route}: {body}");
        assert_eq!(body["error"]["code"], code, "{route}: {body}");
        pinboard_answers(&client, &node, &cast).await;
    }
    let (_, memory) = hostile(&client, &node, &cast, "/memory-bomb").await;
    assert!(memory["error"]["message"].as_str().unwrap().contains("memory cap"), "{memory}");
    let (_, stack) = hostile(&client, &node, &cast, "/recursion").await;
    assert!(stack["error"]["message"].as_str().unwrap().contains("stack"), "{stack}");
    // The guest's own words and backtraces stay in the log.
    for route in ["/trap", "/exit"] {
        let (_, answer) = hostile(&client, &node, &cast, route).await;
        assert_eq!(answer["error"]["message"], "app `hostile`: the app failed", "{route}: {answer}");
    }
    assert!(node.log().contains("always panics"), "the detail is in the log");
}

#[tokio::test]
async fn a_well_behaved_app_answers_while_a_guest_spins() {
    // A long deadline, so the spinners are sure to outlast pinboard's answers.
    let (_deployment, node, cast) = deployment_with_hostile_and("[runtime]\ndeadline_ms = 8000\n").await;
    let client = client();
    let spinners: Vec<_> = (0..2)
        .map(|_| {
            let client = client.clone();
            let url = node.url("/apps/hostile/spin");
            let (name, value) = cast.mallory.clone();
            tokio::spawn(async move { client.get(url).header(name, value).send().await.unwrap().status() })
        })
        .collect();
    node.wait_for_log("hostile: spinning", 2).await;
    for _ in 0..5 {
        pinboard_answers(&client, &node, &cast).await;
    }
    // The spinners run until their deadline: pinboard answered without
    // waiting for them if they are still running now.
    assert!(spinners.iter().all(|spinner| !spinner.is_finished()), "pinboard waited for the spinners");
    for spinner in spinners {
        assert_eq!(spinner.await.unwrap(), 504);
    }
}

#[tokio::test]
async fn no_request_sees_memory_of_an_earlier_one() {
    let (_deployment, node, cast) = deployment_with_hostile().await;
    let client = client();
    for round in 0..12 {
        let (status, body) = hostile(&client, &node, &cast, "/leak-probe").await;
        assert_eq!(status, 200);
        assert_eq!(body, Value::String("static=0 heap=0".to_owned()), "round {round}");
    }
}

#[tokio::test]
async fn the_call_past_the_quota_ends_the_request_and_leaves_one_entry() {
    let (deployment, node, cast) = deployment_with_hostile().await;
    let client = client();
    // The guest loops on a refused read for as long as the host answers it.
    let (name, value) = cast.mallory.clone();
    let response = client.get(node.url("/apps/hostile/host-call-flood")).header(name, value).send().await.unwrap();
    assert_eq!(response.status(), 500);
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "app_failed", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("too many platform calls"), "{body}");

    // Exactly the quota's entries plus the one that says the request ended:
    // the audit a request can write is bounded by the quota.
    let pool = deployment.pool().await;
    let outcomes: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT outcome, reason FROM audit_entries WHERE request_id = $1 ORDER BY seq")
            .bind(&request_id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(outcomes.len(), 1001, "1,000 answered calls and the one past the quota");
    assert!(
        outcomes[..1000].iter().all(|(outcome, reason)| outcome == "failed" && reason.as_deref() == Some("not-found"))
    );
    let (outcome, reason) = &outcomes[1000];
    assert_eq!(outcome, "denied");
    assert!(reason.as_deref().unwrap().starts_with("limit: host-call quota of 1000 calls used up"), "{reason:?}");
    pinboard_answers(&client, &node, &cast).await;
}

#[tokio::test]
async fn guest_output_is_logged_but_capped() {
    let (_deployment, node, cast) = deployment_with_hostile().await;
    let client = client();
    let (status, _) = hostile(&client, &node, &cast, "/chatter").await;
    assert_eq!(status, 200);
    pinboard_answers(&client, &node, &cast).await;
    let log = node.log();
    let chatter = log.matches("chatter chatter").count();
    assert!(chatter > 0, "guest output reaches the log");
    let logged_bytes: usize = log.lines().filter(|line| line.contains("chatter chatter")).map(str::len).sum();
    assert!(logged_bytes < 64 << 10, "guest wrote 2 MiB; the log kept {logged_bytes} bytes");
    assert_eq!(log.matches("guest output over budget").count(), 1);
}

#[tokio::test]
async fn credentials_never_reach_the_guest_and_guests_cannot_set_cookies() {
    let (_deployment, node, cast) = deployment_with_hostile().await;
    let client = client();
    let (name, value) = cast.mallory.clone();
    let seen = client
        .get(node.url("/apps/hostile/headers"))
        .header(name, value.clone())
        .header("cookie", "session=secret")
        .header("authorization", "Bearer secret-token")
        .header("x-harmless", "yes")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(seen.contains("x-harmless: yes"), "{seen}");
    for secret in ["cookie", "authorization", "secret", "bearer"] {
        assert!(!seen.contains(secret), "`{secret}` reached the guest:\n{seen}");
    }

    let response = client.get(node.url("/apps/hostile/set-cookie")).header(name, value).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("set-cookie").is_none());
    assert!(response.headers().get("x-app").is_none(), "only allowlisted headers pass");
    let csp = response.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("sandbox"), "third-party pages are sandboxed: {csp}");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["x-frame-options"], "DENY");
}

#[tokio::test]
async fn the_sandbox_grants_no_ambient_authority() {
    let (_deployment, node, cast) = deployment_with_hostile().await;
    let (status, body) = hostile(&client(), &node, &cast, "/ambient").await;
    assert_eq!(status, 200);
    // No preopened directories: the working directory is a bare name with nothing behind it.
    assert_eq!(body, Value::String("env=0 args=0 cwd=\"/\"".to_owned()));
}

#[tokio::test]
async fn a_full_node_answers_busy_instead_of_queueing_without_end() {
    let (_deployment, node, cast) =
        deployment_with_hostile_and("[runtime]\nmax_concurrent_instances = 1\ndeadline_ms = 1500\n").await;
    let client = client();
    let spinner = {
        let (client, url) = (client.clone(), node.url("/apps/hostile/spin"));
        let (name, value) = cast.mallory.clone();
        tokio::spawn(async move { client.get(url).header(name, value).send().await.unwrap().status() })
    };
    node.wait_for_log("hostile: spinning", 1).await;
    let (name, value) = cast.alice.clone();
    let busy = client.get(node.url("/apps/pinboard/posts")).header(name, value).send().await.unwrap();
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "1");
    assert_eq!(spinner.await.unwrap(), 504);
    pinboard_answers(&client, &node, &cast).await;
}

#[tokio::test]
async fn a_guest_waiting_on_the_host_does_not_stall_others() {
    let (_deployment, node, cast) = deployment_with_hostile_and("[runtime]\ndeadline_ms = 8000\n").await;
    let client = client();
    let nappers: Vec<_> = (0..4)
        .map(|_| {
            let (client, url) = (client.clone(), node.url("/apps/hostile/nap?ms=4000"));
            let (name, value) = cast.mallory.clone();
            tokio::spawn(async move { client.get(url).header(name, value).send().await.unwrap().text().await.unwrap() })
        })
        .collect();
    node.wait_for_log("hostile: napping", 4).await;
    pinboard_answers(&client, &node, &cast).await;
    assert!(nappers.iter().all(|napper| !napper.is_finished()), "pinboard waited for the nappers");
    for napper in nappers {
        let text = napper.await.unwrap();
        let slept: u64 = text.trim_start_matches("slept ").trim_end_matches(" ms").parse().expect(&text);
        assert!(slept >= 4000, "{text}");
    }
}

#[tokio::test]
async fn waiting_past_the_deadline_ends_the_request() {
    let (_deployment, node, cast) = deployment_with_hostile().await;
    // Only the deadline can end a day-long nap: the timeout answer proves it.
    let (status, body) = hostile(&client(), &node, &cast, "/nap?ms=86400000").await;
    assert_eq!(status, 504, "{body}");
    assert_eq!(body["error"]["code"], "app_timeout", "{body}");
}

#[tokio::test]
async fn guests_cannot_confuse_the_content_type_or_flood_headers() {
    let (_deployment, node, cast) = deployment_with_hostile().await;
    let client = client();
    let (name, value) = cast.mallory.clone();
    let response = client.get(node.url("/apps/hostile/two-content-types")).header(name, value.clone()).send().await;
    let response = response.unwrap();
    let types: Vec<_> = response.headers().get_all("content-type").iter().collect();
    assert_eq!(types.len(), 1, "exactly one content type: {types:?}");
    assert!(response.headers()["content-security-policy"].to_str().unwrap().starts_with("sandbox"));

    let (status, body) = hostile(&client, &node, &cast, "/header-flood").await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["error"]["code"], "app_bad_response");
    let (status, body) = hostile(&client, &node, &cast, "/informational").await;
    assert_eq!(status, 502, "{body}");
    pinboard_answers(&client, &node, &cast).await;
}
