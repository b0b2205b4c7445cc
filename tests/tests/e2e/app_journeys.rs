//! The service center and bookings in a real browser (Chromium, phone
//! width, every page checked with axe-core by the harness): a ticket with a
//! photo answered by staff in German, and a common room booked beside a
//! neighbour's booking and cancelled.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

/// A small PNG on disk, for the file input.
fn photo(dir: &std::path::Path) -> std::path::PathBuf {
    let mut bytes = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR".to_vec();
    bytes.extend(std::iter::repeat_n(0x42, 2_000));
    let path = dir.join("leak.png");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[tokio::test]
async fn a_ticket_with_a_photo_is_answered_and_closed_and_the_resident_never_sees_the_note() {
    let Some(browser) = Browser::start("service-center-ticket").await else { return };
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let mia = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    world.expect(200, Method::PATCH, "/api/me", Some(&mia.auth), Some(json!({ "locale": "de-CH" }))).await;
    node.wait_for_app(&world.client, "service-center", &anna.auth).await;
    let files = tempfile::tempdir().unwrap();

    // Anna reports a leak in her flat, with a photo.
    sign_in_as(&browser, &node, &anna.email).await;
    browser.click("a.tile[href='/apps/service-center/']").await;
    browser.wait_for_text("Report a problem").await;
    browser.click("details summary").await;
    browser.click("#category option[value='plumbing']").await;
    browser.fill("#title", "Leaking tap in the kitchen").await;
    browser.fill("#description", "It drips <all> night.").await;
    browser.click("#location-unit").await;
    let file = browser.find("#attachment").await;
    file.send_keys(photo(files.path()).to_str().unwrap()).await.expect("choose the photo");
    browser.click("form[action='tickets'] button").await;
    browser.wait_for_text("Leaking tap in the kitchen").await;
    browser.wait_for_text("It drips <all> night.").await;
    let thumbnail = browser.find("ul.files img").await;
    let src = thumbnail.attr("src").await.unwrap().expect("a thumbnail");
    assert!(src.contains(".files/"), "{src}");

    // Mia, in German: the queue, the ticket, an answer, an internal note, closed.
    let queue = world.expect(200, Method::GET, "/apps/service-center/tickets", Some(&mia.auth), None).await;
    let ticket = queue["items"][0]["id"].as_str().expect("the ticket in the staff queue").to_owned();
    sign_in_as(&browser, &node, &mia.email).await;
    browser.goto(&platform(&node, "/apps/service-center/")).await;
    browser.wait_for_text("Leaking tap in the kitchen").await;
    browser.goto(&platform(&node, &format!("/apps/service-center/tickets/{ticket}"))).await;
    browser.wait_for_text("Interne Notizen").await;
    browser.find("ul.files img").await;
    browser.fill("#text", "Der Installateur kommt morgen um 9 Uhr.").await;
    browser.click("form[action$='/replies'] button").await;
    browser.wait_for_text("Der Installateur kommt morgen um 9 Uhr.").await;
    assert!(browser.url().await.ends_with(&ticket), "the answer was taken: back on the ticket");
    browser.fill("#note", "Mieterin hat schon zweimal gemeldet.").await;
    browser.click("form[action$='/notes'] button").await;
    browser.wait_for_text("Mieterin hat schon zweimal gemeldet.").await;
    browser.click("#new-state option[value='closed']").await;
    browser.click("form.card[action$='/state'] button").await;
    browser.wait_for_text("Abgeschlossen").await;

    // Anna: the notification on home leads to the answer; the note is not there.
    sign_in_as(&browser, &node, &anna.email).await;
    browser.wait_for_text("The management answered: Leaking tap in the kitchen").await;
    browser.goto(&platform(&node, &format!("/apps/service-center/tickets/{ticket}"))).await;
    browser.wait_for_text("Der Installateur kommt morgen um 9 Uhr.").await;
    browser.wait_for_text("Closed").await;
    let page = browser.text().await;
    assert!(!page.contains("zweimal") && !page.contains("Internal notes"), "the note never reaches her: {page}");
    let source = browser.client.source().await.unwrap();
    assert!(!source.contains("zweimal"), "not even in the markup");
    browser.close().await;
}

#[tokio::test]
async fn a_resident_books_the_common_room_beside_a_neighbours_booking_and_cancels() {
    let Some(browser) = Browser::start("bookings-common-room").await else { return };
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let mia = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "bookings", &anna.auth).await;
    let room = world
        .expect(
            201,
            Method::POST,
            "/apps/bookings/resources",
            Some(&mia.auth),
            Some(json!({
                "name": "Common room",
                "description": "Ground floor, 30 seats.",
                "slot_minutes": 60,
                "max_slots": 3,
                "horizon_days": 30,
                "quota": 2,
                "cancel_hours": 2
            })),
        )
        .await;
    let room = room["id"].as_str().expect("the room's id").to_owned();
    let day = days_from_today(3);
    world
        .expect(
            201,
            Method::POST,
            &format!("/apps/bookings/resources/{room}/bookings"),
            Some(&ben.auth),
            Some(json!({ "day": day, "start": "18:00", "slots": 2 })),
        )
        .await;

    sign_in_as(&browser, &node, &anna.email).await;
    browser.click("a.tile[href='/apps/bookings/']").await;
    browser.wait_for_text("Common room").await;
    browser.goto(&platform(&node, &format!("/apps/bookings/resources/{room}?day={day}"))).await;
    // Ben's evening shows as booked, and not by whom.
    browser.wait_for_text("18:00–19:00: Booked").await;
    assert!(!browser.text().await.contains("ben"), "who booked is not shown");
    browser.click("#book-start option[value='10:00']").await;
    browser.click("form[action$='/bookings'] button").await;
    browser.wait_for_text("10:00–11:00: Your booking").await;
    browser.goto(&platform(&node, "/apps/bookings/bookings")).await;
    browser.wait_for_text("Common room").await;
    browser.click("form[action*='/cancel'] button").await;
    browser.wait_for_text("No bookings from today on.").await;
    browser.goto(&platform(&node, &format!("/apps/bookings/resources/{room}?day={day}"))).await;
    browser.wait_for_text("10:00–11:00: Free").await;
    browser.close().await;
}
