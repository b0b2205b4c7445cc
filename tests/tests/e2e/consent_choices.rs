//! A decline is never final: a resident who allowed a third-party app
//! nothing goes home with a note, finds the app on "My apps" with a way to
//! change that, and is offered everything again (unticked) whenever they
//! open it on purpose; the API takes a grant declined before. The consent
//! screen in German.

use crate::moving_service::{install, manifest};
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const APP: &str = "moving-service";
const HOST: &str = "api.meier-removals.example";
/// Everything the app asks for, as acme approves it.
const ASKS: usize = 7;

/// A visitor of `node` signed in as `who` with the sign-in form.
async fn signed_in(node: &Node, who: &Person) -> Visitor {
    let visitor = Visitor::new(node, &[APP]);
    let signed = visitor
        .post_form(
            &visitor.platform("/account/signin"),
            &[("email", &who.email), ("password", PASSWORD), ("next", "/")],
        )
        .await;
    assert_eq!((signed.status, signed.header("location")), (303, "/"), "{}", signed.body);
    visitor
}

/// The checkboxes of a consent screen: how many, and how many ticked.
fn boxes(screen: &Answer) -> (usize, usize) {
    (screen.body.matches("type=\"checkbox\"").count(), screen.body.matches(" checked>").count())
}

/// Posts the consent screen's form as the browser would.
async fn decide(visitor: &Visitor, screen: &Answer, decision: &str, grants: &[&str]) -> Answer {
    let (csrf, hash) = (screen.hidden("csrf"), screen.hidden("purposes_hash"));
    let mut form = vec![("csrf", csrf.as_str()), ("purposes_hash", hash.as_str()), ("decision", decision)];
    form.extend(grants.iter().map(|grant| ("grant", *grant)));
    visitor.post_form(&visitor.platform(&format!("/account/apps/{APP}/consent")), &form).await
}

/// The grants of the person's given, standing consents.
async fn given(world: &World<'_>, who: &Person) -> Vec<String> {
    let consents = world.expect(200, Method::GET, "/api/me/consents", Some(&who.auth), None).await;
    let mut grants: Vec<String> = consents["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|record| record["status"] == "dpv:ConsentGiven")
        .flat_map(|record| record["grants"].as_array().unwrap().iter().map(|grant| grant.as_str().unwrap().to_owned()))
        .collect();
    grants.sort_unstable();
    grants
}

#[tokio::test]
async fn a_declined_app_is_offered_again_on_purpose_and_listed_with_a_way_to_change() {
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&[HOST])).await;
    install(&deployment, "1.0.0", &manifest()).await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    world.approve("acme", APP, None).await;
    node.wait_for_app(&world.client, APP, &anna.auth).await;
    let visitor = signed_in(&node, &anna).await;

    // First use: everything asked, everything ticked. She allows nothing.
    let screen = visitor.get(&visitor.platform("/apps/moving-service/")).await;
    assert_eq!((screen.status, boxes(&screen)), (200, (ASKS, ASKS)), "{}", screen.body);
    let declined = decide(&visitor, &screen, "decline", &[]).await;
    assert_eq!((declined.status, declined.header("location")), (303, "/?declined=moving-service"), "{}", declined.body);
    let home = visitor.get(&visitor.platform("/?declined=moving-service")).await;
    assert!(home.body.contains("You did not allow Moving Service anything, so you cannot use it."), "{}", home.body);

    // Opening it again is on purpose: everything is offered again, unticked.
    let again = visitor.get(&visitor.platform("/apps/moving-service/")).await;
    assert_eq!((again.status, boxes(&again)), (200, (ASKS, 0)), "{}", again.body);
    assert!(again.body.contains("What is not ticked you did not allow before."), "{}", again.body);
    assert!(again.body.contains("t allow anything<") && !again.body.contains("Allow nothing more"), "{}", again.body);
    let asked = world.expect(200, Method::GET, "/api/apps/moving-service/consent", Some(&anna.auth), None).await;
    let asks = asked["asks"].as_array().unwrap();
    assert!(asks.len() == ASKS && asks.iter().all(|item| item["declined"] == true), "{asked}");

    // "My apps" lists it as allowed nothing, with the way to change.
    let mine = visitor.get(&visitor.platform("/account/apps")).await;
    assert!(mine.body.contains("Allowed nothing") && mine.body.contains("<h3>Moving Service</h3>"), "{}", mine.body);
    assert!(mine.body.contains("href=\"/account/apps/moving-service/consent\">Change what it may get</a>"));

    // The API takes what she declined before, when she now gives it.
    let email = json!({ "decision": "give", "grants": ["profile.read:email"] });
    world.expect(201, Method::POST, "/api/apps/moving-service/consent", Some(&anna.auth), Some(email)).await;
    assert_eq!(given(&world, &anna).await, ["profile.read:email"]);
    // A bare `give` takes only what a screen ticks: nothing she declined.
    let bare = json!({ "decision": "give" });
    world.expect(201, Method::POST, "/api/apps/moving-service/consent", Some(&anna.auth), Some(bare)).await;
    assert_eq!(given(&world, &anna).await, ["profile.read:email"]);

    // Allowed now: listed with what it may use, and the rest on the change screen.
    let mine = visitor.get(&visitor.platform("/account/apps")).await;
    assert!(mine.body.contains("Your email address") && !mine.body.contains("Allowed nothing"), "{}", mine.body);
    let change = visitor.get(&visitor.platform("/account/apps/moving-service/consent")).await;
    assert_eq!((change.status, boxes(&change)), (200, (ASKS - 1, 0)), "{}", change.body);
    assert!(change.body.contains("Here you can allow Moving Service by Meier Removals Ltd more than before."));
    assert!(change.body.contains(">Allow nothing more<"), "{}", change.body);
    let unit = decide(&visitor, &change, "give", &["profile.read:unit"]).await;
    assert_eq!((unit.status, unit.header("location")), (303, "/apps/moving-service/"), "{}", unit.body);
    assert_eq!(given(&world, &anna).await, ["profile.read:email", "profile.read:unit"]);
    let change = visitor.get(&visitor.platform("/account/apps/moving-service/consent")).await;
    let nothing_more = decide(&visitor, &change, "decline", &[]).await;
    assert_eq!(nothing_more.header("location"), "/?declined=moving-service");
    let home = visitor.get(&visitor.platform("/?declined=moving-service")).await;
    assert!(home.body.contains("Moving Service gets nothing more than before."), "{}", home.body);
    assert_eq!(given(&world, &anna).await, ["profile.read:email", "profile.read:unit"]);

    // Everything allowed: nothing left to choose.
    let allowed = ["profile.read:email", "profile.read:unit"];
    let rest: Value = asks
        .iter()
        .map(|item| item["grant"].clone())
        .filter(|grant| !allowed.contains(&grant.as_str().unwrap()))
        .collect();
    let rest = json!({ "decision": "give", "grants": rest });
    world.expect(201, Method::POST, "/api/apps/moving-service/consent", Some(&anna.auth), Some(rest)).await;
    let all = visitor.get(&visitor.platform("/account/apps/moving-service/consent")).await;
    assert_eq!((all.status, boxes(&all)), (200, (0, 0)), "{}", all.body);
    assert!(all.body.contains("You have allowed Moving Service by Meier Removals Ltd everything it asks for."));
    assert!(!all.body.contains("<form method=\"post\" action=\"/account/apps/moving-service/consent\""));

    // Withdrawn: listed as allowed nothing again; the note names catalogue apps only.
    let mine = visitor.get(&visitor.platform("/account/apps")).await;
    let withdrawn = visitor
        .post_form(&visitor.platform("/account/apps/moving-service/withdraw"), &[("csrf", &mine.hidden("csrf"))])
        .await;
    assert_eq!((withdrawn.status, withdrawn.header("location")), (303, "/account/apps?withdrawn=moving-service"));
    let mine = visitor.get(&visitor.platform("/account/apps?withdrawn=moving-service")).await;
    assert!(mine.body.contains("You withdrew your consent to Moving Service."), "{}", mine.body);
    assert!(mine.body.contains("Allowed nothing") && mine.body.contains("<h3>Moving Service</h3>"), "{}", mine.body);
    for forged in ["Evil%20Corp%20took%20over", "%3Cb%3Eloud%3C%2Fb%3E", "pinboard"] {
        let page = visitor.get(&visitor.platform(&format!("/account/apps?withdrawn={forged}"))).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("You withdrew") && !page.body.contains("Evil Corp"), "{}", page.body);
        assert!(!page.body.contains("loud"), "{}", page.body);
        let home = visitor.get(&visitor.platform(&format!("/?declined={forged}"))).await;
        assert!(!home.body.contains("You did not allow") && !home.body.contains("Evil Corp"), "{}", home.body);
    }

    // Core apps need no consent; an app not enabled here has no screen.
    let core = visitor.get(&visitor.platform("/account/apps/pinboard/consent")).await;
    assert_eq!(core.status, 404, "{}", core.body);
    let unknown = visitor.get(&visitor.platform("/account/apps/no-such-app/consent")).await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
}

#[tokio::test]
async fn the_consent_screen_speaks_german() {
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&[HOST])).await;
    install(&deployment, "1.0.0", &manifest()).await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let lena = world.resident_person("lena", "acme", "elm-5").await;
    world.approve("acme", APP, None).await;
    node.wait_for_app(&world.client, APP, &lena.auth).await;
    world.expect(200, Method::PATCH, "/api/me", Some(&lena.auth), Some(json!({ "locale": "de-CH" }))).await;
    let visitor = signed_in(&node, &lena).await;

    let screen = visitor.get(&visitor.platform("/apps/moving-service/")).await;
    assert_eq!(screen.status, 200);
    for german in [
        "<html lang=\"de\">",
        "App eines Drittanbieters",
        "Moving Service stammt von Meier Removals Ltd, nicht von deiner Verwaltung.",
        "Deine E-Mail-Adresse",
        "Deine Telefonnummer",
        "Deine quotes in der App speichern",
        "Dir Mitteilungen senden",
        "Daten an api.meier-removals.example senden",
        "Deine Daten werden verarbeitet in: EU/EEA.",
        "Datenschutzerklärung von Meier Removals Ltd",
        "Du kannst deine Einwilligung jederzeit widerrufen unter",
        ">Meine Apps</a>",
        ">Angekreuztes erlauben<",
        ">Nichts erlauben<",
    ] {
        assert!(screen.body.contains(german), "`{german}` on the German screen:\n{}", screen.body);
    }
    for english in
        ["Third-party app", "Your email", "Before you use it", "Allow what is ticked", "allow anything", "My apps"]
    {
        assert!(!screen.body.contains(english), "no English `{english}`:\n{}", screen.body);
    }

    // Declined, home says so in German; opened again, the screen explains the unticked boxes.
    let declined = decide(&visitor, &screen, "decline", &[]).await;
    let home = visitor.get(&visitor.follow(&visitor.platform("/"), declined.header("location"))).await;
    assert!(home.body.contains("Du hast Moving Service nichts erlaubt"), "{}", home.body);
    let again = visitor.get(&visitor.platform("/apps/moving-service/")).await;
    assert!(again.body.contains("Was nicht angekreuzt ist, hast du bisher nicht erlaubt."), "{}", again.body);
    decide(&visitor, &again, "give", &["profile.read:email"]).await;
    let change = visitor.get(&visitor.platform("/account/apps/moving-service/consent")).await;
    assert!(
        change.body.contains("Hier kannst du Moving Service von Meier Removals Ltd mehr erlauben"),
        "{}",
        change.body
    );
    assert!(change.body.contains(">Nichts weiter erlauben<") && change.body.contains("Bereits erlaubt"));
    let mine = visitor.get(&visitor.platform("/account/apps")).await;
    assert!(mine.body.contains("Ändern, was sie erhalten darf"), "{}", mine.body);
}
