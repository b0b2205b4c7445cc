//! Invariant 8: a write acknowledged with 2xx survives SIGKILL and restart.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn acknowledged_posts_survive_sigkill_mid_stream() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();
    let (name, value) = World::new(&deployment, &node).resident("alice", "acme", "elm-5").await;

    // Writers post as fast as they can; the node is killed while they do.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (client, url, value, acknowledged) =
                (client.clone(), node.url("/apps/pinboard/posts"), value.clone(), Arc::clone(&acknowledged));
            tokio::spawn(async move {
                for n in 0.. {
                    let sent = client
                        .post(&url)
                        .header(name, value.clone())
                        .json(&json!({ "title": format!("Writer {writer} notice {n}"), "body": "" }))
                        .send()
                        .await;
                    let Ok(response) = sent else { break };
                    if response.status() != 201 {
                        break;
                    }
                    let Ok(body) = response.json::<serde_json::Value>().await else { break };
                    acknowledged.lock().unwrap().push(body["id"].as_str().unwrap().to_owned());
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    node.kill();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 10, "only {} writes went through before the kill", acknowledged.len());

    let node = deployment.start();
    for id in &acknowledged {
        let response = client.get(node.url(&format!("/apps/pinboard/posts/{id}"))).header(name, value.clone()).send();
        assert_eq!(response.await.unwrap().status(), 200, "post {id} was acknowledged, then lost");
    }
}
