//! Install-time validation: only real components whose imports the manifest
//! covers get into the catalog, and every refusal names what is wrong.

use crate::support::*;

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_refused(output: &std::process::Output, needle: &str) {
    assert!(!output.status.success(), "install should have been refused");
    let text = stderr(output);
    assert!(text.contains(needle), "expected `{needle}` in:\n{text}");
}

#[tokio::test]
async fn garbage_core_modules_and_broken_components_are_refused() {
    let deployment = Deployment::new().await;
    let dir = deployment.data_dir.path();
    let manifest = fixture_manifest("echo");

    std::fs::write(dir.join("garbage.wasm"), b"#!/bin/sh\nrm -rf /\n").unwrap();
    assert_refused(&deployment.install(dir.join("garbage.wasm"), &manifest), "not a WebAssembly component");

    // The smallest valid core module: magic and version, nothing else.
    std::fs::write(dir.join("core.wasm"), b"\0asm\x01\0\0\0").unwrap();
    assert_refused(&deployment.install(dir.join("core.wasm"), &manifest), "core WebAssembly module, not a component");

    let mut truncated = std::fs::read(ECHO_WASM).unwrap();
    truncated.truncate(truncated.len() / 2);
    std::fs::write(dir.join("truncated.wasm"), &truncated).unwrap();
    assert_refused(&deployment.install(dir.join("truncated.wasm"), &manifest), "the component is invalid");

    let list = deployment.cli(&["app", "list"]);
    assert!(list.status.success(), "{}", stderr(&list));
    assert!(!String::from_utf8_lossy(&list.stdout).contains("echo"), "nothing refused may be listed");
}

#[tokio::test]
async fn imports_outside_the_platform_or_the_manifest_are_refused_by_name() {
    let deployment = Deployment::new().await;
    let undeclared = deployment.manifest("notes-undeclared", &manifest_text("notes-copy", "0.1.0", "third-party", ""));
    assert_refused(
        &deployment.install(NOTES_WASM, &undeclared),
        "imports `courtyard:platform/collections@0.2.1` but the manifest asks for no capability that covers it \
         (needs `collections.read` or `collections.write`)",
    );
    // A component built against 0.1.0 is held to its manifest the same way.
    assert_refused(
        &deployment.install(NOTES_0_1_WASM, &undeclared),
        "imports `courtyard:platform/collections@0.1.0` but the manifest asks for no capability that covers it",
    );
    // Declaring everything but outbound HTTP is not enough for a component that imports it.
    let capabilities = "[[capabilities]]\nkind = \"profile.read\"\nfields = [\"email\"]\npurpose = \"p\"\n\
                        [[capabilities]]\nkind = \"collections.write\"\ncollections = [\"notes\"]\npurpose = \"p\"\n\
                        [[capabilities]]\nkind = \"notifications.send\"\npurpose = \"p\"\n";
    let no_http =
        deployment.manifest("overreach-no-http", &manifest_text("overreach", "0.1.0", "third-party", capabilities));
    assert_refused(&deployment.install(OVERREACH_WASM, &no_http), "imports `courtyard:platform/outbound-http@0.2.1`");
    assert_refused(&deployment.install(ESCAPE_WASM, fixture_manifest("escape")), "`wasi:filesystem/");
}

#[tokio::test]
async fn manifests_with_missing_or_unknown_fields_are_refused() {
    let deployment = Deployment::new().await;
    let complete = manifest_text("echo", "0.1.0", "third-party", "");
    let missing = deployment.manifest("missing", &complete.replace("kind = \"third-party\"\n", ""));
    assert_refused(&deployment.install(ECHO_WASM, &missing), "missing field `kind`");
    let unknown = deployment.manifest("unknown", &format!("filesystem = \"/\"\n{complete}"));
    assert_refused(&deployment.install(ECHO_WASM, &unknown), "unknown field `filesystem`");
    let bad_capability = deployment.manifest(
        "bad-capability",
        &format!("{complete}[[capabilities]]\nkind = \"sockets\"\npurpose = \"To open sockets.\"\n"),
    );
    assert_refused(&deployment.install(ECHO_WASM, &bad_capability), "unknown variant `sockets`");
    let no_policy =
        deployment.manifest("no-policy", &complete.replace("privacy_policy = \"https://tests.example/privacy\"\n", ""));
    assert_refused(&deployment.install(ECHO_WASM, &no_policy), "third-party apps must link their privacy policy");
}

#[tokio::test]
async fn an_installed_app_is_listed_and_served_by_a_running_node() {
    let deployment = Deployment::new().await;
    let node = deployment.start();
    let client = client();

    let installed = deployment.install(ECHO_WASM, fixture_manifest("echo"));
    assert!(installed.status.success(), "{}", stderr(&installed));
    assert!(String::from_utf8_lossy(&installed.stdout).starts_with("installed echo 0.1.0"));
    let again = deployment.install(ECHO_WASM, fixture_manifest("echo"));
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("already installed echo 0.1.0"));

    // Same id and version, different component: a version names one build.
    assert_refused(
        &deployment.install(
            HOSTILE_WASM,
            deployment.manifest(
                "echo-impostor",
                &manifest_text(
                    "echo",
                    "0.1.0",
                    "third-party",
                    "[[capabilities]]\nkind = \"collections.read\"\ncollections = [\"probe\"]\npurpose = \"p\"\n",
                ),
            ),
        ),
        "already installed with a different component",
    );

    let list = String::from_utf8_lossy(&deployment.cli(&["app", "list"]).stdout).into_owned();
    assert!(list.contains("echo") && list.contains("pinboard"), "{list}");

    let mut world = World::new(&deployment, &node);
    let (name, value) = world.resident("alice", "acme", "elm-5").await;
    node.wait_for_app(&client, "echo", &(name, value.clone())).await;
    world.enable_for("acme", "echo", &(name, value.clone())).await;
    let response =
        client.post(node.url("/apps/echo/some/path")).header(name, value.clone()).body("ping").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ping");
    let response = client.get(node.url("/apps/echo/some/path")).header(name, value).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), "/some/path");
}

#[tokio::test]
async fn a_restart_never_rolls_a_newer_core_app_back() {
    let deployment = Deployment::new().await;
    drop(deployment.start());
    let newer = deployment.manifest(
        "pinboard-newer",
        &std::fs::read_to_string(env!("CARGO_MANIFEST_DIR").to_owned() + "/../microapps/pinboard/courtyard.toml")
            .unwrap()
            .replace("version = \"0.2.1\"", "version = \"0.3.0\""),
    );
    let installed = deployment.install(PINBOARD_WASM, &newer);
    assert!(installed.status.success(), "{}", stderr(&installed));

    let node = deployment.start();
    let list = String::from_utf8_lossy(&deployment.cli(&["app", "list"]).stdout).into_owned();
    let pinboard = list.lines().find(|line| line.starts_with("pinboard")).unwrap().to_owned();
    assert!(pinboard.contains("0.3.0"), "{list}");
    let health: serde_json::Value = client().get(node.url("/healthz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
}

#[tokio::test]
async fn nodes_starting_together_on_one_database_all_come_up() {
    let deployment = Deployment::new().await;
    let nodes: Vec<Node> = std::thread::scope(|scope| {
        let starting: Vec<_> = (0..3).map(|_| scope.spawn(|| deployment.start())).collect();
        starting.into_iter().map(|node| node.join().unwrap()).collect()
    });
    let client = client();
    for node in &nodes {
        let health: serde_json::Value = client.get(node.url("/healthz")).send().await.unwrap().json().await.unwrap();
        // The core apps: pinboard, the service center, bookings, info,
        // the directory, neighbours, the marketplace and sharing.
        assert_eq!(health["apps"], 8, "{health}");
    }
}

#[tokio::test]
async fn a_third_party_app_cannot_pass_itself_off_as_the_platform_or_a_core_app() {
    let deployment = Deployment::new().await;
    let echo = std::fs::read_to_string(fixture_manifest("echo")).unwrap();
    for (what, from, to, needle) in [
        ("a core app's name", "name = \"Echo\"", "name = \"Pinboard\"", "name of a core app"),
        ("a look-alike of one", "name = \"Echo\"", "name = \"Pinb\u{043e}ard\"", "name of a core app"),
        ("the platform as vendor", "vendor = \"Fixture Works\"", "vendor = \"Courtyard\"", "reserved"),
        ("a right-to-left override", "vendor = \"Fixture Works\"", "vendor = \"Fixture \u{202e}skroW\"", "printable"),
        ("a zero-width space", "name = \"Echo\"", "name = \"Ec\u{200b}ho\"", "printable"),
    ] {
        assert!(echo.contains(from), "{from}");
        let manifest = deployment.manifest("impostor", &echo.replace(from, to));
        let output = deployment.install(ECHO_WASM, &manifest);
        assert!(!output.status.success(), "{what} must be refused");
        assert!(stderr(&output).contains(needle), "{what}: expected `{needle}` in:\n{}", stderr(&output));
    }
    let list = deployment.cli(&["app", "list"]);
    assert!(!String::from_utf8_lossy(&list.stdout).contains("echo"), "no impostor is listed");
}
