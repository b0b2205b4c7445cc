//! HTTP requests to the hosts the manifest declares under `outbound-http`.
//!
//! The host sends the request only to an approved host, audits it, refuses
//! private and loopback addresses and does not follow redirects. A refused
//! request fails with [`Error::Denied`]; a remote host that cannot be reached
//! fails with [`Error::Unavailable`]. Any answer, whatever its status, is an
//! [`OutboundResponse`]: check [`OutboundResponse::is_success`].
//!
//! ```no_run
//! use courtyard_sdk::outbound;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Quote {
//!     quote_id: String,
//!     price_chf: f64,
//! }
//!
//! # fn demo() -> Result<(), courtyard_sdk::Error> {
//! let response = outbound::post("https://api.meier-removals.example/v1/quotes")
//!     .header("accept", "application/json")
//!     .json(&serde_json::json!({ "rooms": 3 }))
//!     .send()?;
//! if response.is_success() {
//!     let quote: Quote = response.json()?;
//! }
//! # Ok(()) }
//! ```

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::bindings::courtyard::platform::outbound_http as wit;
use crate::{Error, Method};

/// A request under construction; finish it with [`OutboundRequest::send`].
#[derive(Debug, Clone)]
pub struct OutboundRequest {
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// A body that could not be encoded; reported by `send`, so the builder chains.
    problem: Option<Error>,
}

/// A `GET` of `url`, an absolute `https://` URL on an approved host.
pub fn get(url: impl Into<String>) -> OutboundRequest {
    OutboundRequest::new(Method::Get, url)
}

/// A `POST` to `url`.
pub fn post(url: impl Into<String>) -> OutboundRequest {
    OutboundRequest::new(Method::Post, url)
}

/// A `PUT` to `url`.
pub fn put(url: impl Into<String>) -> OutboundRequest {
    OutboundRequest::new(Method::Put, url)
}

/// A `PATCH` of `url`.
pub fn patch(url: impl Into<String>) -> OutboundRequest {
    OutboundRequest::new(Method::Patch, url)
}

/// A `DELETE` of `url`.
pub fn delete(url: impl Into<String>) -> OutboundRequest {
    OutboundRequest::new(Method::Delete, url)
}

impl OutboundRequest {
    /// A request with any method. The host accepts `GET`, `HEAD`, `POST`,
    /// `PUT`, `PATCH` and `DELETE`, and refuses others as [`Error::Invalid`].
    pub fn new(method: Method, url: impl Into<String>) -> OutboundRequest {
        OutboundRequest { method, url: url.into(), headers: Vec::new(), body: Vec::new(), problem: None }
    }

    /// Adds a header. `host`, `content-length` and hop-by-hop headers are
    /// set by the host.
    pub fn header(mut self, name: &str, value: &str) -> OutboundRequest {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the body with raw bytes (at most 1 MiB).
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> OutboundRequest {
        self.body = body.into();
        self
    }

    /// `value` as a JSON body, with `content-type: application/json`.
    pub fn json<T: Serialize + ?Sized>(self, value: &T) -> OutboundRequest {
        match serde_json::to_vec(value) {
            Ok(body) => self.with_content_type("application/json").body(body),
            Err(err) => self.failed(format!("request body is not serialisable: {err}")),
        }
    }

    /// `value` as an `application/x-www-form-urlencoded` body.
    pub fn form<T: Serialize + ?Sized>(self, value: &T) -> OutboundRequest {
        match serde_urlencoded::to_string(value) {
            Ok(body) => self.with_content_type("application/x-www-form-urlencoded").body(body),
            Err(err) => self.failed(format!("request form is not serialisable: {err}")),
        }
    }

    /// Sends the request and waits for the answer, within the time budget
    /// of the current request.
    pub fn send(self) -> Result<OutboundResponse, Error> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        let request = wit::Request {
            method: self.method.as_str().to_owned(),
            url: self.url,
            headers: self.headers,
            body: self.body,
        };
        let response = wit::send(&request)?;
        Ok(OutboundResponse { status: response.status, headers: response.headers, body: response.body })
    }

    fn with_content_type(mut self, value: &str) -> OutboundRequest {
        self.headers.retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        self.header("content-type", value)
    }

    fn failed(mut self, problem: String) -> OutboundRequest {
        self.problem = Some(Error::Invalid(problem));
        self
    }
}

/// The answer of the remote host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// At most 1 MiB; the host refuses longer answers with [`Error::Limit`].
    pub body: Vec<u8>,
}

impl OutboundResponse {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// Parses the body as JSON. An answer that does not parse is the remote
    /// host's fault, not the caller's: it fails with [`Error::Unavailable`].
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body)
            .map_err(|err| Error::Unavailable(format!("the remote answer is not the expected JSON: {err}")))
    }

    /// The body as text; invalid UTF-8 becomes U+FFFD.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_bodies_set_one_content_type() {
        let request = post("https://vendor.example/v1").header("Content-Type", "text/plain").json(&[1, 2]);
        assert_eq!(request.method, Method::Post);
        assert_eq!(request.body, b"[1,2]");
        assert_eq!(request.headers, [("content-type".to_owned(), "application/json".to_owned())]);
        assert!(request.problem.is_none());
    }

    #[test]
    fn unserialisable_bodies_fail_at_send_without_a_host_call() {
        let mut map = std::collections::HashMap::new();
        map.insert((1, 2), "tuple keys are not JSON");
        let failed = get("https://vendor.example/").json(&map).send();
        assert!(matches!(failed, Err(Error::Invalid(reason)) if reason.contains("not serialisable")));
    }

    #[test]
    fn responses_parse_and_report_bad_json_as_unavailable() {
        let response = OutboundResponse {
            status: 201,
            headers: vec![("content-type".into(), "application/json".into())],
            body: br#"{"quote_id":"q-1"}"#.to_vec(),
        };
        assert!(response.is_success());
        assert_eq!(response.header("Content-Type"), Some("application/json"));
        let value: serde_json::Value = response.json().unwrap();
        assert_eq!(value["quote_id"], "q-1");
        let broken = OutboundResponse { status: 500, headers: Vec::new(), body: b"<html>\xff".to_vec() };
        assert!(!broken.is_success());
        assert!(matches!(broken.json::<serde_json::Value>(), Err(Error::Unavailable(_))));
        assert_eq!(broken.text(), "<html>\u{fffd}");
    }
}
