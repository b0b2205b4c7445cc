//! Errors a person meets on a form are pages in their language, with the
//! catalogue's words rather than the API's English; API clients keep
//! getting JSON for the very same requests.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

fn is_page(answer: &Answer) -> bool {
    answer.header("content-type").starts_with("text/html")
}

#[tokio::test]
async fn a_german_speaker_meets_errors_in_german_on_pages() {
    let deployment = Deployment::new().await;
    deployment.install_ok(OVERREACH_WASM, fixture_manifest("overreach"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let greta = world.resident_person("greta", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "overreach", &greta.auth).await;
    world.approve("acme", "overreach", None).await;
    world.expect(200, Method::PATCH, "/api/me", Some(&greta.auth), Some(json!({ "locale": "de-CH" }))).await;
    let browser = Visitor::new(&node, &[]);
    let english = [("accept-language", "en")];
    let signed = browser
        .post_form_with(
            &browser.platform("/account/signin"),
            &[("email", &greta.email), ("password", PASSWORD), ("next", "/")],
            &[("origin", &browser.platform("")), ("accept-language", "en")],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let origin = browser.platform("");
    let from_here = [("origin", origin.as_str()), ("accept-language", "en")];

    // A stale form token: a page in her own language (her setting beats the
    // browser's), with her menu, not JSON with the API's English.
    let stale = browser
        .post_form_with(&browser.platform("/account/profile"), &[("csrf", "stale"), ("name", "G")], &from_here)
        .await;
    assert_eq!(stale.status, 403);
    assert!(is_page(&stale), "{}", stale.body);
    assert!(
        stale.body.contains("<html lang=\"de\">") && stale.body.contains("Dieses Formular ist veraltet"),
        "{}",
        stale.body
    );
    assert!(
        stale.body.contains("greta") && stale.body.contains("action=\"/account/signout\""),
        "her menu: {}",
        stale.body
    );
    assert!(!stale.body.contains("out of date") && !stale.body.contains("reload the page"), "{}", stale.body);
    let csrf = browser.get(&browser.platform("/account/profile")).await.hidden("csrf");

    // Withdrawing what she never gave, and mail settings for an app that
    // cannot notify her: not-found pages, in German.
    let nothing = browser
        .post_form_with(&browser.platform("/account/apps/pinboard/withdraw"), &[("csrf", &csrf)], &from_here)
        .await;
    let unknown = browser
        .post_form_with(
            &browser.platform("/account/notifications/mail"),
            &[("csrf", &csrf), ("app", "no-such-app")],
            &from_here,
        )
        .await;
    let missing = browser.get_with(&browser.platform("/no/such/page"), &english).await;
    for answer in [&nothing, &unknown, &missing] {
        assert_eq!(answer.status, 404, "{}", answer.body);
        assert!(is_page(answer) && answer.body.contains("Nicht gefunden"), "{}", answer.body);
        assert!(answer.body.contains("Hier ist nichts"), "{}", answer.body);
        assert!(!answer.body.contains("no-such-app") && !answer.body.contains("consent"), "{}", answer.body);
    }

    // What the app asks for changed while she decided: a page saying so.
    let changed = browser
        .post_form_with(
            &browser.platform("/account/apps/overreach/consent"),
            &[("csrf", &csrf), ("decision", "give"), ("purposes_hash", "what-she-saw-before")],
            &from_here,
        )
        .await;
    assert_eq!(changed.status, 409);
    assert!(is_page(&changed) && changed.body.contains("hat sich geändert, was die App möchte"), "{}", changed.body);
    let consents = world.expect(200, Method::GET, "/api/me/consents", Some(&greta.auth), None).await;
    assert_eq!(consents["items"].as_array().unwrap().len(), 0, "{consents}");

    // A form too large for any page: a page too, not the framework's text.
    let huge = "x".repeat(100_000);
    let too_large = browser
        .post_form_with(&browser.platform("/account/profile"), &[("csrf", &csrf), ("name", &huge)], &from_here)
        .await;
    assert_eq!(too_large.status, 413);
    assert!(
        is_page(&too_large) && too_large.body.contains("Was du gesendet hast, ist zu gross."),
        "{}",
        too_large.body
    );

    // The same requests from API clients answer JSON, as always.
    let api = client()
        .post(node.url("/account/apps/pinboard/withdraw"))
        .header(greta.auth.0, greta.auth.1.clone())
        .form(&[("csrf", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 404);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found", "{body}");
    let oversized = client()
        .post(node.url("/account/signin"))
        .header("content-type", "application/json")
        .body(format!("{{\"email\": \"{huge}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(oversized.status(), 413);
    assert!(oversized.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
}

#[tokio::test]
async fn forms_say_what_is_wrong_in_the_browsers_language() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let (code, _, _) = world.activation_code("nora", "acme", "elm-5").await;
    let browser = Visitor::new(&node, &[]);
    let origin = browser.platform("");
    let german = [("origin", origin.as_str()), ("accept-language", "de-CH, en;q=0.5")];
    let signup = browser.platform("/account/signup");
    let post = |fields: Vec<(&'static str, String)>| {
        let browser = &browser;
        let signup = signup.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
            browser.post_form_with(&signup, &pairs, &german).await
        }
    };
    let nora = |code: &str, password: &str, name: &str| {
        vec![
            ("activation_code", code.to_owned()),
            ("name", name.to_owned()),
            ("email", "nora@residents.example".to_owned()),
            ("password", password.to_owned()),
        ]
    };
    for (fields, words) in [
        (nora(&code, "short", "Nora"), "Wähle ein Passwort mit mindestens 10 Zeichen."),
        (nora("AAAA-BBBB-CCCC-DDDD", PASSWORD, "Nora"), "Dieser Aktivierungscode ist unbekannt"),
        (nora(&code, PASSWORD, &"N".repeat(201)), "«Dein Name» hat höchstens 200 Zeichen."),
        (nora("", PASSWORD, "Nora"), "Gib den Aktivierungscode aus deinem Brief ein."),
        (vec![("activation_code", code.clone())], "Fülle alle nötigen Felder aus."),
    ] {
        let refused = post(fields).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains(words), "`{words}` missing: {}", refused.body);
        assert!(refused.body.contains("<html lang=\"de\">") && !refused.body.contains("must"), "{}", refused.body);
    }

    // The other forms of the ways in, in German too.
    let reset = browser
        .post_form_with(
            &browser.platform("/account/reset/confirm"),
            &[("token", "not-a-token"), ("password", PASSWORD)],
            &german,
        )
        .await;
    assert_eq!(reset.status, 422);
    assert!(reset.body.contains("Dieser Link ist abgelaufen oder wurde schon benutzt."), "{}", reset.body);
    let verify = browser.post_form_with(&browser.platform("/account/verify"), &[("token", "nope")], &german).await;
    assert!(verify.body.contains("Dieser Link ist abgelaufen"), "{}", verify.body);
    let long_password = "p".repeat(2_000);
    let signin = browser
        .post_form_with(
            &browser.platform("/account/signin"),
            &[("email", "nora@residents.example"), ("password", &long_password)],
            &german,
        )
        .await;
    assert!(signin.body.contains("Dieses Passwort ist zu lang: höchstens 1024 Bytes."), "{}", signin.body);
    let request = browser
        .post_form_with(
            &browser.platform("/account/request"),
            &[
                ("name", "Nora"),
                ("email", "not an address"),
                ("password", PASSWORD),
                ("street", "Elm Street 5"),
                ("postal_code", "8000"),
                ("city", "Zurich"),
                ("unit_label", "3A"),
            ],
            &german,
        )
        .await;
    assert!(request.body.contains("An diese E-Mail-Adresse können wir nicht schreiben."), "{}", request.body);
    let bell = browser
        .post_form_with(
            &browser.platform("/account/request"),
            &[
                ("name", "Nora"),
                ("email", "n@x.example"),
                ("password", PASSWORD),
                ("street", "Elm Street\u{7} 5"),
                ("postal_code", "8000"),
                ("city", "Zurich"),
                ("unit_label", "3A"),
            ],
            &german,
        )
        .await;
    assert!(bell.body.contains("«Strasse und Nummer» darf keine Steuerzeichen"), "{}", bell.body);
}
