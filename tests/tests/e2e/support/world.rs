//! A populated deployment for tests: customers with their admins, properties,
//! and residents who signed up the way real residents do (activation code,
//! mailed verification link, sign-in).

use std::collections::HashMap;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Deployment, Node};

/// An `Authorization` header for one signed-in session.
pub type Auth = (&'static str, String);

/// The password every account in a [`World`] gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// A customer of the world: its id and its admin's session.
#[derive(Clone)]
pub struct CustomerInfo {
    pub id: String,
    pub admin: Auth,
    pub admin_id: String,
}

/// Someone signed in.
#[derive(Clone)]
pub struct Person {
    pub auth: Auth,
    pub user_id: String,
    pub email: String,
    pub occupancy: Option<String>,
    pub unit: Option<String>,
}

pub struct World<'a> {
    pub deployment: &'a Deployment,
    pub node: &'a Node,
    pub client: reqwest::Client,
    customers: HashMap<String, CustomerInfo>,
    properties: HashMap<(String, String), String>,
    people: HashMap<String, Person>,
    /// The deployment's database, to check every write's audit entry.
    pool: tokio::sync::OnceCell<sqlx::AnyPool>,
}

impl<'a> World<'a> {
    pub fn new(deployment: &'a Deployment, node: &'a Node) -> World<'a> {
        World {
            deployment,
            node,
            client: super::client(),
            customers: HashMap::new(),
            properties: HashMap::new(),
            people: HashMap::new(),
            pool: tokio::sync::OnceCell::new(),
        }
    }

    /// Calls the platform API; answers the status and the JSON body (or Null).
    ///
    /// Every call that changes state and succeeds is checked to have left
    /// exactly one audit entry, so the whole suite walks the rule for every
    /// write route it uses.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        auth: Option<&Auth>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method.clone(), self.node.url(path));
        if let Some((name, value)) = auth {
            request = request.header(*name, value.clone());
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let writes = method != Method::GET && (path.starts_with("/api/") || path.starts_with("/account/"));
        let response = request.send().await.expect("request");
        let status = response.status();
        let request_id = response.headers().get("x-request-id").and_then(|id| id.to_str().ok()).map(str::to_owned);
        let text = response.text().await.unwrap_or_default();
        if writes && (status.is_success() || status.is_redirection()) {
            let request_id = request_id.expect("every answer carries its request id");
            let pool = self.pool.get_or_init(|| self.deployment.pool()).await;
            // The person's action; a hook it set off leaves the app's own entries.
            let entries: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM audit_entries WHERE request_id = $1 AND actor_kind <> 'app'")
                    .bind(&request_id)
                    .fetch_one(pool)
                    .await
                    .unwrap();
            assert_eq!(entries, 1, "{method} {path} answered {status} with {entries} audit entries, not one");
        }
        let answer = serde_json::from_str(&text).unwrap_or(Value::Null);
        if path.starts_with("/api/") {
            assert_conventions(&format!("{method} {path}"), &answer);
            super::described::assert_described(method.as_str(), path, status.as_u16(), &answer);
        }
        (status, answer)
    }

    /// Like [`World::call`], but insists on `expected`.
    pub async fn expect(
        &self,
        expected: u16,
        method: Method,
        path: &str,
        auth: Option<&Auth>,
        body: Option<Value>,
    ) -> Value {
        let (status, answer) = self.call(method.clone(), path, auth, body).await;
        assert_eq!(status.as_u16(), expected, "{method} {path}: {answer}");
        answer
    }

    /// [`World::call`] of `path` below an app's mount point (`/apps/desk`)
    /// as `who`; answers the status as a number.
    pub async fn call_below(
        &self,
        mount: &str,
        method: Method,
        path: &str,
        who: &Auth,
        body: Option<Value>,
    ) -> (u16, Value) {
        let (status, answer) = self.call(method, &format!("{mount}{path}"), Some(who), body).await;
        (status.as_u16(), answer)
    }

    /// Like [`World::call_below`], but insists on `expected`.
    pub async fn expect_below(
        &self,
        mount: &str,
        expected: u16,
        method: Method,
        path: &str,
        who: &Auth,
        body: Option<Value>,
    ) -> Value {
        let (got, answer) = self.call_below(mount, method.clone(), path, who, body).await;
        assert_eq!(got, expected, "{method} {path}: {answer}");
        answer
    }

    /// Signs in through the API and returns a Bearer header.
    pub async fn login(&self, email: &str, password: &str) -> (Auth, String) {
        let answer = self
            .expect(200, Method::POST, "/api/auth/login", None, Some(json!({ "email": email, "password": password })))
            .await;
        let token = answer["access_token"].as_str().expect("access token").to_owned();
        (("authorization", format!("Bearer {token}")), answer["user_id"].as_str().unwrap().to_owned())
    }

    /// Customer `name` (created on first use, with admin `admin@<name>.example`).
    pub async fn customer(&mut self, name: &str) -> CustomerInfo {
        if let Some(customer) = self.customers.get(name) {
            return customer.clone();
        }
        let email = format!("admin@{name}.example");
        let output = self.deployment.cli_with_stdin(
            &["admin", "create-customer", "--name", name, "--email", &email, "--person", "Admin", "--password-stdin"],
            PASSWORD,
        );
        assert!(output.status.success(), "create-customer: {}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let id = stdout
            .lines()
            .find_map(|line| line.strip_prefix("customer "))
            .and_then(|rest| rest.split_whitespace().next())
            .expect("customer id")
            .to_owned();
        let (admin, admin_id) = self.login(&email, PASSWORD).await;
        let customer = CustomerInfo { id, admin, admin_id };
        self.customers.insert(name.to_owned(), customer.clone());
        customer
    }

    /// Property `name` of customer `customer` (created on first use; its
    /// street is `<name> Street 1` in postal code 8000).
    pub async fn property(&mut self, customer: &str, name: &str) -> String {
        if let Some(id) = self.properties.get(&(customer.to_owned(), name.to_owned())) {
            return id.clone();
        }
        let info = self.customer(customer).await;
        let answer = self
            .expect(
                201,
                Method::POST,
                &format!("/api/customers/{}/properties", info.id),
                Some(&info.admin),
                Some(json!({
                    "name": name,
                    "address": { "street": format!("{name} Street 1"), "postal_code": "8000", "city": "Zurich", "country": "CH" }
                })),
            )
            .await;
        let id = answer["id"].as_str().unwrap().to_owned();
        self.properties.insert((customer.to_owned(), name.to_owned()), id.clone());
        id
    }

    /// Resident `who` of `property` (by name) of `customer`: a flat and an
    /// occupancy are created, an activation code issued and redeemed at
    /// sign-up, the mailed link confirmed, and the resident signed in.
    pub async fn resident(&mut self, who: &str, customer: &str, property: &str) -> Auth {
        self.resident_person(who, customer, property).await.auth
    }

    /// A new unit and occupancy for `who` at `property`, and the
    /// activation code of its letter: (code, occupancy, unit).
    pub async fn activation_code(&mut self, who: &str, customer: &str, property: &str) -> (String, String, String) {
        let admin = self.customer(customer).await.admin;
        let property_id = self.property(customer, property).await;
        let unit = self
            .expect(
                201,
                Method::POST,
                &format!("/api/properties/{property_id}/units"),
                Some(&admin),
                Some(json!({ "kind": "flat", "label": format!("Flat of {who}") })),
            )
            .await;
        let unit = unit["id"].as_str().unwrap().to_owned();
        let occupancy = self
            .expect(
                201,
                Method::POST,
                &format!("/api/units/{unit}/occupancies"),
                Some(&admin),
                Some(json!({ "starts_on": "2020-01-01" })),
            )
            .await;
        let occupancy = occupancy["id"].as_str().unwrap().to_owned();
        let code = self
            .expect(
                201,
                Method::POST,
                &format!("/api/occupancies/{occupancy}/activation-codes"),
                Some(&admin),
                Some(json!({})),
            )
            .await;
        let code = code["code"].as_str().unwrap().to_owned();
        (code, occupancy, unit)
    }

    pub async fn resident_person(&mut self, who: &str, customer: &str, property: &str) -> Person {
        if let Some(person) = self.people.get(who) {
            return person.clone();
        }
        let (code, occupancy, unit) = self.activation_code(who, customer, property).await;
        let email = format!("{who}@residents.example");
        self.expect(
            201,
            Method::POST,
            "/api/auth/signup",
            None,
            Some(json!({ "name": who, "email": email, "password": PASSWORD, "activation_code": code })),
        )
        .await;
        let mail = self.deployment.wait_for_mail(&email, "Confirm your email address").await;
        let token = link_parameter(&mail, "token").expect("a verification token");
        self.expect(204, Method::POST, "/api/auth/verify-email", None, Some(json!({ "token": token }))).await;
        let (auth, user_id) = self.login(&email, PASSWORD).await;
        let person = Person { auth, user_id, email, occupancy: Some(occupancy), unit: Some(unit) };
        self.people.insert(who.to_owned(), person.clone());
        person
    }

    /// A staff member `who` of `customer` with `role`, for one property (by
    /// name) or the whole customer, signed in.
    pub async fn staff(&mut self, who: &str, customer: &str, role: &str, property: Option<&str>) -> Person {
        if let Some(person) = self.people.get(who) {
            return person.clone();
        }
        let info = self.customer(customer).await;
        let property_id = match property {
            Some(name) => Some(self.property(customer, name).await),
            None => None,
        };
        let email = format!("{who}@staff.example");
        self.expect(
            201,
            Method::POST,
            &format!("/api/customers/{}/staff", info.id),
            Some(&info.admin),
            Some(json!({ "email": email, "name": who, "role": role, "property_id": property_id })),
        )
        .await;
        let mail = self.deployment.wait_for_mail(&email, "Your Courtyard account").await;
        let token = link_parameter(&mail, "token").expect("a set-password token");
        self.expect(
            204,
            Method::POST,
            "/api/auth/password-reset/confirm",
            None,
            Some(json!({ "token": token, "password": PASSWORD })),
        )
        .await;
        let (auth, user_id) = self.login(&email, PASSWORD).await;
        let person = Person { auth, user_id, email, occupancy: None, unit: None };
        self.people.insert(who.to_owned(), person.clone());
        person
    }
}

impl World<'_> {
    /// The customer's admin enables `app` for all its properties and
    /// approves `grants` (`None`: everything the app asks for).
    pub async fn approve(&mut self, customer: &str, app: &str, grants: Option<&[&str]>) -> Value {
        let info = self.customer(customer).await;
        let grants: Vec<String> = match grants {
            Some(grants) => grants.iter().map(|grant| grant.to_string()).collect(),
            None => self.asks(app).await,
        };
        self.expect(
            200,
            Method::PUT,
            &format!("/api/customers/{}/apps/{app}", info.id),
            Some(&info.admin),
            Some(json!({ "grants": grants, "all_properties": true })),
        )
        .await
    }

    /// Every grant key the current version of `app` asks for.
    pub async fn asks(&self, app: &str) -> Vec<String> {
        let auth = self.customers.values().next().map(|customer| customer.admin.clone());
        let catalog = self.expect(200, Method::GET, "/api/apps", auth.as_ref(), None).await;
        let entry =
            catalog["items"].as_array().unwrap().iter().find(|entry| entry["id"] == app).expect("app in the catalog");
        entry["asks"].as_array().unwrap().iter().map(|ask| ask["grant"].as_str().unwrap().to_owned()).collect()
    }

    /// `who` consents to what `app` asks (`grants`: a subset; `None`: all).
    pub async fn consent(&self, who: &Auth, app: &str, grants: Option<&[&str]>) -> Value {
        let mut body = json!({ "decision": "give" });
        if let Some(grants) = grants {
            body["grants"] = json!(grants);
        }
        self.expect(201, Method::POST, &format!("/api/apps/{app}/consent"), Some(who), Some(body)).await
    }

    /// Approves `app` everywhere for `customer` and lets `who` consent to all of it.
    pub async fn enable_for(&mut self, customer: &str, app: &str, who: &Auth) {
        self.approve(customer, app, None).await;
        self.consent(who, app, None).await;
    }

    /// The audit entries of `customer` matching `query` (e.g. `app=overreach`).
    pub async fn audit(&mut self, customer: &str, query: &str) -> Vec<Value> {
        let info = self.customer(customer).await;
        let page = self
            .expect(
                200,
                Method::GET,
                &format!("/api/customers/{}/audit?limit=1000&{query}", info.id),
                Some(&info.admin),
                None,
            )
            .await;
        page["items"].as_array().unwrap().clone()
    }
}

/// The value of `name=` in the first link of a mail that carries it.
pub fn link_parameter(mail: &str, name: &str) -> Option<String> {
    let marker = format!("{name}=");
    mail.split_whitespace()
        .filter(|word| word.starts_with("http"))
        .find_map(|link| link.split(['?', '&']).find_map(|part| part.strip_prefix(&marker)))
        .map(str::to_owned)
}

impl Deployment {
    /// Every mail written to the development mail folder for `recipient`,
    /// oldest first, as full message text.
    pub fn mails_to(&self, recipient: &str) -> Vec<String> {
        let folder = self.data_dir.path().join("mail");
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|path| path.extension().is_some_and(|ext| ext == "eml"));
        files.sort();
        let to = format!("To: {recipient}");
        files
            .iter()
            .filter_map(|path| std::fs::read_to_string(path).ok())
            .filter(|mail| mail.lines().any(|line| line.trim() == to))
            .collect()
    }

    /// Waits (up to 10 s) for a mail to `recipient` whose subject is `subject`;
    /// returns the newest such mail.
    pub async fn wait_for_mail(&self, recipient: &str, subject: &str) -> String {
        for _ in 0..100 {
            if let Some(mail) =
                self.mails_to(recipient).into_iter().rev().find(|m| subject_of(m).as_deref() == Some(subject))
            {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no mail `{subject}` reached {recipient}");
    }
}

/// The platform API's conventions, checked on every answer the suite gets:
/// lists are pages (`{"items": [...], "next": cursor or null}`, never a
/// bare array) and times are RFC 3339 strings in UTC with milliseconds,
/// never epoch numbers.
pub fn assert_conventions(what: &str, answer: &Value) {
    assert!(!answer.is_array(), "{what} answered a bare array, not a page: {answer}");
    walk_conventions(what, answer);
}

fn walk_conventions(what: &str, value: &Value) {
    match value {
        Value::Object(object) => {
            if object.get("items").is_some_and(Value::is_array) {
                let next = object.get("next");
                assert!(
                    next.is_some_and(|next| next.is_string() || next.is_null()),
                    "{what}: a list without `next` (a cursor or null): {value}"
                );
            }
            for (key, inner) in object {
                if key == "at" || key.ends_with("_at") || key == "since" {
                    assert!(!inner.is_number(), "{what}: `{key}` is a number, not an RFC 3339 time: {value}");
                    if let Some(time) = inner.as_str() {
                        assert!(
                            is_rfc3339_utc_millis(time),
                            "{what}: `{key}` = {time} is not like 2026-12-07T11:48:28.123Z"
                        );
                    }
                }
                walk_conventions(what, inner);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| walk_conventions(what, item)),
        _ => {}
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`
pub fn is_rfc3339_utc_millis(time: &str) -> bool {
    let shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    time.len() == shape.len()
        && time.chars().zip(shape.chars()).all(|(c, s)| if s == 'd' { c.is_ascii_digit() } else { c == s })
}

/// A mail's subject, decoded: folded lines joined, RFC 2047 encoded words
/// (`=?utf-8?b?…?=`, as non-ASCII subjects are sent) turned back into text.
pub fn subject_of(mail: &str) -> Option<String> {
    use base64::Engine;
    let mut lines = mail.lines().skip_while(|line| !line.starts_with("Subject:"));
    let mut header = lines.next()?.trim_start_matches("Subject:").to_owned();
    header.extend(lines.take_while(|line| line.starts_with([' ', '\t'])).map(|line| format!(" {}", line.trim())));
    let mut subject = String::new();
    let mut last_was_encoded = false;
    for word in header.split_whitespace() {
        let encoded = word
            .strip_prefix("=?")
            .and_then(|rest| rest.strip_suffix("?="))
            .and_then(|rest| rest.split_once('?'))
            .and_then(|(charset, rest)| charset.eq_ignore_ascii_case("utf-8").then_some(rest))
            .and_then(|rest| rest.strip_prefix("b?").or_else(|| rest.strip_prefix("B?")))
            .and_then(|data| base64::engine::general_purpose::STANDARD.decode(data).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok());
        match encoded {
            Some(text) => {
                if !last_was_encoded && !subject.is_empty() {
                    subject.push(' ');
                }
                subject.push_str(&text);
                last_was_encoded = true;
            }
            None => {
                if !subject.is_empty() {
                    subject.push(' ');
                }
                subject.push_str(word);
                last_was_encoded = false;
            }
        }
    }
    Some(subject)
}
