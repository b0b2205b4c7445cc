//! The marketplace in a real browser (Chromium, phone width, every page
//! checked with axe-core by the harness): Anna offers her bike for 80.00
//! with a photo, Ben finds it and is sent to write to her in the neighbors
//! app, and Anna, in German, marks it sold.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

/// A small PNG on disk, for the file input.
fn photo(dir: &std::path::Path) -> std::path::PathBuf {
    let mut bytes = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR".to_vec();
    bytes.extend(std::iter::repeat_n(0x42, 2_000));
    let path = dir.join("bike.png");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[tokio::test]
async fn a_bike_is_offered_with_a_photo_found_by_a_neighbour_and_sold_in_german() {
    let Some(browser) = Browser::start("marketplace-bike").await else { return };
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "marketplace", &anna.auth).await;
    let files = tempfile::tempdir().unwrap();

    // Anna offers her bike for 80.00, with a photo.
    sign_in_as(&browser, &node, &anna.email).await;
    browser.goto(&platform(&node, "/apps/marketplace/")).await;
    browser.wait_for_text("Nothing listed right now.").await;
    browser.click("a[href='new']").await;
    browser.wait_for_text("Price in CHF").await;
    browser.click("#kind option[value='sell']").await;
    browser.fill("#title", "Bike").await;
    browser.fill("#description", "City bike, 28 inch, with <lights>.").await;
    browser.fill("#price", "80.00").await;
    let file = browser.find("#photo").await;
    file.send_keys(photo(files.path()).to_str().unwrap()).await.expect("choose the photo");
    browser.click("form[action='listings'] button").await;
    browser.wait_for_text("CHF 80.00").await;
    browser.wait_for_text("City bike, 28 inch, with <lights>.").await;
    browser.wait_for_text("This is your listing.").await;
    let listing = browser.url().await;
    let id = listing.rsplit('/').next().unwrap().split('?').next().unwrap().to_owned();
    assert!(listing.contains("/apps/marketplace/listings/"), "{listing}");
    let thumbnail = browser.find("ul.files img").await;
    let src = thumbnail.attr("src").await.unwrap().expect("a thumbnail");
    assert!(src.contains(".files/"), "{src}");
    assert!(!browser.text().await.contains("Contact the seller"), "not on her own listing");

    // Ben finds it on the market and is sent to write to her.
    sign_in_as(&browser, &node, &ben.email).await;
    browser.goto(&platform(&node, "/apps/marketplace/")).await;
    browser.wait_for_text("For sale · CHF 80.00 · Available").await;
    browser.click(&format!("a[href='listings/{id}']")).await;
    browser.wait_for_text("Contact the seller").await;
    browser.find("ul.files img").await;
    let contact = browser.find("a.contact").await.attr("href").await.unwrap().expect("a link to write");
    assert_eq!(contact, format!("/apps/neighbors/conversations/with/{}?about=Bike", anna.user_id));
    let report = browser.find("a.report").await.attr("href").await.unwrap().expect("a link to report");
    assert_eq!(report, format!("/moderation/report/marketplace/listings/{id}"));
    let page = browser.text().await;
    assert!(page.contains("anna") && !page.contains("@residents.example"), "her name, not her email: {page}");

    // Anna, now in German, marks it sold: it leaves the market.
    world.expect(200, Method::PATCH, "/api/me", Some(&anna.auth), Some(json!({ "locale": "de-CH" }))).await;
    sign_in_as(&browser, &node, &anna.email).await;
    browser.goto(&platform(&node, &format!("/apps/marketplace/listings/{id}"))).await;
    browser.wait_for_text("Das ist dein Inserat.").await;
    browser.click("input[name='state'][value='gone'] + button").await;
    browser.wait_for_text("Verkauft").await;
    assert!(browser.url().await.ends_with(&id), "back on the listing");
    assert!(!browser.text().await.contains("Als verkauft markieren"), "sold is for good");
    let market = world.expect(200, Method::GET, "/apps/marketplace/listings", Some(&ben.auth), None).await;
    assert_eq!(market["items"], json!([]), "{market}");
    browser.goto(&platform(&node, "/apps/marketplace/mine")).await;
    browser.wait_for_text("Zu verkaufen · CHF 80.00 · Verkauft").await;
    browser.close().await;
}
