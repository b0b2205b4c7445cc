//! With an SMTP server configured, mail leaves over SMTP (here to a small
//! SMTP server of the test's own) and nothing is written to the folder.

use crate::support::*;
use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// Accepts SMTP sessions and hands every received message to the channel.
async fn smtp_server() -> (u16, mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") {
                        b"250-test\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("DATA") {
                        write.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut message = String::new();
                        while let Ok(Some(line)) = lines.next_line().await {
                            if line == "." {
                                break;
                            }
                            message.push_str(&line);
                            message.push('\n');
                        }
                        let _ = tx.send(message);
                        b"250 queued\r\n"
                    } else if command.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn with_smtp_configured_mail_is_sent_over_smtp() {
    let (port, mut received) = smtp_server().await;
    let deployment = Deployment::with_config(&format!(
        "[mail]\nsmtp_url = \"smtp://127.0.0.1:{port}\"\nfrom = \"Acme Homes <courtyard@acme.example>\"\n"
    ))
    .await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    world.customer("acme").await;
    world
        .expect(202, Method::POST, "/api/auth/password-reset", None, Some(json!({ "email": "admin@acme.example" })))
        .await;
    let message = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv())
        .await
        .expect("a message within 10 s")
        .expect("a message");
    assert!(message.contains("Subject: Reset your password"), "{message}");
    assert!(message.contains("To: admin@acme.example"), "{message}");
    assert!(message.contains("From: \"Acme Homes\" <courtyard@acme.example>"), "{message}");
    assert!(message.contains("reset"), "{message}");
    assert!(deployment.mails_to("admin@acme.example").is_empty(), "nothing goes to the folder");
}

#[tokio::test]
async fn the_database_and_the_outbox_are_private_to_the_host() {
    use std::os::unix::fs::PermissionsExt;
    let deployment = Deployment::new().await;
    let node = deployment.start();
    // A resident signs up: the database holds a password hash, the outbox a
    // sign-in link.
    World::new(&deployment, &node).resident("alice", "acme", "elm-5").await;
    let data = deployment.data_dir.path();
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(data), 0o700, "the data directory");
    assert_eq!(mode(&data.join("mail")), 0o700, "the outbox");
    let mails: Vec<_> = std::fs::read_dir(data.join("mail")).unwrap().map(|entry| entry.unwrap().path()).collect();
    assert!(!mails.is_empty());
    for mail in &mails {
        assert_eq!(mode(mail), 0o600, "{mail:?}");
    }
    // Each mail in the outbox is a complete message, as SMTP would carry it.
    let text = std::fs::read_to_string(&mails[0]).unwrap();
    for header in ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Message-ID: <", "Date: "] {
        assert!(text.lines().any(|line| line.starts_with(header)), "`{header}` in:\n{text}");
    }
    assert!(text.contains("Content-Transfer-Encoding: 8bit"), "links stay whole lines: {text}");
    if deployment.database_url.is_none() {
        for file in ["courtyard.db", "courtyard.db-wal"] {
            assert_eq!(mode(&data.join(file)), 0o600, "{file}");
        }
    }
}

#[tokio::test]
async fn mails_speak_the_language_of_the_person_they_go_to() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let (code, _, _) = world.activation_code("greta", "acme", "elm-5").await;
    let signup = json!({
        "name": "Greta", "email": "greta@example.org", "password": PASSWORD, "activation_code": code, "locale": "de-CH"
    });
    world.expect(201, Method::POST, "/api/auth/signup", None, Some(signup)).await;
    let mail = deployment.wait_for_mail("greta@example.org", "Bestätige deine E-Mail-Adresse").await;
    assert!(mail.contains("Hallo Greta") && mail.contains("bitte bestätige deine E-Mail-Adresse"), "{mail}");
    let token = link_parameter(&mail, "token").expect("the link");
    assert!(mail.lines().any(|line| line.trim().ends_with(&format!("/account/verify?token={token}"))), "{mail}");
    world
        .expect(202, Method::POST, "/api/auth/password-reset", None, Some(json!({ "email": "greta@example.org" })))
        .await;
    let reset = deployment.wait_for_mail("greta@example.org", "Setze dein Passwort zurück").await;
    assert!(reset.contains("jemand möchte dein Courtyard-Passwort zurücksetzen"), "{reset}");

    // The same mails in English for someone whose language is English.
    world
        .expect(202, Method::POST, "/api/auth/password-reset", None, Some(json!({ "email": "admin@acme.example" })))
        .await;
    let english = deployment.wait_for_mail("admin@acme.example", "Reset your password").await;
    assert!(english.contains("someone asked to reset your Courtyard password"), "{english}");
}
