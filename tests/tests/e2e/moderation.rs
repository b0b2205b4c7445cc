//! Moderation end to end: a neighbour reports a pinboard notice, the
//! property manager hides it (it leaves every reader's query, its author's
//! too), restores it and finally deletes it, each time with a reason the
//! author is told. Reporters stay anonymous; people outside the property,
//! residents and managers of other properties reach nothing; every step is
//! audited once.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

/// Posts `pairs` as a form with `who`'s bearer token (a bearer request
/// needs no form token); answers the status and the page.
async fn form(node: &Node, who: &Auth, path: &str, pairs: &[(&str, &str)]) -> (u16, String) {
    let response = client()
        .post(node.url(path))
        .header(who.0, who.1.clone())
        .header("accept", "text/html")
        .form(pairs)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn page(node: &Node, who: &Auth, path: &str) -> (u16, String) {
    let response =
        client().get(node.url(path)).header(who.0, who.1.clone()).header("accept", "text/html").send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn board_titles(world: &World<'_>, who: &Auth) -> Vec<String> {
    let board = world.expect(200, Method::GET, "/apps/pinboard/posts", Some(who), None).await;
    board["items"].as_array().unwrap().iter().map(|post| post["title"].as_str().unwrap().to_owned()).collect()
}

async fn notification_titles(world: &World<'_>, who: &Auth) -> Vec<String> {
    let listed = world.expect(200, Method::GET, "/api/me/notifications", Some(who), None).await;
    listed["items"].as_array().unwrap().iter().map(|note| format!("{} | {}", note["title"], note["body"])).collect()
}

#[tokio::test]
async fn a_reported_notice_is_hidden_restored_and_deleted_with_reasons_the_author_is_told() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let mia = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "pinboard", &anna.auth).await;
    let notice = json!({ "title": "Ben is a thief", "body": "Everyone <b>knows</b> it." });
    let created = world.expect(201, Method::POST, "/apps/pinboard/posts", Some(&anna.auth), Some(notice)).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let report_path = format!("/moderation/report/pinboard/posts/{id}");

    // Ben's board links to the report page; the page shows what he reports.
    let (status, board) = page(&node, &ben.auth, "/apps/pinboard/").await;
    assert_eq!(status, 200);
    assert!(board.contains(&format!("href=\"{report_path}\"")), "{board}");
    let (status, form_page) = page(&node, &ben.auth, &report_path).await;
    assert_eq!(status, 200, "{form_page}");
    assert!(form_page.contains("Everyone &#60;b&#62;knows&#60;/b&#62; it."), "escaped excerpt: {form_page}");
    assert!(form_page.contains("value=\"harassment\""), "{form_page}");

    // Hostile reports change nothing.
    let (status, _) = form(&node, &ben.auth, &report_path, &[("reason", "because")]).await;
    assert_eq!(status, 400, "an unknown reason");
    let long = "x".repeat(1_001);
    let (status, _) = form(&node, &ben.auth, &report_path, &[("reason", "other"), ("note", &long)]).await;
    assert_eq!(status, 400, "a note over 1,000 characters");
    let (status, own) = form(&node, &anna.auth, &report_path, &[("reason", "spam")]).await;
    assert_eq!(status, 400, "the author does not report herself");
    assert!(own.contains("your own contribution"), "{own}");
    let (status, queue) = page(&node, &mia.auth, "/moderation").await;
    assert_eq!(status, 200);
    assert!(queue.contains("Nothing to look at"), "no report was stored: {queue}");

    let (status, thanks) =
        form(&node, &ben.auth, &report_path, &[("reason", "harassment"), ("note", "It is about me.")]).await;
    assert_eq!(status, 200, "{thanks}");
    assert!(thanks.contains("reached the property management"), "{thanks}");

    // Residents are no moderators.
    let (status, _) = page(&node, &ben.auth, "/moderation").await;
    assert_eq!(status, 403, "a resident has no queue");
    let (status, _) =
        form(&node, &ben.auth, &format!("/moderation/{id}"), &[("action", "delete"), ("reason", "x")]).await;
    assert_eq!(status, 403, "a resident decides nothing");

    // Mia's home counts it; the queue and the case show it, never the reporter.
    let (_, home) = page(&node, &mia.auth, "/").await;
    assert!(home.contains("Moderation: 1 open"), "{home}");
    let (status, queue) = page(&node, &mia.auth, "/moderation").await;
    assert_eq!(status, 200);
    assert!(queue.contains(&format!("href=\"/moderation/{id}\"")) && queue.contains("1 reports"), "{queue}");
    let (status, case) = page(&node, &mia.auth, &format!("/moderation/{id}")).await;
    assert_eq!(status, 200);
    assert!(case.contains("Ben is a thief") && case.contains("Harassment or bullying"), "{case}");
    assert!(case.contains("It is about me.") && case.contains("by anna"), "{case}");
    assert!(!case.contains("ben@") && !case.contains(&ben.user_id), "the reporter stays anonymous: {case}");

    // A decision needs a reason, and an action that fits.
    let decide = format!("/moderation/{id}");
    for bad in [
        vec![("action", "hide")],
        vec![("action", "burn"), ("reason", "x")],
        vec![("action", "restore"), ("reason", "x")],
    ] {
        let (status, _) = form(&node, &mia.auth, &decide, &bad).await;
        assert_eq!(status, 400, "{bad:?}");
    }
    assert_eq!(board_titles(&world, &ben.auth).await, vec!["Ben is a thief".to_owned()], "nothing changed yet");

    // Hidden: gone for every reader, the author included, and the author is told why.
    let (status, _) =
        form(&node, &mia.auth, &decide, &[("action", "hide"), ("reason", "Accusations belong elsewhere.")]).await;
    assert_eq!(status, 303);
    assert!(board_titles(&world, &ben.auth).await.is_empty());
    assert!(board_titles(&world, &anna.auth).await.is_empty(), "hidden from its author too");
    let (status, _) = world.call(Method::GET, &format!("/apps/pinboard/posts/{id}"), Some(&anna.auth), None).await;
    assert_eq!(status.as_u16(), 404);
    let told = notification_titles(&world, &anna.auth).await;
    assert!(
        told.iter().any(|note| note.contains("Your contribution was hidden") && note.contains("Accusations belong elsewhere.")),
        "{told:?}"
    );
    let (status, queue) = page(&node, &mia.auth, "/moderation").await;
    assert_eq!(status, 200);
    assert!(queue.contains("Hidden"), "the hidden notice stays listed to restore: {queue}");

    // Restored: back for everyone.
    let (status, _) = form(&node, &mia.auth, &decide, &[("action", "restore"), ("reason", "Cleared up.")]).await;
    assert_eq!(status, 303);
    assert_eq!(board_titles(&world, &ben.auth).await, vec!["Ben is a thief".to_owned()]);

    // Reported again and deleted for good.
    let (status, _) = form(&node, &ben.auth, &report_path, &[("reason", "harassment")]).await;
    assert_eq!(status, 200);
    let (status, _) = form(&node, &mia.auth, &decide, &[("action", "delete"), ("reason", "Repeated.")]).await;
    assert_eq!(status, 303);
    assert!(board_titles(&world, &anna.auth).await.is_empty());
    let (status, _) = page(&node, &mia.auth, &format!("/moderation/{id}")).await;
    assert_eq!(status, 404, "nothing left to moderate");
    let told = notification_titles(&world, &anna.auth).await;
    assert!(
        told.iter().any(|note| note.contains("Your contribution was deleted") && note.contains("Repeated.")),
        "{told:?}"
    );

    // Each decision is one audit entry naming the author, by the moderator.
    let decisions: Vec<Value> = world
        .audit("acme", &format!("subject={}", anna.user_id))
        .await
        .into_iter()
        .filter(|entry| entry["action"] == "POST /moderation/{document}")
        .collect();
    assert_eq!(decisions.len(), 3, "hide, restore, delete: {decisions:?}");
    assert!(decisions.iter().all(|entry| entry["actor_id"] == mia.user_id.as_str()), "{decisions:?}");
    let reports: Vec<Value> = world
        .audit("acme", &format!("actor={}", ben.user_id))
        .await
        .into_iter()
        .filter(|entry| entry["action"] == "POST /moderation/report/{app}/{collection}/{document}")
        .collect();
    assert_eq!(reports.len(), 2, "two reports that were taken: {reports:?}");
    assert!(reports.iter().all(|entry| entry["subject_id"].is_null()), "a report names no one else: {reports:?}");
}

#[tokio::test]
async fn nobody_outside_the_property_reports_or_moderates() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let carol = world.resident_person("carol", "acme", "oak-1").await;
    let mallory = world.resident_person("mallory", "other-co", "elm-5").await;
    let otto = world.staff("otto", "acme", "property-manager", Some("oak-1")).await;
    let eve = world.staff("eve", "other-co", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "pinboard", &anna.auth).await;
    let notice = json!({ "title": "Only for Elm Street 5", "body": "" });
    let created = world.expect(201, Method::POST, "/apps/pinboard/posts", Some(&anna.auth), Some(notice)).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let report_path = format!("/moderation/report/pinboard/posts/{id}");

    for who in [&carol, &mallory] {
        let (status, body) = page(&node, &who.auth, &report_path).await;
        assert_eq!(status, 404, "{body}");
        assert!(!body.contains("Only for Elm Street 5"), "{body}");
        let (status, _) = form(&node, &who.auth, &report_path, &[("reason", "spam")]).await;
        assert_eq!(status, 404);
    }
    for path in ["/moderation/report/pinboard/posts/not-an-id", "/moderation/report/no-such-app/posts/x"] {
        let (status, _) = page(&node, &anna.auth, path).await;
        assert_eq!(status, 404, "{path}");
    }
    for who in [&otto, &eve] {
        let (status, case) = page(&node, &who.auth, &format!("/moderation/{id}")).await;
        assert_eq!(status, 404, "{case}");
        let (status, _) =
            form(&node, &who.auth, &format!("/moderation/{id}"), &[("action", "hide"), ("reason", "x")]).await;
        assert_eq!(status, 404);
    }
    let board = world.expect(200, Method::GET, "/apps/pinboard/posts", Some(&anna.auth), None).await;
    assert_eq!(board["items"][0]["title"], "Only for Elm Street 5", "still there, not hidden by anyone outside");
}
