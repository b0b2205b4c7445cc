//! Invariant 8: a write acknowledged with 2xx survives SIGKILL and restart,
//! with its content and its audit entry, and the audit chain still verifies.

use std::sync::{Arc, Mutex};

use crate::support::*;
use serde_json::json;
use tokio::sync::watch;

#[tokio::test]
async fn acknowledged_posts_survive_sigkill_mid_stream() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let (name, value) = World::new(&deployment, &node).resident("alice", "acme", "elm-5").await;

    // Writers post as fast as they can; the node is killed while they do,
    // once enough writes were acknowledged.
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let (count, mut counted) = watch::channel(0usize);
    let count = Arc::new(count);
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (client, url, value, acknowledged, count) = (
                client.clone(),
                node.url("/apps/pinboard/posts"),
                value.clone(),
                Arc::clone(&acknowledged),
                Arc::clone(&count),
            );
            tokio::spawn(async move {
                for n in 0.. {
                    let title = format!("Writer {writer} notice {n}");
                    let sent = client
                        .post(&url)
                        .header(name, value.clone())
                        .json(&json!({ "title": title, "body": "kept" }))
                        .send()
                        .await;
                    let Ok(response) = sent else { break };
                    if response.status() != 201 {
                        break;
                    }
                    let Ok(body) = response.json::<serde_json::Value>().await else { break };
                    let mut acknowledged = acknowledged.lock().unwrap();
                    acknowledged.push((body["id"].as_str().unwrap().to_owned(), title));
                    count.send_replace(acknowledged.len());
                }
            })
        })
        .collect();
    counted.wait_for(|acknowledged| *acknowledged >= 40).await.unwrap();
    node.kill();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 10, "only {} writes went through before the kill", acknowledged.len());

    // The chain verifies after the kill, and every acknowledged post has its entry.
    let verified = deployment.cli(&["audit", "verify"]);
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
    let pool = deployment.pool().await;
    for (id, _) in &acknowledged {
        let entries: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_entries WHERE action = 'collections.insert' AND resource_id = $1",
        )
        .bind(format!("posts/{id}"))
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(entries, 1, "post {id} was acknowledged without its audit entry");
    }

    let node = deployment.start();
    for (id, title) in &acknowledged {
        let response = client.get(node.url(&format!("/apps/pinboard/posts/{id}"))).header(name, value.clone()).send();
        let response = response.await.unwrap();
        assert_eq!(response.status(), 200, "post {id} was acknowledged, then lost");
        let post: serde_json::Value = response.json().await.unwrap();
        assert_eq!(post["data"]["title"].as_str().or(post["title"].as_str()), Some(title.as_str()), "{post}");
    }
}

/// Makes the audit store refuse new entries, as a full disk or a broken
/// database would, or lets it accept them again.
async fn audit_store_refuses(deployment: &Deployment, refuses: bool) {
    let pool = deployment.pool().await;
    let statements: &[&str] = match (deployment.database_url.is_some(), refuses) {
        (false, true) => &["CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_entries BEGIN \
                            SELECT RAISE(ABORT, 'the audit store is unavailable'); END"],
        (false, false) => &["DROP TRIGGER audit_refuses"],
        (true, true) => &[
            "CREATE FUNCTION audit_refuses() RETURNS trigger AS $$ BEGIN \
             RAISE EXCEPTION 'the audit store is unavailable'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_refuses()",
        ],
        (true, false) => &["DROP TRIGGER audit_refuses ON audit_entries", "DROP FUNCTION audit_refuses()"],
    };
    for statement in statements {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
}

#[tokio::test]
async fn nothing_is_acknowledged_while_its_audit_entry_cannot_be_written() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let (name, value) = World::new(&deployment, &node).resident("alice", "acme", "elm-5").await;
    let post = |title: &'static str| {
        client
            .post(node.url("/apps/pinboard/posts"))
            .header(name, value.clone())
            .json(&json!({ "title": title, "body": "" }))
    };
    assert_eq!(post("Before").send().await.unwrap().status(), 201);

    audit_store_refuses(&deployment, true).await;
    // An app's write and a person's API write: neither is acknowledged.
    let refused = post("While the log is down").send().await.unwrap();
    assert_eq!(refused.status(), 503);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "audit_unavailable", "{body}");
    let renamed = client
        .patch(node.url("/api/me"))
        .header(name, value.clone())
        .json(&json!({ "name": "Alice Unlogged" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 503, "{}", renamed.text().await.unwrap());

    audit_store_refuses(&deployment, false).await;
    // The writer recovers by itself, and the chain still verifies.
    assert_eq!(post("After").send().await.unwrap().status(), 201);
    let verified = deployment.cli(&["audit", "verify"]);
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
}
