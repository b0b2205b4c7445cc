//! Third-party apps in a browser: each on an origin of its own, entered
//! with a ticket, its pages posting forms there with the app's pass, and
//! none of it reaching the platform. Cookie-authenticated forms on the
//! platform carry a form token, and a forged cross-site post changes nothing.

use crate::moving_service::{install, manifest};
use crate::support::*;
use reqwest::Method;

const APP: &str = "moving-service";
const HOST: &str = "api.meier-removals.example";

#[tokio::test]
async fn a_resident_uses_a_third_party_app_on_its_own_origin() {
    let vendor = Vendor::start().await;
    let deployment = Deployment::with_config(&vendor.config(&[HOST])).await;
    install(&deployment, "1.0.0", &manifest()).await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    world.approve("acme", APP, None).await;
    node.wait_for_app(&world.client, APP, &anna.auth).await;
    let browser = Visitor::new(&node, &[APP, "pinboard"]);

    // Signing in with the form, from the page the app link sent her to.
    let signin = browser.get(&browser.platform("/apps/moving-service/")).await;
    assert_eq!(signin.status, 303);
    let form = browser.get(&browser.follow(&browser.platform("/"), signin.header("location"))).await;
    assert_eq!(form.status, 200);
    let next = form.hidden("next");
    assert_eq!(next, "/apps/moving-service/");
    let signed = browser
        .post_form(
            &browser.platform("/account/signin"),
            &[("email", &anna.email), ("password", PASSWORD), ("next", &next)],
        )
        .await;
    assert_eq!((signed.status, signed.header("location")), (303, "/apps/moving-service/"));

    // The consent screen is the platform's page, with a form token.
    let screen = browser.get(&browser.platform("/apps/moving-service/")).await;
    assert_eq!(screen.status, 200, "{}", screen.body);
    assert!(screen.body.contains("Meier Removals Ltd") && screen.body.contains("Third-party app"));
    let csrf = screen.hidden("csrf");
    let hash = screen.hidden("purposes_hash");
    let consent_form = browser.platform("/account/apps/moving-service/consent");
    let allow_all_but_phone: Vec<(&str, &str)> = [
        ("decision", "give"),
        ("purposes_hash", hash.as_str()),
        ("grant", "profile.read:display-name"),
        ("grant", "profile.read:email"),
        ("grant", "profile.read:unit"),
        ("grant", "collections.write:quotes"),
        ("grant", "notifications.send"),
        ("grant", "outbound-http:api.meier-removals.example"),
    ]
    .into();

    // Forged: from another site; then without the token; then with another's.
    let mut forged = allow_all_but_phone.clone();
    forged.push(("csrf", &csrf));
    let cross_site = browser.post_form_from(&consent_form, &forged, Some("http://evil.example")).await;
    assert_eq!(cross_site.status, 403, "{}", cross_site.body);
    let tokenless = browser.post_form(&consent_form, &allow_all_but_phone).await;
    assert_eq!(tokenless.status, 403);
    assert!(tokenless.header("content-type").starts_with("text/html"), "a page: {}", tokenless.body);
    assert!(tokenless.body.contains("This form is out of date or came from another site"), "{}", tokenless.body);
    let mut wrong = allow_all_but_phone.clone();
    wrong.push(("csrf", "0123456789abcdef0123456789abcdef"));
    assert_eq!(browser.post_form(&consent_form, &wrong).await.status, 403);
    let none = world.expect(200, Method::GET, "/api/me/consents", Some(&anna.auth), None).await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0, "no forged post recorded anything: {none}");

    // She allows everything but her phone number.
    let given = browser.post_form(&consent_form, &forged).await;
    assert_eq!((given.status, given.header("location")), (303, "/apps/moving-service/"), "{}", given.body);
    let consents = world.expect(200, Method::GET, "/api/me/consents", Some(&anna.auth), None).await;
    let records = consents["items"].as_array().unwrap();
    let granted: Vec<&str> = records
        .iter()
        .filter(|record| record["status"] == "dpv:ConsentGiven")
        .flat_map(|record| record["grants"].as_array().unwrap().iter().map(|grant| grant.as_str().unwrap()))
        .collect();
    assert_eq!(granted.len(), 6, "{consents}");
    assert!(!granted.contains(&"profile.read:phone"));

    // On the platform, the app is only a way in: to its own origin, with a ticket.
    let entry = browser.get(&browser.platform("/apps/moving-service/")).await;
    assert_eq!(entry.status, 303);
    let ticket_url = entry.header("location").to_owned();
    assert!(ticket_url.starts_with(&format!("{}/.courtyard/enter?ticket=", browser.app_origin(APP))), "{ticket_url}");
    assert!(browser.cookie(&browser.platform("/"), "__Host-courtyard-session").is_some());
    assert!(
        browser.cookie(&browser.app(APP, "/"), "__Host-courtyard-session").is_none(),
        "the platform's cookie stays home"
    );
    let entered = browser.get(&ticket_url).await;
    assert_eq!((entered.status, entered.header("location")), (303, "/"));
    assert_eq!(entered.header("referrer-policy"), "no-referrer");
    let set_cookie = entered.header("set-cookie");
    assert!(set_cookie.contains("HttpOnly") && !set_cookie.contains("Domain"), "host-only: {set_cookie}");
    let pass = browser.cookie(&browser.app(APP, "/"), "__Host-courtyard-app").expect("the app's pass");
    assert!(set_cookie.contains("Secure"), "{set_cookie}");

    // The app's page, sandboxed on its origin, and its own form works.
    let page = browser.get(&browser.app(APP, "/")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csp = page.header("content-security-policy");
    assert!(csp.contains("sandbox allow-forms allow-same-origin") && !csp.contains("allow-scripts"), "{csp}");
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert!(csp.contains("style-src 'self';") && !csp.contains("unsafe-inline"), "{csp}");
    // In the portal's frame, whose stylesheet and way home the origin serves.
    assert!(page.body.contains("<link rel=\"stylesheet\" href=\"/.courtyard/app.css\">"), "{}", page.body);
    assert!(page.body.contains("<a class=\"home\" href=\"/.courtyard/home\">Back to home</a>"), "{}", page.body);
    let stylesheet = browser.get(&browser.app(APP, "/.courtyard/app.css")).await;
    assert_eq!(stylesheet.status, 200);
    assert!(stylesheet.header("content-type").starts_with("text/css"));
    let way_home = browser.get(&browser.app(APP, "/.courtyard/home")).await;
    assert_eq!((way_home.status, way_home.header("location")), (303, browser.platform("/").as_str()));
    let moving_on = days_from_today(40);
    let quote = [("moving_on", moving_on.as_str()), ("rooms", "3"), ("notes", "piano")];
    let asked = browser.post_form(&browser.app(APP, "/quotes"), &quote).await;
    assert_eq!((asked.status, asked.header("location")), (303, "/"), "{}", asked.body);
    assert_eq!(vendor.calls().len(), 1, "the quote request reached the vendor");

    // Home shows the notification, and its link leads into the app.
    let home = browser.get(&browser.platform("/")).await;
    assert!(home.body.contains("Your moving quote is ready") && home.body.contains("1 unread"), "{}", home.body);

    // Hostile: a post from another origin, or with no origin, on the app's origin.
    let from_pinboard =
        browser.post_form_from(&browser.app(APP, "/quotes"), &quote, Some(&browser.app_origin("pinboard"))).await;
    assert_eq!(from_pinboard.status, 403);
    assert_eq!(browser.post_form_from(&browser.app(APP, "/quotes"), &quote, None).await.status, 403);
    assert_eq!(vendor.calls().len(), 1, "neither reached the vendor");
    // The pass opens nothing on the platform, as a cookie or as a token.
    let client = client();
    for (name, value) in
        [("cookie", format!("__Host-courtyard-app={pass}")), ("authorization", format!("Bearer {pass}"))]
    {
        let me = client.get(node.url("/api/me")).header(name, value).send().await.unwrap();
        assert_eq!(me.status(), 401, "{name}");
    }
    // The platform's routes are not on the app's origin: its paths are the app's.
    let me_there = browser.get(&browser.app(APP, "/api/me")).await;
    assert!(!me_there.body.contains(&anna.email) && !me_there.body.contains(&anna.user_id), "{}", me_there.body);
    // A core app is not served on an app origin at all.
    assert_eq!(browser.get(&browser.app("pinboard", "/")).await.status, 404);
    // On the platform origin, a cookie may not post to the third-party app.
    let on_platform = browser.post_form(&browser.platform("/apps/moving-service/quotes"), &quote).await;
    assert_eq!(on_platform.status, 403, "{}", on_platform.body);
    assert!(on_platform.body.contains("This app is used at its own address"), "a page: {}", on_platform.body);

    // Consent withdrawn meanwhile (in another tab): the app's form leads to
    // the consent screen on the platform, then back to the form's page.
    world.expect(200, Method::DELETE, "/api/apps/moving-service/consent", Some(&anna.auth), None).await;
    let calls = vendor.calls().len();
    let form_page = browser.app(APP, "/?step=2");
    let headers = [("origin", browser.app_origin(APP)), ("referer", form_page.clone())];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let withdrawn = browser.post_form_with(&browser.app(APP, "/quotes"), &quote, &headers).await;
    let back = browser.platform("/apps/moving-service/?step=2");
    assert_eq!((withdrawn.status, withdrawn.header("location")), (303, back.as_str()), "{}", withdrawn.body);
    let screen = browser.get(&back).await;
    assert!(screen.status == 200 && screen.body.contains("Meier Removals Ltd"), "the consent screen: {}", screen.body);
    let policy = screen.header("content-security-policy");
    let app_origins = format!("form-action 'self' http://*.apps.localhost:{};", node.base.rsplit(':').next().unwrap());
    assert!(policy.contains(&app_origins), "the consent form may go on to the app's origin: {policy}");
    // A form post to it on the platform is shown the screen too, not JSON.
    let on_platform = browser.post_form(&browser.platform("/apps/moving-service/quotes"), &quote).await;
    assert!(on_platform.status == 200 && on_platform.body.contains("Meier Removals Ltd"), "{}", on_platform.body);
    assert_eq!(vendor.calls().len(), calls, "no quote reached the vendor");

    // Signing out ends the pass too, and the ticket cannot be used again.
    let home = browser.get(&browser.platform("/")).await;
    let signed_out = browser.post_form(&browser.platform("/account/signout"), &[("csrf", &home.hidden("csrf"))]).await;
    assert_eq!(signed_out.status, 303);
    let after = browser.get(&browser.app(APP, "/")).await;
    assert_eq!((after.status, after.header("location")), (303, browser.platform("/apps/moving-service/").as_str()));

    // A form sent after the pass ended: a page on the app's origin saying
    // so, whose way on leads through the platform back to the form's page.
    let form_page = browser.app(APP, "/quotes/new?rooms=3");
    let late = browser
        .post_form_with(
            &browser.app(APP, "/quotes"),
            &quote,
            &[("origin", &browser.app_origin(APP)), ("referer", &form_page)],
        )
        .await;
    assert_eq!(late.status, 401, "{}", late.body);
    assert!(late.body.contains("Your visit to this app timed out"), "{}", late.body);
    let back = format!("href=\"{}\"", browser.platform("/apps/moving-service/quotes/new?rooms=3"));
    assert!(late.body.contains(&back.replace('&', "&amp;")), "{back}: {}", late.body);
    assert_eq!(vendor.calls().len(), calls, "nothing reached the vendor");

    // The expired ticket's page, on the app's origin: styled by the origin's
    // own stylesheet, every link of the frame to the platform, none into the app.
    let expired = browser.get(&ticket_url).await;
    assert_eq!(expired.status, 401);
    let page = &expired.body;
    assert!(page.contains("A link into Moving Service works only once and only for a minute"), "{page}");
    assert!(page.contains("<link rel=\"stylesheet\" href=\"/.courtyard/app.css\">"), "{page}");
    assert!(page.contains(&format!("<a class=\"brand\" href=\"{}\">", browser.platform("/"))), "{page}");
    assert!(page.contains(&format!("href=\"{}\"", browser.platform("/apps/moving-service/"))), "{page}");
    for relative in ["href=\"/\"", "href=\"/account", "action=\"/account", "/static/portal.css"] {
        assert!(!page.contains(relative), "`{relative}` would lead into the app: {page}");
    }
    let styles = browser.get(&browser.app(APP, "/.courtyard/app.css")).await;
    assert_eq!(styles.status, 200, "the page's stylesheet is there on the origin");
}

#[tokio::test]
async fn a_browser_meets_pages_not_json() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident_person("alice", "acme", "elm-5").await;
    let browser = Visitor::new(&node, &[]);

    // The bare host name: the sign-in page for a visitor, in their language.
    let visitor = client().get(node.url("/")).header("accept-language", "de-CH, en;q=0.5").send().await.unwrap();
    assert_eq!(visitor.status(), 200);
    let html = visitor.text().await.unwrap();
    assert!(html.contains("<html lang=\"de\">") && html.contains("Anmelden"), "{html}");

    // An unknown page is a page too, and a stale session is just signed out.
    let missing = browser.get(&browser.platform("/no/such/page")).await;
    assert_eq!(missing.status, 404);
    assert!(missing.header("content-type").starts_with("text/html") && missing.body.contains("Not found"));
    let stale = client()
        .get(node.url("/apps/pinboard/"))
        .header("accept", "text/html")
        .header("cookie", "courtyard-session=expired-or-made-up")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 303);
    assert!(stale.headers()["location"].to_str().unwrap().starts_with("/account/signin?next="));

    // Signed in, home shows her property and its apps.
    let signed = browser
        .post_form(
            &browser.platform("/account/signin"),
            &[("email", &alice.email), ("password", PASSWORD), ("next", "/")],
        )
        .await;
    assert_eq!(signed.status, 303);
    let home = browser.get(&browser.platform("/")).await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("elm-5") && home.body.contains("href=\"/apps/pinboard/\""), "{}", home.body);
    assert!(home.header("content-security-policy").contains("default-src 'none'"));
    assert!(!home.body.contains("<script"), "no script on host pages");
    // A wrong password is said on the page, which keeps the address typed.
    let wrong = browser
        .post_form(
            &browser.platform("/account/signin"),
            &[("email", &alice.email), ("password", "not it at all"), ("next", "/")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("The email or the password is wrong") && wrong.body.contains(&alice.email));
    // A sign-in form posted from another site is refused.
    let forged = browser
        .post_form_from(
            &browser.platform("/account/signin"),
            &[("email", &alice.email), ("password", PASSWORD)],
            Some("http://evil.example"),
        )
        .await;
    assert_eq!(forged.status, 403);
    // The log, written to a file here, carries no terminal colours.
    let log = node.log();
    assert!(log.contains("courtyard is serving") && !log.contains('\u{1b}'), "{log}");
}
