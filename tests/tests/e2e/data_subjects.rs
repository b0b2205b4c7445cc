//! The people in the data: a third-party app gets a person's data only when
//! *that* person consented and does not restrict processing, never on the
//! strength of the caller's consent; its hooks have no platform powers; and
//! no id it sees can be joined with another app's.

use std::collections::BTreeSet;

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const APP: &str = "overreach";

/// One call through the overreach app: its answer and the request's id.
async fn through(world: &World<'_>, app: &str, who: &Person, path: &str) -> (Value, String) {
    let response = world
        .client
        .get(world.node.url(&format!("/apps/{app}{path}")))
        .header(who.auth.0, who.auth.1.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    (response.json().await.unwrap(), request_id)
}

async fn post_to_pinboard(world: &World<'_>, who: &Person, title: &str) -> String {
    let posted = world
        .expect(201, Method::POST, "/apps/pinboard/posts", Some(&who.auth), Some(json!({ "title": title, "body": "" })))
        .await;
    posted["id"].as_str().unwrap().to_owned()
}

async fn restrict(world: &World<'_>, who: &Person, restricted: bool) {
    let body = json!({ "restricted": restricted });
    world.expect(200, Method::PUT, "/api/me/processing-restriction", Some(&who.auth), Some(body)).await;
}

/// The titles of the pinboard posts the app received, and their owners.
fn titles_and_owners(answer: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let items = answer["detail"]["items"].as_array().unwrap_or_else(|| panic!("a page: {answer}"));
    let titles = items.iter().map(|item| item["data"]["title"].as_str().unwrap().to_owned()).collect();
    let owners = items.iter().map(|item| item["owner"].as_str().unwrap().to_owned()).collect();
    (titles, owners)
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// The audit entries an app's calls left in one request.
async fn app_entries_of(deployment: &Deployment, request_id: &str) -> Vec<(String, String, Option<String>)> {
    let pool = deployment.pool().await;
    sqlx::query_as(
        "SELECT action, outcome, reason FROM audit_entries WHERE request_id = $1 AND actor_kind = 'app' ORDER BY seq",
    )
    .bind(request_id)
    .fetch_all(&pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_neighbours_documents_need_their_own_consent_and_no_restriction() {
    let deployment = Deployment::new().await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    let erin = world.resident_person("erin", "acme", "elm-5").await;
    let frank = world.resident_person("frank", "acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, None).await;
    // Erin never opens the app; the others consent to everything it asks.
    for person in [&alice, &bob, &frank] {
        world.consent(&person.auth, APP, None).await;
    }
    for (person, title) in [(&alice, "alice's bike"), (&bob, "bob's sofa"), (&erin, "erin's cat"), (&frank, "frank's")]
    {
        post_to_pinboard(&world, person, title).await;
    }
    for person in [&bob, &frank] {
        let posted = world
            .expect(200, Method::POST, "/apps/overreach/notes", Some(&person.auth), Some(json!({ "n": person.email })))
            .await;
        assert_eq!(posted["outcome"], "ok", "{posted}");
    }
    restrict(&world, &frank, true).await;

    // Alice's consent covers her own posts, not Erin's; Frank restricts.
    let (answer, request_id) = through(&world, APP, &alice, "/collection?name=pinboard/posts").await;
    let (titles, owners) = titles_and_owners(&answer);
    assert_eq!(titles, set(&["alice's bike", "bob's sofa"]), "{answer}");
    let alice_here = through(&world, APP, &alice, "/whoami").await.0["subject"].as_str().unwrap().to_owned();
    let bob_here = through(&world, APP, &bob, "/whoami").await.0["subject"].as_str().unwrap().to_owned();
    assert_eq!(owners, set(&[&alice_here, &bob_here]));
    let entries = app_entries_of(&deployment, &request_id).await;
    assert_eq!(entries.len(), 1, "one query, one entry: {entries:?}");
    // The app's own collection follows the same rule: Frank's note is absent.
    let (notes, _) = through(&world, APP, &alice, "/collection?name=notes").await;
    let notes = notes["detail"]["items"].as_array().unwrap().clone();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["data"]["n"], bob.email.as_str());

    // Lifting the restriction brings Frank's back; a withdrawal takes Bob's away.
    restrict(&world, &frank, false).await;
    let (answer, _) = through(&world, APP, &alice, "/collection?name=pinboard/posts").await;
    assert_eq!(titles_and_owners(&answer).0, set(&["alice's bike", "bob's sofa", "frank's"]));
    world.expect(200, Method::DELETE, "/api/apps/overreach/consent", Some(&bob.auth), None).await;
    let (answer, _) = through(&world, APP, &alice, "/collection?name=pinboard/posts").await;
    assert_eq!(titles_and_owners(&answer).0, set(&["alice's bike", "frank's"]));
    // Alice restricting herself leaves the app nothing of hers either.
    restrict(&world, &alice, true).await;
    let (own, _) = through(&world, APP, &alice, "/collection?name=pinboard/posts").await;
    assert!(own["outcome"] == "denied" || titles_and_owners(&own).0 == set(&["frank's"]), "{own}");
}

#[tokio::test]
async fn hooks_have_no_platform_powers() {
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&["vendor.example"])).await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    let frank = world.resident_person("frank", "acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, None).await;
    for person in [&alice, &bob, &frank] {
        world.consent(&person.auth, APP, None).await;
    }
    post_to_pinboard(&world, &bob, "bob's sofa").await;
    restrict(&world, &frank, true).await;
    // The vendor kept the neighbours' pseudonyms from earlier requests.
    let bob_here = through(&world, APP, &bob, "/whoami").await.0["subject"].as_str().unwrap().to_owned();
    let frank_here = world.expect(200, Method::GET, "/apps/overreach/whoami", Some(&frank.auth), None).await["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    vendor.answer("/targets", &json!([bob_here, frank_here]).to_string());

    let response = world
        .client
        .delete(node.url("/api/apps/overreach/consent"))
        .header(alice.auth.0, alice.auth.1.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let withdrawal: Value = response.json().await.unwrap();
    assert_eq!(withdrawal["app_notified"], "ok", "{withdrawal}");

    // The hook could pass the withdrawal on, and nothing else.
    let loot = vendor.calls().into_iter().find(|call| call.path == "/loot").expect("the hook told its vendor");
    for secret in [alice.email.as_str(), bob.email.as_str(), frank.email.as_str(), "bob's sofa"] {
        assert!(!loot.body.contains(secret), "{secret} reached the vendor: {}", loot.body);
    }
    let loot: Value = serde_json::from_str(&loot.body).unwrap();
    for taken in ["email", bob_here.as_str(), frank_here.as_str(), "notes", "posts", "stored", "notified"] {
        assert!(loot[taken]["refused"].is_string(), "{taken}: {loot}");
    }

    // Each call of the hook left one entry under the withdrawal's request:
    // the reads and writes refused, the two calls to the vendor allowed.
    let entries = app_entries_of(&deployment, &request_id).await;
    let actions: Vec<(&str, &str)> =
        entries.iter().map(|(action, outcome, _)| (action.as_str(), outcome.as_str())).collect();
    assert_eq!(
        actions,
        [
            ("profile.read", "denied"),
            ("outbound-http.send", "allowed"),
            ("profile.read", "denied"),
            ("profile.read", "denied"),
            ("collections.query", "denied"),
            ("collections.query", "denied"),
            ("collections.insert", "denied"),
            ("notifications.send", "denied"),
            ("outbound-http.send", "allowed"),
        ],
        "{entries:?}"
    );
    let profile_reasons: Vec<&str> = entries
        .iter()
        .filter(|(action, ..)| action == "profile.read")
        .map(|(.., reason)| reason.as_deref().unwrap_or_default())
        .collect();
    assert!(profile_reasons.iter().all(|reason| reason.contains("hook may not read profiles")), "{profile_reasons:?}");
}

#[tokio::test]
async fn no_id_a_third_party_app_sees_can_be_joined_with_another_apps() {
    let deployment = Deployment::new().await;
    for id in [APP, "overreach-twin"] {
        let text = std::fs::read_to_string(fixture_manifest("overreach"))
            .unwrap()
            .replace("id = \"overreach\"", &format!("id = \"{id}\""));
        deployment.install_ok(OVERREACH_WASM, deployment.manifest(id, &text));
    }
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "overreach-twin", &alice.auth).await;
    for id in [APP, "overreach-twin"] {
        world.approve("acme", id, None).await;
        for person in [&alice, &bob] {
            world.consent(&person.auth, id, None).await;
        }
    }
    let internal = post_to_pinboard(&world, &bob, "bob's sofa").await;
    post_to_pinboard(&world, &bob, "bob's lamp").await;
    let property = world.property("acme", "elm-5").await;

    let mut seen = Vec::new();
    for app in [APP, "overreach-twin"] {
        let (page, _) = through(&world, app, &alice, "/collection?name=pinboard/posts&limit=1").await;
        let post = page["detail"]["items"][0].clone();
        assert_eq!(post["data"]["title"], "bob's lamp", "{page}");
        let id = post["id"].as_str().unwrap().to_owned();
        let cursor = page["detail"]["next"].as_str().unwrap().to_owned();
        let (whoami, request_id) = through(&world, app, &alice, "/whoami").await;
        assert_eq!(whoami["request_id"], request_id.as_str(), "the guest sees the host's request id");
        let place = whoami["property"].as_str().unwrap().to_owned();
        // The next page through the app's own cursor, and the post by its own id.
        let (next, _) =
            through(&world, app, &alice, &format!("/collection?name=pinboard/posts&limit=1&cursor={cursor}")).await;
        assert_eq!(next["detail"]["items"][0]["data"]["title"], "bob's sofa", "{next}");
        let own_id = next["detail"]["items"][0]["id"].as_str().unwrap().to_owned();
        let (got, _) = through(&world, app, &alice, &format!("/document?collection=pinboard/posts&id={own_id}")).await;
        assert_eq!(got["detail"]["data"]["title"], "bob's sofa", "{got}");
        // The platform's own id names nothing in the app, nor does its cursor.
        let (by_internal, _) =
            through(&world, app, &alice, &format!("/document?collection=pinboard/posts&id={internal}")).await;
        assert_eq!(by_internal["outcome"], "not-found", "{by_internal}");
        for cursor in ["c1", "c999999"] {
            let (refused, _) =
                through(&world, app, &alice, &format!("/collection?name=pinboard/posts&cursor={cursor}")).await;
            assert_eq!(refused["outcome"], "invalid", "{refused}");
        }
        assert_ne!(own_id, internal);
        assert_ne!(place, property);
        seen.push((id, own_id, cursor, place, post["owner"].as_str().unwrap().to_owned()));
    }
    let (first, twin) = (&seen[0], &seen[1]);
    assert_ne!(first.0, twin.0, "document ids differ between apps");
    assert_ne!(first.1, twin.1, "document ids differ between apps");
    assert_ne!(first.2, twin.2, "cursors differ between apps");
    assert_ne!(first.3, twin.3, "property ids differ between apps");
    assert_ne!(first.4, twin.4, "owners differ between apps");
    // One app's ids mean nothing to the other.
    let (crossed, _) =
        through(&world, "overreach-twin", &alice, &format!("/document?collection=pinboard/posts&id={}", first.1)).await;
    assert_eq!(crossed["outcome"], "not-found", "{crossed}");
    let (crossed, _) =
        through(&world, "overreach-twin", &alice, &format!("/collection?name=pinboard/posts&cursor={}", first.2)).await;
    assert_eq!(crossed["outcome"], "invalid", "{crossed}");
}

#[tokio::test]
async fn a_flood_of_refusals_cannot_bury_who_read_a_residents_data() {
    let deployment = Deployment::new().await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    // Everything approved but her phone number, to which the app is refused.
    let without_phone: Vec<&str> = [
        "profile.read:display-name",
        "profile.read:email",
        "collections.write:notes",
        "collections.read:pinboard/posts",
        "notifications.send",
        "outbound-http:vendor.example",
    ]
    .to_vec();
    world.approve("acme", APP, Some(&without_phone)).await;
    world.consent(&alice.auth, APP, None).await;
    let (read, _) = through(&world, APP, &alice, "/profile?fields=email").await;
    assert_eq!(read["outcome"], "ok", "{read}");
    let (flood, _) = through(&world, APP, &alice, "/refusals?n=300").await;
    assert_eq!(flood["detail"]["refused"], 300, "{flood}");

    let log = |query: &'static str| {
        let world = &world;
        let auth = alice.auth.clone();
        async move { world.expect(200, Method::GET, &format!("/api/me/access-log{query}"), Some(&auth), None).await }
    };
    // Filtered by outcome, the one allowed read is right there.
    let allowed = log("?outcome=allowed&app=overreach").await;
    let items = allowed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{allowed}");
    assert!(items[0]["text"].as_str().unwrap().ends_with("read your email"), "{allowed}");
    assert_eq!(items[0]["app"], APP);
    // Unfiltered, paging reaches it behind the 300 refusals.
    let mut pages = 0;
    let mut found = false;
    let mut after: Option<String> = None;
    while !found && pages < 10 {
        let query = match &after {
            Some(cursor) => format!("?limit=100&after={cursor}"),
            None => "?limit=100".to_owned(),
        };
        let page = world.expect(200, Method::GET, &format!("/api/me/access-log{query}"), Some(&alice.auth), None).await;
        let items = page["items"].as_array().unwrap();
        found = items.iter().any(|item| item["outcome"] == "allowed");
        after = page["next"].as_str().map(str::to_owned);
        pages += 1;
        if after.is_none() {
            break;
        }
    }
    assert!(found, "the allowed read is reachable by paging");
    assert_eq!(pages, 4, "three pages of refusals, then the read");
    // Malformed filters answer in the platform's error shape.
    for bad in ["?outcome=maybe", "?after=yesterday", "?before=1", "?limit=ten", "?colour=red"] {
        let (status, body) =
            world.call(Method::GET, &format!("/api/me/access-log{bad}"), Some(&alice.auth), None).await;
        assert!(status == 400 || status == 422, "{bad}: {status}");
        assert!(body["error"]["code"].is_string(), "{bad}: {body}");
    }
}

#[tokio::test]
async fn malformed_calls_pass_the_gate_and_leave_one_entry_each() {
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&["vendor.example"])).await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, None).await;
    world.consent(&alice.auth, APP, None).await;
    for (path, outcome) in [
        ("/flood?fields=0", "invalid"),
        ("/flood?fields=17", "invalid"),
        ("/collection?name=../loot", "invalid"),
        ("/collection?name=Pinboard/posts", "invalid"),
        ("/collection?name=pinboard/../posts", "invalid"),
        ("/http?url=https://vendor.example@evil.example/", "invalid"),
        ("/http?url=https://user:pass@vendor.example/", "invalid"),
        ("/http?url=http://vendor.example/", "denied"),
        ("/http?url=file:///etc/passwd", "invalid"),
        ("/http?url=https://vendor.example/&method=CONNECT", "invalid"),
        ("/http?url=https://vendor.example:8443/", "denied"),
    ] {
        let (answer, request_id) = through(&world, APP, &alice, path).await;
        assert_eq!(answer["outcome"], outcome, "{path}: {answer}");
        let entries = app_entries_of(&deployment, &request_id).await;
        assert_eq!(entries.len(), 1, "{path}: one entry, {entries:?}");
        assert_eq!(entries[0].1, "denied", "{path}: {entries:?}");
    }
    assert!(vendor.calls().is_empty(), "nothing malformed or on another port reached the vendor");
}
