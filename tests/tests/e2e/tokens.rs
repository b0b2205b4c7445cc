//! Access tokens under attack: every forged, altered or stale token answers
//! 401, while a correctly made one (proving the forging here is sound) works.

use crate::support::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};

const SECRET_A: &str = "first key: at least thirty-two bytes long!";
const SECRET_B: &str = "second key, also thirty-two bytes or more";

fn keys(signing: &str, keys: &[(&str, &str)]) -> String {
    let mut config = format!("[auth]\nsigning_key = {signing:?}\n");
    for (kid, secret) in keys {
        config.push_str(&format!("[[auth.keys]]\nkid = {kid:?}\nsecret = {secret:?}\n"));
    }
    config
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

fn sign(secret: &str, input: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// A token with `header` and `claims`, HMAC-signed with `secret`.
fn forge(header: &Value, claims: &Value, secret: &str) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let signature = sign(secret, &input);
    format!("{input}.{signature}")
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

async fn status_with(world: &World<'_>, token: &str) -> u16 {
    let auth = ("authorization", format!("Bearer {token}"));
    world.call(Method::GET, "/api/me", Some(&auth), None).await.0.as_u16()
}

#[tokio::test]
async fn forged_altered_and_stale_tokens_answer_401() {
    let deployment = Deployment::with_config(&keys("a", &[("a", SECRET_A)])).await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let (_, real) = world.resident("alice", "acme", "elm-5").await;
    let real = real.strip_prefix("Bearer ").unwrap().to_owned();
    assert_eq!(status_with(&world, &real).await, 200);
    let claims = claims_of(&real);
    let header = json!({ "alg": "HS256", "typ": "JWT", "kid": "a" });

    // The control: a token made here the way the server makes them works.
    let mut fresh = claims.clone();
    fresh["exp"] = json!(now() + 300);
    assert_eq!(status_with(&world, &forge(&header, &fresh, SECRET_A)).await, 200, "the forging here is sound");

    let with = |key: &str, value: Value| {
        let mut changed = fresh.clone();
        changed[key] = value;
        changed
    };
    let mut without_exp = fresh.clone();
    without_exp.as_object_mut().unwrap().remove("exp");
    let none_header = json!({ "alg": "none", "typ": "JWT", "kid": "a" });
    let unsigned = format!("{}.{}.", b64(&none_header), b64(&fresh));
    let mut flipped = real.clone().into_bytes();
    let payload_at = real.find('.').unwrap() + 5;
    flipped[payload_at] = if flipped[payload_at] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();

    let attacks: Vec<(&str, String)> = vec![
        ("alg none", unsigned),
        ("alg none, signed anyway", forge(&none_header, &fresh, SECRET_A)),
        ("HS/RS confusion", forge(&json!({ "alg": "RS256", "typ": "JWT", "kid": "a" }), &fresh, SECRET_A)),
        ("another HMAC", forge(&json!({ "alg": "HS512", "typ": "JWT", "kid": "a" }), &fresh, SECRET_A)),
        ("expired", forge(&header, &with("exp", json!(now() - 3600)), SECRET_A)),
        ("no exp", forge(&header, &without_exp, SECRET_A)),
        ("exp as a string", forge(&header, &with("exp", json!((now() + 300).to_string())), SECRET_A)),
        ("exp as garbage", forge(&header, &with("exp", json!("tomorrow")), SECRET_A)),
        ("wrong iss", forge(&header, &with("iss", json!("evil")), SECRET_A)),
        ("wrong aud", forge(&header, &with("aud", json!("another-service")), SECRET_A)),
        ("flipped payload bit", flipped),
        ("unknown kid", forge(&json!({ "alg": "HS256", "typ": "JWT", "kid": "z" }), &fresh, SECRET_A)),
        ("no kid", forge(&json!({ "alg": "HS256", "typ": "JWT" }), &fresh, SECRET_A)),
        ("wrong secret", forge(&header, &fresh, SECRET_B)),
        ("another user's id", forge(&header, &with("sub", json!(uuid::Uuid::new_v4().to_string())), SECRET_A)),
        ("a made-up session", forge(&header, &with("sid", json!(uuid::Uuid::new_v4().to_string())), SECRET_A)),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (attack, token) in attacks {
        let auth = ("authorization", format!("Bearer {token}"));
        let (status, body) = world.call(Method::GET, "/api/me", Some(&auth), None).await;
        assert_eq!(status, 401, "{attack}: {body}");
        assert_eq!(body["error"]["code"], "unauthorized", "{attack}");
        let (status, _) = world.call(Method::GET, "/apps/pinboard/posts", Some(&auth), None).await;
        assert_eq!(status, 401, "{attack} on an app");
    }
}

#[tokio::test]
async fn old_keys_verify_until_retired_and_short_keys_stop_the_server() {
    let deployment = Deployment::with_config(&keys("a", &[("a", SECRET_A)])).await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let (_, old) = world.resident("alice", "acme", "elm-5").await;
    drop(world);
    drop(node);

    // Rotation: b signs now, a still verifies.
    let config = deployment.data_dir.path().join("courtyard.toml");
    let base = std::fs::read_to_string(&config).unwrap();
    let base = &base[..base.find("[auth]").unwrap()];
    std::fs::write(&config, format!("{base}{}", keys("b", &[("a", SECRET_A), ("b", SECRET_B)]))).unwrap();
    let node = deployment.start();
    let world = World::new(&deployment, &node);
    let auth = ("authorization", old.clone());
    assert_eq!(world.call(Method::GET, "/api/me", Some(&auth), None).await.0, 200, "a token of the old key");
    let (new, _) = world.login("alice@residents.example", PASSWORD).await;
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD.decode(new.1.strip_prefix("Bearer ").unwrap().split('.').next().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(header["kid"], "b");
    assert_eq!(header["alg"], "HS256");
    drop(world);
    drop(node);

    // Retired: a is gone, its tokens stop working.
    std::fs::write(&config, format!("{base}{}", keys("b", &[("b", SECRET_B)]))).unwrap();
    let node = deployment.start();
    let world = World::new(&deployment, &node);
    assert_eq!(world.call(Method::GET, "/api/me", Some(&auth), None).await.0, 401, "the retired key's token");
    assert_eq!(world.call(Method::GET, "/api/me", Some(&new), None).await.0, 200);
    drop(world);
    drop(node);

    std::fs::write(&config, format!("{base}{}", keys("s", &[("s", "only thirty-one bytes long.....")]))).unwrap();
    let refused = deployment.cli(&["serve"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("shorter than 32 bytes"), "{stderr}");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_replayed_one_ends_the_session() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    world.resident("alice", "acme", "elm-5").await;
    let login = world
        .expect(
            200,
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": "alice@residents.example", "password": PASSWORD })),
        )
        .await;
    let first = login["refresh_token"].as_str().unwrap().to_owned();
    let rotated =
        world.expect(200, Method::POST, "/api/auth/refresh", None, Some(json!({ "refresh_token": first }))).await;
    let second = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    let access = ("authorization", format!("Bearer {}", rotated["access_token"].as_str().unwrap()));
    assert_eq!(world.call(Method::GET, "/api/me", Some(&access), None).await.0, 200);

    // The first token again: someone kept a copy. The whole session ends.
    let (status, _) =
        world.call(Method::POST, "/api/auth/refresh", None, Some(json!({ "refresh_token": first }))).await;
    assert_eq!(status, 401);
    let (status, _) =
        world.call(Method::POST, "/api/auth/refresh", None, Some(json!({ "refresh_token": second }))).await;
    assert_eq!(status, 401, "the thief's replay ended the session for the current token too");
    assert_eq!(world.call(Method::GET, "/api/me", Some(&access), None).await.0, 401);
}

#[tokio::test]
async fn logout_ends_the_session_for_tokens_and_cookies() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let mut world = World::new(&deployment, &node);
    let alice = world.resident("alice", "acme", "elm-5").await;
    assert_eq!(world.call(Method::GET, "/api/me", Some(&alice), None).await.0, 200);
    world.expect(204, Method::POST, "/api/auth/logout", Some(&alice), None).await;
    assert_eq!(world.call(Method::GET, "/api/me", Some(&alice), None).await.0, 401);

    // A browser session: an HttpOnly, SameSite cookie instead of a token.
    let response = world
        .client
        .post(node.url("/api/auth/login"))
        .json(&json!({ "email": "alice@residents.example", "password": PASSWORD, "session": "browser" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let body: Value = response.json().await.unwrap();
    assert!(body["access_token"].is_null(), "a browser session never sees a token");
    let cookie = ("cookie", set_cookie.split(';').next().unwrap().to_owned());
    let posts = world.call(Method::GET, "/apps/pinboard/posts", Some(&cookie), None).await;
    assert_eq!(posts.0, 200, "{}", posts.1);

    // Cross-site writes with the cookie are refused; same-site ones work.
    let cross = world
        .client
        .post(node.url("/apps/pinboard/posts"))
        .header(cookie.0, cookie.1.clone())
        .header("origin", "https://evil.example")
        .json(&json!({ "title": "forged", "body": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    // So is one that names no origin at all: nothing says it came from us.
    let logout = |origin: Option<&str>| {
        let mut request = world.client.post(node.url("/api/auth/logout")).header(cookie.0, cookie.1.clone());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let unnamed = logout(None).await.unwrap();
    assert_eq!(unnamed.status(), 403);
    assert_eq!(unnamed.json::<Value>().await.unwrap()["error"]["code"], "cross_site");
    assert_eq!(world.call(Method::GET, "/api/me", Some(&cookie), None).await.0, 200, "still signed in");
    assert_eq!(logout(Some(&node.base)).await.unwrap().status(), 204);
    assert_eq!(world.call(Method::GET, "/api/me", Some(&cookie), None).await.0, 401);
}
