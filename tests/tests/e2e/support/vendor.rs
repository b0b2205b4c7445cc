//! A vendor's API on loopback, standing in for the hosts third-party apps
//! call: it records every request and answers like Meier Removals would.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;

/// One request the vendor received.
#[derive(Debug, Clone)]
pub struct VendorCall {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The running fake vendor.
pub struct Vendor {
    pub port: u16,
    calls: Arc<Mutex<Vec<VendorCall>>>,
    answers: Answers,
    task: tokio::task::JoinHandle<()>,
}

/// Bodies the vendor answers `GET path` with, set by the test.
type Answers = Arc<Mutex<std::collections::HashMap<String, String>>>;

#[derive(Clone)]
struct Recorded {
    calls: Arc<Mutex<Vec<VendorCall>>>,
    answers: Answers,
}

impl Vendor {
    pub async fn start() -> Vendor {
        let calls: Arc<Mutex<Vec<VendorCall>>> = Arc::default();
        let answers: Answers = Arc::default();
        let state = Recorded { calls: Arc::clone(&calls), answers: Arc::clone(&answers) };
        let app = Router::new().fallback(answer).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind vendor");
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Vendor { port, calls, answers, task }
    }

    /// From now on, `GET path` answers `body` (as JSON).
    pub fn answer(&self, path: &str, body: &str) {
        self.answers.lock().unwrap().insert(path.to_owned(), body.to_owned());
    }

    /// Configuration that sends apps' requests for these hosts here.
    pub fn config(&self, hosts: &[&str]) -> String {
        let redirects: Vec<String> =
            hosts.iter().map(|host| format!("{host:?} = \"http://127.0.0.1:{}\"", self.port)).collect();
        format!("[outbound_http]\nallow_plain_http = true\nredirect = {{ {} }}\n", redirects.join(", "))
    }

    pub fn calls(&self) -> Vec<VendorCall> {
        self.calls.lock().unwrap().clone()
    }
}

impl Drop for Vendor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    State(Recorded { calls, answers }): State<Recorded>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    calls.lock().unwrap().push(VendorCall {
        method: method.to_string(),
        path: uri.path().to_owned(),
        headers: headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or_default().to_owned()))
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    if let Some(body) = answers.lock().unwrap().get(uri.path()).filter(|_| method == Method::GET) {
        return (StatusCode::OK, [("content-type", "application/json")], body.clone()).into_response();
    }
    match (method, uri.path()) {
        (Method::POST, "/v1/quotes") => (
            StatusCode::CREATED,
            [("content-type", "application/json")],
            r#"{"quote_id":"Q-1001","price_chf":1850.5,"valid_until":"2099-01-31"}"#,
        )
            .into_response(),
        (Method::DELETE, path) if path.starts_with("/v1/customers/") => StatusCode::NO_CONTENT.into_response(),
        _ => (StatusCode::OK, "hello from the vendor").into_response(),
    }
}

/// The date `days` from today (UTC), as `YYYY-MM-DD`.
pub fn days_from_today(days: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let (year, month, day) = civil_date(now / 86_400 + days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's algorithm).
pub fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
