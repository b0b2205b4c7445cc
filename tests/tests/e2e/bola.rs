//! The BOLA matrix, generated from the live route table: every route that
//! names an object × every actor it is foreign to. A foreign object answers
//! exactly as a made-up one (existence does not leak), never with data;
//! nothing of the owner's changes; and the owner's audit log gains no entry
//! from another customer's attempts.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

/// The objects of one owner, by the route table's parameter names.
struct Objects(Vec<(&'static str, String)>);

impl Objects {
    /// `path` with every parameter filled, or `None` when it names one this
    /// owner has none of (or one that is no object, like `{app}`).
    fn fill(&self, path: &str) -> Option<String> {
        let mut filled = Vec::new();
        for segment in path.split('/') {
            match segment.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) {
                Some(name) => filled.push(self.0.iter().find(|(known, _)| *known == name)?.1.clone()),
                None => filled.push(segment.to_owned()),
            }
        }
        Some(filled.join("/"))
    }

    /// The same routes with made-up objects; an app stays the app it is
    /// (the catalog is the platform's, not a tenant's).
    fn made_up(&self) -> Objects {
        let fake = |name: &str, id: &String| if name == "app" { id.clone() } else { uuid::Uuid::new_v4().to_string() };
        Objects(self.0.iter().map(|(name, id)| (*name, fake(name, id))).collect())
    }
}

/// What the owner can see of its own data, to compare before and after.
async fn snapshot(world: &World<'_>, admin: &Auth, customer: &str, property: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    for path in [
        format!("/api/customers/{customer}"),
        format!("/api/customers/{customer}/properties"),
        format!("/api/customers/{customer}/role-assignments"),
        format!("/api/customers/{customer}/apps"),
        format!("/api/properties/{property}"),
        format!("/api/properties/{property}/units"),
        format!("/api/properties/{property}/occupancies"),
        format!("/api/properties/{property}/activation-codes"),
        format!("/api/properties/{property}/access-requests"),
    ] {
        seen.push(world.expect(200, Method::GET, &path, Some(admin), None).await);
    }
    seen
}

async fn audit_entries_of(deployment: &Deployment, customer: &str) -> i64 {
    let pool = deployment.pool().await;
    let count = sqlx::query_scalar("SELECT COUNT(*) FROM audit_entries WHERE customer_id = $1")
        .bind(customer)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    count
}

/// Every object route of the table, with a harmless body where it takes one.
async fn object_routes(world: &World<'_>) -> Vec<(Method, String, bool)> {
    let description = world.expect(200, Method::GET, "/api/openapi.json", None, None).await;
    let mut routes = Vec::new();
    for (path, item) in description["paths"].as_object().unwrap() {
        let objects = path.matches('{').count() - path.matches("{app}").count();
        if !path.starts_with("/api/") || objects == 0 {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            routes.push((method, path.clone(), operation.get("requestBody").is_some()));
        }
    }
    routes
}

/// Tries every route on `objects` as `actor`, and on made-up ids: the two
/// answers must be the same refusal, with nothing but the error.
async fn assert_foreign(
    world: &World<'_>,
    actor: &Auth,
    who: &str,
    objects: &Objects,
    routes: &[(Method, String, bool)],
) -> usize {
    let made_up = objects.made_up();
    let mut tried = 0;
    for (method, path, takes_body) in routes {
        let (Some(real), Some(fake)) = (objects.fill(path), made_up.fill(path)) else { continue };
        let body = takes_body.then(|| json!({}));
        let (status, answer) = world.call(method.clone(), &real, Some(actor), body.clone()).await;
        let (fake_status, fake_answer) = world.call(method.clone(), &fake, Some(actor), body).await;
        assert!(!status.is_success(), "{who}: {method} {path} succeeded on a foreign object: {answer}");
        assert_eq!(answer.as_object().unwrap().keys().collect::<Vec<_>>(), ["error"], "{who}: {path} leaked {answer}");
        assert_eq!(
            (status, &answer["error"]["code"]),
            (fake_status, &fake_answer["error"]["code"]),
            "{who}: {method} {path} tells a real foreign object from a made-up one"
        );
        tried += 1;
    }
    tried
}

#[tokio::test]
async fn every_object_route_refuses_every_foreign_actor_alike() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let acme = world.customer("acme").await;
    let other = world.customer("other-co").await;
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let carol = world.resident_person("carol", "acme", "oak-1").await;
    let mallory = world.resident_person("mallory", "other-co", "elm-5").await;
    let elm_manager = world.staff("paula", "acme", "property-manager", Some("elm-5")).await;
    let oak_manager = world.staff("otto", "acme", "property-manager", Some("oak-1")).await;
    let elm = world.property("acme", "elm-5").await;
    let assignments = world
        .expect(200, Method::GET, &format!("/api/customers/{}/role-assignments", acme.id), Some(&acme.admin), None)
        .await;
    let assignment =
        assignments["items"].as_array().unwrap().iter().find(|a| a["user_id"] == elm_manager.user_id.as_str()).unwrap()
            ["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let code = world
        .expect(
            201,
            Method::POST,
            &format!("/api/occupancies/{}/activation-codes", alice.occupancy.clone().unwrap()),
            Some(&acme.admin),
            Some(json!({})),
        )
        .await;
    assert!(code["code"].is_string(), "{code}");
    let acme_objects = Objects(vec![
        ("customer", acme.id.clone()),
        ("property", elm.clone()),
        ("unit", alice.unit.clone().unwrap()),
        ("occupancy", alice.occupancy.clone().unwrap()),
        ("user", alice.user_id.clone()),
        ("assignment", assignment),
        ("request", uuid::Uuid::new_v4().to_string()),
        ("app", "pinboard".to_owned()),
    ]);
    let routes = object_routes(&world).await;

    // Another customer's admin and resident: all of acme is foreign.
    let before = snapshot(&world, &acme.admin, &acme.id, &elm).await;
    let entries_before = audit_entries_of(&deployment, &acme.id).await;
    let tried = assert_foreign(&world, &other.admin, "admin of other-co", &acme_objects, &routes).await;
    assert!(tried >= 30, "only {tried} object routes of acme were tried");
    assert_foreign(&world, &mallory.auth, "resident of other-co", &acme_objects, &routes).await;
    assert_eq!(audit_entries_of(&deployment, &acme.id).await, entries_before, "no stray entry in acme's log");
    assert_eq!(snapshot(&world, &acme.admin, &acme.id, &elm).await, before, "nothing of acme changed");

    // Within acme: Elm Street's objects are foreign to Oak's manager and
    // residents, and to Elm's own residents where they are not theirs.
    let elm_objects = Objects(acme_objects.0.iter().filter(|(name, _)| *name != "customer").cloned().collect());
    let before = snapshot(&world, &acme.admin, &acme.id, &elm).await;
    let tried = assert_foreign(&world, &oak_manager.auth, "manager of oak-1", &elm_objects, &routes).await;
    assert!(tried >= 18, "only {tried} object routes of Elm Street were tried");
    assert_foreign(&world, &carol.auth, "resident of oak-1", &elm_objects, &routes).await;
    assert_eq!(snapshot(&world, &acme.admin, &acme.id, &elm).await, before, "nothing of Elm Street changed");

    // The other way round: other-co's objects are foreign to acme's admin.
    let other_elm = world.property("other-co", "elm-5").await;
    let other_objects = Objects(vec![
        ("customer", other.id.clone()),
        ("property", other_elm),
        ("unit", mallory.unit.clone().unwrap()),
        ("occupancy", mallory.occupancy.clone().unwrap()),
        ("user", mallory.user_id.clone()),
    ]);
    let entries_before = audit_entries_of(&deployment, &other.id).await;
    assert_foreign(&world, &acme.admin, "admin of acme", &other_objects, &routes).await;
    assert_eq!(audit_entries_of(&deployment, &other.id).await, entries_before, "no stray entry in other-co's log");
}
