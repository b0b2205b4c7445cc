//! An over-reaching third-party app tries everything it should not. Every
//! attempt is refused with a typed error (never a trap), and audited exactly
//! once. Pseudonyms keep residents unlinkable across apps.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const APP: &str = "overreach";
/// What acme approves: everything but the phone number.
const APPROVED: &[&str] = &[
    "profile.read:display-name",
    "profile.read:email",
    "collections.write:notes",
    "notifications.send",
    "outbound-http:vendor.example",
];

struct Scene<'a> {
    world: World<'a>,
    vendor: Vendor,
    alice: Person,
    bob: Person,
    carol: Person,
    dave: Person,
}

fn overreach_manifest(id: &str) -> String {
    std::fs::read_to_string(fixture_manifest("overreach"))
        .unwrap()
        .replace("id = \"overreach\"", &format!("id = \"{id}\""))
}

impl Scene<'_> {
    /// One attempt through the app: its outcome, and the audit entries it left.
    async fn attempt(&mut self, who: &Person, method: Method, path: &str, body: Option<Value>) -> (Value, Vec<Value>) {
        let mut request = self
            .world
            .client
            .request(method, self.world.node.url(&format!("/apps/{APP}{path}")))
            .header(who.auth.0, who.auth.1.clone());
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "{path} must answer (a refusal is not a trap)");
        let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        let answer: Value = response.json().await.unwrap();
        let customer = if who.email.starts_with("dave") { "globex" } else { "acme" };
        let entries: Vec<Value> = self
            .world
            .audit(customer, &format!("app={APP}"))
            .await
            .into_iter()
            .filter(|entry| entry["request_id"] == request_id.as_str())
            .collect();
        (answer, entries)
    }

    /// An attempt that must be refused with `outcome` and audited exactly once.
    async fn refused(&mut self, who: &Person, method: Method, path: &str, body: Option<Value>, outcome: &str) -> Value {
        let (answer, entries) = self.attempt(&who.clone(), method, path, body).await;
        assert_eq!(answer["outcome"], outcome, "{path}: {answer}");
        assert_eq!(entries.len(), 1, "{path} must be audited exactly once: {entries:?}");
        let entry = entries[0].clone();
        // Refused at the gate (not allowed, or malformed) is `denied`; a
        // call that was made and went wrong is `failed`.
        let expected = if matches!(outcome, "denied" | "invalid") { "denied" } else { "failed" };
        assert_eq!(entry["outcome"], expected, "{path}: {entry}");
        entry
    }

    async fn whoami(&self, who: &Person, app: &str) -> String {
        let answer = self.world.expect(200, Method::GET, &format!("/apps/{app}/whoami"), Some(&who.auth), None).await;
        answer["subject"].as_str().unwrap().to_owned()
    }
}

async fn scene<'a>(deployment: &'a Deployment, node: &'a Node, vendor: Vendor) -> Scene<'a> {
    let mut world = World::new(deployment, node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    let carol = world.resident_person("carol", "acme", "oak-7").await;
    let dave = world.resident_person("dave", "globex", "pine-1").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, Some(APPROVED)).await;
    world.approve("globex", APP, None).await;
    // Alice consents to all but her email address.
    let without_email: Vec<&str> = APPROVED.iter().copied().filter(|grant| *grant != "profile.read:email").collect();
    world.consent(&alice.auth, APP, Some(&without_email)).await;
    for person in [&bob, &carol, &dave] {
        world.consent(&person.auth, APP, None).await;
    }
    Scene { world, vendor, alice, bob, carol, dave }
}

#[tokio::test]
async fn every_overreach_is_refused_and_audited_exactly_once() {
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&["vendor.example"])).await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut s = scene(&deployment, &node, vendor).await;
    let (alice, bob, carol, dave) = (s.alice.clone(), s.bob.clone(), s.carol.clone(), s.dave.clone());

    // Allowed, for contrast: her display name, once, audited once.
    let (answer, entries) = s.attempt(&alice, Method::GET, "/profile?fields=display-name", None).await;
    assert_eq!(answer, json!({ "outcome": "ok", "detail": { "display-name": "alice" } }));
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0]["outcome"].as_str(), entries[0]["fields"].as_str()),
        (Some("allowed"), Some("display-name"))
    );

    // Declared but not approved by the customer.
    let entry = s.refused(&alice, Method::GET, "/profile?fields=display-name,phone", None, "denied").await;
    assert!(entry["reason"].as_str().unwrap().contains("profile.read:phone"), "{entry}");
    // Approved, but not consented by the resident.
    let entry = s.refused(&alice, Method::GET, "/profile?fields=email", None, "denied").await;
    assert!(entry["reason"].as_str().unwrap().contains("consented"), "{entry}");
    // Not declared at all.
    s.refused(&alice, Method::GET, "/profile?fields=address", None, "denied").await;

    // Another app's collection without a grant.
    let posted = s
        .world
        .expect(
            201,
            Method::POST,
            "/apps/pinboard/posts",
            Some(&alice.auth),
            Some(json!({ "title": "Bikes", "body": "" })),
        )
        .await;
    assert!(posted["id"].is_string());
    s.refused(&alice, Method::GET, "/collection?name=pinboard/posts", None, "denied").await;
    // An own collection it did not declare.
    s.refused(&alice, Method::GET, "/collection?name=secrets", None, "denied").await;

    // Another property's documents and another customer's: not found.
    let (carols, _) = s.attempt(&carol, Method::POST, "/notes", Some(json!({ "text": "oak" }))).await;
    let carols = carols["detail"]["id"].as_str().unwrap().to_owned();
    let (daves, _) = s.attempt(&dave, Method::POST, "/notes", Some(json!({ "text": "pine" }))).await;
    let daves = daves["detail"]["id"].as_str().unwrap().to_owned();
    s.refused(&alice, Method::GET, &format!("/document?collection=notes&id={carols}"), None, "not-found").await;
    s.refused(&alice, Method::GET, &format!("/document?collection=notes&id={daves}"), None, "not-found").await;
    let (listed, _) = s.attempt(&alice, Method::GET, "/collection?name=notes", None).await;
    assert_eq!(listed["detail"]["items"], json!([]), "nothing of other properties or customers is listed");
    // Another customer's resident by their pseudonym: not found either.
    let dave_here = s.whoami(&dave, APP).await;
    s.refused(&alice, Method::GET, &format!("/profile?fields=display-name&subject={dave_here}"), None, "not-found")
        .await;
    s.refused(&alice, Method::POST, &format!("/notify?subject={dave_here}"), None, "not-found").await;
    // Another property's resident of the same customer, who did consent: not found either.
    let carol_here = s.whoami(&carol, APP).await;
    s.refused(&alice, Method::GET, &format!("/profile?fields=display-name&subject={carol_here}"), None, "not-found")
        .await;
    s.refused(&alice, Method::POST, &format!("/notify?subject={carol_here}"), None, "not-found").await;
    // A made-up subject, or an internal user id instead of a pseudonym.
    s.refused(&alice, Method::GET, "/profile?subject=ps-00000000000000000000000000000000", None, "not-found").await;
    s.refused(&alice, Method::GET, &format!("/profile?subject={}", bob.user_id), None, "not-found").await;

    // Outbound HTTP: the declared and approved host works, any other is refused.
    let (answer, entries) = s.attempt(&alice, Method::GET, "/http?url=https://vendor.example/hello", None).await;
    assert_eq!(answer["detail"]["status"], 200, "{answer}");
    assert_eq!(entries.len(), 1);
    assert!(entries[0]["fields"].as_str().unwrap().contains("method=GET"), "{}", entries[0]);
    assert!(s.vendor.calls().iter().any(|call| call.path == "/hello"));
    for url in [
        "https://evil.example/steal",
        "https://vendor.example.evil.example/",
        "http://127.0.0.1:1/",
        "https://169.254.169.254/latest",
    ] {
        s.refused(&alice, Method::GET, &format!("/http?url={url}"), None, "denied").await;
    }
    assert_eq!(s.vendor.calls().len(), 1, "nothing reached any host but the approved one");

    // A neighbour's data after they withdrew consent.
    let bob_here = s.whoami(&bob, APP).await;
    let (answer, _) =
        s.attempt(&alice, Method::GET, &format!("/profile?fields=display-name&subject={bob_here}"), None).await;
    assert_eq!(answer["detail"]["display-name"], "bob", "{answer}");
    s.world.expect(200, Method::DELETE, "/api/apps/overreach/consent", Some(&bob.auth), None).await;
    let entry = s
        .refused(&alice, Method::GET, &format!("/profile?fields=display-name&subject={bob_here}"), None, "denied")
        .await;
    assert!(entry["reason"].as_str().unwrap().contains("consented"), "{entry}");
    s.refused(&alice, Method::POST, &format!("/notify?subject={bob_here}"), None, "denied").await;
    // Bob himself gets the consent screen before the app runs at all.
    let screen = s.world.expect(403, Method::GET, "/apps/overreach/whoami", Some(&bob.auth), None).await;
    assert_eq!(screen["error"]["code"], "consent_required");

    // Every refusal above left a denied or failed entry naming the app version and digest.
    let entries = s.world.audit("acme", "app=overreach").await;
    for entry in entries.iter().filter(|entry| entry["outcome"] != "allowed") {
        assert_eq!(entry["app_version"], "0.1.0");
        assert_eq!(entry["app_digest"].as_str().map(str::len), Some(64));
        // Alice's requests act on her behalf; Bob's withdrawal hook on nobody's.
        let hook_about_bob = entry["on_behalf_of"].is_null() && entry["subject_id"] == bob.user_id.as_str();
        assert!(entry["on_behalf_of"] == alice.user_id.as_str() || hook_about_bob, "{entry}");
    }
}

#[tokio::test]
async fn pseudonyms_differ_across_apps_and_stay_stable_within_one() {
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&["vendor.example"])).await;
    for id in ["overreach", "overreach-twin"] {
        let manifest = deployment.manifest(id, &overreach_manifest(id));
        deployment.install_ok(OVERREACH_WASM, manifest);
    }
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "overreach-twin", &alice.auth).await;
    for id in ["overreach", "overreach-twin"] {
        world.enable_for("acme", id, &alice.auth).await;
    }
    let whoami = |app: &'static str| {
        let world = &world;
        let auth = alice.auth.clone();
        async move {
            world.expect(200, Method::GET, &format!("/apps/{app}/whoami"), Some(&auth), None).await["subject"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let first = whoami("overreach").await;
    let again = whoami("overreach").await;
    let twin = whoami("overreach-twin").await;
    assert_eq!(first, again, "stable within one app");
    assert_ne!(first, twin, "different for another app");
    for pseudonym in [&first, &twin] {
        assert!(!pseudonym.contains(&alice.user_id), "never the internal id");
    }
    // The core app sees the platform's id; third-party documents carry the pseudonym.
    let note =
        world.expect(200, Method::POST, "/apps/overreach/notes", Some(&alice.auth), Some(json!({ "x": 1 }))).await;
    assert_eq!(note["detail"]["owner"], first.as_str());
    // The twin cannot address her by the first app's pseudonym.
    let answer = world
        .expect(200, Method::GET, &format!("/apps/overreach-twin/profile?subject={first}"), Some(&alice.auth), None)
        .await;
    assert_eq!(answer["outcome"], "not-found", "{answer}");
}

#[tokio::test]
async fn notifications_reach_neighbours_who_consented_and_are_rate_limited() {
    let deployment = Deployment::with_config("[apps]\nnotifications_per_hour = 3\n").await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, None).await;
    world.consent(&alice.auth, APP, None).await;
    world.consent(&bob.auth, APP, None).await;
    let bob_here = world.expect(200, Method::GET, "/apps/overreach/whoami", Some(&bob.auth), None).await["subject"]
        .as_str()
        .unwrap()
        .to_owned();

    for _ in 0..3 {
        let sent = world
            .expect(200, Method::POST, &format!("/apps/overreach/notify?subject={bob_here}"), Some(&alice.auth), None)
            .await;
        assert_eq!(sent["outcome"], "ok", "{sent}");
    }
    let over = world
        .expect(200, Method::POST, &format!("/apps/overreach/notify?subject={bob_here}"), Some(&alice.auth), None)
        .await;
    assert_eq!(over["outcome"], "limit", "{over}");
    let received = world.expect(200, Method::GET, "/api/me/notifications", Some(&bob.auth), None).await;
    let received = received["items"].as_array().unwrap();
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|note| note["app_id"] == APP && note["title"] == "Hello"));
    let entries: Vec<Value> = world
        .audit("acme", "app=overreach&action=notifications.send")
        .await
        .into_iter()
        .filter(|entry| entry["subject_id"] == bob.user_id.as_str())
        .collect();
    assert_eq!(entries.len(), 4, "each send is audited once, the refused one too");
    assert_eq!(entries[3]["outcome"], "failed");
    assert!(entries[3]["reason"].as_str().unwrap().starts_with("limit"), "{}", entries[3]);
}

#[tokio::test]
async fn a_resident_who_restricts_processing_is_off_limits_to_third_party_apps() {
    let deployment = Deployment::new().await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, None).await;
    world.consent(&alice.auth, APP, None).await;
    world.consent(&bob.auth, APP, None).await;
    let bob_here = world.expect(200, Method::GET, "/apps/overreach/whoami", Some(&bob.auth), None).await["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = format!("/apps/overreach/profile?fields=display-name&subject={bob_here}");
    assert_eq!(world.expect(200, Method::GET, &read, Some(&alice.auth), None).await["outcome"], "ok");

    let restricted = world
        .expect(
            200,
            Method::PUT,
            "/api/me/processing-restriction",
            Some(&bob.auth),
            Some(json!({ "restricted": true })),
        )
        .await;
    assert_eq!(restricted["restricted"], true);
    let answer = world.expect(200, Method::GET, &read, Some(&alice.auth), None).await;
    assert_eq!(answer["outcome"], "denied", "{answer}");
    assert!(answer["detail"].as_str().unwrap().contains("restricts"), "{answer}");
    // His own use of the app is restricted too.
    let own = world.expect(200, Method::GET, "/apps/overreach/profile", Some(&bob.auth), None).await;
    assert_eq!(own["outcome"], "denied", "{own}");

    world
        .expect(
            200,
            Method::PUT,
            "/api/me/processing-restriction",
            Some(&bob.auth),
            Some(json!({ "restricted": false })),
        )
        .await;
    assert_eq!(world.expect(200, Method::GET, &read, Some(&alice.auth), None).await["outcome"], "ok");
}

#[tokio::test]
async fn a_declared_approved_host_that_resolves_to_a_private_address_is_refused() {
    // The vendor listens on loopback; the app declares its host and port, the
    // customer approves them, and the name resolves to the loopback address.
    let vendor = Vendor::start().await;
    let host = format!("vendor.example:{}", vendor.port);
    let manifest = std::fs::read_to_string(fixture_manifest("overreach"))
        .unwrap()
        .replace("hosts = [\"vendor.example\"]", &format!("hosts = [{host:?}]"));
    for allow_private in [false, true] {
        let deployment = Deployment::with_config(&format!(
            "[outbound_http]\nallow_plain_http = true\nallow_private_addresses = {allow_private}\n\
             resolve = {{ \"vendor.example\" = \"127.0.0.1\" }}\n"
        ))
        .await;
        deployment.install_ok(OVERREACH_WASM, deployment.manifest(APP, &manifest));
        let node = deployment.start();
        let mut world = World::new(&deployment, &node);
        let alice = world.resident_person("alice", "acme", "elm-5").await;
        node.wait_for_app(&world.client, APP, &alice.auth).await;
        world.enable_for("acme", APP, &alice.auth).await;
        let answer = world
            .expect(200, Method::GET, &format!("/apps/{APP}/http?url=http://{host}/private"), Some(&alice.auth), None)
            .await;
        if allow_private {
            // The same call where the operator allows private addresses: it
            // gets through, so the refusal above is the address rule's.
            assert_eq!(answer["detail"]["status"], 200, "{answer}");
        } else {
            assert_eq!(answer["outcome"], "denied", "{answer}");
            assert!(answer["detail"].as_str().unwrap().contains("private addresses"), "{answer}");
            assert!(vendor.calls().is_empty(), "the private address was never connected to");
        }
    }
    assert_eq!(vendor.calls().len(), 1);
}

#[tokio::test]
async fn a_notification_whose_link_climbs_out_of_the_app_is_refused() {
    let deployment = Deployment::new().await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, None).await;
    world.consent(&alice.auth, APP, None).await;
    world.consent(&bob.auth, APP, None).await;
    let bob_here = world.expect(200, Method::GET, "/apps/overreach/whoami", Some(&bob.auth), None).await["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    let notify = |link: &str| format!("/apps/overreach/notify?subject={bob_here}&link={}", link.replace('%', "%25"));

    // Each would lead from /apps/overreach/… into pinboard, as a browser resolves it.
    let climbing = ["/../pinboard/", "/notes/../../pinboard/posts", "/%2e%2e/pinboard/", "/.%2E/pinboard/", "/./x"];
    for link in climbing {
        let sent = world.expect(200, Method::POST, &notify(link), Some(&alice.auth), None).await;
        assert_eq!(sent["outcome"], "invalid", "{link}: {sent}");
        assert!(sent["detail"].as_str().unwrap().contains("`..`"), "{sent}");
    }
    // A link below the app arrives.
    let sent = world.expect(200, Method::POST, &notify("/notes/n-1?from=..x"), Some(&alice.auth), None).await;
    assert_eq!(sent["outcome"], "ok", "{sent}");
    let received = world.expect(200, Method::GET, "/api/me/notifications", Some(&bob.auth), None).await;
    let links: Vec<&str> =
        received["items"].as_array().unwrap().iter().filter_map(|note| note["link"].as_str()).collect();
    assert_eq!(links, ["/notes/n-1?from=..x"], "{received}");
    let entries = world.audit("acme", "app=overreach&action=notifications.send").await;
    assert_eq!(entries.len(), climbing.len() + 1, "each send is audited once: {entries:?}");
    let refused = entries.iter().filter(|entry| entry["reason"].as_str().is_some_and(|r| r.starts_with("invalid")));
    assert_eq!(refused.count(), climbing.len(), "{entries:?}");
}
