//! Info A–Z end to end: staff publish the building's information with
//! files and dates, residents find it A to Z, by category and by search
//! (umlauts aside) and see the dates coming up; a notice reaches everyone
//! in the building; residents change nothing, and nobody outside the
//! property sees or touches anything.

use crate::support::*;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const APP: &str = "/apps/info";

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn part(bytes: Vec<u8>, name: &str, media_type: &str) -> Part {
    Part::bytes(bytes).file_name(name.to_owned()).mime_str(media_type).unwrap()
}

struct Info<'a> {
    world: World<'a>,
}

impl Info<'_> {
    async fn call(&self, method: Method, path: &str, who: &Auth, body: Option<Value>) -> (u16, Value) {
        self.world.call_below(APP, method, path, who, body).await
    }

    async fn expect(&self, status: u16, method: Method, path: &str, who: &Auth, body: Option<Value>) -> Value {
        self.world.expect_below(APP, status, method, path, who, body).await
    }

    /// Staff `who` publishes an entry as JSON; answers its id.
    async fn publish(&self, who: &Auth, entry: Value) -> String {
        let created = self.expect(201, Method::POST, "/entries", who, Some(entry)).await;
        created["id"].as_str().expect("an entry id").to_owned()
    }

    /// Posts `form` (`multipart/form-data`) to `path` as an API client.
    async fn post_form(&self, path: &str, who: &Auth, form: Form) -> (u16, Value) {
        let response = client()
            .post(self.world.node.url(&format!("{APP}{path}")))
            .header(who.0, who.1.clone())
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The titles `who` lists at `path`, in order.
    async fn titles(&self, path: &str, who: &Auth) -> Vec<String> {
        let page = self.expect(200, Method::GET, path, who, None).await;
        page["items"].as_array().unwrap().iter().map(|item| item["title"].as_str().unwrap().to_owned()).collect()
    }

    async fn page(&self, path: &str, who: &Auth) -> (u16, String) {
        let response = client()
            .get(self.world.node.url(&format!("{APP}{path}")))
            .header(who.0, who.1.clone())
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Downloads a file's link as `who`: status and bytes.
    async fn download(&self, link: &str, who: &Auth) -> (u16, Vec<u8>) {
        let response = client().get(self.world.node.url(&format!("{APP}{link}"))).header(who.0, who.1.clone()).send();
        let response = response.await.unwrap();
        (response.status().as_u16(), response.bytes().await.unwrap().to_vec())
    }

    /// `who`'s notifications: (title, url), newest first.
    async fn notified(&self, who: &Auth) -> Vec<(String, String)> {
        let notes = self.world.expect(200, Method::GET, "/api/me/notifications", Some(who), None).await;
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|note| {
                (
                    note["title"].as_str().unwrap_or_default().to_owned(),
                    note["url"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }
}

fn entry(title: &str, category: &str, date: Option<&str>) -> Value {
    json!({ "title": title, "category": category, "body": format!("{title}: see the notice board."), "date": date })
}

#[tokio::test]
async fn staff_publish_with_a_pdf_and_a_date_and_residents_find_it_a_to_z_by_search_and_upcoming() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "info", &anna.auth).await;
    let info = Info { world };
    let soon = days_from_today(2);
    let later = days_from_today(5);

    // The waste collection, with its calendar as a PDF and a date.
    let form = Form::new()
        .text("title", "Müllabfuhr")
        .text("category", "waste")
        .text("body", "Die Tonnen stehen dienstags ab 7 Uhr an der Straße.\n\nBitte keine Säcke daneben.")
        .text("date", later.clone())
        .text("time", "7–9")
        .part("attachment", part(pdf(), "Abfuhrkalender.pdf", "application/pdf"));
    let (status, published) = info.post_form("/entries", &manager.auth, form).await;
    assert_eq!(status, 201, "{published}");
    assert_eq!((published["category"].as_str(), published["letter"].as_str()), (Some("waste"), Some("M")));
    assert_eq!((published["date"].as_str(), published["time"].as_str()), (Some(later.as_str()), Some("7–9")));
    assert_eq!(published["files"][0]["media_type"], "application/pdf", "{published}");
    assert_eq!(published["unattached"], json!([]), "{published}");
    assert!(published.get("notified").is_none(), "nobody was to be notified: {published}");
    let waste = published["id"].as_str().unwrap().to_owned();

    info.publish(&manager.auth, entry("Chimney sweep", "dates", Some(&soon))).await;
    info.publish(&manager.auth, entry("Old notice", "dates", Some(&days_from_today(-2)))).await;
    info.publish(&manager.auth, entry("Ölheizung", "house_rules", None)).await;
    info.publish(&manager.auth, entry("2nd floor plan", "floor_plans", None)).await;
    info.publish(&manager.auth, entry("Abstellraum", "house_rules", None)).await;

    // Anna reads it, with its PDF.
    let read = info.expect(200, Method::GET, &format!("/entries/{waste}"), &anna.auth, None).await;
    assert_eq!(read["title"], "Müllabfuhr", "{read}");
    assert!(read["body"].as_str().unwrap().contains("\n\nBitte keine Säcke daneben."), "{read}");
    let link = read["files"][0]["link"].as_str().expect("the PDF's link").to_owned();
    let (status, bytes) = info.download(&link, &anna.auth).await;
    assert_eq!((status, bytes), (200, pdf()));

    // A to Z: Ä, Ö and Ü with their vowel, digits under # at the end.
    let index = info.titles("/entries", &anna.auth).await;
    assert_eq!(index, ["Abstellraum", "Chimney sweep", "Müllabfuhr", "Old notice", "Ölheizung", "2nd floor plan"]);
    let listed = info.expect(200, Method::GET, "/entries", &anna.auth, None).await;
    let letters: Vec<&str> =
        listed["items"].as_array().unwrap().iter().map(|item| item["letter"].as_str().unwrap()).collect();
    assert_eq!(letters, ["A", "C", "M", "O", "O", "#"], "{listed}");
    assert_eq!(listed["truncated"], false);

    // Search, case and umlauts aside, in titles and texts; and by category.
    for query in ["m%C3%BCll", "M%C3%9CLL", "mull"] {
        assert_eq!(info.titles(&format!("/entries?q={query}"), &anna.auth).await, ["Müllabfuhr"], "{query}");
    }
    assert_eq!(info.titles("/entries?q=dienstags", &anna.auth).await, ["Müllabfuhr"]);
    assert!(info.titles("/entries?q=swimming%20pool", &anna.auth).await.is_empty());
    assert_eq!(info.titles("/entries?category=house_rules", &anna.auth).await, ["Abstellraum", "Ölheizung"]);
    assert_eq!(info.titles("/entries?category=waste&q=m%C3%BCll", &anna.auth).await, ["Müllabfuhr"]);
    assert!(info.titles("/entries?category=dates&q=m%C3%BCll", &anna.auth).await.is_empty());

    // Upcoming: from today on, soonest first; past and undated entries not.
    assert_eq!(info.titles("/upcoming", &anna.auth).await, ["Chimney sweep", "Müllabfuhr"]);

    // The pages: the index with its letters, the entry with its file.
    let (status, html) = info.page("/", &anna.auth).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"letter-M\"") && html.contains("id=\"letter-other\""), "{html}");
    assert!(html.contains(&format!("href=\"./entries/{waste}\">Müllabfuhr</a>")), "{html}");
    assert!(!html.contains("entries/new"), "residents get no staff link: {html}");
    let (status, html) = info.page(&format!("/entries/{waste}"), &anna.auth).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<p class=\"body\">Bitte keine Säcke daneben.</p>"), "{html}");
    assert!(html.contains("Abfuhrkalender.pdf") && !html.contains("/edit\""), "{html}");
    let (status, html) = info.page("/entries?q=m%C3%BCll", &anna.auth).await;
    assert!(status == 200 && html.contains("Müllabfuhr") && !html.contains("Chimney sweep"), "{html}");
}

#[tokio::test]
async fn notifying_the_building_reaches_its_residents_and_any_staff_edits_and_deletes() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let ben = world.resident_person("ben", "acme", "elm-5").await;
    let carol = world.resident_person("carol", "acme", "oak-1").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let agent = world.staff("sam", "acme", "service-agent", Some("elm-5")).await;
    node.wait_for_app(&world.client, "info", &anna.auth).await;
    let info = Info { world };
    let day = days_from_today(4);

    let mut notice = entry("Water off", "dates", Some(&day));
    notice["time"] = json!("8–12");
    notice["notify"] = json!(true);
    let published = info.expect(201, Method::POST, "/entries", &manager.auth, Some(notice)).await;
    assert!(published["notified"].as_u64().is_some_and(|count| count >= 2), "{published}");
    assert!(published.get("notify_error").is_none(), "{published}");
    let id = published["id"].as_str().unwrap().to_owned();
    for who in [&anna.auth, &ben.auth] {
        let told = info.notified(who).await;
        assert!(
            told.iter()
                .any(|(title, url)| title == "Info: Water off" && url.ends_with(&format!("/apps/info/entries/{id}"))),
            "{told:?}"
        );
    }
    assert!(info.notified(&carol.auth).await.is_empty(), "another property hears nothing");
    assert!(info.notified(&manager.auth).await.iter().all(|(title, _)| title != "Info: Water off"), "not the sender");

    // Another staff member changes it, against the revision they read.
    let read = info.expect(200, Method::GET, &format!("/entries/{id}"), &agent.auth, None).await;
    let revision = read["revision"].as_u64().unwrap();
    let mut change = entry("Water off", "dates", Some(&day));
    change["time"] = json!("9–13");
    change["revision"] = json!(revision);
    let changed = info.expect(200, Method::PUT, &format!("/entries/{id}"), &agent.auth, Some(change.clone())).await;
    assert_eq!((changed["time"].as_str(), changed["revision"].as_u64()), (Some("9–13"), Some(revision + 1)));
    // The same change again is over someone's newer one: refused, nothing changes.
    change["time"] = json!("10–14");
    let stale = info.expect(409, Method::PUT, &format!("/entries/{id}"), &manager.auth, Some(change)).await;
    assert_eq!(stale["error"]["code"], "conflict", "{stale}");
    let now = info.expect(200, Method::GET, &format!("/entries/{id}"), &anna.auth, None).await;
    assert_eq!(now["time"], "9–13", "{now}");

    // A change can notify again.
    let mut again = entry("Water off", "dates", Some(&day));
    again["notify"] = json!(true);
    let renotified = info.expect(200, Method::PUT, &format!("/entries/{id}"), &agent.auth, Some(again)).await;
    assert!(renotified["notified"].as_u64().is_some_and(|count| count >= 2), "{renotified}");

    // Staff who did not write it delete it: gone for everyone, files too.
    let form = Form::new()
        .text("title", "Laundry rules")
        .text("category", "house_rules")
        .text("body", "Until 22:00.")
        .part("attachment", part(pdf(), "rules.pdf", "application/pdf"));
    let (status, laundry) = info.post_form("/entries", &manager.auth, form).await;
    assert_eq!(status, 201, "{laundry}");
    let laundry_id = laundry["id"].as_str().unwrap().to_owned();
    let link = laundry["files"][0]["link"].as_str().unwrap().to_owned();
    assert_eq!(info.download(&link, &anna.auth).await.0, 200);
    for (gone, who) in [(&id, &manager.auth), (&laundry_id, &agent.auth)] {
        let (status, _) = info.call(Method::DELETE, &format!("/entries/{gone}"), who, None).await;
        assert_eq!(status, 204);
        info.expect(404, Method::GET, &format!("/entries/{gone}"), &anna.auth, None).await;
        info.expect(404, Method::PUT, &format!("/entries/{gone}"), who, Some(entry("Back", "other", None))).await;
    }
    assert_eq!(info.download(&link, &anna.auth).await.0, 404, "the file went with the entry");
    assert!(info.titles("/entries", &anna.auth).await.is_empty());
    assert!(info.titles("/upcoming", &anna.auth).await.is_empty());
}

#[tokio::test]
async fn residents_change_nothing_and_other_properties_see_and_touch_nothing() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let elsewhere = world.resident("carol", "acme", "oak-1").await;
    let other_manager = world.staff("otto", "acme", "property-manager", Some("oak-1")).await;
    let stranger = world.resident("mallory", "other-co", "elm-5").await;
    let stranger_manager = world.staff("sue", "other-co", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "info", &anna.auth).await;
    let info = Info { world };
    let form = Form::new()
        .text("title", "Hausordnung")
        .text("category", "house_rules")
        .text("body", "Ruhezeit 22–7 Uhr.")
        .text("date", days_from_today(3))
        .part("attachment", part(pdf(), "hausordnung.pdf", "application/pdf"));
    let (status, published) = info.post_form("/entries", &manager.auth, form).await;
    assert_eq!(status, 201, "{published}");
    let id = published["id"].as_str().unwrap().to_owned();
    let file = published["files"][0]["id"].as_str().unwrap().to_owned();
    let link = published["files"][0]["link"].as_str().unwrap().to_owned();

    // A resident of the building: 403 for every change, and nothing changes.
    let change = Some(entry("Mine now", "other", None));
    let refused = info.expect(403, Method::POST, "/entries", &anna.auth, Some(entry("Party", "other", None))).await;
    assert_eq!(refused["error"]["code"], "denied", "{refused}");
    info.expect(403, Method::PUT, &format!("/entries/{id}"), &anna.auth, change.clone()).await;
    info.expect(403, Method::POST, &format!("/entries/{id}"), &anna.auth, change.clone()).await;
    info.expect(403, Method::DELETE, &format!("/entries/{id}"), &anna.auth, None).await;
    info.expect(403, Method::DELETE, &format!("/entries/{id}/files/{file}"), &anna.auth, None).await;
    let (status, _) = info.post_form("/entries", &anna.auth, Form::new().text("title", "x")).await;
    assert_eq!(status, 403);
    assert_eq!(info.titles("/entries", &anna.auth).await, ["Hausordnung"]);
    let still = info.expect(200, Method::GET, &format!("/entries/{id}"), &anna.auth, None).await;
    assert_eq!((still["title"].as_str(), still["files"].as_array().map(Vec::len)), (Some("Hausordnung"), Some(1)));

    // Another property of the customer, another customer, resident or
    // staff: nothing listed, and the entry answers as absent.
    for who in [&elsewhere, &other_manager.auth, &stranger, &stranger_manager.auth] {
        assert!(info.titles("/entries", who).await.is_empty());
        assert!(info.titles("/entries?q=haus", who).await.is_empty());
        assert!(info.titles("/upcoming", who).await.is_empty());
        info.expect(404, Method::GET, &format!("/entries/{id}"), who, None).await;
        info.expect(404, Method::PUT, &format!("/entries/{id}"), who, change.clone()).await;
        info.expect(404, Method::DELETE, &format!("/entries/{id}"), who, None).await;
        info.expect(404, Method::DELETE, &format!("/entries/{id}/files/{file}"), who, None).await;
        assert_eq!(info.download(&link, who).await.0, 404);
        let (status, html) = info.page(&format!("/entries/{id}"), who).await;
        assert!(status == 404 && !html.contains("Ruhezeit"), "{status}: {html}");
    }
    info.expect(404, Method::GET, "/entries/00000000-0000-4000-8000-000000000000", &anna.auth, None).await;
    info.expect(404, Method::GET, "/entries/not%20an%20id", &anna.auth, None).await;
    let still = info.expect(200, Method::GET, &format!("/entries/{id}"), &manager.auth, None).await;
    assert_eq!((still["title"].as_str(), still["body"].as_str()), (Some("Hausordnung"), Some("Ruhezeit 22–7 Uhr.")));
    assert_eq!(still["files"].as_array().map(Vec::len), Some(1), "{still}");
}

#[tokio::test]
async fn broken_dates_wrong_files_and_hostile_input_are_refused_and_store_nothing() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "info", &anna.auth).await;
    let info = Info { world };

    for (body, expected) in [
        (json!({ "title": "x", "category": "dates", "body": "y", "date": "2027-02-30" }), "YYYY-MM-DD"),
        (json!({ "title": "x", "category": "dates", "body": "y", "date": "12.03.2027" }), "YYYY-MM-DD"),
        (json!({ "title": "x", "category": "dates", "body": "y", "date": "tomorrow" }), "YYYY-MM-DD"),
        (json!({ "title": "x", "category": "dates", "body": "y", "time": "8–12" }), "needs a date"),
        (json!({ "title": "x".repeat(121), "category": "other", "body": "y" }), "title"),
        (json!({ "title": " ", "category": "other", "body": "y" }), "title"),
        (json!({ "title": "x", "category": "pool", "body": "y" }), "categories"),
        (json!({ "title": "x", "category": "other", "body": "y".repeat(8_001) }), "8001"),
        (json!({ "title": "x", "category": "other", "body": "" }), "text"),
        (json!({ "title": "x", "category": "other", "body": "y", "time": "9".repeat(41) }), "time"),
        (json!({ "title": "x", "category": "other", "body": "y", "owner": "someone-else" }), "request body"),
        (json!({ "title": 7, "category": "other", "body": "y" }), "request body"),
        (json!([1, 2, 3]), "request body"),
    ] {
        let refused = info.expect(400, Method::POST, "/entries", &manager.auth, Some(body.clone())).await;
        assert_eq!(refused["error"]["code"], "invalid", "{body}: {refused}");
        assert!(refused["error"]["message"].as_str().unwrap().contains(expected), "{expected}: {refused}");
    }

    // A file that is no PDF, JPEG or PNG: refused before anything is stored.
    for (bytes, name, claimed) in [
        (b"MZ\x90\0\x03\0\0\0 this is a program".to_vec(), "run.exe", "application/octet-stream"),
        (b"just some text, not a PDF".to_vec(), "plan.pdf", "application/pdf"),
        (b"<html><script>alert(1)</script></html>".to_vec(), "page.png", "image/png"),
    ] {
        let form = Form::new()
            .text("title", "Floor plan")
            .text("category", "floor_plans")
            .text("body", "The ground floor.")
            .part("attachment", part(bytes, name, claimed));
        let (status, refused) = info.post_form("/entries", &manager.auth, form).await;
        assert_eq!(status, 400, "{name}: {refused}");
        assert!(refused["error"]["message"].as_str().unwrap().contains(name), "{refused}");
    }
    let six = (0..6).fold(
        Form::new().text("title", "Plans").text("category", "floor_plans").text("body", "All floors."),
        |form, n| form.part("attachment", part(pdf(), &format!("floor-{n}.pdf"), "application/pdf")),
    );
    let (status, refused) = info.post_form("/entries", &manager.auth, six).await;
    assert_eq!(status, 400, "{refused}");
    assert!(info.titles("/entries", &anna.auth).await.is_empty(), "nothing was stored");

    // Searches and filters out of bounds.
    let long = format!("q={}", "x".repeat(101));
    for query in ["category=pool", "category=%3Cscript%3E", long.as_str()] {
        info.expect(400, Method::GET, &format!("/entries?{query}"), &anna.auth, None).await;
    }

    // Markup is text on every page, and the text makes no links.
    let hostile = json!({
        "title": "<script>alert(1)</script> Rules",
        "category": "house_rules",
        "body": "<img src=x onerror=alert(1)> see https://evil.example",
    });
    let id = info.publish(&manager.auth, hostile).await;
    for path in ["/".to_owned(), format!("/entries/{id}"), "/entries?q=rules".to_owned()] {
        let (status, html) = info.page(&path, &anna.auth).await;
        assert_eq!(status, 200, "{path}: {html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Rules"), "{path}: {html}");
        assert!(!html.contains("<script") && !html.contains("<img src=x"), "{path}: {html}");
        assert!(!html.contains("href=\"https://evil.example"), "{path}: {html}");
    }
}
