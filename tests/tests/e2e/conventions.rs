//! The platform API's conventions against the real server: the description
//! it serves is the one `courtyard openapi` prints; every documented query
//! parameter reaches its handler and an undocumented one is refused; every
//! list pages with `after` and `limit`; times are RFC 3339. (Every answer
//! the suite gets is also checked in `World::call`.)

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn the_served_description_is_what_the_command_prints() {
    let printed = std::process::Command::new(SERVER_BIN).arg("openapi").output().expect("run courtyard openapi");
    assert!(printed.status.success(), "{}", String::from_utf8_lossy(&printed.stderr));
    let printed: Value = serde_json::from_slice(&printed.stdout).expect("the command prints JSON");
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let world = World::new(&deployment, &node);
    let served = world.expect(200, Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(served["openapi"], "3.0.3");
    assert!(served == printed, "the served description differs from `courtyard openapi`");
}

/// A value each parameter's schema takes.
fn sample(parameter: &Value, schemas: &Value) -> String {
    let mut schema = parameter["schema"].clone();
    if let Some(only) = schema["allOf"].get(0) {
        schema = only.clone();
    }
    if let Some(reference) = schema["$ref"].as_str() {
        schema = schemas[reference.rsplit('/').next().unwrap()].clone();
    }
    if let Some(first) = schema["oneOf"].as_array().and_then(|variants| variants.first()) {
        schema = first.clone();
    }
    if let Some(first) = schema["enum"].as_array().and_then(|values| values.first()) {
        return first.as_str().unwrap().to_owned();
    }
    match (schema["type"].as_str(), schema["format"].as_str(), parameter["name"].as_str()) {
        // A cursor no page handed out is refused as such; the first page has none.
        (_, _, Some("after")) => String::new(),
        (Some("integer"), _, _) => "2".to_owned(),
        (_, Some("date-time"), _) => "2026-12-07T11:48:28.123Z".to_owned(),
        _ => "x".to_owned(),
    }
}

#[tokio::test]
async fn every_documented_query_parameter_reaches_its_handler_and_no_other_does() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let made = deployment.cli_with_stdin(
        &["admin", "create-operator", "--email", "olga@platform.example", "--person", "Olga", "--password-stdin"],
        PASSWORD,
    );
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let (olga, _) = world.login("olga@platform.example", PASSWORD).await;
    let acme = world.customer("acme").await;
    let elm = world.property("acme", "elm-5").await;
    let description = world.expect(200, Method::GET, "/api/openapi.json", None, None).await;
    let schemas = &description["components"]["schemas"];
    let mut tried = 0;
    for (path, item) in description["paths"].as_object().unwrap() {
        let Some(operation) = item.get("get") else { continue };
        let parameters: Vec<&Value> =
            operation["parameters"].as_array().unwrap().iter().filter(|p| p["in"] == "query").collect();
        if parameters.is_empty() {
            continue;
        }
        let url = path.replace("{customer}", &acme.id).replace("{property}", &elm);
        // Operators route access requests and manage each other; the rest is a customer admin's.
        let auth =
            if ["/api/operators", "/api/access-requests"].contains(&path.as_str()) { &olga } else { &acme.admin };
        let pairs: Vec<(String, String)> =
            parameters.iter().map(|p| (p["name"].as_str().unwrap().to_owned(), sample(p, schemas))).collect();
        let query = pairs.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("&");
        let (status, answer) = world.call(Method::GET, &format!("{url}?{query}"), Some(auth), None).await;
        assert_eq!(status, 200, "GET {path}?{query}: {answer}");
        let (status, answer) = world.call(Method::GET, &format!("{url}?{query}&colour=red"), Some(auth), None).await;
        assert_eq!((status.as_u16(), &answer["error"]["code"]), (400, &json!("invalid_query")), "GET {path}");
        tried += 1;
    }
    assert!(tried >= 15, "only {tried} routes with query parameters");
}

/// One list of the description with items in it: the described path, the
/// URL to read it at (with any query that keeps it from growing while it is
/// read), who reads it and the largest `limit` it takes.
struct List {
    path: String,
    url: String,
    reader: Auth,
    max: usize,
}

impl List {
    fn with(&self, query: &str) -> String {
        let separator = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{separator}{query}", self.url)
    }
}

/// A deployment where every list of the platform API holds at least two
/// items: two customers, operators, apps, properties, residents with their
/// units, occupancies and codes, staff, access requests routed and not,
/// and a resident's notifications, consent records and access log.
async fn every_list_with_items(deployment: &Deployment, world: &mut World<'_>) -> Vec<List> {
    for (email, name) in [("olga@platform.example", "Olga"), ("otto@platform.example", "Otto")] {
        let made = deployment.cli_with_stdin(
            &["admin", "create-operator", "--email", email, "--person", name, "--password-stdin"],
            PASSWORD,
        );
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    }
    let (olga, _) = world.login("olga@platform.example", PASSWORD).await;
    let acme = world.customer("acme").await;
    world.customer("birch").await;
    let elm = world.property("acme", "elm-5").await;
    world.property("acme", "oak-1").await;
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    world.resident("bob", "acme", "elm-5").await;
    world.resident("carol", "acme", "elm-5").await;
    world.staff("sam", "acme", "property-manager", Some("elm-5")).await;
    world.node.wait_for_app(&world.client, "notes", &alice.auth).await;
    for (email, street) in [
        ("nora@example.org", "elm-5 Street 1"),
        ("nils@example.org", "elm-5 Street 1"),
        ("ivan@example.org", "Nowhere Road 9"),
        ("ida@example.org", "Nowhere Road 9"),
    ] {
        let ask = json!({
            "name": "Someone", "email": email, "password": PASSWORD,
            "street": street, "postal_code": "8000", "city": "Zurich", "unit_label": "3rd floor left"
        });
        world.expect(202, Method::POST, "/api/access-requests", None, Some(ask)).await;
    }
    let pool = deployment.pool().await;
    // Mail choices for two apps (one chosen, one not).
    for (app, since) in [("notes", Some(1_000_i64)), ("pinboard", None)] {
        sqlx::query(
            "INSERT INTO notification_mail (user_id, app_id, mail_since, unsubscribe, changed_at) \
             VALUES ($1, $2, $3, $4, 1000)",
        )
        .bind(&alice.user_id)
        .bind(app)
        .bind(since)
        .bind(uuid::Uuid::new_v4().to_string())
        .execute(&pool)
        .await
        .unwrap();
    }
    for (index, at) in [1_000_i64, 2_000, 3_000].into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO notifications (id, user_id, customer_id, property_id, app_id, title, body, created_at) \
             VALUES ($1, $2, $3, $4, 'pinboard', $5, 'x', $6)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&alice.user_id)
        .bind(&acme.id)
        .bind(&elm)
        .bind(format!("note {index}"))
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO consents (id, user_id, app_id, version, grants, purposes_hash, status, created_at) \
             VALUES ($1, $2, 'notes', '1.0.0', '[]', 'x', 'refused', $3)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&alice.user_id)
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;
    // Staff looking at the people of the building leave entries in Alice's access log.
    for _ in 0..2 {
        world.expect(200, Method::GET, &format!("/api/customers/{}/people", acme.id), Some(&acme.admin), None).await;
    }
    // The audit log up to now: reading it and the lists adds to it, but not before this moment.
    let audit = format!("/api/customers/{}/audit", acme.id);
    let newest = world.expect(200, Method::GET, &format!("{audit}?limit=1000"), Some(&acme.admin), None).await;
    let until = newest["items"].as_array().unwrap().last().unwrap()["at"].as_str().unwrap().to_owned();

    let description = world.expect(200, Method::GET, "/api/openapi.json", None, None).await;
    let mut lists = Vec::new();
    for (path, item) in description["paths"].as_object().unwrap() {
        let Some(operation) = item.get("get") else { continue };
        if !operation["parameters"].as_array().unwrap().iter().any(|parameter| parameter["name"] == "after") {
            continue;
        }
        let mut url = path.replace("{customer}", &acme.id).replace("{property}", &elm);
        let mut max = 200;
        let reader = match path.as_str() {
            "/api/operators" | "/api/access-requests" | "/api/customers" => olga.clone(),
            _ if path.starts_with("/api/me/") => alice.auth.clone(),
            _ => acme.admin.clone(),
        };
        if path.ends_with("/audit") {
            url = format!("{url}?until={}", until.replace('+', "%2B"));
            max = 1000;
        }
        lists.push(List { path: path.clone(), url, reader, max });
    }
    assert!(lists.len() >= 17, "only {} lists described", lists.len());
    lists
}

async fn lists_deployment() -> Deployment {
    let deployment = Deployment::new().await;
    let installed = deployment.install(NOTES_WASM, fixture_manifest("notes"));
    assert!(installed.status.success(), "{}", String::from_utf8_lossy(&installed.stderr));
    deployment
}

#[tokio::test]
async fn every_list_pages_with_after_and_limit_to_a_null_next_on_its_last_page() {
    let deployment = lists_deployment().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    for list in every_list_with_items(&deployment, &mut world).await {
        let path = &list.path;
        let whole =
            world.expect(200, Method::GET, &list.with(&format!("limit={}", list.max)), Some(&list.reader), None).await;
        let all = whole["items"].as_array().unwrap_or_else(|| panic!("{path}: {whole}")).clone();
        assert!(all.len() >= 2, "{path} has too few items to page: {whole}");
        assert!(whole["next"].is_null(), "{path}: one page holds all of it: {whole}");
        // One by one, a page short of all, and exactly all: every item once,
        // in the same order, no empty page, and `next` null on the last one.
        for limit in [1, all.len() - 1, all.len()] {
            let mut seen = Vec::new();
            let mut pages = 0;
            let mut after = String::new();
            loop {
                let url = list.with(&format!("limit={limit}&after={after}"));
                let page = world.expect(200, Method::GET, &url, Some(&list.reader), None).await;
                let items = page["items"].as_array().unwrap();
                pages += 1;
                assert!(!items.is_empty(), "{path}?limit={limit}: an empty page after {seen:?}");
                seen.extend(items.iter().cloned());
                match page["next"].as_str() {
                    Some(next) => {
                        assert_eq!(items.len(), limit, "{path}?limit={limit}: only a full page has a next");
                        after = next.to_owned();
                    }
                    None => break,
                }
                assert!(seen.len() < all.len(), "{path}?limit={limit}: `next` after the last item");
            }
            assert_eq!(seen, all, "{path}?limit={limit}: paging gives the same list");
            assert_eq!(pages, all.len().div_ceil(limit), "{path}?limit={limit}: one page too many");
        }
    }
    // A cursor no page handed out is refused, not taken for the start.
    let acme = world.customer("acme").await;
    for list in ["/api/me/notifications", "/api/me/consents", "/api/me/access-log"] {
        let (status, answer) =
            world.call(Method::GET, &format!("{list}?after=yesterday"), Some(&acme.admin), None).await;
        assert_eq!((status.as_u16(), &answer["error"]["code"]), (400, &json!("invalid_query")), "{list}: {answer}");
    }
}

#[tokio::test]
async fn every_list_refuses_a_limit_outside_its_range() {
    let deployment = lists_deployment().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    for list in every_list_with_items(&deployment, &mut world).await {
        let path = &list.path;
        let largest =
            world.expect(200, Method::GET, &list.with(&format!("limit={}", list.max)), Some(&list.reader), None).await;
        assert!(largest["items"].as_array().is_some_and(|items| items.len() >= 2), "{path}: {largest}");
        let smallest = world.expect(200, Method::GET, &list.with("limit=1"), Some(&list.reader), None).await;
        assert_eq!(smallest["items"].as_array().map(Vec::len), Some(1), "{path}: {smallest}");
        for limit in ["0".to_owned(), "-1".to_owned(), (list.max + 1).to_string(), "9223372036854775807".to_owned()] {
            let (status, answer) =
                world.call(Method::GET, &list.with(&format!("limit={limit}")), Some(&list.reader), None).await;
            assert_eq!(
                (status.as_u16(), &answer["error"]["code"]),
                (400, &json!("invalid_query")),
                "{path}?limit={limit}: {answer}"
            );
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(message.contains(&format!("1 to {}", list.max)), "{path}?limit={limit}: {message}");
        }
    }
}

#[tokio::test]
async fn times_are_rfc3339_in_answers_and_in_the_audit_filter() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let acme = world.customer("acme").await;
    let before = world.expect(200, Method::GET, &format!("/api/customers/{}", acme.id), Some(&acme.admin), None).await;
    let created = before["created_at"].as_str().expect("a time string");
    assert!(is_rfc3339_utc_millis(created), "{created}");
    world.property("acme", "elm-5").await;
    let audit = format!("/api/customers/{}/audit", acme.id);
    let since = world
        .expect(200, Method::GET, &format!("{audit}?from={created}&action=audit.read"), Some(&acme.admin), None)
        .await;
    let entries = since["items"].as_array().unwrap();
    assert!(!entries.is_empty() && entries.iter().all(|e| e["at"].as_str().unwrap() >= created), "{since}");
    // Another offset means the same instant; epoch milliseconds are not a time.
    let later = world
        .expect(200, Method::GET, &format!("{audit}?from=2999-01-01T01:00:00%2B01:00"), Some(&acme.admin), None)
        .await;
    assert_eq!(later["items"], json!([]));
    let (status, answer) =
        world.call(Method::GET, &format!("{audit}?from=1796644108123"), Some(&acme.admin), None).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("RFC 3339"), "{answer}");
}

/// The check every answer of the suite passes through catches what it must.
#[test]
fn the_convention_check_catches_bare_lists_and_epoch_times() {
    for bad in [
        json!([{ "id": "a" }]),
        json!({ "created_at": 1_796_644_108_123_i64 }),
        json!({ "items": [{ "at": 1 }], "next": null }),
        json!({ "items": [] }),
        json!({ "user": { "updated_at": "2026-12-07 11:48" } }),
    ] {
        let caught = std::panic::catch_unwind(|| assert_conventions("a test", &bad));
        assert!(caught.is_err(), "{bad} passed");
    }
    assert_conventions(
        "a test",
        &json!({ "items": [{ "at": "2026-12-07T11:48:28.123Z", "read_at": null, "starts_on": "2026-12-07" }], "next": "x" }),
    );
}

/// Pages one list through with `limit`, asserting it gives `whole` back.
async fn assert_pages_through(world: &World<'_>, auth: &Auth, path: &str, limit: usize, whole: &[Value]) {
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page =
            world.expect(200, Method::GET, &format!("{path}?limit={limit}&after={after}"), Some(auth), None).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit, "{page}");
        seen.extend(items.iter().cloned());
        match page["next"].as_str() {
            Some(next) => after = next.to_owned(),
            None => break,
        }
        assert!(seen.len() <= whole.len(), "{path} pages without end");
    }
    assert_eq!(seen, whole, "{path}: paging gives the same list");
}

#[tokio::test]
async fn a_persons_own_lists_page_newest_first_through_equal_times() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let acme = world.customer("acme").await;
    let elm = world.property("acme", "elm-5").await;
    let pool = deployment.pool().await;
    // Five notifications, three of them in the same millisecond; four
    // consent records, two at once.
    for (index, at) in [1_000_i64, 2_000, 2_000, 2_000, 3_000].into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO notifications (id, user_id, customer_id, property_id, app_id, title, body, created_at) \
             VALUES ($1, $2, $3, $4, 'pinboard', $5, 'x', $6)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&alice.user_id)
        .bind(&acme.id)
        .bind(&elm)
        .bind(format!("note {index}"))
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
    }
    for at in [10_i64, 20, 20, 30] {
        sqlx::query(
            "INSERT INTO consents (id, user_id, app_id, version, grants, purposes_hash, status, created_at) \
             VALUES ($1, $2, 'moving-service', '1.0.0', '[]', 'x', 'refused', $3)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&alice.user_id)
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;
    for (path, count, newest) in
        [("/api/me/notifications", 5, "1970-01-01T00:00:03.000Z"), ("/api/me/consents", 4, "1970-01-01T00:00:00.030Z")]
    {
        let whole = world.expect(200, Method::GET, path, Some(&alice.auth), None).await;
        let items = whole["items"].as_array().unwrap().clone();
        assert_eq!((items.len(), &whole["next"]), (count, &Value::Null), "{whole}");
        let times: Vec<&str> =
            items.iter().map(|item| item["created_at"].as_str().or(item["given_at"].as_str()).unwrap()).collect();
        assert_eq!(times[0], newest, "{path}: newest first");
        assert!(times.windows(2).all(|pair| pair[0] >= pair[1]), "{path}: {times:?}");
        for limit in [1, 2, 3] {
            assert_pages_through(&world, &alice.auth, path, limit, &items).await;
        }
    }
}
