//! The audit log: what people and apps do is recorded, the chain verifies,
//! any change to any stored byte is detected and named, customers query and
//! export their log (and those reads are recorded too), and residents see
//! who accessed their data.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Row;

const TEXT_COLUMNS: &[&str] = &[
    "customer_id",
    "actor_kind",
    "actor_id",
    "app_version",
    "app_digest",
    "on_behalf_of",
    "action",
    "resource_type",
    "resource_id",
    "subject_id",
    "fields",
    "purpose",
    "legal_basis",
    "grant_ref",
    "consent_ref",
    "outcome",
    "reason",
    "request_id",
    "prev_hash",
    "hash",
];

fn verify(deployment: &Deployment) -> (bool, String) {
    let output = deployment.cli(&["audit", "verify"]);
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

/// Some of everything: staff changes, a resident signing up, app use.
async fn activity(world: &mut World<'_>) -> Person {
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    world.expect(200, Method::GET, "/apps/pinboard/posts", Some(&alice.auth), None).await;
    world
        .expect(
            201,
            Method::POST,
            "/apps/pinboard/posts",
            Some(&alice.auth),
            Some(json!({ "title": "Hi", "body": "" })),
        )
        .await;
    alice
}

#[tokio::test]
async fn changing_any_byte_of_any_entry_is_detected_and_named() {
    let deployment = Deployment::with_config("[audit]\ncheckpoint_every = 1000000\n").await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    activity(&mut world).await;
    let (ok, text) = verify(&deployment);
    assert!(ok, "an untouched chain verifies: {text}");
    assert!(text.starts_with("ok: "), "{text}");

    let pool = deployment.pool().await;
    let last: i64 = sqlx::query_scalar("SELECT MAX(seq) FROM audit_entries").fetch_one(&pool).await.unwrap();
    assert!(last >= 10, "the activity left entries: {last}");
    for seq in [1, last / 2, last] {
        for column in TEXT_COLUMNS {
            let original: Option<String> = sqlx::query(&format!("SELECT {column} FROM audit_entries WHERE seq = $1"))
                .bind(seq)
                .fetch_one(&pool)
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
            let changed = match &original {
                Some(text) if text.starts_with('x') => format!("y{}", &text[1..]),
                Some(text) if !text.is_empty() => format!("x{}", &text[1..]),
                _ => "x".to_owned(),
            };
            set(&pool, column, seq, Some(changed)).await;
            let (ok, text) = verify(&deployment);
            assert!(!ok, "changing {column} of entry {seq} must be detected");
            assert!(text.contains(&format!("entry {seq}")), "changing {column} of entry {seq}: {text}");
            set(&pool, column, seq, original).await;
        }
        sqlx::query("UPDATE audit_entries SET at = at + 1 WHERE seq = $1").bind(seq).execute(&pool).await.unwrap();
        let (ok, text) = verify(&deployment);
        assert!(!ok && text.contains(&format!("entry {seq}")), "a changed time: {text}");
        sqlx::query("UPDATE audit_entries SET at = at - 1 WHERE seq = $1").bind(seq).execute(&pool).await.unwrap();
    }
    assert!(verify(&deployment).0, "restored, the chain verifies again");

    // Removing an entry, in the middle or at the end, is named too.
    let middle = last / 2;
    let row = sqlx::query("SELECT * FROM audit_entries WHERE seq = $1").bind(middle).fetch_one(&pool).await.unwrap();
    let at: i64 = row.try_get("at").unwrap();
    sqlx::query("DELETE FROM audit_entries WHERE seq = $1").bind(middle).execute(&pool).await.unwrap();
    let (ok, text) = verify(&deployment);
    assert!(!ok && text.contains(&format!("entry {middle} is missing")), "{text}");
    let mut insert = format!("INSERT INTO audit_entries (seq, at, {}) VALUES ($1, $2", TEXT_COLUMNS.join(", "));
    for n in 0..TEXT_COLUMNS.len() {
        insert.push_str(&format!(", ${}", n + 3));
    }
    insert.push(')');
    let mut restore = sqlx::query(&insert).bind(middle).bind(at);
    for column in TEXT_COLUMNS {
        restore = restore.bind(row.try_get::<Option<String>, _>(*column).unwrap());
    }
    restore.execute(&pool).await.unwrap();
    assert!(verify(&deployment).0, "put back, it verifies");
    drop(node);
    let newest: i64 = sqlx::query_scalar("SELECT MAX(seq) FROM audit_entries").fetch_one(&pool).await.unwrap();
    sqlx::query("DELETE FROM audit_entries WHERE seq = $1").bind(newest).execute(&pool).await.unwrap();
    let (ok, text) = verify(&deployment);
    assert!(!ok && text.contains(&format!("entry {newest}")), "cutting off the newest entry: {text}");
}

async fn set(pool: &sqlx::AnyPool, column: &str, seq: i64, value: Option<String>) {
    sqlx::query(&format!("UPDATE audit_entries SET {column} = $1 WHERE seq = $2"))
        .bind(value)
        .bind(seq)
        .execute(pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn signed_checkpoints_let_old_entries_go_while_the_rest_still_verifies() {
    let deployment = Deployment::with_config("[audit]\ncheckpoint_every = 5\n").await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    activity(&mut world).await;
    drop(node);
    let pool = deployment.pool().await;
    let checkpoints: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM audit_checkpoints ORDER BY seq").fetch_all(&pool).await.unwrap();
    assert!(checkpoints.len() >= 2, "{checkpoints:?}");
    let cut = checkpoints[checkpoints.len() / 2];
    sqlx::query("DELETE FROM audit_entries WHERE seq <= $1").bind(cut).execute(&pool).await.unwrap();
    let (ok, text) = verify(&deployment);
    assert!(ok, "pruned up to a signed checkpoint, the rest verifies: {text}");
    assert!(text.contains(&format!("({} to", cut + 1)), "{text}");

    // Without the checkpoint's vouching, the pruned start is named.
    sqlx::query("UPDATE audit_checkpoints SET hash = $1 WHERE seq = $2")
        .bind("0".repeat(64))
        .bind(cut)
        .execute(&pool)
        .await
        .unwrap();
    let (ok, text) = verify(&deployment);
    assert!(!ok && text.contains(&format!("entry {cut}")), "a forged checkpoint: {text}");
}

#[tokio::test]
async fn customers_query_and_export_their_log_and_every_read_is_recorded() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = activity(&mut world).await;
    let acme = world.customer("acme").await;
    let globex = world.customer("globex").await;
    let elm = world.property("acme", "elm-5").await;

    // A person's change: who, what, which object, for which customer.
    let entries = world.audit("acme", "action=POST%20/api/customers/{customer}/properties").await;
    let created = entries.iter().find(|entry| entry["resource_id"] == elm.as_str()).expect("the property's creation");
    assert_eq!(created["actor_id"], acme.admin_id.as_str());
    assert_eq!(created["customer_id"], acme.id.as_str());
    assert_eq!(created["outcome"], "allowed");

    // The operator's command-line actions are in the log too.
    let cli = world.audit("acme", "actor=courtyard-cli").await;
    let actions: Vec<&str> = cli.iter().map(|entry| entry["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["customer.create", "customer-admin.appoint"], "{cli:?}");
    assert_eq!(cli[1]["subject_id"], acme.admin_id.as_str());

    // Filters: by subject and by app.
    let hers = world.audit("acme", &format!("subject={}&app=pinboard", alice.user_id)).await;
    assert!(!hers.is_empty() && hers.iter().all(|entry| entry["actor_id"] == "pinboard"), "{hers:?}");

    // The reads above were recorded, with what they filtered by.
    let reads = world.audit("acme", "action=audit.read").await;
    assert!(reads.iter().any(|entry| entry["fields"] == "subject,app" && entry["actor_id"] == acme.admin_id.as_str()));

    // JSON Lines export.
    let response = world
        .client
        .get(node.url(&format!("/api/customers/{}/audit?format=jsonl", acme.id)))
        .header(acme.admin.0, acme.admin.1.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/jsonl");
    let body = response.text().await.unwrap();
    let lines: Vec<Value> = body.lines().map(|line| serde_json::from_str(line).expect("each line is JSON")).collect();
    assert!(lines.len() > 5 && lines.iter().all(|entry| entry["customer_id"] == acme.id.as_str()));
    assert!(world.audit("acme", "action=audit.export").await.len() == 1);

    // Another customer's admin, and a resident, get nothing.
    world.expect(404, Method::GET, &format!("/api/customers/{}/audit", acme.id), Some(&globex.admin), None).await;
    world.expect(403, Method::GET, &format!("/api/customers/{}/audit", acme.id), Some(&alice.auth), None).await;
    // The log has no API to change it.
    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        let (status, _) =
            world.call(method, &format!("/api/customers/{}/audit", acme.id), Some(&acme.admin), None).await;
        assert_eq!(status, 405);
    }
}

#[tokio::test]
async fn residents_see_who_accessed_their_data() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    world.expect(200, Method::GET, &format!("/api/users/{}", alice.user_id), Some(&manager.auth), None).await;
    let customer = world.customer("acme").await;
    let listed = world
        .expect(200, Method::GET, &format!("/api/customers/{}/people", customer.id), Some(&manager.auth), None)
        .await;
    assert!(listed["items"].as_array().unwrap().iter().any(|person| person["id"] == alice.user_id.as_str()));
    let elm = world.property("acme", "elm-5").await;
    world.expect(200, Method::GET, &format!("/api/properties/{elm}/occupancies"), Some(&manager.auth), None).await;
    world
        .expect(
            200,
            Method::GET,
            &format!("/api/customers/{}/audit?subject={}", customer.id, alice.user_id),
            Some(&customer.admin),
            None,
        )
        .await;
    let log = world.expect(200, Method::GET, "/api/me/access-log", Some(&alice.auth), None).await;
    let sentences: Vec<&str> =
        log["items"].as_array().unwrap().iter().map(|record| record["text"].as_str().unwrap()).collect();
    // Newest first, each staff read in the words of what was done.
    assert_eq!(sentences.len(), 4, "her own actions (signing up, signing in) are not access by others: {sentences:?}");
    assert!(sentences[0].ends_with("(staff) looked at the audit log about you"), "{sentences:?}");
    assert_eq!(sentences[1], "mia (staff) listed where you live among the building's occupancies");
    assert_eq!(sentences[2], "mia (staff) listed your account among the customer's people");
    assert_eq!(sentences[3], "mia (staff) looked at your account");
    // Looking was recorded too.
    let reads = world.audit("acme", &format!("subject={}&action=audit.read", alice.user_id)).await;
    let hers: Vec<&Value> = reads.iter().filter(|entry| entry["resource_type"] == "access-log").collect();
    assert_eq!(hers.len(), 1, "{reads:?}");
    assert_eq!(hers[0]["actor_id"], alice.user_id.as_str());
    assert!(hers[0]["request_id"].is_string(), "{}", hers[0]);

    // Which roles staff hold is their data too: a listing shows in each holder's log.
    let roles = format!("/api/customers/{}/role-assignments", customer.id);
    let assignments = world.expect(200, Method::GET, &roles, Some(&customer.admin), None).await;
    assert!(assignments["items"].as_array().unwrap().iter().any(|a| a["user_id"] == manager.user_id.as_str()));
    let log = world.expect(200, Method::GET, "/api/me/access-log", Some(&manager.auth), None).await;
    let newest = log["items"][0]["text"].as_str().unwrap();
    assert!(newest.ends_with("(staff) listed the roles you hold among the customer's staff"), "{log}");
}

#[tokio::test]
async fn every_api_write_and_every_refused_attempt_is_audited_exactly_once() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let acme = world.customer("acme").await;
    let other = world.customer("other-co").await;
    let elm = world.property("acme", "elm-5").await;
    let pool = deployment.pool().await;
    let entries_of = |request_id: String| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (String, String, Option<String>)>(
                "SELECT action, outcome, customer_id FROM audit_entries WHERE request_id = $1",
            )
            .bind(request_id)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let send = |method: Method, path: String, who: Auth, body: Value| {
        let request = world.client.request(method, node.url(&path)).header(who.0, who.1).json(&body);
        async move {
            let response = request.send().await.unwrap();
            let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            (status, id, body)
        }
    };
    let (status, id, unit) = send(
        Method::POST,
        format!("/api/properties/{elm}/units"),
        acme.admin.clone(),
        json!({"kind": "flat", "label": "9"}),
    )
    .await;
    assert_eq!(status, 201);
    let unit = unit["id"].as_str().unwrap().to_owned();
    assert_eq!(
        entries_of(id).await,
        [("POST /api/properties/{property}/units".to_owned(), "allowed".to_owned(), Some(acme.id.clone()))]
    );
    let (status, id, _) =
        send(Method::PATCH, format!("/api/units/{unit}"), acme.admin.clone(), json!({"label": "9a"})).await;
    assert_eq!(status, 200);
    assert_eq!(entries_of(id).await.len(), 1, "one update, one entry");
    let (status, id, _) = send(
        Method::POST,
        format!("/api/units/{unit}/occupancies"),
        acme.admin.clone(),
        json!({"starts_on": "2026-01-01"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(entries_of(id).await.len(), 1, "one create, one entry");

    // Another customer's admin tries the same: refused, recorded once, in
    // the actor's own log; acme's log learns nothing of it.
    for (method, path, body) in [
        (Method::PATCH, format!("/api/units/{unit}"), json!({"label": "taken"})),
        (Method::POST, format!("/api/units/{unit}/occupancies"), json!({"starts_on": "2026-01-01"})),
        (Method::GET, format!("/api/users/{}", acme.admin_id), json!({})),
    ] {
        let (status, id, _) = send(method.clone(), path.clone(), other.admin.clone(), body).await;
        assert_eq!(status, 404, "{method} {path}");
        let entries = entries_of(id).await;
        assert_eq!(entries.len(), 1, "{method} {path}: {entries:?}");
        assert_eq!(
            (entries[0].1.as_str(), entries[0].2.as_deref()),
            ("denied", Some(other.id.as_str())),
            "{entries:?}"
        );
    }
    let label = world.expect(200, Method::GET, &format!("/api/units/{unit}"), Some(&acme.admin), None).await;
    assert_eq!(label["label"], "9a", "nothing the refused attempts tried happened");
}
