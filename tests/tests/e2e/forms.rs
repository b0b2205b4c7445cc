//! The platform's forms against forgery, from the route table: every page
//! route that changes something refuses a post without the session's form
//! token, one from another origin and one that names no origin at all, and
//! changes nothing; the same post with the token from our own page works.
//! A form posted after the session ended goes to sign-in and back.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const APP: &str = "overreach";
const EVIL: &str = "https://evil.example";

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

/// Audit entries of a person's action done by the request that gave `answer`.
async fn recorded(deployment: &Deployment, answer: &Answer) -> i64 {
    let pool = deployment.pool().await;
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_entries WHERE request_id = $1 AND outcome = 'allowed' AND actor_kind <> 'app'",
    )
    .bind(answer.header("x-request-id"))
    .fetch_one(&pool)
    .await
    .unwrap()
}

/// Everything the page forms could change about a person, at once.
async fn state_of(world: &World<'_>, who: &Person) -> Value {
    let me = world.expect(200, Method::GET, "/api/me", Some(&who.auth), None).await;
    let consents = world.expect(200, Method::GET, "/api/me/consents", Some(&who.auth), None).await;
    let notes = world.expect(200, Method::GET, "/api/me/notifications", Some(&who.auth), None).await;
    let pool = world.deployment.pool().await;
    let mail: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notification_mail WHERE user_id = $1")
        .bind(&who.user_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let sessions: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND kind = 'browser' AND revoked_at IS NULL",
    )
    .bind(&who.user_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    let chosen: Option<String> = sqlx::query_scalar(
        "SELECT MAX(property_id) FROM sessions WHERE user_id = $1 AND kind = 'browser' AND revoked_at IS NULL",
    )
    .bind(&who.user_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    json!({ "me": me, "consents": consents, "notes": notes, "mail": mail, "sessions": sessions, "chosen": chosen })
}

#[tokio::test]
async fn every_page_form_refuses_a_forged_post_and_changes_nothing() {
    let deployment = Deployment::new().await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let elm = world.property("acme", "elm-5").await;
    node.wait_for_app(&world.client, APP, &alice.auth).await;
    world.approve("acme", APP, None).await;
    world.consent(&alice.auth, APP, None).await;
    let subject = world.expect(200, Method::GET, &format!("/apps/{APP}/whoami"), Some(&alice.auth), None).await;
    let sent = world
        .expect(
            200,
            Method::POST,
            &format!("/apps/{APP}/notify?subject={}", subject["subject"].as_str().unwrap()),
            Some(&alice.auth),
            None,
        )
        .await;
    assert_eq!(sent["outcome"], "ok", "{sent}");
    let browser = Visitor::new(&node, &[]);
    sign_in(&browser, &alice).await;
    let csrf = browser.get(&browser.platform("/")).await.hidden("csrf");

    // What each form sends when it works; a form the table does not know
    // fails the test, so a new one cannot go untested.
    let form_of = |path: &str| -> Vec<(&str, String)> {
        match path {
            "/account/signout" | "/account/apps/{app}/withdraw" => vec![],
            "/account/profile" => vec![("name", "Mallory".into()), ("locale", "de".into())],
            "/account/property" => vec![("property_id", elm.clone())],
            "/account/notifications/read" => vec![("next", "/".into())],
            "/account/notifications/mail" => vec![("app", APP.into()), ("mail", APP.into())],
            "/account/apps/{app}/consent" => vec![("decision", "decline".into()), ("purposes_hash", String::new())],
            "/moderation/report/{app}/{collection}/{document}" => vec![("reason", "spam".into())],
            other => panic!("a page form this test does not know: {other}"),
        }
    };
    // Forms of people not signed in: no session, so no form token, but
    // never from another site (signing someone into an attacker's account
    // is an attack too). The mail link's one-click post carries its own
    // credential, the token in its address, and comes from mail clients,
    // which send no origin at all.
    let anonymous = [
        "/account/signin",
        "/account/signup",
        "/account/verify",
        "/account/reset",
        "/account/reset/confirm",
        "/account/request",
    ];
    let link_credential = ["/account/unsubscribe"];

    let description = world.expect(200, Method::GET, "/api/openapi.json", None, None).await;
    let mut forms = 0;
    let mut personal = Vec::new();
    for page in description["x-courtyard-pages"].as_array().unwrap() {
        let (method, template) = (page["method"].as_str().unwrap(), page["path"].as_str().unwrap());
        if method == "GET" || link_credential.contains(&template) {
            continue;
        }
        let path = template.replace("{app}", if template.starts_with("/apps/") { "pinboard" } else { APP });
        let url = browser.platform(&path);
        if method == "ANY" {
            // An app's own forms (pinboard's) carry no platform token: the
            // origin check alone keeps other sites out.
            for headers in [vec![("origin", EVIL)], vec![]] {
                let forged = browser.post_form_with(&url, &[("title", "forged")], &headers).await;
                assert_eq!(forged.status, 403, "POST {path} with {headers:?}: {}", forged.body);
            }
            continue;
        }
        assert_eq!(method, "POST", "{template}");
        forms += 1;
        if anonymous.contains(&template) {
            let forged = browser.post_form_with(&url, &[("email", alice.email.as_str())], &[("origin", EVIL)]).await;
            assert_eq!(forged.status, 403, "{template} from another site: {}", forged.body);
            assert!(forged.body.contains("came from another site"), "{template}: {}", forged.body);
            continue;
        }
        assert_ne!(page["x-courtyard-permission"], "public", "{template} is neither a person's form nor listed");
        if template == "/moderation/{document}" {
            // A moderator's form: a resident is refused by permission
            // first, forged or not, and nothing changes.
            let before = state_of(&world, &alice).await;
            let forged =
                browser.post_form_with(&url, &[("action", "hide"), ("reason", "x")], &[("origin", EVIL)]).await;
            assert_eq!(forged.status, 403, "{template}: {}", forged.body);
            assert_eq!(state_of(&world, &alice).await, before, "{template}: a forged post changed something");
            continue;
        }
        personal.push(path.clone());
        let fields = form_of(template);
        let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
        let before = state_of(&world, &alice).await;
        // Without the token; then with it, from another site; then naming no origin.
        let tokenless = browser.post_form(&url, &pairs).await;
        pairs.push(("csrf", &csrf));
        let foreign = browser.post_form_with(&url, &pairs, &[("origin", EVIL)]).await;
        let unnamed = browser.post_form_with(&url, &pairs, &[]).await;
        for (what, answer, words) in [
            ("without the form token", &tokenless, "This form is out of date or came from another site"),
            ("from another site", &foreign, "This request came from another site"),
            ("from no named origin", &unnamed, "This request came from another site"),
        ] {
            assert_eq!(answer.status, 403, "{template} {what}: {}", answer.body);
            assert!(answer.header("content-type").starts_with("text/html"), "{template} {what}: a page");
            assert!(answer.body.contains(words), "{template} {what}: {}", answer.body);
            assert_eq!(recorded(&deployment, answer).await, 0, "{template} {what} recorded a change");
        }
        assert_eq!(state_of(&world, &alice).await, before, "{template}: a forged post changed something");
    }
    assert!(forms >= 13, "only {forms} page forms were found in the route table");

    // The same posts from her own pages work (the refusals were not the bodies'):
    // by `Origin`, or by `Sec-Fetch-Site: same-origin` where a browser sends no `Origin`.
    let origin = browser.platform("");
    for (path, fields) in [
        ("/account/notifications/mail", form_of("/account/notifications/mail")),
        ("/account/notifications/read", form_of("/account/notifications/read")),
        ("/account/property", form_of("/account/property")),
        ("/account/profile", form_of("/account/profile")),
        ("/account/apps/overreach/withdraw", vec![]),
        ("/account/signout", vec![]),
    ] {
        let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
        pairs.push(("csrf", &csrf));
        let headers =
            if path.ends_with("read") { ("sec-fetch-site", "same-origin") } else { ("origin", origin.as_str()) };
        let done = browser.post_form_with(&browser.platform(path), &pairs, &[headers]).await;
        assert_eq!(done.status, 303, "{path}: {}", done.body);
        assert_eq!(recorded(&deployment, &done).await, 1, "{path}: one entry");
    }
    let after = state_of(&world, &alice).await;
    assert_eq!((after["mail"].as_i64(), after["sessions"].as_i64()), (Some(1), Some(0)), "{after}");
    assert_eq!(after["me"]["user"]["name"], "Mallory");

    // Signed out, each of her forms sends the browser to sign in (a page),
    // and back to where the form was.
    let referer = browser.platform("/account/notifications");
    for path in &personal {
        let late = browser
            .post_form_with(&browser.platform(path), &[("csrf", &csrf)], &[("origin", &origin), ("referer", &referer)])
            .await;
        let location = (late.status, late.header("location"));
        assert_eq!(location, (303, "/account/signin?next=%2Faccount%2Fnotifications"), "{path}: {}", late.body);
    }
    assert_eq!(personal.len(), 8, "{personal:?}");

    // Pinboard's forms on the platform: a post naming our origin works,
    // one naming none is refused like one from another site.
    let bob = world.resident_person("bob", "acme", "elm-5").await;
    let board = Visitor::new(&node, &[]);
    sign_in(&board, &bob).await;
    let posts = board.platform("/apps/pinboard/posts");
    let notice = [("title", "Bike room"), ("body", "Saturday")];
    for headers in [vec![("origin", EVIL)], vec![], vec![("sec-fetch-site", "same-site")]] {
        let forged = board.post_form_with(&posts, &notice, &headers).await;
        assert_eq!(forged.status, 403, "{headers:?}: {}", forged.body);
    }
    let board_now = world.expect(200, Method::GET, "/apps/pinboard/posts", Some(&bob.auth), None).await;
    assert_eq!(board_now["items"].as_array().unwrap().len(), 0, "{board_now}");
    let posted = board.post_form(&posts, &notice).await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let same_origin = board.post_form_with(&posts, &notice, &[("sec-fetch-site", "same-origin")]).await;
    assert_eq!(same_origin.status, 303, "{}", same_origin.body);
}

#[tokio::test]
async fn a_form_posted_after_the_session_expired_signs_in_and_comes_back() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let browser = Visitor::new(&node, &[]);
    sign_in(&browser, &alice).await;
    let profile = browser.get(&browser.platform("/account/profile")).await;
    let csrf = profile.hidden("csrf");

    // The session runs out (not signed out: its time is up).
    let pool = deployment.pool().await;
    let expired = sqlx::query("UPDATE sessions SET expires_at = $1 WHERE user_id = $2 AND kind = 'browser'")
        .bind(1_000_i64)
        .bind(&alice.user_id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(expired.rows_affected(), 1);
    let revoked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NOT NULL")
            .bind(&alice.user_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(revoked, 0, "expired, not revoked");

    // A page: to sign in and back. Home: the sign-in page itself.
    let page = browser.get(&browser.platform("/account/profile")).await;
    assert_eq!((page.status, page.header("location")), (303, "/account/signin?next=%2Faccount%2Fprofile"));
    let home = browser.get(&browser.platform("/")).await;
    assert!(
        home.body.contains("action=\"/account/signin\"") && !home.body.contains("/account/signout"),
        "{}",
        home.body
    );

    // A form: to sign in, then back to the page it was on (its `Referer`),
    // else to the form's own page, else home. Nothing of it is saved.
    let origin = browser.platform("");
    let referer = browser.platform("/account/profile?saved=1");
    let fields = [("csrf", csrf.as_str()), ("name", "Changed"), ("locale", "de")];
    let with_referer = [("origin", origin.as_str()), ("referer", referer.as_str())];
    /// A form's path, the headers its post carries, where it is sent.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 5] = [
        ("/account/profile", &with_referer, "/account/signin?next=%2Faccount%2Fprofile%3Fsaved%3D1"),
        ("/account/profile", &[("origin", origin.as_str())], "/account/signin?next=%2Faccount%2Fprofile"),
        ("/account/signout", &[("origin", origin.as_str())], "/account/signin?next=%2F"),
        (
            "/account/notifications/read",
            &[("origin", origin.as_str()), ("referer", "https://evil.example/x")],
            "/account/signin?next=%2F",
        ),
        ("/account/apps/overreach/withdraw", &with_referer, "/account/signin?next=%2Faccount%2Fprofile%3Fsaved%3D1"),
    ];
    for (path, headers, location) in cases {
        let answer = browser.post_form_with(&browser.platform(path), &fields, headers).await;
        assert_eq!((answer.status, answer.header("location")), (303, location), "{path} {headers:?}: {}", answer.body);
    }
    let me = world.expect(200, Method::GET, "/api/me", Some(&alice.auth), None).await;
    assert_eq!(me["user"]["name"], "alice", "nothing was saved: {me}");
    // An API client without credentials still gets JSON.
    let api = client().post(node.url("/account/profile")).json(&json!({})).send().await.unwrap();
    assert_eq!(api.status(), 401);
    assert!(api.headers()["content-type"].to_str().unwrap().starts_with("application/json"));

    // Signing in again lands where the form was.
    let signed = browser
        .post_form(
            &browser.platform("/account/signin"),
            &[("email", &alice.email), ("password", PASSWORD), ("next", "/account/profile?saved=1")],
        )
        .await;
    assert_eq!((signed.status, signed.header("location")), (303, "/account/profile?saved=1"));
    let back = browser.get(&browser.platform("/account/profile?saved=1")).await;
    assert_eq!(back.status, 200, "{}", back.body);
}
