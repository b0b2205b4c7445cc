//! Deny by default: every route declares a permission and the gate enforces
//! it; residents reach no other home or building (the generated BOLA
//! matrix is in `bola.rs`); method swaps and mass assignment get nowhere; nobody grants
//! more than they hold.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

/// What a resident holds (see host/src/identity/roles.rs).
const RESIDENT_HOLDS: &[&str] = &["public", "authenticated", "properties-read", "residents-invite", "apps-use"];
const KNOWN: &[&str] = &[
    "public",
    "authenticated",
    "customers-create",
    "operators-manage",
    "customer-read",
    "customer-update",
    "properties-read",
    "properties-write",
    "units-read",
    "units-write",
    "occupancies-read",
    "occupancies-write",
    "people-read",
    "people-write",
    "roles-assign",
    "activation-codes-issue",
    "access-requests-decide",
    "master-data-import",
    "residents-invite",
    "apps-use",
    "apps-approve",
    "audit-read",
    "content-moderate",
];

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| if segment.starts_with('{') { uuid::Uuid::new_v4().to_string() } else { segment.to_owned() })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_route_declares_a_permission_and_the_gate_enforces_it() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident("alice", "acme", "elm-5").await;
    let description = world.expect(200, Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(description["openapi"], "3.0.3");
    // Pages for people are listed apart from the API's operations; the gate
    // holds them to their permission all the same.
    let mut routes = description["paths"].as_object().expect("paths").clone();
    for page in description["x-courtyard-pages"].as_array().expect("pages") {
        let path = page["path"].as_str().unwrap().replace("{*", "{");
        let methods = match page["method"].as_str().unwrap() {
            "ANY" => vec!["get", "post", "put", "patch", "delete"],
            one => vec![one],
        };
        let item = routes.entry(path).or_insert_with(|| json!({}));
        for method in methods {
            item[method.to_lowercase()] = json!({ "x-courtyard-permission": page["x-courtyard-permission"] });
        }
    }
    let paths = &routes;
    let mut operations = 0;
    for (path, item) in paths {
        let declared: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
        let mut permissions = Vec::new();
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let permission = operation["x-courtyard-permission"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} declares no permission"));
            assert!(KNOWN.contains(&permission), "{method} {path}: unknown permission {permission}");
            permissions.push(permission);
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let url = concrete(path);
            let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
            let (anonymous, answer) = world.call(method.clone(), &url, None, body.clone()).await;
            if permission == "public" {
                assert_ne!(anonymous, 401, "{method} {path} is public: {answer}");
            } else {
                assert_eq!(anonymous, 401, "{method} {path} needs {permission}: {answer}");
            }
            if !RESIDENT_HOLDS.contains(&permission) {
                let (status, answer) = world.call(method.clone(), &url, Some(&alice), body).await;
                assert_eq!(status, 403, "{method} {path} needs {permission}, which residents lack: {answer}");
                assert_eq!(answer.as_object().unwrap().keys().collect::<Vec<_>>(), ["error"], "no data: {answer}");
            }
        }
        // Method swaps: a method the path lacks gets 403 from a resident
        // unless residents may use the path at all (then 405).
        if path.starts_with("/api/") {
            let resident_may = permissions.iter().all(|p| RESIDENT_HOLDS.contains(p));
            for swap in ["get", "post", "put", "patch", "delete"].into_iter().filter(|m| !declared.contains(m)) {
                let method = Method::from_bytes(swap.to_uppercase().as_bytes()).unwrap();
                let (status, answer) = world.call(method.clone(), &concrete(path), Some(&alice), None).await;
                let expected = if resident_may { 405 } else { 403 };
                assert_eq!(status, expected, "{method} swapped onto {path}: {answer}");
            }
        }
    }
    assert!(operations >= 45, "only {operations} operations described");
    for route in ["/api/auth/signup", "/api/customers/{customer}/import", "/api/me", "/healthz", "/apps/{app}/{path}"] {
        assert!(description["paths"].get(route).is_some(), "{route} is missing from the description");
    }
    for page in ["/", "/account/signin", "/account/profile"] {
        assert!(paths.contains_key(page), "{page} is missing from the pages");
    }
    let login = &paths["/api/auth/login"]["post"];
    assert!(login["requestBody"]["content"]["application/json"]["schema"]["$ref"].is_string(), "{login}");
}

/// Two customers, two properties of one of them (each with a resident),
/// residents, a property manager and an admin.
struct Cast {
    admin_acme: Auth,
    manager_elm: Auth,
    alice: Person,
    bob: Person,
    acme: String,
    other: String,
    elm: String,
    oak: String,
    other_elm: String,
    manager_assignment: String,
}

async fn cast(world: &mut World<'_>) -> Cast {
    let acme = world.customer("acme").await;
    let other = world.customer("other-co").await;
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    world.resident_person("carol", "acme", "oak-1").await;
    world.resident_person("mallory", "other-co", "elm-5").await;
    let manager = world.staff("paula", "acme", "property-manager", Some("elm-5")).await;
    let assignments = world
        .expect(200, Method::GET, &format!("/api/customers/{}/role-assignments", acme.id), Some(&acme.admin), None)
        .await;
    let manager_assignment = assignments["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user_id"] == manager.user_id.as_str())
        .expect("the manager's assignment")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Cast {
        elm: world.property("acme", "elm-5").await,
        oak: world.property("acme", "oak-1").await,
        other_elm: world.property("other-co", "elm-5").await,
        admin_acme: acme.admin,
        manager_elm: manager.auth,
        alice,
        bob,
        acme: acme.id,
        other: other.id,
        manager_assignment,
    }
}

async fn assert_foreign(world: &World<'_>, actor: &Auth, who: &str, routes: &[(Method, String, Option<Value>)]) {
    for (method, path, body) in routes {
        let (status, answer) = world.call(method.clone(), path, Some(actor), body.clone()).await;
        assert_eq!(status, 404, "{who}: {method} {path} must be 404: {answer}");
        assert_eq!(answer.as_object().unwrap().keys().collect::<Vec<_>>(), ["error"], "{who}: {path} leaked {answer}");
    }
}

#[tokio::test]
async fn residents_reach_no_other_home_or_building() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let cast = cast(&mut world).await;

    // Residents: another property, another customer, another resident's home.
    for (who, actor) in [("alice", &cast.alice.auth), ("bob", &cast.bob.auth)] {
        for property in [&cast.oak, &cast.other_elm] {
            assert_foreign(&world, actor, who, &[(Method::GET, format!("/api/properties/{property}"), None)]).await;
            let choose = Some(json!({ "property_id": property }));
            assert_foreign(&world, actor, who, &[(Method::PUT, "/api/me/property".to_owned(), choose)]).await;
        }
    }
    let bobs_home = json!({ "email": "x@example.org", "occupancy_id": cast.bob.occupancy.clone().unwrap() });
    assert_foreign(
        &world,
        &cast.alice.auth,
        "alice",
        &[(Method::POST, "/api/me/invitations".to_owned(), Some(bobs_home))],
    )
    .await;
    // Routes a resident may not use at all answer the same for a neighbour's
    // real object as for a made-up one: existence does not leak.
    let real = world.call(Method::GET, &format!("/api/users/{}", cast.bob.user_id), Some(&cast.alice.auth), None).await;
    let made_up =
        world.call(Method::GET, &format!("/api/users/{}", uuid::Uuid::new_v4()), Some(&cast.alice.auth), None).await;
    assert_eq!((real.0, real.1), (made_up.0, made_up.1));

    // Nothing the attempts touched changed.
    let customer =
        world.expect(200, Method::GET, &format!("/api/customers/{}", cast.acme), Some(&cast.admin_acme), None).await;
    assert_eq!(customer["name"], "acme");
    let occupancy = world
        .expect(
            200,
            Method::GET,
            &format!("/api/occupancies/{}", cast.alice.occupancy.clone().unwrap()),
            Some(&cast.admin_acme),
            None,
        )
        .await;
    assert!(occupancy["ends_on"].is_null());
    assert_eq!(occupancy["residents"], json!([cast.alice.user_id]));
    world.expect(200, Method::GET, "/apps/pinboard/posts", Some(&cast.alice.auth), None).await;
}

#[tokio::test]
async fn mass_assignment_is_refused_and_changes_nothing() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let cast = cast(&mut world).await;
    let admin = &cast.admin_acme;
    let attempts = [
        (&cast.alice.auth, "/api/me".to_owned(), json!({ "name": "Alice", "role": "operator" })),
        (&cast.alice.auth, "/api/me".to_owned(), json!({ "customer_id": cast.other })),
        (admin, format!("/api/users/{}", cast.alice.user_id), json!({ "name": "A", "customer_id": cast.other })),
        (admin, format!("/api/users/{}", cast.alice.user_id), json!({ "email": "mine@example.org" })),
        (admin, format!("/api/properties/{}", cast.elm), json!({ "name": "Elm", "customer_id": cast.other })),
        (admin, format!("/api/units/{}", cast.alice.unit.clone().unwrap()), json!({ "property_id": cast.oak })),
        (
            admin,
            format!("/api/occupancies/{}", cast.alice.occupancy.clone().unwrap()),
            json!({ "property_id": cast.oak }),
        ),
        (admin, format!("/api/customers/{}", cast.acme), json!({ "id": cast.other })),
    ];
    for (actor, path, body) in attempts {
        let (status, answer) = world.call(Method::PATCH, &path, Some(actor), Some(body.clone())).await;
        assert_eq!(status, 422, "PATCH {path} {body}: {answer}");
        assert!(answer["error"]["message"].as_str().unwrap().contains("unknown field"), "{answer}");
    }
    let me = world.expect(200, Method::GET, "/api/me", Some(&cast.alice.auth), None).await;
    assert_eq!(me["user"]["name"], "alice");
    assert_eq!(me["roles"], json!([]));
    let property = world.expect(200, Method::GET, &format!("/api/properties/{}", cast.elm), Some(admin), None).await;
    assert_eq!(property["customer_id"], cast.acme.as_str());
    let unit = world
        .expect(200, Method::GET, &format!("/api/units/{}", cast.alice.unit.clone().unwrap()), Some(admin), None)
        .await;
    assert_eq!(unit["property_id"], cast.elm.as_str());
}

#[tokio::test]
async fn nobody_grants_more_than_they_hold() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let cast = cast(&mut world).await;
    // An admin for Elm Street 5 only.
    let lena = world.staff("lena", "acme", "customer-admin", Some("elm-5")).await;
    let assign = |role: &str, property: Option<&str>| json!({ "email": format!("new-{role}@example.org"), "name": "New", "role": role, "property_id": property });
    let staff = format!("/api/customers/{}/staff", cast.acme);
    world.expect(201, Method::POST, &staff, Some(&lena.auth), Some(assign("service-agent", Some(&cast.elm)))).await;
    let (status, _) =
        world.call(Method::POST, &staff, Some(&lena.auth), Some(assign("property-manager", Some(&cast.oak)))).await;
    assert_eq!(status, 404, "Oak 1 is outside lena's reach");
    let (status, body) =
        world.call(Method::POST, &staff, Some(&lena.auth), Some(assign("property-manager", None))).await;
    assert_eq!(status, 403, "a customer-wide role from a property admin: {body}");
    let (status, body) = world.call(Method::POST, &staff, Some(&cast.admin_acme), Some(assign("operator", None))).await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = world
        .call(
            Method::POST,
            &format!("/api/customers/{}/staff", cast.other),
            Some(&cast.admin_acme),
            Some(assign("service-agent", None)),
        )
        .await;
    assert_eq!(status, 404);
    // A property manager assigns nothing; lena cannot take the customer-wide admin's role away.
    let (status, _) =
        world.call(Method::POST, &staff, Some(&cast.manager_elm), Some(assign("service-agent", Some(&cast.elm)))).await;
    assert_eq!(status, 403);
    let assignments = world
        .expect(
            200,
            Method::GET,
            &format!("/api/customers/{}/role-assignments", cast.acme),
            Some(&cast.admin_acme),
            None,
        )
        .await;
    let top =
        assignments["items"].as_array().unwrap().iter().find(|a| a["property_id"].is_null()).unwrap()["id"].clone();
    let (status, _) = world
        .call(Method::DELETE, &format!("/api/role-assignments/{}", top.as_str().unwrap()), Some(&lena.auth), None)
        .await;
    assert_eq!(status, 404);
    // Taking a role away works at once.
    world
        .expect(
            204,
            Method::DELETE,
            &format!("/api/role-assignments/{}", cast.manager_assignment),
            Some(&cast.admin_acme),
            None,
        )
        .await;
    let (status, _) =
        world.call(Method::GET, &format!("/api/properties/{}/units", cast.elm), Some(&cast.manager_elm), None).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn operators_create_customers_and_appoint_each_other_but_never_remove_the_last() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let made = deployment.cli_with_stdin(
        &["admin", "create-operator", "--email", "olga@platform.example", "--person", "Olga", "--password-stdin"],
        PASSWORD,
    );
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let (olga, _) = world.login("olga@platform.example", PASSWORD).await;
    let customer =
        world.expect(201, Method::POST, "/api/customers", Some(&olga), Some(json!({ "name": "Birch AG" }))).await;
    let listed = world.expect(200, Method::GET, "/api/customers", Some(&olga), None).await;
    assert!(listed["items"].as_array().unwrap().iter().any(|c| c["id"] == customer["id"]));

    // A customer admin neither creates customers nor sees other ones.
    let acme = world.customer("acme").await;
    let (status, _) =
        world.call(Method::POST, "/api/customers", Some(&acme.admin), Some(json!({ "name": "Mine" }))).await;
    assert_eq!(status, 403);
    let theirs = world.expect(200, Method::GET, "/api/customers", Some(&acme.admin), None).await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1, "{theirs}");
    assert_eq!(world.call(Method::GET, "/api/operators", Some(&acme.admin), None).await.0, 403);

    let appointed = world
        .expect(
            201,
            Method::POST,
            "/api/operators",
            Some(&olga),
            Some(json!({ "email": "otto@platform.example", "name": "Otto" })),
        )
        .await;
    deployment.wait_for_mail("otto@platform.example", "Your Courtyard account").await;
    let operators = world.expect(200, Method::GET, "/api/operators", Some(&olga), None).await;
    assert_eq!(operators["items"].as_array().unwrap().len(), 2);
    // Otto was listed, and his log says so; Olga listing herself is not access by another.
    let listed: Vec<(Option<String>, String)> =
        sqlx::query_as("SELECT subject_id, actor_id FROM audit_entries WHERE action = 'GET /api/operators'")
            .fetch_all(&deployment.pool().await)
            .await
            .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].0.as_deref(), appointed["user_id"].as_str());
    let olga_assignment =
        operators["items"].as_array().unwrap().iter().find(|a| a["id"] != appointed["id"]).unwrap()["id"].clone();
    world
        .expect(
            204,
            Method::DELETE,
            &format!("/api/operators/{}", appointed["id"].as_str().unwrap()),
            Some(&olga),
            None,
        )
        .await;
    let (status, _) = world
        .call(Method::DELETE, &format!("/api/operators/{}", olga_assignment.as_str().unwrap()), Some(&olga), None)
        .await;
    assert_eq!(status, 409, "the last operator stays");
}
