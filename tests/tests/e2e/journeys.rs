//! Journeys in a real browser (Chromium, phone width). The harness checks
//! every page they visit with axe-core by itself, and keeps a failed
//! journey's last page; see `support::browser`.

use crate::moving_service::{install, manifest};
use crate::support::*;

const MOVERS: &str = "moving-service";
const MOVERS_HOST: &str = "api.meier-removals.example";

/// Signs in with the sign-in form the browser is looking at.
async fn sign_in_here(browser: &Browser, email: &str) {
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
    browser.fill("#name", "Nora Neu").await;
    browser.fill("#email", "nora@residents.example").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form[action='/account/signup'] button").await;
    browser.wait_for_text("We have mailed nora@residents.example a link").await;

    // The mailed link confirms the address and leads to signing in.
    let mail = deployment.wait_for_mail("nora@residents.example", "Confirm your email address").await;
    let link = mail.lines().find(|line| line.contains("/account/verify?token=")).expect("a link").trim().to_owned();
    browser.goto(&link[link.find("http").unwrap()..]).await;
    browser.click_text("Confirm my email address").await;
    browser.wait_for_text("Your email address is confirmed").await;
    browser.click_text("Sign in").await;
    sign_in_here(&browser, "nora@residents.example").await;

    // Home: her building and its apps.
    browser.wait_for_text("Pinboard").await;
    let home = browser.url().await;
    assert!(home.ends_with('/') && !home.contains("/apps/"), "she lands on home: {home}");
    browser.click("a.tile[href='/apps/pinboard/']").await;
    browser.wait_for_text("Post").await;
    browser.click("details.compose summary").await;
    browser.fill("input[name='title']", "Bike repair on Saturday").await;
    browser.fill("textarea[name='body']", "Bring your bike <b>and</b> a pump.").await;
    browser.click("form[action='posts'] button").await;
    browser.wait_for_text("Bike repair on Saturday").await;
    browser.wait_for_text("Bring your bike <b>and</b> a pump.").await;
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

    // The tile says it is a third-party app and who makes it, before first use.
    let tile = browser.find(&format!("a.tile[href='/apps/{MOVERS}/']")).await;
    let said = tile.text().await.unwrap();
    assert!(said.contains("Third-party app by Meier Removals Ltd"), "{said}");
    tile.click().await.unwrap();

    // The consent screen: she leaves out her phone number.
    browser.wait_for_text("choose what it may get").await;
    browser.click("input[value='profile.read:phone']").await;
    browser.click_text("Allow what is ticked").await;

    // The app, on its own origin, and its own form.
    browser.wait_for_text("Ask for a quote").await;
    let at = browser.url().await;
    assert!(at.starts_with("http://moving-service.apps.localhost:"), "{at}");
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
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&[MOVERS_HOST])).await;
    install(&deployment, "1.0.0", &manifest()).await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    world.approve("acme", MOVERS, None).await;
    node.wait_for_app(&world.client, MOVERS, &alice.auth).await;
    browser.goto(&platform(&node, "/")).await;
    sign_in_here(&browser, &alice.email).await;
    browser.click(&format!("a.tile[href='/apps/{MOVERS}/']")).await;
    browser.wait_for_text("choose what it may get").await;
    browser.click_text("Allow what is ticked").await;
    browser.wait_for_text("Ask for a quote").await;

    // She wants the app's notifications by mail too, and asks for a quote.
    let by_mail = serde_json::json!({ "by_mail": true });
    let path = format!("/api/me/notification-mail/{MOVERS}");
    world.expect(200, reqwest::Method::PUT, &path, Some(&alice.auth), Some(by_mail)).await;
    let moving_on = days_from_today(30);
    browser
        .client
        .execute("document.querySelector('[name=moving_on]').value = arguments[0];", vec![moving_on.into()])
        .await
        .unwrap();
    browser.fill("input[name='rooms']", "2").await;
    browser.click("form[action='quotes'] button").await;
    browser.wait_for_text("CHF").await;
    let mail = deployment.wait_for_mail(&alice.email, "Moving Service: Your moving quote is ready").await;
    let notes = world.expect(200, reqwest::Method::GET, "/api/me/notifications", Some(&alice.auth), None).await;
    let pointed = notes["items"][0]["url"].as_str().expect("the notification's link").to_owned();
    let quote = pointed.strip_prefix(&format!("/apps/{MOVERS}")).expect("a page of the app").to_owned();
    assert!(quote.starts_with("/quotes/"), "{pointed}");
    let link = mail
        .lines()
        .map(str::trim)
        .find(|line| line.contains("/account/notifications/") && !line.ends_with("/mail"))
        .expect("a link to the notification")
        .to_owned();

    // Her browser session runs out: its end is in the past.
    sqlx::query("UPDATE sessions SET expires_at = 1 WHERE user_id = $1 AND kind = 'browser'")
        .bind(&alice.user_id)
        .execute(&deployment.pool().await)
        .await
        .unwrap();

    // The mailed link: the sign-in page first, then the quote it pointed to,
    // on the app's own origin.
    browser.goto(&link).await;
    browser.wait_for_text("Sign in").await;
    sign_in_here(&browser, &alice.email).await;
    browser.wait_for_text("CHF").await;
    let at = browser.url().await;
    assert!(
        at.starts_with("http://moving-service.apps.localhost:") && at.ends_with(&quote),
        "she lands on the quote the mail was about, {quote}, on the app's origin: {at}"
    );
    let notes = world.expect(200, reqwest::Method::GET, "/api/me/notifications", Some(&alice.auth), None).await;
    assert!(notes["items"][0]["read_at"].is_string(), "opening it marked it read: {notes}");

    // Her profile: she switches her pages to German.
    browser.goto(&platform(&node, "/")).await;
    browser.click(".menu summary").await;
    browser.click_text("Profile").await;
    browser.wait_for_text("Language of your pages").await;
    browser.click("#locale option[value='de']").await;
    browser.click("form[action='/account/profile'] button").await;
    browser.wait_for_text("Gespeichert.").await;
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
async fn a_resident_declines_a_third_party_app_comes_back_on_purpose_and_allows_some() {
    let Some(browser) = Browser::start("decline-and-come-back").await else { return };
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&[MOVERS_HOST])).await;
    install(&deployment, "1.0.0", &manifest()).await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let lena = world.resident_person("lena", "acme", "elm-5").await;
    world.approve("acme", MOVERS, None).await;
    node.wait_for_app(&world.client, MOVERS, &lena.auth).await;
    // Lena reads her pages in German.
    let german = serde_json::json!({ "locale": "de-CH" });
    world.expect(200, reqwest::Method::PATCH, "/api/me", Some(&lena.auth), Some(german)).await;
    browser.goto(&platform(&node, "/")).await;
    sign_in_here(&browser, &lena.email).await;
    browser.wait_for_text("Mitteilungen").await;

    // The consent screen in German: she allows nothing.
    browser.click(&format!("a.tile[href='/apps/{MOVERS}/']")).await;
    browser.wait_for_text("Bevor du sie nutzt, wähle, was sie erhalten darf.").await;
    browser.click_text("Nichts erlauben").await;

    // Home says so, and how to change it.
    browser.wait_for_text("Du hast Moving Service nichts erlaubt").await;
    let home = browser.url().await;
    assert!(home.contains("/?declined=") && !home.contains(".apps."), "she is home: {home}");

    // "Meine Apps" lists the app she allowed nothing, with a way to change that.
    browser.click(".menu summary").await;
    browser.click_text("Meine Apps").await;
    browser.wait_for_text("Nichts erlaubt").await;
    browser.wait_for_text("Moving Service").await;
    browser.click_text("Ändern, was sie erhalten darf").await;

    // Back on purpose: everything is offered again, nothing ticked.
    browser.wait_for_text("Was nicht angekreuzt ist, hast du bisher nicht erlaubt.").await;
    let boxes = browser.client.find_all(fantoccini::Locator::Css("input[name='grant']")).await.unwrap();
    assert_eq!(boxes.len(), 7, "every grant is offered again");
    for checkbox in &boxes {
        assert!(!checkbox.is_selected().await.unwrap(), "what she declined is not ticked");
    }
    browser.click("input[value='profile.read:display-name']").await;
    browser.click("input[value='notifications.send']").await;
    browser.click_text("Angekreuztes erlauben").await;

    // The app opens on its own origin, in German.
    browser.wait_for_text("Umzugsofferten").await;
    assert!(browser.url().await.starts_with("http://moving-service.apps.localhost:"), "{}", browser.url().await);

    // "Meine Apps" shows what it may use now, and offers the rest.
    browser.goto(&platform(&node, "/account/apps")).await;
    browser.wait_for_text("Sie darf nutzen").await;
    let page = browser.text().await;
    assert!(page.contains("Dein Anzeigename") && page.contains("Dir Mitteilungen senden"), "{page}");
    assert!(!page.contains("Deine E-Mail-Adresse") && !page.contains("Nichts erlaubt"), "{page}");
    browser.click_text("Ändern, was sie erhalten darf").await;
    browser.wait_for_text("Hier kannst du Moving Service von Meier Removals Ltd mehr erlauben als bisher.").await;
    let offered = browser.client.find_all(fantoccini::Locator::Css("input[name='grant']")).await.unwrap();
    assert_eq!(offered.len(), 5, "the rest is offered");
    browser.click("input[value='profile.read:email']").await;
    browser.click_text("Angekreuztes erlauben").await;
    browser.wait_for_text("Umzugsofferten").await;
    browser.goto(&platform(&node, "/account/apps")).await;
    browser.wait_for_text("Deine E-Mail-Adresse").await;
    let consents = world.expect(200, reqwest::Method::GET, "/api/me/consents", Some(&lena.auth), None).await;
    let mut given: Vec<&str> = consents["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|record| record["status"] == "dpv:ConsentGiven")
        .flat_map(|record| record["grants"].as_array().unwrap().iter().filter_map(|grant| grant.as_str()))
        .collect();
    given.sort_unstable();
    assert_eq!(given, ["notifications.send", "profile.read:display-name", "profile.read:email"]);
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

/// A page of the web with what axe-core must find, served on loopback.
async fn serve_a_bad_page() -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request).await;
            let page = "<!doctype html><html><head><title>bad</title></head>\
                        <body><main><h1>Unlabelled</h1><img src='/x.png'><input type='text'></main></body></html>";
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                page.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    port
}

/// Runs `journey` as a journey of its own and returns its panic message,
/// once the browser it holds has been dropped.
async fn failed_journey(journey: impl Future<Output = ()> + Send + 'static) -> String {
    let failure = tokio::spawn(journey).await.expect_err("the journey fails");
    let message = failure.into_panic();
    message
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| message.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// What the harness kept of the failed journey `name`: its page source, and
/// whether a screenshot is there too.
fn kept(name: &str) -> (String, bool) {
    let stem = failures().join(name);
    let source = std::fs::read_to_string(stem.with_extension("html")).unwrap_or_default();
    let png = std::fs::read(stem.with_extension("png")).is_ok_and(|png| png.starts_with(b"\x89PNG"));
    (source, png)
}

#[tokio::test]
async fn the_harness_checks_each_page_by_itself_and_keeps_it_when_a_journey_fails() {
    let (Some(checked), Some(asserting)) =
        (Browser::start("harness-self-check").await, Browser::start("harness-self-check-assert").await)
    else {
        return;
    };
    for name in ["harness-self-check", "harness-self-check-assert"] {
        for extension in ["png", "html"] {
            let _ = std::fs::remove_file(failures().join(name).with_extension(extension));
        }
    }
    // A journey that only opens a page, asking for no check: the harness checks it.
    let port = serve_a_bad_page().await;
    let message = failed_journey(async move { checked.goto(&format!("http://localhost:{port}/")).await }).await;
    assert!(message.contains("axe-core found") && message.contains("image-alt"), "{message}");
    let (source, screenshot) = kept("harness-self-check");
    assert!(source.contains("Unlabelled") && screenshot, "the page is kept: {source}");

    // A journey whose own assert fails: the page it was on is kept all the same.
    let message = failed_journey(async move {
        asserting.goto("data:text/html,<title>kept</title><p>Kept on any failure</p>").await;
        assert_eq!(asserting.text().await, "something else", "the journey's own assert");
    })
    .await;
    assert!(message.contains("the journey's own assert"), "{message}");
    let (source, screenshot) = kept("harness-self-check-assert");
    assert!(source.contains("Kept on any failure") && screenshot, "the page is kept: {source}");
}
