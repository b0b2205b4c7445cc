//! Master-data import: JSON or CSV keyed by the source system's external_id,
//! idempotent, with every bad record reported and the rest imported.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn import(world: &World<'_>, customer: &str, auth: &Auth, content_type: &str, body: String) -> (u16, Value) {
    let response = world
        .client
        .post(world.node.url(&format!("/api/customers/{customer}/import")))
        .header(auth.0, auth.1.clone())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_json_import_is_idempotent_and_updates_what_changed() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let acme = world.customer("acme").await;
    let data = json!({
        "properties": [
            { "external_id": "P-1", "name": "Elm Court", "street": "Elm Street 5", "postal_code": "8000", "city": "Zurich", "country": "CH" },
            { "external_id": "P-2", "name": "Oak House", "street": "Oak Road 1", "postal_code": "8001", "city": "Zurich", "country": "CH" }
        ],
        "units": [
            { "external_id": "U-1", "property": "P-1", "kind": "flat", "label": "1.1", "floor": "1" },
            { "external_id": "U-2", "property": "P-1", "kind": "parking-space", "label": "PP 7" },
            { "external_id": "U-3", "property": "P-2", "kind": "common-room", "label": "Laundry" }
        ],
        "occupancies": [
            { "external_id": "O-1", "unit": "U-1", "starts_on": "2023-05-01" },
            { "external_id": "O-2", "unit": "U-2", "starts_on": "2023-05-01", "ends_on": "2026-01-01" }
        ]
    });
    let (status, first) = import(&world, &acme.id, &acme.admin, "application/json", data.to_string()).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!((first["created"].as_u64(), first["updated"].as_u64()), (Some(7), Some(0)), "{first}");
    assert_eq!(first["rejected"], json!([]));

    let (_, again) = import(&world, &acme.id, &acme.admin, "application/json", data.to_string()).await;
    assert_eq!(
        (again["created"].as_u64(), again["updated"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(0), Some(7))
    );
    let properties = world
        .expect(200, Method::GET, &format!("/api/customers/{}/properties", acme.id), Some(&acme.admin), None)
        .await;
    assert_eq!(properties["items"].as_array().unwrap().len(), 2, "re-importing the same file changes nothing");

    let mut changed = data.clone();
    changed["occupancies"][0]["ends_on"] = json!("2027-01-01");
    changed["properties"][1]["name"] = json!("Oak House (renovated)");
    let (_, third) = import(&world, &acme.id, &acme.admin, "application/json", changed.to_string()).await;
    assert_eq!((third["updated"].as_u64(), third["unchanged"].as_u64()), (Some(2), Some(5)), "{third}");

    // Another customer's admin cannot import into acme, and acme's ids are
    // acme's: the same external ids elsewhere are separate records.
    let other = world.customer("other-co").await;
    let (status, _) = import(&world, &acme.id, &other.admin, "application/json", data.to_string()).await;
    assert_eq!(status, 404);
    let (_, theirs) = import(&world, &other.id, &other.admin, "application/json", data.to_string()).await;
    assert_eq!(theirs["created"].as_u64(), Some(7));
    // A resident cannot import at all.
    let alice = world.resident("alice", "acme", "elm-5").await;
    let (status, _) = import(&world, &acme.id, &alice, "application/json", data.to_string()).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_csv_import_reports_every_bad_row_and_imports_the_rest() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let acme = world.customer("acme").await;
    let csv = "\
record,external_id,name,street,postal_code,city,country,property,kind,label,floor,unit,starts_on,ends_on
property,P-1,Elm Court,Elm Street 5,8000,Zurich,CH,,,,,,,
property,P-2,,Oak Road 1,8001,Zurich,CH,,,,,,,
property,P-3,Birch,Birch Lane 2,8002,Zurich,Switzerland,,,,,,,
unit,U-1,,,,,,P-1,flat,1.1,1,,,
unit,U-2,,,,,,P-9,flat,1.2,,,,
unit,U-3,,,,,,P-1,castle,Keep,,,,
occupancy,O-1,,,,,,,,,,U-1,2023-05-01,
occupancy,O-2,,,,,,,,,,U-1,2023-02-30,
occupancy,O-3,,,,,,,,,,U-1,2024-01-01,2023-01-01
garage,G-1,,,,,,,,,,,,
unit,U-4,,,,,,P-1,flat,2.1,2,,,,extra
";
    let (status, report) = import(&world, &acme.id, &acme.admin, "text/csv", csv.to_owned()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"].as_u64(), Some(3), "{report}");
    let rejected: Vec<(u64, String)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["position"].as_u64().unwrap(), r["reason"].as_str().unwrap().to_owned()))
        .collect();
    let lines: Vec<u64> = rejected.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [3, 4, 6, 7, 9, 10, 11, 12], "{report}");
    let reason = |line: u64| rejected.iter().find(|(l, _)| *l == line).unwrap().1.clone();
    assert!(reason(3).contains("`name` must not be empty"), "{}", reason(3));
    assert!(reason(4).contains("country"), "{}", reason(4));
    assert!(reason(6).contains("no property with external_id `P-9`"), "{}", reason(6));
    assert!(reason(7).contains("`kind` must be one of"), "{}", reason(7));
    assert!(reason(9).contains("YYYY-MM-DD"), "{}", reason(9));
    assert!(reason(10).contains("after `starts_on`"), "{}", reason(10));
    assert!(reason(11).contains("record"), "{}", reason(11));
    assert!(reason(12).contains("unreadable row"), "{}", reason(12));

    let (status, body) = import(&world, &acme.id, &acme.admin, "text/csv", "name\nx\n".to_owned()).await;
    assert_eq!(status, 422, "{body}");
    // A column the description does not list is refused by name, not ignored.
    let misspelt = "record,external_id,name,street,postcode,city,country\nproperty,P-7,Ash,Ash Row 1,8003,Zurich,CH\n";
    let (status, body) = import(&world, &acme.id, &acme.admin, "text/csv", misspelt.to_owned()).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("`postcode`"), "{body}");
    // Past the import's size (16 MiB): 413, like every body that is too
    // large, answered from the announced length before a byte of it is read.
    let answer =
        announce_body(&world, &format!("/api/customers/{}/import", acme.id), &acme.admin, (16 << 20) + 1).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");
    let (status, _) = import(&world, &acme.id, &acme.admin, "application/xml", "<x/>".to_owned()).await;
    assert_eq!(status, 415);
    let (status, _) = import(&world, &acme.id, &acme.admin, "application/json", "{\"units\": 5}".to_owned()).await;
    assert_eq!(status, 422);
}

/// Sends only the headers of a CSV import announcing `length` bytes, and
/// answers what the server says to that.
async fn announce_body(world: &World<'_>, path: &str, auth: &Auth, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let url = reqwest::Url::parse(&world.node.url(path)).unwrap();
    let mut socket = tokio::net::TcpStream::connect((url.host_str().unwrap(), url.port().unwrap())).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {}\r\n{}: {}\r\ncontent-type: text/csv\r\ncontent-length: {length}\r\n\r\n",
        url.authority(),
        auth.0,
        auth.1
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 4096];
    let read =
        tokio::time::timeout(std::time::Duration::from_secs(10), socket.read(&mut answer)).await.unwrap().unwrap();
    String::from_utf8_lossy(&answer[..read]).into_owned()
}
