//! Clients that never finish a request, over raw sockets: each is cut off
//! by the host's own limits, and the connection cap keeps them from
//! crowding everyone else out for good.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::*;

/// The node's address, `127.0.0.1:PORT`.
fn address(node: &Node) -> String {
    node.base.trim_start_matches("http://").to_owned()
}

/// Sends `bytes`, then reads until the host closes the connection (or
/// `patience` runs out). Returns what came back and how long it took.
fn send_and_wait(address: &str, bytes: &[u8], patience: Duration) -> (String, Duration) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(patience)).unwrap();
    stream.write_all(bytes).unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
}

#[tokio::test]
async fn unfinished_headers_and_bodies_are_cut_off() {
    let deployment = Deployment::with_config("[http]\nheader_timeout_ms = 400\nbody_timeout_ms = 400\n").await;
    let node = deployment.start();
    let at = address(&node);
    let (answer, took) = tokio::task::spawn_blocking({
        let at = at.clone();
        move || send_and_wait(&at, b"GET /healthz HTTP/1.1\r\nHost: courtyard\r\nX-Never: ", Duration::from_secs(20))
    })
    .await
    .unwrap();
    assert!(took < Duration::from_secs(15), "headers that never end were cut off after {took:?}");
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");

    // Nine of a hundred announced bytes: the body read fails, the request is
    // answered with an error in the platform's shape, and the connection ends.
    let request = "POST /api/auth/login HTTP/1.1\r\nHost: courtyard\r\nContent-Type: application/json\r\n\
                   Content-Length: 100\r\n\r\n{\"email\":";
    let (answer, took) =
        tokio::task::spawn_blocking(move || send_and_wait(&at, request.as_bytes(), Duration::from_secs(20)))
            .await
            .unwrap();
    assert!(took < Duration::from_secs(15), "a stalled body was cut off after {took:?}");
    let status: u16 = answer.get(9..12).and_then(|code| code.parse().ok()).unwrap_or(0);
    assert!((400..500).contains(&status), "{answer}");
    assert!(answer.contains("\"error\""), "{answer}");

    // The node still serves everyone else.
    let health = client().get(node.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_one_closes() {
    let deployment = Deployment::with_config("[http]\nmax_connections = 2\nheader_timeout_ms = 60000\n").await;
    let node = deployment.start();
    let at = address(&node);
    // Two clients that connect and say nothing hold both slots.
    let idle: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(&at).unwrap()).collect();
    let quick = reqwest::Client::builder().timeout(Duration::from_millis(500)).build().unwrap();
    let refused = quick.get(node.url("/healthz")).send().await;
    assert!(refused.is_err(), "a third connection is not served while two hold the slots");
    drop(idle);
    // Once they are gone the next client is served.
    let served = client().get(node.url("/healthz")).send().await.unwrap();
    assert_eq!(served.status(), 200);
}
