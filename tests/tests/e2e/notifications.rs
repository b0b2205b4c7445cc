//! A person's notifications: all of them on a page of their own, and by
//! mail for the apps they choose. Each such mail carries a link that stops
//! them without signing in, and mail clients may unsubscribe with one
//! click (RFC 8058).

use crate::support::*;
use reqwest::Method;

const APP: &str = "overreach";

/// Signs `who` in with the sign-in form.
async fn sign_in(browser: &Visitor, who: &Person) {
    let signed = browser
        .post_form(
            &browser.platform("/account/signin"),
            &[("email", &who.email), ("password", PASSWORD), ("next", "/")],
        )
        .await;
    assert_eq!((signed.status, signed.header("location")), (303, "/"), "{}", signed.body);
}

/// Alice's app notifies `subject` (the app's pseudonym of the recipient).
async fn notify(world: &mut World<'_>, from: &Person, subject: &str) {
    let sent =
        world.expect(200, Method::POST, &format!("/apps/{APP}/notify?subject={subject}"), Some(&from.auth), None).await;
    assert_eq!(sent["outcome"], "ok", "{sent}");
}

/// The mail state of the newest notification of `user_id`.
async fn newest_mail_state(deployment: &Deployment, user_id: &str) -> Option<String> {
    use sqlx::Row;
    let pool = deployment.pool().await;
    let row =
        sqlx::query("SELECT mail_state FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT 1")
            .bind(user_id)
            .fetch_one(&pool)
            .await
            .expect("a notification");
    row.try_get("mail_state").unwrap()
}

/// Waits (up to 10 s) until `recipient` got `count` notification mails.
async fn wait_for_mails(deployment: &Deployment, recipient: &str, count: usize) {
    let mailed = || deployment.mails_to(recipient).iter().filter(|mail| mail.contains("Subject: Overreach")).count();
    for _ in 0..100 {
        if mailed() >= count {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(mailed(), count, "notification mails to {recipient}");
}

/// The `<...>` of a mail's `List-Unsubscribe` header.
fn list_unsubscribe(mail: &str) -> String {
    let line = mail.lines().find(|line| line.starts_with("List-Unsubscribe:")).expect("List-Unsubscribe");
    line.trim_start_matches("List-Unsubscribe:").trim().trim_start_matches('<').trim_end_matches('>').to_owned()
}

#[tokio::test]
async fn notifications_reach_the_mailbox_only_for_apps_chosen_and_a_mailed_link_stops_them() {
    let deployment = Deployment::new().await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, None).await;
    world.consent(&alice.auth, APP, None).await;
    world.consent(&bob.auth, APP, None).await;
    let bob_here =
        world.expect(200, Method::GET, &format!("/apps/{APP}/whoami"), Some(&bob.auth), None).await["subject"]
            .as_str()
            .unwrap()
            .to_owned();

    // Mail is off until chosen: a notification stays in the app.
    notify(&mut world, &alice, &bob_here).await;
    assert_eq!(newest_mail_state(&deployment, &bob.user_id).await, None);

    // Bob's settings offer the app; he ticks it.
    let browser = Visitor::new(&node, &[]);
    sign_in(&browser, &bob).await;
    let settings = browser.get(&browser.platform("/account/notifications/mail")).await;
    assert_eq!(settings.status, 200, "{}", settings.body);
    assert!(
        settings.body.contains("Overreach fixture") && settings.body.contains("Third-party app by Fixture Works"),
        "{}",
        settings.body
    );
    assert!(!settings.body.contains(" checked"), "mail is off until chosen: {}", settings.body);
    let csrf = settings.hidden("csrf");
    let form = browser.platform("/account/notifications/mail");
    let choose = [("csrf", csrf.as_str()), ("app", APP), ("mail", APP)];

    // Forged: from another site, or without the form token: nothing changes.
    let forged = browser.post_form_from(&form, &choose, Some("https://evil.example")).await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let tokenless = browser.post_form(&form, &[("app", APP), ("mail", APP)]).await;
    assert_eq!(tokenless.status, 403, "{}", tokenless.body);
    // Made-up apps are refused, and the whole form with them.
    let made_up = browser.post_form(&form, &[("csrf", &csrf), ("app", APP), ("mail", APP), ("app", "nope")]).await;
    assert_eq!(made_up.status, 404, "{}", made_up.body);
    assert!(!browser.get(&form).await.body.contains(" checked"));

    let saved = browser.post_form(&form, &choose).await;
    assert_eq!(
        (saved.status, saved.header("location")),
        (303, "/account/notifications/mail?saved=1"),
        "{}",
        saved.body
    );
    let settings = browser.get(&browser.platform("/account/notifications/mail?saved=1")).await;
    assert!(settings.body.contains(" checked") && settings.body.contains("by mail since"), "{}", settings.body);

    // Now a notification arrives by mail too, in a full message.
    notify(&mut world, &alice, &bob_here).await;
    let mail = deployment.wait_for_mail(&bob.email, "Overreach fixture: Hello").await;
    assert!(mail.contains("From overreach"), "the notification's text: {mail}");
    assert!(mail.contains(&browser.platform("/account/notifications/")), "a link that opens it: {mail}");
    assert!(mail.lines().any(|line| line.trim() == "List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{mail}");
    let unsubscribe = list_unsubscribe(&mail);
    assert!(mail.lines().any(|line| line.trim() == unsubscribe), "the link is in the text too: {mail}");
    wait_for_mails(&deployment, &bob.email, 1).await;

    // The link works without signing in. Opening it only asks.
    let stranger = Visitor::new(&node, &[]);
    let asked = stranger.get(&unsubscribe).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(asked.body.contains("Stop mails about notifications from Overreach fixture?"), "{}", asked.body);
    assert!(!asked.body.contains(&bob.email), "the page names no one: {}", asked.body);
    notify(&mut world, &alice, &bob_here).await;
    wait_for_mails(&deployment, &bob.email, 2).await;
    let token = asked.hidden("token");
    let done = stranger.post_form(&stranger.platform("/account/unsubscribe"), &[("token", &token)]).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("You get no more mails about notifications from Overreach fixture"), "{}", done.body);
    notify(&mut world, &alice, &bob_here).await;
    assert_eq!(newest_mail_state(&deployment, &bob.user_id).await, None, "no mail after unsubscribing");
    assert!(!browser.get(&form).await.body.contains(" checked"), "his settings show it off");

    // The change is in Bob's own log: someone with his link, about him.
    let log = world.expect(200, Method::GET, "/api/me/access-log", Some(&bob.auth), None).await;
    let entries = log["items"].as_array().unwrap();
    assert!(
        entries.iter().any(|entry| entry["text"]
            == "someone with the link from a mail to you stopped the mails about notifications from Overreach fixture"),
        "the unsubscribing is in his access log: {log}"
    );

    // A link that is not one answers a page saying so, and changes nothing.
    let wrong = stranger.get(&stranger.platform("/account/unsubscribe?token=not-a-token")).await;
    assert_eq!(wrong.status, 404);
    assert!(wrong.header("content-type").starts_with("text/html"), "a browser gets a page");
    let empty = stranger.post_form(&stranger.platform("/account/unsubscribe"), &[]).await;
    assert_eq!(empty.status, 404);
}

#[tokio::test]
async fn a_mail_client_unsubscribes_with_one_click() {
    let deployment = Deployment::new().await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, None).await;
    world.consent(&alice.auth, APP, None).await;
    world.consent(&bob.auth, APP, None).await;
    let bob_here =
        world.expect(200, Method::GET, &format!("/apps/{APP}/whoami"), Some(&bob.auth), None).await["subject"]
            .as_str()
            .unwrap()
            .to_owned();
    let browser = Visitor::new(&node, &[]);
    sign_in(&browser, &bob).await;
    let form = browser.platform("/account/notifications/mail");
    let csrf = browser.get(&form).await.hidden("csrf");
    browser.post_form(&form, &[("csrf", &csrf), ("app", APP), ("mail", APP)]).await;
    notify(&mut world, &alice, &bob_here).await;
    let mail = deployment.wait_for_mail(&bob.email, "Overreach fixture: Hello").await;

    // RFC 8058: a POST of `List-Unsubscribe=One-Click` to the header's address,
    // by the mail provider: no cookie, no origin, no page.
    let answer = reqwest::Client::new()
        .post(list_unsubscribe(&mail).replace("http://localhost:", "http://127.0.0.1:"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    notify(&mut world, &alice, &bob_here).await;
    assert_eq!(newest_mail_state(&deployment, &bob.user_id).await, None, "no mail after the one click");
    let settings = browser.get(&form).await;
    assert!(!settings.body.contains(" checked"), "{}", settings.body);
}

#[tokio::test]
async fn every_notification_is_on_the_notifications_page_page_by_page() {
    let deployment = Deployment::with_config("[apps]\nnotifications_per_hour = 100\n").await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, None).await;
    world.consent(&alice.auth, APP, None).await;
    world.consent(&bob.auth, APP, None).await;
    let bob_here =
        world.expect(200, Method::GET, &format!("/apps/{APP}/whoami"), Some(&bob.auth), None).await["subject"]
            .as_str()
            .unwrap()
            .to_owned();
    for _ in 0..35 {
        notify(&mut world, &alice, &bob_here).await;
    }
    let browser = Visitor::new(&node, &[]);
    sign_in(&browser, &bob).await;
    let links = |body: &str| body.matches("href=\"/account/notifications/").count();

    let first = browser.get(&browser.platform("/account/notifications")).await;
    assert_eq!(first.status, 200, "{}", first.body);
    // Thirty notifications, each a link, and the link to the mail settings.
    assert_eq!(links(&first.body), 30 + 1, "{}", first.body);
    assert_eq!(first.body.matches("class=\"unread\"").count(), 30);
    // The next page is `?after=` the API's cursor, as every list pages.
    let older = first.body.split("href=\"").find(|part| part.starts_with("/account/notifications?after=")).unwrap();
    let older = older[..older.find('"').unwrap()].replace("&amp;", "&");
    let api = world.expect(200, Method::GET, "/api/me/notifications?limit=30", Some(&bob.auth), None).await;
    let cursor = api["next"].as_str().expect("a next page in the API too");
    assert_eq!(older, format!("/account/notifications?after={cursor}"));
    let second = browser.get(&browser.platform(&older)).await;
    assert_eq!(links(&second.body), 5 + 1, "{}", second.body);
    assert!(!second.body.contains("?after=") && !second.body.contains("before="), "the last page links on to nothing");
    // A cursor no page handed out is said on a page.
    let forged = browser.get(&browser.platform("/account/notifications?after=not-a-cursor")).await;
    assert_eq!(forged.status, 400, "{}", forged.body);
    assert!(forged.header("content-type").starts_with("text/html"), "{}", forged.body);
    assert!(forged.body.contains("This address is not one we gave you"), "{}", forged.body);

    // Home counts every unread one, not only those it lists (20).
    let home = browser.get(&browser.platform("/")).await;
    assert!(home.body.contains("35 unread"), "{}", home.body);

    // Opening one marks it read, when a person opens it: not when the
    // browser only fetches it for an image or a prefetch.
    let open = first
        .body
        .split("href=\"")
        .find(|part| part.starts_with("/account/notifications/") && !part.starts_with("/account/notifications/mail"))
        .unwrap();
    let open = browser.platform(&open[..open.find('"').unwrap()]);
    let unread = || async {
        browser.get(&browser.platform("/account/notifications")).await.body.matches("class=\"unread\"").count()
    };
    for fetched in [
        [("sec-fetch-mode", "no-cors"), ("sec-fetch-dest", "image")],
        [("sec-fetch-mode", "navigate"), ("sec-purpose", "prefetch")],
    ] {
        let answer = browser.get_with(&open, &fetched).await;
        assert_eq!(answer.status, 303, "{fetched:?}");
        assert_eq!(unread().await, 30, "{fetched:?} marked it read");
    }
    let opened = browser.get_with(&open, &[("sec-fetch-mode", "navigate"), ("sec-fetch-site", "cross-site")]).await;
    assert!(opened.header("location").starts_with("/apps/overreach"), "{}", opened.header("location"));
    assert_eq!(unread().await, 29, "opened from a mail program, it is read");

    // Marking all read from there comes back there.
    let csrf = first.hidden("csrf");
    let read = browser
        .post_form(
            &browser.platform("/account/notifications/read"),
            &[("csrf", &csrf), ("next", "/account/notifications")],
        )
        .await;
    assert_eq!((read.status, read.header("location")), (303, "/account/notifications"));
    let after = browser.get(&browser.platform("/account/notifications")).await;
    assert_eq!(after.body.matches("class=\"unread\"").count(), 0, "{}", after.body);
    // A `next` elsewhere leads home instead.
    let away = browser
        .post_form(
            &browser.platform("/account/notifications/read"),
            &[("csrf", &csrf), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(away.header("location"), "/");
}

#[tokio::test]
async fn api_clients_mark_notifications_read_and_choose_mail_per_app() {
    let deployment = Deployment::new().await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, None).await;
    world.consent(&alice.auth, APP, None).await;
    world.consent(&bob.auth, APP, None).await;
    let bob_here =
        world.expect(200, Method::GET, &format!("/apps/{APP}/whoami"), Some(&bob.auth), None).await["subject"]
            .as_str()
            .unwrap()
            .to_owned();
    for _ in 0..3 {
        notify(&mut world, &alice, &bob_here).await;
    }
    let listed = world.expect(200, Method::GET, "/api/me/notifications", Some(&bob.auth), None).await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|note| note["url"] == format!("/apps/{APP}/") && note["read_at"].is_null()), "{listed}");
    let first = items[0]["id"].as_str().unwrap().to_owned();

    // One read: someone else cannot mark it; its owner can.
    let path = format!("/api/me/notifications/{first}/read");
    world.expect(404, Method::POST, &path, Some(&alice.auth), None).await;
    world.expect(204, Method::POST, &path, Some(&bob.auth), None).await;
    let listed = world.expect(200, Method::GET, "/api/me/notifications", Some(&bob.auth), None).await;
    let read: Vec<bool> = listed["items"].as_array().unwrap().iter().map(|note| note["read_at"].is_string()).collect();
    assert_eq!(read, [true, false, false], "{listed}");
    let marked = world.expect(200, Method::POST, "/api/me/notifications/read", Some(&bob.auth), None).await;
    assert_eq!(marked["marked"], 2);

    // Mail per app: only apps that can notify the person are offered.
    let offered = world.expect(200, Method::GET, "/api/me/notification-mail", Some(&bob.auth), None).await;
    // The core apps that notify and this one; pinboard and the marketplace
    // notify no one and are not offered.
    let apps: Vec<&str> =
        offered["items"].as_array().unwrap().iter().filter_map(|item| item["app_id"].as_str()).collect();
    assert_eq!(apps, ["bookings", "directory", "info", "neighbors", APP, "service-center", "sharing"], "{offered}");
    assert!(
        offered["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|item| item["by_mail"] == false && item["mail_since"].is_null())
    );
    world
        .expect(
            404,
            Method::PUT,
            "/api/me/notification-mail/pinboard",
            Some(&bob.auth),
            Some(serde_json::json!({ "by_mail": true })),
        )
        .await;
    let chosen = world
        .expect(
            200,
            Method::PUT,
            &format!("/api/me/notification-mail/{APP}"),
            Some(&bob.auth),
            Some(serde_json::json!({ "by_mail": true })),
        )
        .await;
    assert!(chosen["by_mail"] == true && chosen["mail_since"].is_string(), "{chosen}");
    notify(&mut world, &alice, &bob_here).await;
    deployment.wait_for_mail(&bob.email, "Overreach fixture: Hello").await;
}
