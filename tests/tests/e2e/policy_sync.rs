//! Several nodes on one PostgreSQL database: a consent withdrawn or an
//! approval narrowed on one node is in force on the very next call on every
//! other node. Nodes cache decisions without any expiry; only the
//! database's notifications make them forget, so this proves the
//! invalidation travels through the database, not a timer.

use crate::support::*;
use reqwest::Method;
use serde_json::Value;

async fn read(world: &World<'_>, node: &Node, who: &Auth, subject: &str) -> Value {
    let response = world
        .client
        .get(node.url(&format!("/apps/overreach/profile?fields=display-name&subject={subject}")))
        .header(who.0, who.1.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn withdrawal_and_narrowing_on_one_node_apply_on_the_next_call_on_another() {
    let deployment = Deployment::new().await;
    if deployment.database_url.is_none() {
        eprintln!("several nodes share a PostgreSQL database; set COURTYARD_TEST_DATABASE_URL to run this test");
        return;
    }
    let installed = deployment.install(OVERREACH_WASM, fixture_manifest("overreach"));
    assert!(installed.status.success(), "{}", String::from_utf8_lossy(&installed.stderr));
    let (a, b) = (deployment.start(), deployment.start());
    let mut world = World::new(&deployment, &a);
    let alice = world.resident("alice", "acme", "elm-5").await;
    let bob = world.resident("bob", "acme", "elm-5").await;
    a.wait_for_app(&world.client, "overreach", &alice).await;
    b.wait_for_app(&world.client, "overreach", &alice).await;
    world.approve("acme", "overreach", None).await;
    world.consent(&alice, "overreach", None).await;
    world.consent(&bob, "overreach", None).await;
    let bob_there = world.expect(200, Method::GET, "/apps/overreach/whoami", Some(&bob), None).await["subject"]
        .as_str()
        .unwrap()
        .to_owned();

    for round in 0..3 {
        // Node b decides (and caches) that alice may read bob's name.
        assert_eq!(read(&world, &b, &alice, &bob_there).await["outcome"], "ok", "round {round}");
        assert_eq!(read(&world, &b, &alice, &bob_there).await["outcome"], "ok", "round {round}");
        // Bob withdraws on node a; node b's very next decision follows.
        world.expect(200, Method::DELETE, "/api/apps/overreach/consent", Some(&bob), None).await;
        let answer = read(&world, &b, &alice, &bob_there).await;
        assert_eq!(answer["outcome"], "denied", "round {round}: {answer}");
        world.consent(&bob, "overreach", None).await;
    }

    // The customer narrows the approval on node a: node b refuses at once.
    assert_eq!(read(&world, &b, &alice, &bob_there).await["outcome"], "ok");
    let narrowed: Vec<String> =
        world.asks("overreach").await.into_iter().filter(|grant| grant != "profile.read:display-name").collect();
    let narrowed: Vec<&str> = narrowed.iter().map(String::as_str).collect();
    world.approve("acme", "overreach", Some(&narrowed)).await;
    let answer = read(&world, &b, &alice, &bob_there).await;
    assert_eq!(answer["outcome"], "denied", "{answer}");
    assert!(answer["detail"].as_str().unwrap().contains("not approved"), "{answer}");
}
