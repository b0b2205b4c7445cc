//! Info A–Z in a real browser (Chromium, phone width, every page checked
//! with axe-core by the harness): the property manager announces the water
//! being off on a day, notifying the building, and a resident who reads
//! German is told and opens it from the A–Z index.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn the_manager_announces_the_water_off_and_a_german_resident_opens_it_from_a_to_z() {
    let Some(browser) = Browser::start("info-water-off").await else { return };
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let mia = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    world.expect(200, Method::PATCH, "/api/me", Some(&anna.auth), Some(json!({ "locale": "de-CH" }))).await;
    node.wait_for_app(&world.client, "info", &anna.auth).await;
    // Something else under W, so she picks it from a list.
    world
        .expect(
            201,
            Method::POST,
            "/apps/info/entries",
            Some(&mia.auth),
            Some(json!({ "title": "Waschküche", "category": "house_rules", "body": "Bis 22 Uhr." })),
        )
        .await;
    let day = days_from_today(3);

    // Mia publishes the notice by the form, and notifies the building.
    sign_in_as(&browser, &node, &mia.email).await;
    browser.click("a.tile[href='/apps/info/']").await;
    browser.wait_for_text("Building information").await;
    browser.click("a.button[href$='entries/new']").await;
    browser.wait_for_text("Notify everyone in the building").await;
    browser.fill("#title", "Water off").await;
    browser.click("#category option[value='dates']").await;
    browser.fill("#body", "No water in the whole building.\n\nPlease fill a kettle <before>.").await;
    browser.fill("#date", &day).await;
    browser.fill("#time", "8–12").await;
    browser.click("#notify").await;
    browser.click("form[enctype='multipart/form-data'] button").await;
    browser.wait_for_text("Notified").await;
    browser.wait_for_text("Please fill a kettle <before>.").await;
    assert!(browser.text().await.contains("8–12"), "the time is shown");

    // Anna is told on home, and finds it in the index under W.
    sign_in_as(&browser, &node, &anna.email).await;
    browser.wait_for_text("Info: Water off").await;
    browser.goto(&platform(&node, "/apps/info/")).await;
    browser.wait_for_text("Informationen zum Haus").await;
    browser.wait_for_text("Anstehende Termine").await;
    let under_w = browser.text().await;
    assert!(under_w.contains("Waschküche") && under_w.contains("Water off"), "{under_w}");
    let found = world.expect(200, Method::GET, "/apps/info/entries?q=water", Some(&anna.auth), None).await;
    let id = found["items"][0]["id"].as_str().expect("the notice, found by search").to_owned();
    browser.click("a[href='#letter-W']").await;
    browser.click(&format!("ul[aria-labelledby='letter-W'] a[href='./entries/{id}']")).await;
    browser.wait_for_text("No water in the whole building.").await;
    assert!(browser.url().await.ends_with(&format!("/apps/info/entries/{id}")), "opened from the index");
    let page = browser.text().await;
    assert!(page.contains("Termine") && page.contains("8–12") && page.contains("Aktualisiert"), "{page}");
    assert!(!page.contains("Eintrag löschen") && !page.contains("Bearbeiten"), "residents change nothing: {page}");
    let source = browser.client.source().await.unwrap();
    assert!(source.contains("<html lang=\"de\">"), "the page is in German");
    browser.close().await;
}
