//! Journeys in a real browser (Chromium, phone width), each page checked
//! with axe-core. See `support::browser` for the harness.

use crate::moving_service::{install, manifest};
use crate::support::*;

const MOVERS: &str = "moving-service";
const MOVERS_HOST: &str = "api.meier-removals.example";

fn platform(node: &Node, path: &str) -> String {
    format!("http://localhost:{}{path}", node.base.rsplit(':').next().unwrap())
}

/// Signs in with the sign-in form the browser is looking at.
async fn sign_in_here(browser: &Browser, email: &str) {
    browser.check_accessibility("the sign-in page").await;
    browser.fill("#email", email).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form[action='/account/signin'] button").await;
}

#[tokio::test]
async fn a_resident_signs_up_with_a_code_confirms_and_posts_on_the_pinboard() {
    let Some(browser) = Browser::start("signup-and-pinboard").await else { return };
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let (code, _, _) = world.activation_code("nora", "acme", "elm-5").await;

    // The letter's link; the code is filled in already.
    browser.goto(&platform(&node, &format!("/account/signup?code={code}"))).await;
    browser.check_accessibility("the sign-up page").await;
    browser.fill("#name", "Nora Neu").await;
    browser.fill("#email", "nora@residents.example").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form[action='/account/signup'] button").await;
    browser.wait_for_text("We have mailed nora@residents.example a link").await;
    browser.check_accessibility("the mailed-a-link page").await;

    // The mailed link confirms the address and leads to signing in.
    let mail = deployment.wait_for_mail("nora@residents.example", "Confirm your email address").await;
    let link = mail.lines().find(|line| line.contains("/account/verify?token=")).expect("a link").trim().to_owned();
    browser.goto(&link[link.find("http").unwrap()..]).await;
    browser.check_accessibility("the confirmation page").await;
    browser.click_text("Confirm my email address").await;
    browser.wait_for_text("Your email address is confirmed").await;
    browser.click_text("Sign in").await;
    sign_in_here(&browser, "nora@residents.example").await;

    // Home: her building and its apps.
    browser.wait_for_text("Pinboard").await;
    let home = browser.url().await;
    assert!(home.ends_with('/') && !home.contains("/apps/"), "she lands on home: {home}");
    browser.check_accessibility("home").await;
    browser.click("a.tile[href='/apps/pinboard/']").await;
    browser.wait_for_text("Post").await;
    browser.check_accessibility("the pinboard").await;
    browser.click("details.compose summary").await;
    browser.fill("input[name='title']", "Bike repair on Saturday").await;
    browser.fill("textarea[name='body']", "Bring your bike <b>and</b> a pump.").await;
    browser.click("form[action='posts'] button").await;
    browser.wait_for_text("Bike repair on Saturday").await;
    browser.wait_for_text("Bring your bike <b>and</b> a pump.").await;
    browser.check_accessibility("the pinboard with a notice").await;
    // The README's picture of an app page in the portal's frame.
    let picture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/browser/pinboard.png");
    browser.screenshot(&picture).await;
    browser.close().await;
}

#[tokio::test]
async fn a_resident_consents_to_part_of_a_third_party_app_uses_it_and_withdraws() {
    let Some(browser) = Browser::start("third-party-app").await else { return };
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&[MOVERS_HOST])).await;
    install(&deployment, "1.0.0", &manifest()).await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    world.approve("acme", MOVERS, None).await;
    node.wait_for_app(&world.client, MOVERS, &anna.auth).await;

    // The bare host name: the sign-in page, then home.
    browser.goto(&platform(&node, "/")).await;
    sign_in_here(&browser, &anna.email).await;
    browser.wait_for_text("Moving Service").await;
    browser.check_accessibility("home").await;

    // The tile says it is a third-party app and who makes it, before first use.
    let tile = browser.find(&format!("a.tile[href='/apps/{MOVERS}/']")).await;
    let said = tile.text().await.unwrap();
    assert!(said.contains("Third-party app by Meier Removals Ltd"), "{said}");
    tile.click().await.unwrap();

    // The consent screen: she leaves out her phone number.
    browser.wait_for_text("choose what it may get").await;
    browser.check_accessibility("the consent screen").await;
    browser.click("input[value='profile.read:phone']").await;
    browser.click_text("Allow what is ticked").await;

    // The app, on its own origin, and its own form.
    browser.wait_for_text("Ask for a quote").await;
    let at = browser.url().await;
    assert!(at.starts_with("http://moving-service.apps.localhost:"), "{at}");
    browser.check_accessibility("the app's page").await;
    let moving_on = days_from_today(45);
    browser
        .client
        .execute("document.querySelector('[name=moving_on]').value = arguments[0];", vec![moving_on.into()])
        .await
        .unwrap();
    browser.fill("input[name='rooms']", "3").await;
    browser.click("form[action='quotes'] button").await;
    browser.wait_for_text("CHF").await;
    assert_eq!(vendor.calls().len(), 1);
    let sent = &vendor.calls()[0].body;
    assert!(!sent.contains("\"phone\":\""), "what she left out was not sent: {sent}");
    let consents = world.expect(200, reqwest::Method::GET, "/api/me/consents", Some(&anna.auth), None).await;
    let given: Vec<&str> = consents["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|record| record["status"] == "dpv:ConsentGiven")
        .flat_map(|record| record["grants"].as_array().unwrap().iter().filter_map(|grant| grant.as_str()))
        .collect();
    assert!(given.contains(&"profile.read:email") && !given.contains(&"profile.read:phone"), "{given:?}");

    // The notification on home leads to the quote.
    browser.goto(&platform(&node, "/")).await;
    browser.wait_for_text("Your moving quote is ready").await;
    browser.wait_for_text("1 unread").await;
    browser.check_accessibility("home with a notification").await;
    // The README's picture of the portal.
    let picture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/browser/portal-home.png");
    browser.screenshot(&picture).await;
    browser.click(".notes a").await;
    browser.wait_for_text("CHF").await;
    assert!(browser.url().await.contains("moving-service.apps.localhost"), "{}", browser.url().await);

    // She withdraws on "My apps".
    browser.goto(&platform(&node, "/")).await;
    browser.click(".menu summary").await;
    browser.click_text("My apps").await;
    browser.wait_for_text("Moving Service").await;
    browser.check_accessibility("my apps").await;
    browser.click_text("Withdraw consent").await;
    browser.wait_for_text("You withdrew your consent to Moving Service").await;
    let consents = world.expect(200, reqwest::Method::GET, "/api/me/consents", Some(&anna.auth), None).await;
    assert!(
        consents["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|record| record["status"] != "dpv:ConsentGiven" || !record["withdrawn_at"].is_null()),
        "{consents}"
    );
    // Back in the app, the consent screen asks again.
    browser.goto(&platform(&node, &format!("/apps/{MOVERS}/"))).await;
    browser.wait_for_text("choose what it may get").await;
    browser.close().await;
}

#[tokio::test]
async fn after_the_session_ends_a_mailed_link_signs_in_and_lands_where_it_pointed() {
    let Some(browser) = Browser::start("expired-session").await else { return };
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    browser.goto(&platform(&node, "/")).await;
    sign_in_here(&browser, &alice.email).await;
    browser.wait_for_text("Pinboard").await;

    // The session ends (here: every session of hers is signed out).
    sqlx::query("UPDATE sessions SET revoked_at = 1 WHERE user_id = $1")
        .bind(&alice.user_id)
        .execute(&deployment.pool().await)
        .await
        .unwrap();

    // A link from a mail, to a page of an app.
    browser.goto(&platform(&node, "/apps/pinboard/?from=mail")).await;
    browser.wait_for_text("Sign in").await;
    sign_in_here(&browser, &alice.email).await;
    browser.wait_for_text("Post").await;
    let at = browser.url().await;
    assert!(at.ends_with("/apps/pinboard/?from=mail"), "{at}");

    // Her profile: she switches her pages to German.
    browser.goto(&platform(&node, "/")).await;
    browser.click(".menu summary").await;
    browser.click_text("Profile").await;
    browser.wait_for_text("Language of your pages").await;
    browser.check_accessibility("the profile").await;
    browser.click("#locale option[value='de']").await;
    browser.click("form[action='/account/profile'] button").await;
    browser.wait_for_text("Gespeichert.").await;
    browser.check_accessibility("the profile in German").await;
    browser.goto(&platform(&node, "/")).await;
    browser.wait_for_text("Mitteilungen").await;
    browser.close().await;
}

#[tokio::test]
async fn without_scripts_a_resident_signs_up_confirms_and_reaches_home() {
    let Some(browser) = Browser::start_without_scripts("signup-without-scripts").await else { return };
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let (code, _, _) = world.activation_code("otto", "acme", "elm-5").await;
    // This browser really runs no page scripts.
    browser.goto("data:text/html,<title>before</title><script>document.title='ran'</script>").await;
    assert_eq!(browser.client.title().await.unwrap(), "before");

    // A mistyped code is said on the page, which keeps what was typed.
    browser.goto(&platform(&node, "/account/signup?code=WRONG-CODE")).await;
    browser.fill("#name", "Otto Ohne").await;
    browser.fill("#email", "otto@residents.example").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form[action='/account/signup'] button").await;
    browser.wait_for_text("This activation code is unknown, has expired or was already used.").await;
    assert_eq!(browser.find("#name").await.prop("value").await.unwrap().as_deref(), Some("Otto Ohne"));

    browser.fill("#activation_code", &code).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form[action='/account/signup'] button").await;
    browser.wait_for_text("We have mailed otto@residents.example a link").await;
    let mail = deployment.wait_for_mail("otto@residents.example", "Confirm your email address").await;
    let link = mail.lines().find(|line| line.contains("/account/verify?token=")).expect("a link").trim().to_owned();
    browser.goto(&link[link.find("http").unwrap()..]).await;
    browser.click_text("Confirm my email address").await;
    browser.wait_for_text("Your email address is confirmed").await;
    browser.click_text("Sign in").await;
    browser.fill("#email", "otto@residents.example").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form[action='/account/signin'] button").await;
    browser.wait_for_text("Pinboard").await;
    browser.wait_for_text("No notifications yet.").await;
    browser.close().await;
}

#[tokio::test]
async fn the_accessibility_check_finds_what_is_wrong() {
    let Some(browser) = Browser::start("axe-self-check").await else { return };
    browser.goto("data:text/html,<html><body><img src='x.png'><input type='text'></body></html>").await;
    let found = browser.serious_violations().await;
    let ids: Vec<&str> = found.iter().filter_map(|violation| violation["id"].as_str()).collect();
    assert!(ids.contains(&"image-alt") && ids.contains(&"label"), "{found:?}");
    browser.close().await;
}
