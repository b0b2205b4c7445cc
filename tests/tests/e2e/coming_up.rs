//! "Coming up" on home: the next dates the core apps declare, read by the
//! host as the person looking. A resident sees the building's next dates
//! from Info A–Z, soonest first and in their language; past dates, other
//! properties' dates and hidden entries stay away.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

async fn home(node: &Node, who: &Auth) -> String {
    let page = client().get(node.url("/")).header(who.0, who.1.clone()).header("accept", "text/html").send();
    page.await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn home_lists_the_buildings_next_dates_and_nothing_else() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let carol = world.resident_person("carol", "acme", "oak-1").await;
    let mia = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "info", &anna.auth).await;
    let publish = |title: &str, date: String| json!({ "title": title, "category": "dates", "body": "See the board.", "date": date });
    let mut ids = Vec::new();
    for (title, days) in [("Window cleaning <east>", 9), ("Water off", 2), ("Last year's party", -3)] {
        let entry = publish(title, days_from_today(days));
        let created = world.expect(201, Method::POST, "/apps/info/entries", Some(&mia.auth), Some(entry)).await;
        ids.push(created["id"].as_str().unwrap().to_owned());
    }

    let page = home(&node, &anna.auth).await;
    assert!(page.contains("Coming up"), "{page}");
    let water = page.find("Water off").expect("the next date");
    let windows = page.find("Window cleaning &#60;east&#62;").expect("the later date, escaped");
    assert!(water < windows, "soonest first");
    assert!(!page.contains("Last year&#39;s party") && !page.contains("Last year's party"), "no past dates");
    assert!(page.contains(&format!("href=\"/apps/info/entries/{}\"", ids[1])), "{page}");
    assert!(page.contains(&format!("datetime=\"{}\"", days_from_today(2))), "{page}");

    // Another property's resident sees none of it.
    let elsewhere = home(&node, &carol.auth).await;
    assert!(!elsewhere.contains("Water off") && !elsewhere.contains("Coming up"), "{elsewhere}");

    // In German, and a hidden entry leaves home too.
    world.expect(200, Method::PATCH, "/api/me", Some(&anna.auth), Some(json!({ "locale": "de-CH" }))).await;
    let report = format!("/moderation/report/info/entries/{}", ids[1]);
    let reported =
        client().post(node.url(&report)).header(anna.auth.0, anna.auth.1.clone()).form(&[("reason", "other")]);
    assert_eq!(reported.send().await.unwrap().status(), 200);
    let hide = client()
        .post(node.url(&format!("/moderation/{}", ids[1])))
        .header(mia.auth.0, mia.auth.1.clone())
        .form(&[("action", "hide"), ("reason", "Wrong date.")]);
    assert_eq!(hide.send().await.unwrap().status(), 303);
    let page = home(&node, &anna.auth).await;
    assert!(page.contains("Demnächst") && page.contains("Window cleaning"), "{page}");
    assert!(!page.contains("Water off"), "hidden: {page}");
}
