//! The third-party flow end to end with the example app `moving-service`:
//! catalog → the customer approves a subset → the resident consents → use →
//! withdrawal, and a later version that asks for more.

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const APP: &str = "moving-service";
const HOST: &str = "api.meier-removals.example";
/// Everything but the phone number: the customer drops it.
const WITHOUT_PHONE: &[&str] = &[
    "profile.read:display-name",
    "profile.read:email",
    "profile.read:unit",
    "collections.write:quotes",
    "notifications.send",
    "outbound-http:api.meier-removals.example",
];

pub(crate) fn manifest() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../microapps/moving-service/courtyard.toml")).unwrap()
}

pub(crate) async fn install(deployment: &Deployment, version: &str, manifest: &str) {
    let path = deployment.manifest(&format!("moving-{version}"), manifest);
    let installed = deployment.install(MOVING_SERVICE_WASM, path);
    assert!(installed.status.success(), "{}", String::from_utf8_lossy(&installed.stderr));
}

async fn page(world: &World<'_>, who: &Auth, path: &str) -> (StatusCode, String) {
    let response = world
        .client
        .get(world.node.url(path))
        .header(who.0, who.1.clone())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_resident_consents_uses_and_withdraws() {
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&[HOST])).await;
    install(&deployment, "1.0.0", &manifest()).await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let acme = world.customer("acme").await;
    node.wait_for_app(&world.client, APP, &anna.auth).await;

    // The catalog says who the vendor is and why it wants each field.
    let catalog = world.expect(200, Method::GET, "/api/apps", Some(&anna.auth), None).await;
    let entry = catalog["items"].as_array().unwrap().iter().find(|app| app["id"] == APP).unwrap().clone();
    assert_eq!((entry["kind"].as_str(), entry["vendor"].as_str()), (Some("third-party"), Some("Meier Removals Ltd")));
    let phone = entry["asks"].as_array().unwrap().iter().find(|ask| ask["grant"] == "profile.read:phone").unwrap();
    assert!(phone["why"].as_str().unwrap().contains("phone"), "{phone}");

    // Not enabled for the building yet.
    world.expect(404, Method::GET, "/apps/moving-service/quotes", Some(&anna.auth), None).await;

    // The customer approves everything but the phone number, and it is recorded who did.
    world.approve("acme", APP, Some(WITHOUT_PHONE)).await;
    let apps =
        world.expect(200, Method::GET, &format!("/api/customers/{}/apps", acme.id), Some(&acme.admin), None).await;
    let approval = &apps["items"].as_array().unwrap().iter().find(|app| app["app"]["id"] == APP).unwrap()["approval"];
    assert_eq!(approval["approved_by"], acme.admin_id.as_str());
    assert_eq!(approval["grants"].as_array().unwrap().len(), WITHOUT_PHONE.len());

    // Before first use: the consent screen, as a page and as JSON.
    let (status, html) = page(&world, &anna.auth, "/apps/moving-service/").await;
    assert_eq!(status, 200);
    for expected in ["Third-party app", "Meier Removals Ltd", "EU/EEA", "Your email address", "To tell you when"] {
        assert!(html.contains(expected), "the consent screen must show `{expected}`:\n{html}");
    }
    assert!(!html.contains("Your phone number"), "what the customer did not approve is not asked");
    assert!(!html.contains(">profile.read") && !html.contains("`quotes`"), "words, never grant keys: {html}");
    assert!(html.contains("Keeping your quotes in the app"), "{html}");
    assert_eq!(html.matches("type=\"checkbox\"").count(), WITHOUT_PHONE.len(), "a choice per item");
    assert_eq!(html.matches("<legend>").count(), 4, "one purpose per capability, not per field: {html}");
    let refused = world
        .expect(403, Method::POST, "/apps/moving-service/quotes", Some(&anna.auth), Some(json!({ "rooms": 3 })))
        .await;
    assert_eq!(refused["error"]["code"], "consent_required");
    let consent = &refused["consent"];
    assert_eq!(consent["asks"].as_array().unwrap().len(), WITHOUT_PHONE.len());
    assert_eq!(consent["processing_location"], "EU/EEA");

    // She consents through the screen's form, as a browser does, ticking each item.
    let hash = consent["purposes_hash"].as_str().unwrap();
    let ticked = consent["asks"].as_array().unwrap().iter().map(|item| ("grant", item["grant"].as_str().unwrap()));
    let given = world
        .client
        .post(node.url("/account/apps/moving-service/consent"))
        .header(anna.auth.0, anna.auth.1.clone())
        .form(&[("decision", "give"), ("purposes_hash", hash)].into_iter().chain(ticked).collect::<Vec<_>>())
        .send()
        .await
        .unwrap();
    assert_eq!(given.status(), 303);
    assert_eq!(given.headers()["location"], "/apps/moving-service/");
    // The form's consent is in the audit log like the API's, once.
    let form_request = given.headers()["x-request-id"].to_str().unwrap().to_owned();
    let pool = deployment.pool().await;
    let recorded: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT action, subject_id FROM audit_entries WHERE request_id = $1")
            .bind(&form_request)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        recorded,
        [("POST /account/apps/{app}/consent".to_owned(), Some(anna.user_id.clone()))],
        "the form's consent is audited once"
    );

    // Use: a quote, sent to the vendor under a pseudonym, kept, notified.
    let moving_on = days_from_today(30);
    let quote = world
        .expect(
            201,
            Method::POST,
            "/apps/moving-service/quotes",
            Some(&anna.auth),
            Some(json!({ "moving_on": moving_on, "rooms": 3 })),
        )
        .await;
    assert_eq!(quote["data"]["quote"]["quote_id"], "Q-1001", "{quote}");
    // The app's JSON is on the platform's conventions: a page of items with
    // `next`, times in RFC 3339.
    let id = quote["id"].as_str().unwrap().to_owned();
    let mine = world.expect(200, Method::GET, "/apps/moving-service/quotes", Some(&anna.auth), None).await;
    let one =
        world.expect(200, Method::GET, &format!("/apps/moving-service/quotes/{id}"), Some(&anna.auth), None).await;
    for (what, answer) in [("POST /quotes", &quote), ("GET /quotes", &mine), ("GET /quotes/{id}", &one)] {
        assert_conventions(what, answer);
        assert!(!answer.to_string().contains("next_cursor"), "{what}: {answer}");
    }
    assert_eq!((mine["items"].as_array().unwrap().len(), &mine["next"]), (1, &Value::Null), "{mine}");
    assert_eq!(mine["items"][0], one, "the list holds the quote as GET /quotes/{{id}} answers it");
    for answer in [&quote, &one] {
        let created = answer["created_at"].as_str().unwrap_or_else(|| panic!("a time string: {answer}"));
        assert!(is_rfc3339_utc_millis(created) && answer["updated_at"] == created, "{answer}");
    }
    let calls = vendor.calls();
    let sent = calls.iter().find(|call| call.method == "POST" && call.path == "/v1/quotes").expect("a quote request");
    let body: Value = serde_json::from_str(&sent.body).unwrap();
    let pseudonym = body["customer"].as_str().unwrap().to_owned();
    assert!(pseudonym.starts_with("ps-") && pseudonym != anna.user_id, "{body}");
    assert_eq!((body["name"].as_str(), body["email"].as_str()), (Some("anna"), Some(anna.email.as_str())));
    assert_eq!(body["unit"], "Flat of anna");
    assert!(body.get("phone").is_none(), "the phone number was not approved: {body}");
    assert!(!sent.body.contains(&anna.user_id), "the vendor never sees the internal id");
    let notes = world.expect(200, Method::GET, "/api/me/notifications", Some(&anna.auth), None).await;
    assert_eq!(notes["items"][0]["title"], "Your moving quote is ready");
    assert_eq!(notes["items"][0]["app_id"], APP);

    // The customer can prove what happened; the log holds no values.
    let entries = world.audit("acme", "app=moving-service").await;
    let actions: Vec<&str> = entries.iter().map(|entry| entry["action"].as_str().unwrap()).collect();
    for action in ["profile.read", "outbound-http.send", "collections.insert", "notifications.send"] {
        assert!(actions.contains(&action), "no `{action}` entry in {actions:?}");
    }
    let http = entries.iter().find(|entry| entry["action"] == "outbound-http.send").unwrap();
    assert_eq!(http["resource_id"], HOST);
    assert!(http["fields"].as_str().unwrap().contains("method=POST"), "{http}");
    assert_eq!(http["legal_basis"], "consent");
    assert!(http["consent_ref"].is_string(), "{http}");
    let text = serde_json::to_string(&entries).unwrap();
    assert!(!text.contains(&anna.email) && !text.contains("Flat of anna"), "no personal data values in the log");

    // Anna sees who accessed her data, in plain words.
    let log = world.expect(200, Method::GET, "/api/me/access-log", Some(&anna.auth), None).await;
    let sentences: Vec<&str> =
        log["items"].as_array().unwrap().iter().map(|record| record["text"].as_str().unwrap()).collect();
    assert!(
        sentences.iter().any(|s| s.starts_with("Moving Service (third-party app by Meier Removals Ltd) read your")),
        "{sentences:?}"
    );
    assert!(sentences.iter().any(|s| s.contains("tried to read your") && s.contains("phone")), "{sentences:?}");

    // The app's pages in the portal's frame, in her language once she picks German.
    let (_, html) = page(&world, &anna.auth, "/apps/moving-service/").await;
    assert!(html.contains("<html lang=\"en\">") && html.contains("CHF 1850.50 for 3 rooms on"), "{html}");
    world.expect(200, Method::PATCH, "/api/me", Some(&anna.auth), Some(json!({ "locale": "de-CH" }))).await;
    let (status, html) = page(&world, &anna.auth, "/apps/moving-service/").await;
    assert_eq!(status, 200);
    for expected in
        ["<html lang=\"de\">", "<h1>Umzugsofferten</h1>", "CHF 1850.50 für 3 Zimmer am", ">Zur Startseite</a>"]
    {
        assert!(html.contains(expected), "`{expected}` in {html}");
    }
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/.courtyard/app.css\">") && !html.contains("style="));
    let refused = world
        .expect(
            400,
            Method::POST,
            "/apps/moving-service/quotes",
            Some(&anna.auth),
            Some(json!({ "moving_on": moving_on, "rooms": 0 })),
        )
        .await;
    assert_eq!(refused["error"]["message"], "rooms muss eine ganze Zahl von 1 bis 20 sein", "{refused}");

    // Withdrawal: the very next call is refused, her data is gone here and at the vendor.
    let withdrawn = world.expect(200, Method::DELETE, "/api/apps/moving-service/consent", Some(&anna.auth), None).await;
    assert_eq!(withdrawn["app_notified"], "ok", "{withdrawn}");
    assert_eq!(withdrawn["documents_deleted"], 1);
    let erased = vendor
        .calls()
        .into_iter()
        .any(|call| call.method == "DELETE" && call.path == format!("/v1/customers/{pseudonym}"));
    assert!(erased, "the app's consent-withdrawn hook asked the vendor to erase her: {:?}", vendor.calls());
    let after = world.expect(403, Method::GET, "/apps/moving-service/quotes", Some(&anna.auth), None).await;
    assert_eq!(after["error"]["code"], "consent_required");
    let records = world.expect(200, Method::GET, "/api/me/consents", Some(&anna.auth), None).await;
    assert!(
        records["items"].as_array().unwrap().iter().all(|record| record["status"] == "dpv:ConsentWithdrawn"),
        "{records}"
    );
}

#[tokio::test]
async fn a_version_asking_for_more_waits_for_approval_and_asks_only_what_is_new() {
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&[HOST])).await;
    let first = manifest().replace("\"email\", \"phone\", \"unit\"", "\"email\", \"unit\"");
    assert_ne!(first, manifest(), "the first version asks for no phone number");
    install(&deployment, "1.0.0", &first).await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident("anna", "acme", "elm-5").await;
    let acme = world.customer("acme").await;
    node.wait_for_app(&world.client, APP, &anna).await;
    world.enable_for("acme", APP, &anna).await;
    world.expect(200, Method::GET, "/apps/moving-service/quotes", Some(&anna), None).await;

    // 1.1.0 asks for the phone number as well: 1.0.0 keeps serving.
    install(&deployment, "1.1.0", &manifest().replace("version = \"1.0.0\"", "version = \"1.1.0\"")).await;
    for _ in 0..50 {
        let catalog = world.expect(200, Method::GET, "/api/apps", Some(&anna), None).await;
        if catalog["items"].as_array().unwrap().iter().any(|app| app["id"] == APP && app["version"] == "1.1.0") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let apps =
        world.expect(200, Method::GET, &format!("/api/customers/{}/apps", acme.id), Some(&acme.admin), None).await;
    let listed = apps["items"].as_array().unwrap().iter().find(|app| app["app"]["id"] == APP).unwrap();
    assert_eq!(listed["update_needs_approval"], true, "{listed}");
    world.expect(200, Method::GET, "/apps/moving-service/quotes", Some(&anna), None).await;
    let served = world.audit("acme", "app=moving-service").await;
    assert_eq!(served.last().unwrap()["app_version"], "1.0.0", "the approved version serves until 1.1.0 is approved");

    // Approved: the resident is asked only for what is new.
    let grants = world.asks(APP).await;
    world
        .expect(
            200,
            Method::PUT,
            &format!("/api/customers/{}/apps/{APP}", acme.id),
            Some(&acme.admin),
            Some(json!({ "version": "1.1.0", "grants": grants, "all_properties": true })),
        )
        .await;
    let asked = world.expect(200, Method::GET, "/api/apps/moving-service/consent", Some(&anna), None).await;
    let new: Vec<&str> = asked["asks"].as_array().unwrap().iter().map(|item| item["grant"].as_str().unwrap()).collect();
    assert_eq!(new, ["profile.read:phone"]);
    assert_eq!(asked["given"].as_array().unwrap().len(), 6);
    let (_, html) = page(&world, &anna, "/apps/moving-service/").await;
    assert!(html.contains("value=\"profile.read:phone\""), "{html}");
    assert_eq!(html.matches("type=\"checkbox\"").count(), 1, "only what is new is asked: {html}");
    assert!(html.contains("You already allowed"), "{html}");
    // API clients carry on meanwhile, now on 1.1.0.
    world.expect(200, Method::GET, "/apps/moving-service/quotes", Some(&anna), None).await;
    assert_eq!(world.audit("acme", "app=moving-service").await.last().unwrap()["app_version"], "1.1.0");

    // She declines the phone number; the app's own page shows again.
    world
        .expect(
            201,
            Method::POST,
            "/api/apps/moving-service/consent",
            Some(&anna),
            Some(json!({ "decision": "decline" })),
        )
        .await;
    let (status, html) = page(&world, &anna, "/apps/moving-service/").await;
    assert_eq!(status, 200);
    assert!(!html.contains("Third-party app"), "no consent screen once decided: {html}");

    // Disabling the app revokes access at once.
    world.expect(200, Method::DELETE, &format!("/api/customers/{}/apps/{APP}", acme.id), Some(&acme.admin), None).await;
    world.expect(404, Method::GET, "/apps/moving-service/quotes", Some(&anna), None).await;
}
