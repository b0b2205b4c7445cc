//! In a real browser (Chromium, phone width, axe-core on every page): a
//! resident chooses to get an app's notifications by mail, gets one, and
//! stops them with the link in the mail.

use crate::support::*;
use reqwest::Method;

const APP: &str = "overreach";

#[tokio::test]
async fn a_resident_chooses_notifications_by_mail_and_stops_them_from_the_mail() {
    let Some(browser) = Browser::start("notifications-by-mail").await else { return };
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
    let bob_here =
        world.expect(200, Method::GET, &format!("/apps/{APP}/whoami"), Some(&bob.auth), None).await["subject"]
            .as_str()
            .unwrap()
            .to_owned();

    // From home to the settings: he ticks the app and saves.
    browser.goto(&platform(&node, "/")).await;
    browser.fill("#email", &bob.email).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form[action='/account/signin'] button").await;
    browser.wait_for_text("Get notifications by mail too").await;
    browser.click_text("Get notifications by mail too").await;
    browser.wait_for_text("Also by mail").await;
    browser.click(&format!("#mail-{APP}")).await;
    browser.click("form[action='/account/notifications/mail'] button").await;
    browser.wait_for_text("Saved.").await;

    // The app notifies him; the mail's link stops these mails.
    let sent = world
        .expect(200, Method::POST, &format!("/apps/{APP}/notify?subject={bob_here}"), Some(&alice.auth), None)
        .await;
    assert_eq!(sent["outcome"], "ok", "{sent}");
    let mail = deployment.wait_for_mail(&bob.email, "Overreach fixture: Hello").await;
    let link = mail
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("http") && line.contains("/account/unsubscribe?token="))
        .expect("a link")
        .to_owned();
    browser.goto(&link).await;
    browser.wait_for_text("Stop mails about notifications from Overreach fixture?").await;
    browser.click_text("Stop these mails").await;
    browser.wait_for_text("You get no more mails about notifications from Overreach fixture.").await;
    browser.click_text("Notifications by mail").await;
    browser.wait_for_text("Also by mail").await;
    assert_eq!(browser.find(&format!("#mail-{APP}")).await.prop("checked").await.unwrap().as_deref(), Some("false"));
    browser.close().await;
}
