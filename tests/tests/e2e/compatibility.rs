//! Components built against contract 0.1.0 keep installing and running
//! unchanged on a host that speaks 0.2: the prebuilt binaries in
//! `tests/prebuilt` are the `notes` fixture and moving-service exactly as
//! they were built before the contract grew, never rebuilt.

use crate::moving_service::manifest;
use crate::support::*;
use reqwest::Method;
use serde_json::json;

const MOVERS_HOST: &str = "api.meier-removals.example";

#[tokio::test]
async fn a_0_1_component_still_stores_reads_pages_updates_and_deletes() {
    let bytes = std::fs::read(NOTES_0_1_WASM).unwrap();
    assert!(
        String::from_utf8_lossy(&bytes).contains("courtyard:platform/collections@0.1.0"),
        "the fixture is really built against 0.1"
    );
    let deployment = Deployment::new().await;
    deployment.install_ok(NOTES_0_1_WASM, fixture_manifest("notes"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident("alice", "acme", "elm-5").await;
    let bob = world.resident("bob", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "notes", &alice).await;
    world.approve("acme", "notes", None).await;
    world.consent(&alice, "notes", None).await;
    world.consent(&bob, "notes", None).await;

    let shared =
        world.expect(201, Method::POST, "/apps/notes/notes", Some(&alice), Some(json!({ "tag": "a", "n": 1 }))).await;
    world.expect(201, Method::POST, "/apps/notes/notes?private=1", Some(&alice), Some(json!({ "tag": "b" }))).await;
    assert_eq!(shared["visibility"], "property", "{shared}");
    let id = shared["id"].as_str().unwrap();

    let seen = world.expect(200, Method::GET, "/apps/notes/notes?tag=a", Some(&bob), None).await;
    assert_eq!(seen["items"].as_array().unwrap().len(), 1, "{seen}");
    let bobs = world.expect(200, Method::GET, "/apps/notes/notes", Some(&bob), None).await;
    assert_eq!(bobs["items"].as_array().unwrap().len(), 1, "the private one stays hers: {bobs}");
    let first = world.expect(200, Method::GET, "/apps/notes/notes?limit=1", Some(&alice), None).await;
    let next = first["next"].as_str().expect("a second page");
    let second =
        world.expect(200, Method::GET, &format!("/apps/notes/notes?limit=1&after={next}"), Some(&alice), None).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1, "{second}");

    let path = format!("/apps/notes/notes/{id}");
    let changed =
        world.expect(200, Method::PUT, &format!("{path}?rev=1"), Some(&alice), Some(json!({ "tag": "c" }))).await;
    assert_eq!(changed["revision"], 2);
    world.expect(400, Method::PUT, &format!("{path}?rev=1"), Some(&alice), Some(json!({ "tag": "d" }))).await;
    world.expect(404, Method::PUT, &path, Some(&bob), Some(json!({ "tag": "e" }))).await;
    world.expect(204, Method::DELETE, &path, Some(&alice), None).await;
    world.expect(404, Method::GET, &path, Some(&alice), None).await;
}

#[tokio::test]
async fn moving_service_built_for_0_1_still_quotes_notifies_and_hears_of_a_withdrawal() {
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&[MOVERS_HOST])).await;
    let path = deployment.manifest("moving-0.1", &manifest());
    deployment.install_ok(MOVING_SERVICE_0_1_WASM, path);
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    world.approve("acme", "moving-service", None).await;
    node.wait_for_app(&world.client, "moving-service", &anna.auth).await;
    world.consent(&anna.auth, "moving-service", None).await;

    let quote = world
        .expect(
            201,
            Method::POST,
            "/apps/moving-service/quotes",
            Some(&anna.auth),
            Some(json!({ "moving_on": days_from_today(30), "rooms": 2 })),
        )
        .await;
    assert_eq!(quote["data"]["quote"]["quote_id"], "Q-1001", "{quote}");
    assert_eq!(vendor.calls().len(), 1, "profile read and outbound call went through");
    let listed = world.expect(200, Method::GET, "/apps/moving-service/quotes", Some(&anna.auth), None).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    let notes = world.expect(200, Method::GET, "/api/me/notifications", Some(&anna.auth), None).await;
    assert_eq!(notes["items"][0]["title"], "Your moving quote is ready", "{notes}");

    // Withdrawal: the 0.1 life-cycle hook runs and tells the vendor.
    let withdrawn = world.expect(200, Method::DELETE, "/api/apps/moving-service/consent", Some(&anna.auth), None).await;
    assert_eq!(withdrawn["app_notified"], "ok", "{withdrawn}");
    assert_eq!(withdrawn["documents_deleted"], 1);
    assert!(vendor.calls().iter().any(|call| call.method == "DELETE"), "{:?}", vendor.calls());
    world.expect(403, Method::GET, "/apps/moving-service/quotes", Some(&anna.auth), None).await;
}
