//! The directory in a real browser (Chromium, phone width, every page
//! checked with axe-core by the harness): a resident suggests a bakery, a
//! property manager adds it in German, and the resident finds it.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_resident_suggests_a_bakery_a_manager_adds_it_in_german_and_the_resident_finds_it() {
    let Some(browser) = Browser::start("directory-bakery").await else { return };
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let mia = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    world.expect(200, Method::PATCH, "/api/me", Some(&mia.auth), Some(json!({ "locale": "de-CH" }))).await;
    node.wait_for_app(&world.client, "directory", &anna.auth).await;

    // Anna suggests the bakery round the corner.
    sign_in_as(&browser, &node, &anna.email).await;
    browser.click("a.tile[href='/apps/directory/']").await;
    browser.wait_for_text("Businesses nearby").await;
    browser.wait_for_text("No businesses in the directory yet.").await;
    browser.click("a[href='./suggestions']").await;
    browser.wait_for_text("Your suggestion").await;
    browser.fill("#name", "Bäckerei Sonne").await;
    browser.click("#category option[value='shop']").await;
    browser.fill("#street", "Elm Street 3").await;
    browser.fill("#city", "Zurich").await;
    browser.fill("#hours_mon", "06:30–18:30").await;
    browser.fill("#hours_sun", "closed").await;
    browser.fill("#website", "https://sonne.example/").await;
    browser.fill("#offer", "Fresh <bread> for residents").await;
    browser.click("form[action='./suggestions'] button").await;
    browser.wait_for_text("Thank you! The management will look at your suggestion.").await;
    browser.wait_for_text("Waiting for a decision").await;

    // Mia, in German: the queue, the suggestion, a better offer, accepted.
    let queue = world.expect(200, Method::GET, "/apps/directory/suggestions", Some(&mia.auth), None).await;
    let suggestion = queue["items"][0]["id"].as_str().expect("the suggestion in the staff queue").to_owned();
    sign_in_as(&browser, &node, &mia.email).await;
    browser.goto(&platform(&node, "/apps/directory/suggestions")).await;
    browser.wait_for_text("Vorschläge der Bewohner").await;
    browser.click(&format!("a[href='./suggestions/{suggestion}']")).await;
    browser.wait_for_text("Ins Verzeichnis aufnehmen").await;
    browser.fill("#offer", "10 % für Bewohner").await;
    browser.click("form[action$='/accept'] button").await;
    browser.wait_for_text("10 % für Bewohner").await;
    browser.wait_for_text("Bearbeiten").await;
    assert!(browser.url().await.contains("/apps/directory/entries/"), "on the new entry's page");

    // Anna hears of it and finds it by name.
    sign_in_as(&browser, &node, &anna.email).await;
    browser.wait_for_text("Now in the directory: Bäckerei Sonne").await;
    browser.goto(&platform(&node, "/apps/directory/")).await;
    browser.fill("#q", "sonne").await;
    browser.click("form[role='search'] button").await;
    browser.wait_for_text("10 % für Bewohner").await;
    browser.click("ul.cards h3 a").await;
    browser.wait_for_text("Opening hours").await;
    browser.wait_for_text("06:30–18:30").await;
    let website = browser.find("a[rel='noopener noreferrer']").await;
    assert_eq!(website.attr("href").await.unwrap().as_deref(), Some("https://sonne.example/"));
    let page = browser.text().await;
    assert!(!page.contains("Edit") && !page.contains("Delete"), "residents get no staff buttons: {page}");
    browser.goto(&platform(&node, "/apps/directory/suggestions")).await;
    browser.wait_for_text("Added to the directory").await;
    browser.close().await;
}
