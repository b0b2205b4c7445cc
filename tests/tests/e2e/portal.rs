//! The portal around the apps: home's property switcher for someone who
//! lives in several places, and the audit trail of what a person does
//! through the portal's forms, each entry naming them as its subject.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

const APP: &str = "overreach";

async fn sign_in(browser: &Visitor, email: &str) {
    let signed = browser
        .post_form(&browser.platform("/account/signin"), &[("email", email), ("password", PASSWORD), ("next", "/")])
        .await;
    assert_eq!((signed.status, signed.header("location")), (303, "/"), "{}", signed.body);
}

/// The `<h1>` of a page.
fn heading(body: &str) -> &str {
    let start = body.find("<h1>").map(|at| at + 4).unwrap_or(0);
    &body[start..start + body[start..].find("</h1>").unwrap_or(0)]
}

#[tokio::test]
async fn someone_living_in_two_places_switches_between_them_on_home() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    // A second home, with another property management.
    let (code, _, _) = world.activation_code("alice-too", "other-co", "birch-2").await;
    world.expect(204, Method::POST, "/api/me/activation-codes", Some(&alice.auth), Some(json!({ "code": code }))).await;
    let (elm, birch) = (world.property("acme", "elm-5").await, world.property("other-co", "birch-2").await);
    let foreign = world.property("acme", "oak-1").await;
    let browser = Visitor::new(&node, &[]);
    sign_in(&browser, &alice.email).await;

    // Two places and none chosen: she is asked to choose; no app yet.
    let home = browser.get(&browser.platform("/")).await;
    assert_eq!(heading(&home.body), "Home", "{}", home.body);
    assert!(home.body.contains("You live or work in several properties"), "{}", home.body);
    assert!(home.body.contains(&format!("<option value=\"{elm}\">elm-5</option>")), "{}", home.body);
    assert!(home.body.contains(&format!("<option value=\"{birch}\">birch-2</option>")), "{}", home.body);
    assert!(!home.body.contains("href=\"/apps/pinboard/\""), "{}", home.body);
    let csrf = home.hidden("csrf");

    for (chosen, name) in [(&birch, "birch-2"), (&elm, "elm-5")] {
        let switched = browser
            .post_form(&browser.platform("/account/property"), &[("csrf", &csrf), ("property_id", chosen)])
            .await;
        assert_eq!((switched.status, switched.header("location")), (303, "/"), "{}", switched.body);
        let home = browser.get(&browser.platform("/")).await;
        assert_eq!(heading(&home.body), name, "{}", home.body);
        assert!(home.body.contains(&format!("<option value=\"{chosen}\" selected>{name}</option>")), "{}", home.body);
        assert!(home.body.contains("href=\"/apps/pinboard/\""), "its apps: {}", home.body);
        assert!(!home.body.contains("You live or work in several properties"), "{}", home.body);
    }
    // Apps follow the choice: pinboard runs in the chosen property.
    let pinboard = browser.get(&browser.platform("/apps/pinboard/")).await;
    assert_eq!(pinboard.status, 200, "{}", pinboard.body);

    // A property that is not hers is no choice: a page says so, nothing changes.
    for wanted in [foreign.as_str(), "", "made-up"] {
        let refused = browser
            .post_form(&browser.platform("/account/property"), &[("csrf", &csrf), ("property_id", wanted)])
            .await;
        assert_eq!(refused.status, 404, "{wanted}: {}", refused.body);
        assert!(refused.header("content-type").starts_with("text/html"), "{}", refused.body);
        assert!(!refused.body.contains(&foreign), "{}", refused.body);
    }
    assert_eq!(heading(&browser.get(&browser.platform("/")).await.body), "elm-5");
}

#[tokio::test]
async fn what_a_person_does_through_the_portal_is_logged_about_them() {
    let deployment = Deployment::new().await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let customer = world.customer("acme").await;
    let elm = world.property("acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &customer.admin).await;
    world.approve("acme", APP, None).await;
    let (code, _, _) = world.activation_code("nora", "acme", "elm-5").await;
    let browser = Visitor::new(&node, &[]);
    let email = "nora@residents.example";

    // Signing up and in by the pages' forms.
    let signed_up = browser
        .post_form(
            &browser.platform("/account/signup"),
            &[("activation_code", &code), ("name", "Nora"), ("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed_up.status, 200, "{}", signed_up.body);
    let mail = deployment.wait_for_mail(email, "Confirm your email address").await;
    let token = link_parameter(&mail, "token").unwrap();
    assert_eq!(browser.post_form(&browser.platform("/account/verify"), &[("token", &token)]).await.status, 200);
    sign_in(&browser, email).await;
    let (nora, nora_id) = world.login(email, PASSWORD).await;
    world.consent(&nora, APP, None).await;
    let csrf = browser.get(&browser.platform("/")).await.hidden("csrf");

    // Her settings, her home, her apps; then she signs out.
    let forms: [(&str, Vec<(&str, &str)>); 6] = [
        ("/account/profile", vec![("name", "Nora N."), ("locale", "en")]),
        ("/account/notifications/mail", vec![("app", APP), ("mail", APP)]),
        ("/account/property", vec![("property_id", &elm)]),
        ("/account/notifications/read", vec![("next", "/")]),
        ("/account/apps/overreach/withdraw", vec![]),
        ("/account/signout", vec![]),
    ];
    for (path, mut fields) in forms {
        fields.push(("csrf", &csrf));
        let done = browser.post_form(&browser.platform(path), &fields).await;
        assert_eq!(done.status, 303, "{path}: {}", done.body);
    }

    // Each is in her customer's log about her, done by her; the API's
    // consent (for comparison) is there the same way.
    let about_her = world.audit("acme", &format!("subject={nora_id}")).await;
    for action in [
        "POST /account/signup",
        "POST /account/signin",
        "POST /account/profile",
        "POST /account/notifications/mail",
        "POST /account/property",
        "POST /account/notifications/read",
        "POST /account/apps/{app}/withdraw",
        "POST /account/signout",
        "POST /api/apps/{app}/consent",
    ] {
        let entries: Vec<_> = about_her.iter().filter(|entry| entry["action"] == action).collect();
        assert_eq!(entries.len(), 1, "{action} about her: {about_her:#?}");
        let entry = entries[0];
        assert_eq!((entry["actor_kind"].as_str(), entry["actor_id"].as_str()), (Some("user"), Some(nora_id.as_str())));
        assert_eq!(entry["customer_id"], customer.id.as_str(), "{entry}");
    }
}
