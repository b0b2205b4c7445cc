//! The three ways in, end to end through the HTTP API with the mails read
//! from the outbox: (a) an activation code, (b) an invitation from someone
//! you live with, (c) an access request a property manager approves. Also
//! password reset, sign-in throttling and the end of an occupancy.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn database(deployment: &Deployment) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let url = deployment
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", deployment.data_dir.path().join("courtyard.db").display()));
    sqlx::AnyPool::connect(&url).await.expect("connect to the deployment's database")
}

#[tokio::test]
async fn a_resident_signs_up_with_an_activation_code_once() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let admin = world.customer("acme").await.admin;
    let property = world.property("acme", "elm-5").await;
    let unit = world
        .expect(
            201,
            Method::POST,
            &format!("/api/properties/{property}/units"),
            Some(&admin),
            Some(json!({"kind": "flat", "label": "2.1"})),
        )
        .await;
    let occupancy = world
        .expect(
            201,
            Method::POST,
            &format!("/api/units/{}/occupancies", unit["id"].as_str().unwrap()),
            Some(&admin),
            Some(json!({"starts_on": "2024-04-01"})),
        )
        .await;
    let occupancy = occupancy["id"].as_str().unwrap().to_owned();
    let issued = world
        .expect(
            201,
            Method::POST,
            &format!("/api/occupancies/{occupancy}/activation-codes"),
            Some(&admin),
            Some(json!({"valid_days": 14})),
        )
        .await;
    let code = issued["code"].as_str().unwrap().to_owned();
    assert!(issued["url"].as_str().unwrap().ends_with(&format!("/account/signup?code={code}")));
    let listed = world
        .expect(200, Method::GET, &format!("/api/properties/{property}/activation-codes"), Some(&admin), None)
        .await;
    assert!(!listed.to_string().contains(&code), "codes are shown once and stored hashed");

    // Typed by hand from a letter: lower case, spaces instead of dashes.
    let typed = code.to_lowercase().replace('-', " ");
    let signup = json!({ "name": "Rita", "email": "Rita@Example.org", "password": PASSWORD, "activation_code": typed });
    let created = world.expect(201, Method::POST, "/api/auth/signup", None, Some(signup.clone())).await;
    assert_eq!(created["email"], "rita@example.org");
    assert_eq!(created["email_verified"], false);

    // Not before the address is confirmed.
    let early = world
        .call(Method::POST, "/api/auth/login", None, Some(json!({ "email": "rita@example.org", "password": PASSWORD })))
        .await;
    assert_eq!(early.0, 403, "{}", early.1);
    assert_eq!(early.1["error"]["code"], "email_unverified");

    let mail = deployment.wait_for_mail("rita@example.org", "Confirm your email address").await;
    let token = link_parameter(&mail, "token").unwrap();
    world.expect(204, Method::POST, "/api/auth/verify-email", None, Some(json!({ "token": token }))).await;
    let (_, again) = world.call(Method::POST, "/api/auth/verify-email", None, Some(json!({ "token": token }))).await;
    assert_eq!(again["error"]["code"], "invalid", "a verification link works once");

    let (rita, _) = world.login("rita@example.org", PASSWORD).await;
    let me = world.expect(200, Method::GET, "/api/me", Some(&rita), None).await;
    assert_eq!(me["residences"][0]["occupancy_id"], occupancy.as_str());
    assert_eq!(me["property_id"], property.as_str());
    world.expect(200, Method::GET, "/apps/pinboard/posts", Some(&rita), None).await;

    // The code is spent.
    let mut second = signup.clone();
    second["email"] = json!("someone.else@example.org");
    let (status, body) = world.call(Method::POST, "/api/auth/signup", None, Some(second)).await;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (422, Some("invalid")), "{body}");

    // An expired code is refused the same way.
    let fresh = world
        .expect(
            201,
            Method::POST,
            &format!("/api/occupancies/{occupancy}/activation-codes"),
            Some(&admin),
            Some(json!({})),
        )
        .await;
    let pool = database(&deployment).await;
    sqlx::query("UPDATE activation_codes SET expires_at = 1 WHERE id = $1")
        .bind(fresh["id"].as_str().unwrap())
        .execute(&pool)
        .await
        .unwrap();
    let expired =
        json!({ "name": "Late", "email": "late@example.org", "password": PASSWORD, "activation_code": fresh["code"] });
    let (status, _) = world.call(Method::POST, "/api/auth/signup", None, Some(expired)).await;
    assert_eq!(status, 422);
    let nobody = world
        .call(Method::POST, "/api/auth/login", None, Some(json!({"email": "late@example.org", "password": PASSWORD})))
        .await;
    assert_eq!(nobody.0, 401, "a refused sign-up leaves no account behind");

    // Over-long passwords are refused before any hashing.
    let long = "x".repeat(1025);
    let (status, body) = world
        .call(
            Method::POST,
            "/api/auth/signup",
            None,
            Some(json!({ "name": "L", "email": "l@example.org", "password": long, "activation_code": code })),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["error"]["message"].as_str().unwrap().contains("1024 bytes"), "{body}");
    let (status, _) = world
        .call(Method::POST, "/api/auth/login", None, Some(json!({ "email": "rita@example.org", "password": long })))
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn a_resident_invites_someone_who_lives_with_them() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    world
        .expect(
            202,
            Method::POST,
            "/api/me/invitations",
            Some(&alice.auth),
            Some(json!({ "email": "sam@example.org" })),
        )
        .await;
    let mail = deployment.wait_for_mail("sam@example.org", "You are invited to Courtyard").await;
    assert!(mail.contains("alice invites you"), "{mail}");
    let invitation = link_parameter(&mail, "invitation").unwrap();
    let signup = json!({ "name": "Sam", "password": PASSWORD, "invitation": invitation });
    let created = world.expect(201, Method::POST, "/api/auth/signup", None, Some(signup.clone())).await;
    assert_eq!(created["email"], "sam@example.org", "the account gets the invited address");
    assert_eq!(created["email_verified"], true, "the invitation reached that mailbox");
    let (sam, _) = world.login("sam@example.org", PASSWORD).await;
    let me = world.expect(200, Method::GET, "/api/me", Some(&sam), None).await;
    assert_eq!(me["residences"][0]["occupancy_id"], alice.occupancy.clone().unwrap().as_str());
    let (status, _) = world.call(Method::POST, "/api/auth/signup", None, Some(signup)).await;
    assert_eq!(status, 422, "an invitation works once");

    // Another resident's occupancy cannot be named.
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    let foreign = json!({ "email": "eve@example.org", "occupancy_id": bob.occupancy.unwrap() });
    let (status, _) = world.call(Method::POST, "/api/me/invitations", Some(&alice.auth), Some(foreign)).await;
    assert_eq!(status, 404);

    // The customer can switch invitations off.
    let customer = world.customer("acme").await;
    world
        .expect(
            200,
            Method::PATCH,
            &format!("/api/customers/{}", customer.id),
            Some(&customer.admin),
            Some(json!({ "resident_invites": false })),
        )
        .await;
    let (status, body) = world
        .call(Method::POST, "/api/me/invitations", Some(&alice.auth), Some(json!({ "email": "tom@example.org" })))
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(deployment.mails_to("tom@example.org").is_empty());
}

#[tokio::test]
async fn someone_without_a_code_asks_and_the_property_manager_decides() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let property = world.property("acme", "elm-5").await;
    let manager = world.staff("paula", "acme", "property-manager", Some("elm-5")).await;
    let other_manager = world.staff("oscar", "acme", "property-manager", Some("oak-1")).await;
    let unit = world
        .expect(
            201,
            Method::POST,
            &format!("/api/properties/{property}/units"),
            Some(&manager.auth),
            Some(json!({"kind": "flat", "label": "3.2"})),
        )
        .await;

    let ask = |email: &str, street: &str| {
        json!({
            "name": "Nora", "email": email, "password": PASSWORD,
            "street": street, "postal_code": "8000", "city": "Zurich", "unit_label": "3rd floor left",
            "message": "Moved in last week"
        })
    };
    // The address as people type it: case and punctuation differ.
    world
        .expect(202, Method::POST, "/api/access-requests", None, Some(ask("nora@example.org", "ELM-5 street 1")))
        .await;
    world
        .expect(202, Method::POST, "/api/access-requests", None, Some(ask("ivan@example.org", "Nowhere Road 9")))
        .await;
    let mail = deployment.wait_for_mail("nora@example.org", "Confirm your email address").await;
    world
        .expect(
            204,
            Method::POST,
            "/api/auth/verify-email",
            None,
            Some(json!({ "token": link_parameter(&mail, "token").unwrap() })),
        )
        .await;

    let pending = world
        .expect(200, Method::GET, &format!("/api/properties/{property}/access-requests"), Some(&manager.auth), None)
        .await;
    let items = pending["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "only the request for this building: {pending}");
    assert_eq!(items[0]["unit_label"], "3rd floor left");
    let request = items[0]["id"].as_str().unwrap().to_owned();

    // Nora can sign in but has no building yet; she sees that her request was looked at.
    let (nora, _) = world.login("nora@example.org", PASSWORD).await;
    let log = world.expect(200, Method::GET, "/api/me/access-log", Some(&nora), None).await;
    assert!(log["items"][0]["text"].as_str().unwrap().ends_with("(staff) looked at your request for access"), "{log}");
    assert_eq!(world.call(Method::GET, "/apps/pinboard/posts", Some(&nora), None).await.0, 403);

    // A manager of another building cannot see or decide it.
    let (status, _) = world
        .call(
            Method::POST,
            &format!("/api/access-requests/{request}/approve"),
            Some(&other_manager.auth),
            Some(json!({"unit_id": unit["id"]})),
        )
        .await;
    assert_eq!(status, 404);

    let approved = world
        .expect(
            200,
            Method::POST,
            &format!("/api/access-requests/{request}/approve"),
            Some(&manager.auth),
            Some(json!({ "unit_id": unit["id"] })),
        )
        .await;
    assert_eq!(approved["status"], "approved");
    let (status, _) = world
        .call(Method::POST, &format!("/api/access-requests/{request}/reject"), Some(&manager.auth), Some(json!({})))
        .await;
    assert_eq!(status, 409, "a decision is final");
    deployment.wait_for_mail("nora@example.org", "Your access request was approved").await;
    let me = world.expect(200, Method::GET, "/api/me", Some(&nora), None).await;
    assert_eq!(me["residences"][0]["unit_id"], unit["id"]);
    world.expect(200, Method::GET, "/apps/pinboard/posts", Some(&nora), None).await;

    // Ivan's address matches no building: an operator sees it and routes it.
    let made = deployment.cli_with_stdin(
        &["admin", "create-operator", "--email", "olga@platform.example", "--person", "Olga", "--password-stdin"],
        PASSWORD,
    );
    assert!(made.status.success());
    let (olga, _) = world.login("olga@platform.example", PASSWORD).await;
    let unrouted = world.expect(200, Method::GET, "/api/access-requests", Some(&olga), None).await;
    let items = unrouted["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{unrouted}");
    assert_eq!(items[0]["street"], "Nowhere Road 9");
    assert_eq!(world.call(Method::GET, "/api/access-requests", Some(&manager.auth), None).await.0, 403);
    let ivan = items[0]["id"].as_str().unwrap().to_owned();
    world
        .expect(
            200,
            Method::POST,
            &format!("/api/access-requests/{ivan}/reject"),
            Some(&olga),
            Some(json!({ "reason": "Not one of our buildings" })),
        )
        .await;
    let mail = deployment.wait_for_mail("ivan@example.org", "Your access request").await;
    assert!(mail.contains("Not one of our buildings"), "{mail}");
}

#[tokio::test]
async fn passwords_are_reset_by_mail_and_failed_sign_ins_are_throttled() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident("alice", "acme", "elm-5").await;
    let login = |email: &str, password: &str| json!({ "email": email, "password": password });

    // Unknown address and wrong password: the same status, the same body.
    let unknown =
        world.call(Method::POST, "/api/auth/login", None, Some(login("nobody@example.org", "wrong password 1"))).await;
    let wrong = world
        .call(Method::POST, "/api/auth/login", None, Some(login("alice@residents.example", "wrong password 1")))
        .await;
    assert_eq!(unknown.0, 401);
    assert_eq!((unknown.0, unknown.1.clone()), (wrong.0, wrong.1.clone()));

    for _ in 0..4 {
        for email in ["alice@residents.example", "nobody@example.org"] {
            world.call(Method::POST, "/api/auth/login", None, Some(login(email, "wrong password 1"))).await;
        }
    }
    // Five failures in: even the right password waits, for both kinds of address.
    let throttled =
        world.call(Method::POST, "/api/auth/login", None, Some(login("alice@residents.example", PASSWORD))).await;
    let unknown_throttled =
        world.call(Method::POST, "/api/auth/login", None, Some(login("nobody@example.org", PASSWORD))).await;
    assert_eq!(throttled.0, 429, "{}", throttled.1);
    assert_eq!((throttled.0, throttled.1.clone()), (unknown_throttled.0, unknown_throttled.1));
    assert_eq!(world.call(Method::GET, "/api/me", Some(&alice), None).await.0, 200, "existing sessions go on");

    // The real user is never locked out of a reset.
    world
        .expect(
            202,
            Method::POST,
            "/api/auth/password-reset",
            None,
            Some(json!({ "email": "alice@residents.example" })),
        )
        .await;
    world
        .expect(202, Method::POST, "/api/auth/password-reset", None, Some(json!({ "email": "nobody@example.org" })))
        .await;
    let mail = deployment.wait_for_mail("alice@residents.example", "Reset your password").await;
    let token = link_parameter(&mail, "token").unwrap();
    let new_password = "a brand new passphrase";
    let (status, _) = world
        .call(
            Method::POST,
            "/api/auth/password-reset/confirm",
            None,
            Some(json!({ "token": token, "password": "x".repeat(1025) })),
        )
        .await;
    assert_eq!(status, 422, "an over-long password is refused and the token kept");
    world
        .expect(
            204,
            Method::POST,
            "/api/auth/password-reset/confirm",
            None,
            Some(json!({ "token": token, "password": new_password })),
        )
        .await;
    let (status, body) = world
        .call(
            Method::POST,
            "/api/auth/password-reset/confirm",
            None,
            Some(json!({ "token": token, "password": "another new one!" })),
        )
        .await;
    assert_eq!(status, 422, "a reset token works once: {body}");
    assert_eq!(world.call(Method::GET, "/api/me", Some(&alice), None).await.0, 401, "a new password ends old sessions");
    let old = world.call(Method::POST, "/api/auth/login", None, Some(login("alice@residents.example", PASSWORD))).await;
    assert_eq!(old.0, 401);
    world.login("alice@residents.example", new_password).await;
}

#[tokio::test]
async fn when_an_occupancy_ends_the_resident_loses_the_apps_that_day() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let admin = world.customer("acme").await.admin;
    world.expect(200, Method::GET, "/apps/pinboard/posts", Some(&alice.auth), None).await;
    let today = world.expect(200, Method::GET, "/api/me", Some(&alice.auth), None).await;
    assert_eq!(today["app_properties"].as_array().unwrap().len(), 1);

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let (year, month, day) = civil_date(now / 86_400);
    let move_out = format!("{year:04}-{month:02}-{day:02}");
    let occupancy = alice.occupancy.clone().unwrap();
    let changed: Value = world
        .expect(
            200,
            Method::PATCH,
            &format!("/api/occupancies/{occupancy}"),
            Some(&admin),
            Some(json!({ "ends_on": move_out })),
        )
        .await;
    assert_eq!(changed["ends_on"], move_out.as_str());
    let (status, body) = world.call(Method::GET, "/apps/pinboard/posts", Some(&alice.auth), None).await;
    assert_eq!(status, 403, "moved out today: {body}");
    let me = world.expect(200, Method::GET, "/api/me", Some(&alice.auth), None).await;
    assert_eq!(me["residences"], json!([]));
}
