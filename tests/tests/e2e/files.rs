//! Attachments end to end, through the `desk` fixture: a form's files are
//! read by the host before the guest runs, checked by content, kept once
//! per content, served with the document's audience, audited, and gone
//! with their document.

use crate::support::*;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const POLYGLOT: &[u8] = include_bytes!("../../../host/src/files/testdata/jpeg-with-markup.jpg");

fn png(filler: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR".to_vec();
    bytes.extend(std::iter::repeat_n(0x42, filler));
    bytes
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn part(bytes: Vec<u8>, name: &str, media_type: &str) -> Part {
    Part::bytes(bytes).file_name(name.to_owned()).mime_str(media_type).unwrap()
}

struct Files<'a> {
    world: World<'a>,
}

impl Files<'_> {
    /// Posts `form` to the desk; answers the status and the JSON.
    async fn post_form(&self, path: &str, who: &Auth, form: Form) -> (u16, Value) {
        let (name, value) = who;
        let response = self
            .world
            .client
            .post(self.world.node.url(&format!("/apps/desk{path}")))
            .header(*name, value.clone())
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn json(&self, status: u16, method: Method, path: &str, who: &Auth, body: Option<Value>) -> Value {
        self.world.expect(status, method, &format!("/apps/desk{path}"), Some(who), body).await
    }

    /// Downloads a file's link; answers the status, headers and bytes.
    async fn download(&self, link: &str, who: &Auth) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let (name, value) = who;
        let response = self
            .world
            .client
            .get(self.world.node.url(&format!("/apps/desk{link}")))
            .header(*name, value.clone())
            .send()
            .await
            .expect("download");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.bytes().await.unwrap().to_vec())
    }

    async fn ticket(&self, who: &Auth, visibility: &str) -> String {
        let path = format!("/tickets?visibility={visibility}");
        let ticket = self.json(201, Method::POST, &path, who, Some(json!({ "t": "leak" }))).await;
        ticket["id"].as_str().unwrap().to_owned()
    }
}

async fn desk() -> Deployment {
    let deployment = Deployment::new().await;
    deployment.install_ok(DESK_WASM, fixture_manifest("desk"));
    deployment
}

#[tokio::test]
async fn a_photo_is_kept_on_its_ticket_and_read_only_by_the_tickets_audience() {
    let deployment = desk().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let carl = world.resident_person("carl", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    let stranger = world.resident_person("sven", "other-co", "oak-1").await;
    node.wait_for_app(&world.client, "desk", &anna.auth).await;
    let files = Files { world };
    let ticket = files.ticket(&anna.auth, "staff").await;

    let photo = png(300_000);
    let form =
        Form::new().text("note", "under the sink & behind").part("photo", part(photo.clone(), "tap.png", "image/png"));
    let (status, attached) = files.post_form(&format!("/tickets/{ticket}/files"), &anna.auth, form).await;
    assert_eq!(status, 201, "{attached}");
    assert_eq!(attached["fields"]["note"], "under the sink & behind", "the form's fields reach the guest: {attached}");
    let file = &attached["files"][0];
    assert_eq!((file["name"].as_str(), file["media_type"].as_str()), (Some("tap.png"), Some("image/png")), "{file}");
    assert_eq!(file["size"], photo.len());
    let link = file["link"].as_str().unwrap().to_owned();
    assert!(link.starts_with("/.files/"), "{link}");

    // The owner and staff read it, exactly as uploaded and safely typed.
    for who in [&anna.auth, &manager.auth] {
        let (status, headers, bytes) = files.download(&link, who).await;
        assert_eq!(status, 200);
        assert_eq!(bytes, photo);
        assert_eq!(headers["content-type"], "image/png");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(headers["content-disposition"].to_str().unwrap().starts_with("inline; filename=\"tap.png\""));
    }
    // A neighbour who cannot read the ticket, and another customer's
    // resident, get the same 404 as for a file that does not exist.
    for who in [&carl.auth, &stranger.auth] {
        assert_eq!(files.download(&link, who).await.0, 404);
        let listed =
            files.world.call(Method::GET, &format!("/apps/desk/tickets/{ticket}/files"), Some(who), None).await;
        assert_ne!(listed.0.as_u16(), 200, "{:?}", listed.1);
    }
    assert_eq!(files.download("/.files/00000000-0000-4000-8000-000000000000", &anna.auth).await.0, 404);
    let listed = files.json(200, Method::GET, &format!("/tickets/{ticket}/files"), &manager.auth, None).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");

    // A neighbour cannot attach to it either.
    let form = Form::new().part("photo", part(png(10), "mine.png", "image/png"));
    let (status, refused) = files.post_form(&format!("/tickets/{ticket}/files"), &carl.auth, form).await;
    assert_eq!(status, 404, "{refused}");

    // Every call and every download is in the audit log.
    let pool = deployment.pool().await;
    let actions: Vec<(String, String)> =
        sqlx::query_as("SELECT action, outcome FROM audit_entries WHERE action LIKE 'files.%' ORDER BY seq")
            .fetch_all(&pool)
            .await
            .unwrap();
    let count = |action: &str, outcome: &str| actions.iter().filter(|(a, o)| a == action && o == outcome).count();
    assert_eq!(count("files.attach", "allowed"), 1, "{actions:?}");
    assert!(count("files.download", "allowed") >= 2, "{actions:?}");
    assert!(actions.iter().any(|(a, o)| a == "files.download" && o != "allowed"), "{actions:?}");
}

#[tokio::test]
async fn files_are_checked_by_content_size_and_count() {
    let deployment = desk().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "desk", &anna.auth).await;
    let files = Files { world };
    let ticket = files.ticket(&anna.auth, "staff").await;
    let to_ticket = format!("/tickets/{ticket}/files");
    let attach = |form: Form| files.post_form(&to_ticket, &anna.auth, form);

    // What the guest is told: the type by content, whatever the name says.
    let form = Form::new().text("t", "x").part("photo", part(pdf(), "scan.png", "image/png"));
    let (status, seen) = files.post_form("/uploads", &anna.auth, form).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["uploads"][0]["type"], "application/pdf", "{seen}");
    assert_eq!(seen["body"], "t=x", "{seen}");
    // A file input left empty is no upload at all.
    let form = Form::new().text("t", "y").part("photo", Part::bytes(Vec::new()).file_name(""));
    let (status, seen) = files.post_form("/uploads", &anna.auth, form).await;
    assert_eq!((status, &seen["uploads"]), (200, &json!([])), "{seen}");

    let refusals: Vec<(Part, u16, &str)> = vec![
        (part(pdf(), "scan.png", "image/png"), 400, "a PDF named as a PNG"),
        (part(png(100), "photo.png", "application/pdf"), 400, "a PNG the browser calls a PDF"),
        (part(POLYGLOT.to_vec(), "photo.jpg", "image/jpeg"), 400, "a JPEG that is also markup"),
        (part(b"<script>alert(1)</script>".to_vec(), "page.png", "image/png"), 400, "markup"),
        (part(b"GIF89a......".to_vec(), "anim.gif", "image/gif"), 400, "a type the manifest does not take"),
        (part(png((1 << 20) + 1), "huge.png", "image/png"), 429, "over the manifest's 1 MiB"),
    ];
    for (file, status, what) in refusals {
        let (got, answer) = attach(Form::new().part("photo", file)).await;
        assert_eq!(got, status, "{what}: {answer}");
    }
    let nothing = files.json(200, Method::GET, &format!("/tickets/{ticket}/files"), &anna.auth, None).await;
    assert_eq!(nothing["items"], json!([]), "nothing refused was kept: {nothing}");

    // Three files a ticket, as the manifest says; the fourth is refused.
    let form = Form::new()
        .part("a", part(png(1), "1.png", "image/png"))
        .part("b", part(png(2), "2.png", "image/png"))
        .part("c", part(pdf(), "3.pdf", "application/pdf"));
    assert_eq!(attach(form).await.0, 201);
    let (status, answer) = attach(Form::new().part("d", part(png(4), "4.png", "image/png"))).await;
    assert_eq!(status, 429, "{answer}");
    assert!(answer.to_string().contains("at most 3"), "{answer}");
    // More parts than a document may carry are refused before the guest runs.
    let form = (0..4).fold(Form::new(), |form, n| form.part(format!("p{n}"), part(png(n), "p.png", "image/png")));
    let (status, _) = files.post_form("/uploads", &anna.auth, form).await;
    assert_eq!(status, 400);

    // A PDF is offered as a download, not shown.
    let listed = files.json(200, Method::GET, &format!("/tickets/{ticket}/files"), &anna.auth, None).await;
    let pdf_link = listed["items"][2]["link"].as_str().unwrap().to_owned();
    let (_, headers, bytes) = files.download(&pdf_link, &anna.auth).await;
    assert_eq!(bytes, pdf());
    assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment;"), "{headers:?}");
}

#[tokio::test]
async fn content_is_kept_once_and_goes_with_the_last_file_that_uses_it() {
    let deployment = desk().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    let manager = world.staff("mia", "acme", "property-manager", Some("elm-5")).await;
    node.wait_for_app(&world.client, "desk", &anna.auth).await;
    let files = Files { world };
    let first = files.ticket(&anna.auth, "staff").await;
    let second = files.ticket(&anna.auth, "staff").await;
    let photo = png(70_000);
    let mut links = Vec::new();
    for ticket in [&first, &second] {
        let form = Form::new().part("photo", part(photo.clone(), "same.png", "image/png"));
        let (status, attached) = files.post_form(&format!("/tickets/{ticket}/files"), &anna.auth, form).await;
        assert_eq!(status, 201, "{attached}");
        links.push(attached["files"][0]["link"].as_str().unwrap().to_owned());
    }
    let stored = || async {
        let pool = deployment.pool().await;
        let files: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM files").fetch_one(&pool).await.unwrap();
        let contents = match &deployment.database_url {
            Some(_) => sqlx::query_scalar::<_, i64>("SELECT COUNT(DISTINCT sha256) FROM file_chunks")
                .fetch_one(&pool)
                .await
                .unwrap() as usize,
            None => blobs(&deployment.data_dir.path().join("files")),
        };
        (files, contents)
    };
    assert_eq!(stored().await, (2, 1), "two files, one content");

    // Staff may not delete a resident's file on a ticket they cannot change
    // for her... but they may change staff-visible tickets, so they can.
    // The resident deletes one file; the other ticket still shows it.
    let listed = files.json(200, Method::GET, &format!("/tickets/{first}/files"), &anna.auth, None).await;
    let id = listed["items"][0]["id"].as_str().unwrap().to_owned();
    files.json(204, Method::DELETE, &format!("/files/{id}"), &anna.auth, None).await;
    assert_eq!(files.download(&links[0], &anna.auth).await.0, 404);
    assert_eq!(files.download(&links[1], &manager.auth).await.2, photo);
    assert_eq!(stored().await, (1, 1));

    // Deleting the ticket takes its file, and the content nobody uses.
    files.json(204, Method::DELETE, &format!("/tickets/{second}"), &anna.auth, None).await;
    assert_eq!(files.download(&links[1], &anna.auth).await.0, 404);
    assert_eq!(stored().await, (0, 0));
}

/// Content files under `dir` (two-letter folders of SHA-256 names).
fn blobs(dir: &std::path::Path) -> usize {
    let Ok(folders) = std::fs::read_dir(dir) else { return 0 };
    folders
        .flatten()
        .filter_map(|folder| std::fs::read_dir(folder.path()).ok())
        .flat_map(|entries| entries.flatten())
        .filter(|entry| entry.file_name().len() == 64)
        .count()
}

#[tokio::test]
async fn a_contract_0_1_app_gets_the_form_as_it_was_sent() {
    let deployment = Deployment::new().await;
    deployment.install_ok(NOTES_0_1_WASM, fixture_manifest("notes"));
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let anna = world.resident_person("anna", "acme", "elm-5").await;
    node.wait_for_app(&world.client, "notes", &anna.auth).await;
    world.approve("acme", "notes", None).await;
    world.consent(&anna.auth, "notes", None).await;
    let form = Form::new().part("photo", part(png(10), "p.png", "image/png"));
    let (name, value) = &anna.auth;
    let response = world
        .client
        .post(node.url("/apps/notes/notes"))
        .header(*name, value.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    // The 0.1 guest parses the body as JSON and refuses it; it is not a 5xx.
    assert_eq!(response.status().as_u16(), 400);
}
