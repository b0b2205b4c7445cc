//! Courtyard itself, as the benchmark drives it: a real server with embedded
//! SQLite in a temporary directory, the echo fixture installed as app `echo`,
//! the profile-reader fixture as `profile-reader`, and pinboard seeded with posts
//! by the benchmark caller. The cases that need more people add them straight
//! into the database: a property manager (staff of the core apps) and more
//! residents, each with an API session.
//!
//! ```ignore
//! let platform = runtime.block_on(Platform::start(ECHO_COMPONENT, PROFILE_COMPONENT))?;
//! platform.seed_pinboard(&generator, 20)?;
//! let manager = runtime.block_on(platform.staff())?;
//! ```

use std::net::SocketAddr;

use anyhow::Context;
use courtyard::config::Config;
use courtyard::identity::Role;
use courtyard::policy::Approval;
use courtyard::server::Server;
use courtyard::storage::{Address, Database, RoleAssignment, new_id, now_ms};
use http::{HeaderValue, StatusCode};
use tempfile::TempDir;
use tokio::sync::OnceCell;

use crate::caller;
use crate::load::{LoadGenerator, Target, snippet};

/// The manifest the echo fixture is installed with.
const ECHO_MANIFEST: &str = r#"id = "echo"
version = "0.1.0"
name = "Echo"
kind = "third-party"
vendor = "Benchmark Works"
description = "Answers every request with itself."
privacy_policy = "https://bench.courtyard.example/privacy"

[processing]
location = "EU/EEA"
"#;

/// What the profile app is installed with: one field it may read.
const PROFILE_MANIFEST: &str = r#"id = "profile-reader"
version = "0.1.0"
name = "Profile reader"
kind = "third-party"
vendor = "Benchmark Works"
description = "Reads the display name of the person using it."
privacy_policy = "https://bench.courtyard.example/privacy"

[processing]
location = "EU/EEA"

[[capabilities]]
kind = "profile.read"
fields = ["display-name"]
purpose = "To greet you by name."
"#;

/// The benchmark resident's display name, which case (e) reads.
pub const RESIDENT_NAME: &str = "Bench Resident";

/// The request case (e) sends: one consented profile field.
pub const PROFILE_PATH: &str = "/apps/profile-reader/";

/// Notifications the benchmark resident has, as home lists them.
pub const NOTIFICATIONS: usize = 8;

/// The customer approves both third-party apps and the resident consents,
/// the way the API records it.
async fn approve_and_consent(server: &Server, caller: &caller::BenchCaller) -> anyhow::Result<()> {
    let database = server.database();
    for (app, grants) in [("echo", vec![]), ("profile-reader", vec!["profile.read:display-name".to_owned()])] {
        let grants: std::collections::BTreeSet<String> = grants.into_iter().collect();
        database
            .save_approval(&Approval {
                customer_id: caller.customer.clone(),
                app_id: app.to_owned(),
                version: "0.1.0".to_owned(),
                grants: grants.clone(),
                all_properties: true,
                property_ids: Vec::new(),
                enabled: true,
                approved_by: None,
                approved_at: now_ms(),
            })
            .await?;
        database.record_consent(&caller.subject, app, "0.1.0", &grants, "benchmark", true).await?;
    }
    Ok(())
}

/// Creates a customer, a property, a flat with an occupancy and its resident,
/// and opens an API session for them.
async fn sign_in_resident(server: &Server) -> anyhow::Result<caller::BenchCaller> {
    let database = server.database();
    let customer = database.insert_customer("Bench Homes", true).await?;
    let address = Address {
        street: "Bench Street 1".to_owned(),
        postal_code: "8000".to_owned(),
        city: "Zurich".to_owned(),
        country: "CH".to_owned(),
    };
    let property = database.insert_property(&customer.id, None, "Bench Court", &address).await?;
    let unit = database.insert_unit(&property, None, "flat", "1.1", None).await?;
    let occupancy = database.insert_occupancy(&unit, None, "2020-01-01", None).await?;
    let user = database.insert_user("resident@bench.example", RESIDENT_NAME, "en", None, true).await?;
    database.add_occupant(&occupancy.id, &user.id).await?;
    let (session, _) = server.identity().open_session(&user.id, false).await?;
    let token = server.identity().access_token(&user.id, &session);
    let (_, browser_secret) = server.identity().open_session(&user.id, true).await?;
    let cookie = format!("{}={browser_secret}", server.identity().cookie_name());
    // Home lists the resident's notifications: a few, some of them read.
    for n in 0..NOTIFICATIONS {
        let title = format!("Notice {n}");
        let body = "The laundry room is closed on Monday morning for maintenance.";
        database
            .insert_notification(&user.id, &customer.id, &property.id, "echo", &title, body, Some("/"), 1_000)
            .await?;
    }
    Ok(caller::BenchCaller {
        subject: user.id,
        customer: customer.id,
        property: property.id,
        authorization: HeaderValue::from_str(&format!("Bearer {token}"))?,
        cookie: HeaderValue::from_str(&cookie)?,
    })
}

/// Someone signed in with an API session.
#[derive(Debug, Clone)]
pub struct Person {
    /// Their user id: the subject core apps see.
    pub subject: String,
    /// `Bearer <access token>`.
    pub authorization: HeaderValue,
}

/// A running Courtyard and the directory its data lives in.
pub struct Platform {
    server: Server,
    /// The property manager of the bench property, once a case asked for one.
    manager: OnceCell<String>,
    _data: TempDir,
}

impl Platform {
    /// Starts Courtyard on an ephemeral loopback port, installs `echo_component`
    /// as `echo` and `profile_component` as `profile-reader`, both approved
    /// and consented to by the benchmark resident.
    pub async fn start(echo_component: &[u8], profile_component: &[u8]) -> anyhow::Result<Platform> {
        let data = tempfile::Builder::new().prefix("courtyard-bench-").tempdir()?;
        let server =
            courtyard::server::start(Config::with_data_dir(data.path())).await.context("starting Courtyard")?;
        server.install_app(echo_component, ECHO_MANIFEST).await.context("installing the echo app")?;
        server.install_app(profile_component, PROFILE_MANIFEST).await.context("installing the profile app")?;
        let resident = sign_in_resident(&server).await?;
        approve_and_consent(&server, &resident).await?;
        caller::set(resident);
        Ok(Platform { server, manager: OnceCell::new(), _data: data })
    }

    /// Where Courtyard listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// The database Courtyard keeps its documents in.
    pub fn database(&self) -> &Database {
        self.server.database()
    }

    /// Stores `count` posts through pinboard, as the benchmark caller.
    ///
    /// Blocks on `generator`; call it outside the server runtime.
    pub fn seed_pinboard(&self, generator: &LoadGenerator, count: usize) -> anyhow::Result<()> {
        for n in 1..=count {
            let post = serde_json::json!({
                "title": format!("Notice {n}"),
                "body": format!("Bicycle room cleaning on day {n}: please move your bikes by 8 am."),
            });
            let target = Target::post_json(self.local_addr(), "/apps/pinboard/posts", post.to_string())
                .with_header(caller::HEADER, caller::header_value());
            let (status, body) = generator.send_once(&target)?;
            anyhow::ensure!(status.is_success(), "seeding post {n} answered {status}: {}", snippet(&body));
        }
        Ok(())
    }

    /// Waits until Courtyard answers `target` with a 2xx (installs may take a moment to show).
    pub fn await_ready(&self, generator: &LoadGenerator, target: &Target) -> anyhow::Result<()> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let (status, body) = generator.send_once(target)?;
            if status.is_success() {
                return Ok(());
            }
            if std::time::Instant::now() > deadline || status != StatusCode::NOT_FOUND {
                anyhow::bail!("{} {} answered {status}: {}", target.method, target.path, snippet(&body));
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// A fresh `Bearer` access token for `user_id`, on a new API session.
    ///
    /// Access tokens expire after a quarter of an hour; a case takes a new
    /// one before it starts rather than relying on one from the start.
    pub async fn bearer(&self, user_id: &str) -> anyhow::Result<HeaderValue> {
        let (session, _) = self.server.identity().open_session(user_id, false).await?;
        let token = self.server.identity().access_token(user_id, &session);
        Ok(HeaderValue::from_str(&format!("Bearer {token}"))?)
    }

    /// The property manager of the bench property, signed in: staff of
    /// every core app that names `property-manager` in its `staff_roles`.
    /// Created on the first call; every call opens a new session.
    pub async fn staff(&self) -> anyhow::Result<Person> {
        let subject = self
            .manager
            .get_or_try_init(|| async move {
                let database = self.database();
                let caller = caller::get();
                let user = database.insert_user("manager@bench.example", "Bench Manager", "en", None, true).await?;
                database
                    .insert_assignment(&RoleAssignment {
                        id: new_id(),
                        user_id: user.id.clone(),
                        role: Role::PropertyManager,
                        customer_id: Some(caller.customer.clone()),
                        property_id: Some(caller.property.clone()),
                        valid_from: None,
                        valid_until: None,
                        granted_by: None,
                        created_at: now_ms(),
                    })
                    .await?;
                anyhow::Ok(user.id)
            })
            .await
            .context("creating the property manager")?
            .clone();
        Ok(Person { authorization: self.bearer(&subject).await?, subject })
    }

    /// The ids of every app in the catalog.
    pub fn app_ids(&self) -> Vec<String> {
        self.server.catalog().list().iter().map(|app| app.manifest.id.clone()).collect()
    }

    /// A browser session of `user_id`, as a `Cookie` header value.
    pub async fn browser_cookie(&self, user_id: &str) -> anyhow::Result<HeaderValue> {
        let (_, secret) = self.server.identity().open_session(user_id, true).await?;
        Ok(HeaderValue::from_str(&format!("{}={secret}", self.server.identity().cookie_name()))?)
    }

    /// The bench resident, on a new API session.
    pub async fn resident(&self) -> anyhow::Result<Person> {
        let subject = caller::get().subject.clone();
        Ok(Person { authorization: self.bearer(&subject).await?, subject })
    }

    /// Adds `count` residents to the bench property, each in a flat of
    /// their own (labelled `{tag}.1`, `{tag}.2`, …) and signed in.
    pub async fn add_residents(&self, tag: &str, count: usize) -> anyhow::Result<Vec<Person>> {
        let database = self.database();
        let property = database.property(&caller::get().property).await?.context("the bench property is gone")?;
        let mut people = Vec::with_capacity(count);
        for n in 1..=count {
            let unit = database.insert_unit(&property, None, "flat", &format!("{tag}.{n}"), None).await?;
            let occupancy = database.insert_occupancy(&unit, None, "2020-01-01", None).await?;
            let email = format!("{tag}-{n}@bench.example");
            let user = database.insert_user(&email, &format!("Resident {tag}.{n}"), "en", None, true).await?;
            database.add_occupant(&occupancy.id, &user.id).await?;
            people.push(Person { authorization: self.bearer(&user.id).await?, subject: user.id });
        }
        Ok(people)
    }

    /// Stops Courtyard and removes its data.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
