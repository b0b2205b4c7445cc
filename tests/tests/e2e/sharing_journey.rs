//! Sharing in a real browser (Chromium, phone width, every page checked
//! with axe-core by the harness): Ben borrows Anna's ladder, Anna accepts
//! in German, and both see the loan's state and its history.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn ben_borrows_annas_ladder_and_anna_accepts_in_german() {
    let Some(browser) = Browser::start("sharing-ladder").await else { return };
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    world.expect(200, Method::PATCH, "/api/me", Some(&anna.auth), Some(json!({ "locale": "de-CH" }))).await;
    node.wait_for_app(&world.client, "sharing", &anna.auth).await;
    let ladder = world
        .expect(
            201,
            Method::POST,
            "/apps/sharing/items",
            Some(&anna.auth),
            Some(json!({
                "name": "Ladder",
                "description": "Three metres, aluminium.",
                "category": "tools",
                "max_days": 3
            })),
        )
        .await;
    let ladder = ladder["id"].as_str().expect("the ladder's id").to_owned();

    // Ben finds the ladder and asks for it, today and tomorrow (the form's days).
    sign_in_as(&browser, &node, &ben.email).await;
    browser.click("a.tile[href='/apps/sharing/']").await;
    browser.wait_for_text("Things to borrow").await;
    browser.click(&format!("a[href$='items/{ladder}']")).await;
    browser.wait_for_text("Three metres, aluminium.").await;
    browser.wait_for_text("Message anna").await;
    browser.fill("#note", "For the gutter, please.").await;
    browser.click("form[action$='/loans'] button").await;
    browser.wait_for_text("Loan of Ladder").await;
    browser.wait_for_text("Requested").await;
    assert!(browser.url().await.contains("/apps/sharing/loans/"), "on the loan's page");
    let page = browser.text().await;
    assert!(page.contains(&days_from_today(1)) && !page.contains("@residents.example"), "{page}");

    // Anna, in German: the request among what she lends; she accepts it.
    sign_in_as(&browser, &node, &anna.email).await;
    browser.goto(&platform(&node, "/apps/sharing/loans?role=lender")).await;
    browser.wait_for_text("Ich verleihe").await;
    browser.wait_for_text("Angefragt").await;
    browser.click("ul.cards a[href*='loans/']").await;
    browser.wait_for_text("Ausleihe von Ladder").await;
    browser.wait_for_text("For the gutter, please.").await;
    browser.click("form[action$='/accept'] button").await;
    browser.wait_for_text("Zugesagt").await;
    browser.click("form[action$='/hand-over'] button").await;
    browser.wait_for_text("Übergeben").await;
    assert!(browser.text().await.contains("Ich habe es zurück"), "the next step is offered");

    // Ben sees it handed over, with the due day and the history.
    sign_in_as(&browser, &node, &ben.email).await;
    browser.goto(&platform(&node, "/apps/sharing/loans")).await;
    browser.wait_for_text("I borrow").await;
    browser.click("ul.cards a[href*='loans/']").await;
    browser.wait_for_text("Handed over").await;
    let page = browser.text().await;
    assert!(page.contains("Asked to borrow") && page.contains("Accepted"), "{page}");
    assert!(page.contains("Due back") && page.contains(&days_from_today(1)), "{page}");
    browser.close().await;
}
