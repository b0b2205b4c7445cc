//! `courtyard:platform/outbound-http`: requests to hosts the manifest
//! declares and the customer approved, and nowhere else.
//!
//! The grant names an exact host. Addresses in private, loopback and
//! link-local ranges are refused (also when a public name resolves to them)
//! unless the operator allows them; redirects are not followed; bodies are
//! capped both ways. Every call is audited with host, method and byte counts.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use super::{Access, CallContext, CallError, Power};
use crate::capabilities::bindings::outbound_http::{Host, Request, Response};
use crate::capabilities::bindings::types::Error;
use crate::config::OutboundSettings;
use crate::grant;

const MAX_REQUEST_BODY: usize = 1 << 20;
const MAX_HEADERS: usize = 64;
const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
/// Headers the host sets itself or that could smuggle a second request.
const RESERVED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "proxy-authorization",
    "proxy-connection",
];

/// The node's HTTP client for apps.
#[derive(Debug, Clone)]
pub struct OutboundClient {
    client: reqwest::Client,
    settings: Arc<OutboundSettings>,
}

impl OutboundClient {
    pub fn new(settings: OutboundSettings) -> anyhow::Result<OutboundClient> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(PublicOnly {
                allow_private: settings.allow_private_addresses,
                pinned: settings.resolve.clone(),
            }))
            .timeout(Duration::from_millis(settings.timeout_ms))
            .user_agent("Courtyard")
            .build()?;
        Ok(OutboundClient { client, settings: Arc::new(settings) })
    }
}

/// Resolves names, dropping private addresses unless they are allowed.
struct PublicOnly {
    allow_private: bool,
    /// Addresses the operator set for some names, used instead of DNS.
    pinned: std::collections::BTreeMap<String, IpAddr>,
}

/// Why a name was not connected to: it resolves to private addresses only.
#[derive(Debug, thiserror::Error)]
#[error("{0} resolves to no public address")]
struct PrivateOnly(String);

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        let pinned = self.pinned.get(&host).copied();
        Box::pin(async move {
            let found: Vec<SocketAddr> = match pinned {
                Some(address) => vec![SocketAddr::new(address, 0)],
                None => tokio::net::lookup_host((host.as_str(), 0)).await?.collect(),
            };
            let usable: Vec<SocketAddr> =
                found.into_iter().filter(|address| allow_private || is_public(address.ip())).collect();
            if usable.is_empty() {
                return Err(Box::new(PrivateOnly(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(usable.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether `ip` is reachable on the public internet (not loopback,
/// private, link-local, unique-local, carrier-grade NAT or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback() || v6.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80)
        }
    }
}

impl Host for CallContext {
    fn send(&mut self, request: Request) -> Result<Response, CallError> {
        let settings = Arc::clone(&self.services.outbound.settings);
        let method = request.method.to_ascii_uppercase();
        let mut access = Access::new("outbound-http.send", Power::Outbound, "host", Vec::new());
        access.fields = Some(format!("method={} sent={}", printable_method(&method), request.body.len()));
        let target = check_request(&settings, &method, &request);
        let (url, host) = match target {
            Ok(target) => target,
            Err(error) => return Err(self.reject(access, error)),
        };
        access.grants = vec![vec![grant::outbound(&host)]];
        access.resource_id = Some(host.clone());
        let mut entry = self.admit_access(access)?;
        let result = self.send_admitted(&settings, &method, url, &host, request).map_err(CallError::from);
        let (status, received) = match &result {
            Ok(response) => (response.status.to_string(), response.body.len()),
            Err(_) => ("none".to_owned(), 0),
        };
        entry.fields = Some(format!("{} received={received} status={status}", entry.fields.unwrap_or_default()));
        self.settle(entry, &result);
        result
    }
}

/// The method as the audit names it: one of the allowed ones, or `other`.
fn printable_method(method: &str) -> &str {
    if METHODS.contains(&method) { method } else { "other" }
}

/// Checks a request before it reaches the gate's decision: the URL, the
/// method and the sizes. Returns the URL and the grant's host (with the port
/// when it is not 443).
fn check_request(
    settings: &OutboundSettings,
    method: &str,
    request: &Request,
) -> Result<(reqwest::Url, String), Error> {
    if !METHODS.contains(&method) {
        return Err(Error::Invalid(format!("method must be one of {}", METHODS.join(", "))));
    }
    let url = reqwest::Url::parse(&request.url).map_err(|err| Error::Invalid(format!("bad URL: {err}")))?;
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && settings.allow_plain_http);
    if !scheme_ok || !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Invalid("use an https:// URL without credentials".to_owned()));
    }
    let Some(name) = url.host_str().map(|host| host.trim_end_matches('.').to_ascii_lowercase()) else {
        return Err(Error::Invalid("the URL names no host".to_owned()));
    };
    if request.body.len() > MAX_REQUEST_BODY {
        return Err(Error::Limit(format!("request bodies are limited to {MAX_REQUEST_BODY} bytes")));
    }
    if request.headers.len() > MAX_HEADERS {
        return Err(Error::Limit(format!("at most {MAX_HEADERS} headers")));
    }
    // The grant is host and port: an approved host is reachable on 443, or
    // on the one port its manifest names.
    let host = match url.port_or_known_default() {
        Some(443) => name,
        Some(port) => format!("{name}:{port}"),
        None => return Err(Error::Invalid("the URL names no port".to_owned())),
    };
    Ok((url, host))
}

impl CallContext {
    fn send_admitted(
        &self,
        settings: &OutboundSettings,
        method: &str,
        mut url: reqwest::Url,
        host: &str,
        request: Request,
    ) -> Result<Response, Error> {
        if let Some(target) = settings.redirect.get(host) {
            // The operator points this host elsewhere (staging, tests).
            let target = reqwest::Url::parse(target).map_err(|_| Error::Unavailable("bad redirect".to_owned()))?;
            let _ = url.set_scheme(target.scheme());
            let _ = url.set_host(target.host_str());
            let _ = url.set_port(target.port());
        } else if let Some(ip) = literal_address(&url)
            && !settings.allow_private_addresses
            && !is_public(ip)
        {
            return Err(Error::Denied("requests to private addresses are not allowed".to_owned()));
        }
        let mut outgoing = self.services.outbound.client.request(
            reqwest::Method::from_bytes(method.as_bytes()).map_err(|_| Error::Invalid("bad method".to_owned()))?,
            url,
        );
        for (name, value) in &request.headers {
            let lower = name.to_ascii_lowercase();
            if RESERVED_HEADERS.contains(&lower.as_str()) {
                continue;
            }
            outgoing = outgoing.header(name.as_str(), value.as_str());
        }
        let outgoing = outgoing.body(request.body);
        let cap = settings.response_bytes;
        let answer = self.block_on(async move {
            let mut response = outgoing.send().await?;
            let status = response.status().as_u16();
            let headers: Vec<(String, String)> = response
                .headers()
                .iter()
                .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
                .collect();
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if body.len() + chunk.len() > cap {
                    return Ok(Err(cap));
                }
                body.extend_from_slice(&chunk);
            }
            Ok::<_, reqwest::Error>(Ok(Response { status, headers, body }))
        });
        match answer {
            Some(Ok(Ok(response))) => Ok(response),
            Some(Ok(Err(cap))) => Err(Error::Limit(format!("the answer exceeds {cap} bytes"))),
            Some(Err(err)) if resolved_privately(&err) => {
                Err(Error::Denied("requests to private addresses are not allowed".to_owned()))
            }
            Some(Err(err)) => {
                tracing::info!(app = %self.app_id, host, error = %err, "outbound request failed");
                Err(Error::Unavailable(format!("{host} did not answer: {}", without_url(&err))))
            }
            None => Err(Error::Unavailable("the request ran out of time".to_owned())),
        }
    }
}

/// The address a URL names literally, if it names one rather than a host name.
fn literal_address(url: &reqwest::Url) -> Option<IpAddr> {
    url.host_str()?.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// Whether the request failed because its host resolves to private
/// addresses only.
fn resolved_privately(err: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(error) = source {
        if error.downcast_ref::<PrivateOnly>().is_some() {
            return true;
        }
        source = error.source();
    }
    false
}

/// The error's description without the URL, which may carry data.
fn without_url(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "could not connect".to_owned()
    } else {
        "the exchange failed".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn private_ranges_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "0.0.0.0",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "2606:2800:220:1::1"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
