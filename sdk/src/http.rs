//! Requests and responses as the app sees them.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::bindings::exports::courtyard::platform::handler as wit;
use crate::files::Upload;
use crate::html::Html;

/// The HTTP method of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
    Other(String),
}

impl Method {
    /// The method's name on the wire, e.g. `GET`.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Other(other) => other,
        }
    }
}

/// One request, addressed to the app. The path is relative to the app's mount
/// point and always starts with `/`.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub query: String,
    /// Lower-case header names; credentials were removed by the host.
    pub headers: Vec<(String, String)>,
    /// The body. A `multipart/form-data` form arrives with its fields as
    /// `application/x-www-form-urlencoded` (so [`Request::form`] reads
    /// it) and its files in [`Request::uploads`].
    pub body: Vec<u8>,
    /// The files posted with a `multipart/form-data` form, held by the host
    /// until [`files::attach`](crate::files::attach) keeps them.
    pub uploads: Vec<Upload>,
}

impl Request {
    /// The files posted in form field `field` that the person chose.
    pub fn uploads_in<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Upload> + 'a {
        self.uploads.iter().filter(move |upload| upload.field == field && upload.is_chosen())
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// The first value of query parameter `name`, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&self.query)
            .ok()?
            .into_iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// Parses the body as a JSON object; anything else is [`Error::Invalid`].
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let value: serde_json::Value =
            serde_json::from_slice(&self.body).map_err(|err| Error::Invalid(format!("request body: {err}")))?;
        // serde would read a struct from an array too, field by field.
        if !value.is_object() {
            return Err(Error::Invalid("request body: expected a JSON object".to_owned()));
        }
        serde_json::from_value(value).map_err(|err| Error::Invalid(format!("request body: {err}")))
    }

    /// Parses an `application/x-www-form-urlencoded` body (an HTML form post).
    pub fn form<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_urlencoded::from_bytes(&self.body).map_err(|err| Error::Invalid(format!("form: {err}")))
    }

    /// Whether the body is a form post rather than JSON.
    pub fn is_form(&self) -> bool {
        self.header("content-type").is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"))
    }

    /// Whether the client prefers an HTML page over JSON (a browser).
    pub fn wants_html(&self) -> bool {
        self.header("accept").is_some_and(|accept| accept.contains("text/html"))
    }
}

impl From<wit::Request> for Request {
    fn from(request: wit::Request) -> Self {
        let method = match request.method {
            wit::Method::Get => Method::Get,
            wit::Method::Head => Method::Head,
            wit::Method::Post => Method::Post,
            wit::Method::Put => Method::Put,
            wit::Method::Patch => Method::Patch,
            wit::Method::Delete => Method::Delete,
            wit::Method::Options => Method::Options,
            wit::Method::Other(other) => Method::Other(other),
        };
        Request {
            method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            body: request.body,
            uploads: request.uploads.into_iter().map(Upload::from).collect(),
        }
    }
}

/// The app's answer to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// An empty response with `status`.
    pub fn empty(status: u16) -> Self {
        Response { status, headers: Vec::new(), body: Vec::new() }
    }

    /// `value` serialised as JSON.
    pub fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => Response::empty(status).with_header("content-type", "application/json").with_body(body),
            Err(err) => Error::Invalid(format!("response is not serialisable: {err}")).into(),
        }
    }

    /// An HTML page: [`Html`], built with [`html!`](crate::html!) (which
    /// escapes every value) and usually framed by [`Frame`](crate::frame::Frame).
    pub fn html(status: u16, page: Html) -> Self {
        Response::empty(status)
            .with_header("content-type", "text/html; charset=utf-8")
            .with_body(page.into_string().into_bytes())
    }

    /// Plain text.
    pub fn text(status: u16, text: impl Into<String>) -> Self {
        Response::empty(status)
            .with_header("content-type", "text/plain; charset=utf-8")
            .with_body(text.into().into_bytes())
    }

    /// A `303 See Other` to `location`, the answer to a successful form post.
    pub fn see_other(location: &str) -> Self {
        Response::empty(303).with_header("location", location)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the body.
    pub fn with_body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }
}

impl From<Response> for wit::Response {
    fn from(response: Response) -> Self {
        wit::Response { status: response.status, headers: response.headers, body: response.body }
    }
}

impl From<Error> for Response {
    fn from(error: Error) -> Self {
        let body = serde_json::json!({
            "error": { "code": error.code(), "message": error.message() }
        });
        Response::json(error.status(), &body)
    }
}

/// The way from the directory of `path` (a request's path below the app's
/// mount point) back to the app's root, as a relative link: `./` for
/// `/` and `/entries`, `../` for `/entries/e1`. Links and redirects built
/// on it stay below the app's mount point, wherever the host mounts it.
pub fn app_root(path: &str) -> String {
    let segments = path.split('/').filter(|segment| !segment.is_empty()).count();
    let depth = if path.ends_with('/') { segments } else { segments.saturating_sub(1) };
    if depth == 0 { "./".to_owned() } else { "../".repeat(depth) }
}
