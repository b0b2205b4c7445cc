//! A visitor at the HTTP level, as a browser behaves: it keeps each host's
//! cookies to that host, sends `Origin` on form posts, and asks for pages.
//! (The browser harness drives a real browser; this one is for asserting
//! headers and hostile variations a browser would never send.)

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::{HeaderMap, SET_COOKIE};

use super::Node;

/// An answer as the visitor got it.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
    }

    /// The value of the hidden input `name` on the page.
    pub fn hidden(&self, name: &str) -> String {
        let needle = format!("name=\"{name}\" value=\"");
        let at = self.body.find(&needle).unwrap_or_else(|| panic!("no `{name}` field on the page:\n{}", self.body));
        let rest = &self.body[at + needle.len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

pub struct Visitor {
    client: reqwest::Client,
    port: u16,
    jar: Mutex<HashMap<String, Vec<(String, String)>>>,
}

impl Visitor {
    /// A visitor of `node`, reaching it as `localhost` and the third-party
    /// `apps` at their own origins.
    pub fn new(node: &Node, apps: &[&str]) -> Visitor {
        let address: SocketAddr = node.base.trim_start_matches("http://").parse().expect("node address");
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .resolve("localhost", address);
        for app in apps {
            builder = builder.resolve(&format!("{app}.apps.localhost"), address);
        }
        Visitor { client: builder.build().expect("client"), port: address.port(), jar: Mutex::new(HashMap::new()) }
    }

    pub fn platform(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.port)
    }

    pub fn app_origin(&self, app: &str) -> String {
        format!("http://{app}.apps.localhost:{}", self.port)
    }

    pub fn app(&self, app: &str, path: &str) -> String {
        format!("{}{path}", self.app_origin(app))
    }

    /// A URL the answer pointed to (`Location`), made absolute.
    pub fn follow(&self, from: &str, location: &str) -> String {
        if location.starts_with("http") {
            return location.to_owned();
        }
        let origin: String = from.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
        format!("{origin}{location}")
    }

    /// The cookie `name` this visitor holds for `url`'s host.
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        let jar = self.jar.lock().unwrap();
        jar.get(&host_of(url))?.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone())
    }

    pub async fn get(&self, url: &str) -> Answer {
        let request = self.client.get(url).header("accept", "text/html,application/xhtml+xml");
        self.send(url, request).await
    }

    /// Posts a form as a page of `url`'s own origin does.
    pub async fn post_form(&self, url: &str, pairs: &[(&str, &str)]) -> Answer {
        let origin: String = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
        self.post_form_from(url, pairs, Some(&origin)).await
    }

    /// Posts a form as a page of `origin` (or one sending none) would.
    pub async fn post_form_from(&self, url: &str, pairs: &[(&str, &str)], origin: Option<&str>) -> Answer {
        let headers: Vec<(&str, &str)> = origin.map(|origin| ("origin", origin)).into_iter().collect();
        self.post_form_with(url, pairs, &headers).await
    }

    /// Posts a form with exactly these extra `headers` (`Origin`,
    /// `Referer`, `Sec-Fetch-Site`, `Accept-Language`, …), and the cookies.
    pub async fn post_form_with(&self, url: &str, pairs: &[(&str, &str)], headers: &[(&str, &str)]) -> Answer {
        let mut request = self.client.post(url).form(pairs);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(url, request).await
    }

    /// Gets a page with these extra `headers`.
    pub async fn get_with(&self, url: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.client.get(url).header("accept", "text/html,application/xhtml+xml");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(url, request).await
    }

    /// Sends `method` to `url` with this body and headers, as a script or a
    /// tool would (nothing added but the cookies).
    pub async fn send_raw(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = self.client.request(method, url).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(url, request).await
    }

    async fn send(&self, url: &str, mut request: reqwest::RequestBuilder) -> Answer {
        let host = host_of(url);
        let cookies: Vec<String> = {
            let jar = self.jar.lock().unwrap();
            jar.get(&host).into_iter().flatten().map(|(name, value)| format!("{name}={value}")).collect()
        };
        if !cookies.is_empty() {
            request = request.header("cookie", cookies.join("; "));
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        for set in headers.get_all(SET_COOKIE) {
            let text = set.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let mut jar = self.jar.lock().unwrap();
            let cookies = jar.entry(host.clone()).or_default();
            cookies.retain(|(held, _)| held != name);
            if !value.is_empty() && !attributes.contains("Max-Age=0") {
                cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        Answer { status, headers, body: response.text().await.unwrap_or_default() }
    }
}

fn host_of(url: &str) -> String {
    url.split('/').nth(2).unwrap_or_default().to_owned()
}
