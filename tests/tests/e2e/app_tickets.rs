//! Tickets into a third-party app's own origin work once, on whichever node
//! redeems them (two nodes share the database on PostgreSQL), and a ticket
//! seen again answers a page that leads back in through the platform.

use crate::moving_service::{install, manifest};
use crate::support::*;

const APP: &str = "moving-service";
const HOST: &str = "api.meier-removals.example";

/// The path and query of an absolute URL.
fn path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.find('/').map_or("/".to_owned(), |at| after_scheme[at..].to_owned())
}

/// Signs `who` in with the form, as a visitor of `node`.
async fn signed_in(node: &Node, who: &Person) -> Visitor {
    let visitor = Visitor::new(node, &[APP]);
    let signed = visitor
        .post_form(
            &visitor.platform("/account/signin"),
            &[("email", &who.email), ("password", PASSWORD), ("next", "/")],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    visitor
}

/// A fresh ticket URL into the app at `path`, as the platform hands it out.
async fn ticket_url(visitor: &Visitor, path: &str) -> String {
    let entry = visitor.get(&visitor.platform(&format!("/apps/{APP}{path}"))).await;
    assert_eq!(entry.status, 303, "{}", entry.body);
    let url = entry.header("location").to_owned();
    assert!(url.starts_with(&format!("{}/.courtyard/enter?ticket=", visitor.app_origin(APP))), "{url}");
    url
}

/// Asserts `answer` is the page for a refused ticket, leading back to
/// `again` on the platform.
fn assert_sends_back(answer: &Answer, again: &str) {
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert!(answer.header("content-type").starts_with("text/html"), "a page, not JSON");
    assert!(answer.body.contains("This link has been used") && answer.body.contains("Open Moving Service again"));
    assert!(answer.body.contains(&format!("href=\"{again}\"")), "back through the platform: {}", answer.body);
    // On the app's origin every other path is the app's: only these reach the platform.
    assert!(answer.body.contains("href=\"/.courtyard/app.css\""), "{}", answer.body);
    assert!(!answer.body.contains("href=\"/\"") && !answer.body.contains("/static/"), "{}", answer.body);
    assert_eq!(answer.header("referrer-policy"), "no-referrer");
    assert!(answer.headers.get("set-cookie").is_none(), "no pass for a refused ticket");
}

async fn tickets_kept(deployment: &Deployment) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM app_tickets").fetch_one(&deployment.pool().await).await.unwrap()
}

#[tokio::test]
async fn a_ticket_opens_the_app_once_on_any_node_and_a_replay_leads_back_in() {
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&[HOST])).await;
    install(&deployment, "1.0.0", &manifest()).await;
    let a = deployment.start();
    // On PostgreSQL a second node shares the database; on SQLite one node serves.
    let b = deployment.database_url.is_some().then(|| deployment.start());
    let other = b.as_ref().unwrap_or(&a);
    let mut world = World::new(&deployment, &a);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    world.approve("acme", APP, None).await;
    a.wait_for_app(&world.client, APP, &anna.auth).await;
    other.wait_for_app(&world.client, APP, &anna.auth).await;
    world.consent(&anna.auth, APP, None).await;
    let on_a = signed_in(&a, &anna).await;
    let on_other = Visitor::new(other, &[APP]);

    // Handed out by one node, redeemed on the other: it works once.
    let ticket = ticket_url(&on_a, "/quotes?from=mail").await;
    assert_eq!(tickets_kept(&deployment).await, 1, "kept (as its digest) until redeemed");
    let stored: String =
        sqlx::query_scalar("SELECT ticket_hash FROM app_tickets").fetch_one(&deployment.pool().await).await.unwrap();
    assert!(!ticket.contains(&stored), "only a digest is kept");
    let entered = on_other.get(&on_other.app(APP, &path_of(&ticket))).await;
    assert_eq!((entered.status, entered.header("location")), (303, "/quotes?from=mail"), "{}", entered.body);
    assert!(on_other.cookie(&on_other.app(APP, "/"), "__Host-courtyard-app").is_some(), "the pass");
    assert_eq!(on_other.get(&on_other.app(APP, "/")).await.status, 200);
    assert_eq!(tickets_kept(&deployment).await, 0, "a redeemed ticket is gone");

    // Seen again, on either node: a page leading back in through the platform.
    for visitor in [&on_a, &on_other] {
        let replayed = visitor.get(&visitor.app(APP, &path_of(&ticket))).await;
        assert_sends_back(&replayed, &visitor.platform("/apps/moving-service/quotes?from=mail"));
    }
    assert!(on_a.cookie(&on_a.app(APP, "/"), "__Host-courtyard-app").is_none(), "a replay gives no pass");
    // A made-up ticket, and one that ran out unused, alike.
    let made_up = on_a.get(&on_a.app(APP, "/.courtyard/enter?ticket=made-up&next=%2F")).await;
    assert_sends_back(&made_up, &on_a.platform("/apps/moving-service/"));
    let stale = ticket_url(&on_a, "/").await;
    sqlx::query("UPDATE app_tickets SET expires_at = 1").execute(&deployment.pool().await).await.unwrap();
    assert_sends_back(&on_a.get(&on_a.app(APP, &path_of(&stale))).await, &on_a.platform("/apps/moving-service/"));
    // The way back in hands out a fresh ticket, which works.
    let fresh = ticket_url(&on_a, "/").await;
    assert_eq!(on_a.get(&on_a.app(APP, &path_of(&fresh))).await.status, 303);
    assert_eq!(on_a.get(&on_a.app(APP, "/")).await.status, 200);

    // Two redeems racing, one on each node: one wins.
    let raced = ticket_url(&on_a, "/").await;
    let (first, second) = (Visitor::new(&a, &[APP]), Visitor::new(other, &[APP]));
    let (to_first, to_second) = (first.app(APP, &path_of(&raced)), second.app(APP, &path_of(&raced)));
    let (one, two) = tokio::join!(first.get(&to_first), second.get(&to_second));
    let mut statuses = [one.status, two.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 401], "exactly one redeem wins");
}
