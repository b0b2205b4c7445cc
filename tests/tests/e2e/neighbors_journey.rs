//! My neighbours in a real browser (Chromium, phone width, every page
//! checked with axe-core by the harness): Anna shows herself to the
//! building, Ben finds her profile and writes to her, and Anna answers in
//! German.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn anna_opts_in_ben_finds_her_and_writes_and_she_answers_in_german() {
    let Some(browser) = Browser::start("neighbors-first-message").await else { return };
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    world.expect(200, Method::PATCH, "/api/me", Some(&anna.auth), Some(json!({ "locale": "de-CH" }))).await;
    node.wait_for_app(&world.client, "neighbors", &anna.auth).await;

    // Anna, in German, shows herself with a name, a few words and her interests.
    sign_in_as(&browser, &node, &anna.email).await;
    browser.click("a.tile[href='/apps/neighbors/']").await;
    browser.wait_for_text("Deine Nachbarn sehen dich nicht.").await;
    browser.click("a[href='./profile']").await;
    browser.wait_for_text("Wähle, was deine Nachbarn sehen.").await;
    browser.fill("#name", "Anna Keller").await;
    browser.fill("#intro", "Ich spiele gern <Schach> & backe.").await;
    browser.fill("#interests", "Schach, Backen").await;
    browser.click("form[action='./profile'] button").await;
    browser.wait_for_text("Dein Profil ist gespeichert.").await;
    browser.wait_for_text("Deine Nachbarn sehen dich als Anna Keller.").await;

    // Ben finds her profile and writes to her.
    sign_in_as(&browser, &node, &ben.email).await;
    browser.goto(&platform(&node, "/apps/neighbors/")).await;
    browser.wait_for_text("Anna Keller").await;
    browser.click("a[href^='./profiles/']").await;
    browser.wait_for_text("Ich spiele gern <Schach> & backe.").await;
    browser.wait_for_text("Schach, Backen").await;
    let report = browser.find("a[href^='/moderation/report/neighbors/profiles/']").await;
    assert!(report.text().await.unwrap().starts_with("Report"));
    browser.click("a[href^='../conversations/with/']").await;
    browser.wait_for_text("Write to Anna Keller").await;
    browser.fill("#text", "Hi Anna, fancy a game of chess tonight?").await;
    browser.click("form[action$='conversations'] button").await;
    browser.wait_for_text("Conversation with Anna Keller").await;
    browser.wait_for_text("Hi Anna, fancy a game of chess tonight?").await;
    let conversation = browser.url().await;
    assert!(conversation.contains("/apps/neighbors/conversations/"), "{conversation}");

    // Anna hears of it on home, in German, and answers.
    sign_in_as(&browser, &node, &anna.email).await;
    browser.wait_for_text("ben hat dir geschrieben").await;
    browser.goto(&platform(&node, "/apps/neighbors/conversations")).await;
    browser.wait_for_text("Hi Anna, fancy a game of chess tonight?").await;
    browser.click("a[href^='./conversations/']").await;
    browser.wait_for_text("Unterhaltung mit ben").await;
    browser.fill("#text", "Gerne! Um acht bei mir im dritten Stock?").await;
    browser.click("form[action$='/messages'] button").await;
    browser.wait_for_text("Gerne! Um acht bei mir im dritten Stock?").await;
    assert_eq!(browser.url().await, conversation, "back on the conversation after writing");
    browser.find("a[href^='/moderation/report/neighbors/messages/']").await;

    // Ben reads the answer; Anna's message can be reported, his own cannot.
    sign_in_as(&browser, &node, &ben.email).await;
    browser.goto(&conversation).await;
    browser.wait_for_text("Gerne! Um acht bei mir im dritten Stock?").await;
    let page = browser.client.source().await.unwrap();
    assert_eq!(page.matches("/moderation/report/neighbors/messages/").count(), 1, "{page}");
    assert!(!page.contains("residents.example"), "never an email address");
    browser.close().await;
}
