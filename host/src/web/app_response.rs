//! What of an app's answer reaches the browser: an allowlist of headers,
//! and the platform's own security headers on every answer.
//!
//! An app answers on the platform's origin, so every header it may set is
//! one the platform vouches for. Only these pass, each checked: the content
//! type, `ETag`, `Last-Modified`, `Content-Disposition` (downloads),
//! `Cache-Control` limited to `private` or `no-store` (answers are
//! personalised; a shared cache must never keep one), and `Location` only to
//! a path below the app's own mount point. Everything else (`Refresh`,
//! `Link`, `NEL`, reporting endpoints, CSP of its own, CORS, cookies, …) is
//! dropped.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::catalog::AppKind;
use crate::runtime::GuestResponse;

/// Pages of core apps may use stylesheets of their origin (the platform's
/// `/.courtyard/app.css` among them) and forms, nothing inline, nothing
/// foreign.
const CORE_CSP: &str = "default-src 'self'; style-src 'self'; img-src 'self' data:; \
                        frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
/// Third-party pages run on the app's own origin (so `allow-same-origin`
/// grants the platform nothing) in a sandbox: no scripts, no popups, forms
/// only to the app itself, stylesheets only from that origin (which serves
/// the platform's at `/.courtyard/app.css`), no inline styles.
const THIRD_PARTY_CSP: &str = "sandbox allow-forms allow-same-origin; default-src 'none'; \
                               style-src 'self'; img-src 'self' data:; \
                               frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// The cache policy of an answer whose app asked for none it may have.
const PRIVATE: &str = "private, no-cache";

/// Builds the HTTP answer from what the guest returned to a request for
/// `request_path` (as the browser asked for it, `/apps/{app_id}/…`).
/// On the app's own origin (`own_origin`) the app is mounted at `/`, so a
/// `Location` loses the `/apps/{app_id}` prefix it has on the platform.
pub(super) fn into_http(
    guest: GuestResponse,
    kind: AppKind,
    app_id: &str,
    request_path: &str,
    own_origin: bool,
) -> Response {
    let status = StatusCode::from_u16(guest.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = Response::new(Body::from(guest.body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let mut cache_control = None;
    for (name, value) in guest.headers {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else { continue };
        let Ok(value) = HeaderValue::from_str(&value) else { continue };
        let Ok(text) = value.to_str() else { continue };
        match name {
            // One content type, so the host and the browser agree on what the
            // response is (browsers honour the last of several).
            header::CONTENT_TYPE | header::ETAG | header::LAST_MODIFIED => {
                headers.insert(name, value);
            }
            header::CONTENT_DISPOSITION if is_disposition(text) => {
                headers.insert(name, value);
            }
            header::LOCATION => {
                if let Some(target) = resolve(text, request_path).filter(|target| is_own_path(target, app_id))
                    && let Ok(value) = HeaderValue::from_str(&mounted(&target, app_id, own_origin))
                {
                    headers.insert(name, value);
                }
            }
            header::CACHE_CONTROL => cache_control = Some(cache_policy(text)),
            _ => {}
        }
    }
    let cache_control = cache_control.unwrap_or(PRIVATE);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let csp = match kind {
        AppKind::ThirdParty => THIRD_PARTY_CSP,
        AppKind::Core => CORE_CSP,
    };
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !is_inert(headers) {
        headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    }
    response
}

/// `target` (below `/apps/{app_id}`) as the browser should see it.
fn mounted(target: &str, app_id: &str, own_origin: bool) -> String {
    match target.strip_prefix(&format!("/apps/{app_id}")).filter(|_| own_origin) {
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        Some(rest) => format!("/{rest}"),
        None => target.to_owned(),
    }
}

/// `no-store` when the app asks for it, else private caching only.
fn cache_policy(asked: &str) -> &'static str {
    let directives: Vec<String> = asked.split(',').map(|part| part.trim().to_ascii_lowercase()).collect();
    if directives.iter().any(|directive| directive == "no-store") { "no-store" } else { PRIVATE }
}

/// `attachment` or `inline`, with an optional file name.
fn is_disposition(value: &str) -> bool {
    let kind = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    matches!(kind.as_str(), "attachment" | "inline")
}

/// `location` as the absolute path a browser would go to from
/// `request_path`; `None` for anything that names a scheme or a host.
fn resolve(location: &str, request_path: &str) -> Option<String> {
    if location.starts_with('/') {
        return Some(location.to_owned());
    }
    let first = location.split(['/', '?', '#']).next().unwrap_or_default();
    if first.contains(':') || location.contains('\\') {
        return None;
    }
    let (path, rest) = match location.find(['?', '#']) {
        Some(at) => location.split_at(at),
        None => (location, ""),
    };
    let directory = &request_path[..request_path.rfind('/').map_or(0, |at| at + 1)];
    let mut segments: Vec<&str> = directory.split('/').filter(|segment| !segment.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }
    let trailing =
        path.is_empty() || path.ends_with('/') || path.ends_with("/.") || path == "." || path.ends_with("..");
    let mut resolved = format!("/{}", segments.join("/"));
    if trailing && !resolved.ends_with('/') {
        resolved.push('/');
    }
    Some(resolved + rest)
}

/// A path on this origin below `/apps/{app_id}`: no scheme, no host, no
/// `//` or `\` a browser would read as one, no climbing out with `..`.
fn is_own_path(location: &str, app_id: &str) -> bool {
    let mount = format!("/apps/{app_id}");
    let Some(rest) = location.strip_prefix(&mount) else { return false };
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    (rest.is_empty() || rest.starts_with(['/', '?', '#']))
        && !location.contains('\\')
        && !location.contains("//")
        && !path.split('/').any(|segment| segment == "..")
        // An encoded dot could spell `..` once decoded; apps have no need of one.
        && !path.to_ascii_lowercase().contains("%2e")
        && !location.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Content types a browser never renders as a page when `nosniff` is set.
const INERT_TYPES: &[&str] = &[
    "application/json",
    "application/octet-stream",
    "text/plain",
    "text/csv",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
];

/// Whether the response's one content type is known to be inert. Anything
/// else — HTML, XML, SVG, multipart, unknown types or none — may become a
/// page.
fn is_inert(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    INERT_TYPES.contains(&essence.as_str()) || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(headers: &[(&str, &str)]) -> HeaderMap {
        let guest = GuestResponse {
            status: 200,
            headers: headers.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect(),
            body: Vec::new(),
        };
        into_http(guest, AppKind::ThirdParty, "movers", "/apps/movers/quotes/new", false).headers().clone()
    }

    #[test]
    fn on_its_own_origin_the_app_is_mounted_at_the_root() {
        let guest = GuestResponse { status: 303, headers: vec![("location".into(), "./".into())], body: Vec::new() };
        let on_origin = into_http(guest, AppKind::ThirdParty, "movers", "/apps/movers/quotes", true);
        assert_eq!(on_origin.headers()["location"], "/");
        assert_eq!(mounted("/apps/movers/quotes/1?x=2", "movers", true), "/quotes/1?x=2");
        assert_eq!(mounted("/apps/movers?x", "movers", true), "/?x");
        assert_eq!(mounted("/apps/movers/quotes", "movers", false), "/apps/movers/quotes");
    }

    #[test]
    fn only_allowlisted_headers_pass() {
        let dropped = [
            ("refresh", "0; url=https://evil.example/"),
            ("link", "<https://evil.example/x.css>; rel=preload"),
            ("nel", "{\"report_to\":\"x\"}"),
            ("report-to", "{}"),
            ("reporting-endpoints", "x=\"https://evil.example/\""),
            ("content-security-policy-report-only", "default-src *"),
            ("content-security-policy", "default-src *"),
            ("cross-origin-resource-policy", "cross-origin"),
            ("permissions-policy", "camera=*"),
            ("timing-allow-origin", "*"),
            ("access-control-allow-origin", "*"),
            ("set-cookie", "session=1"),
            ("x-request-id", "forged"),
            ("strict-transport-security", "max-age=0"),
        ];
        let headers = answer(&dropped);
        for (name, _) in dropped {
            let platform_own = ["content-security-policy"].contains(&name);
            if platform_own {
                assert_eq!(headers[name], THIRD_PARTY_CSP);
            } else {
                assert!(headers.get(name).is_none(), "{name} must not pass");
            }
        }
        let kept = answer(&[
            ("content-type", "application/json"),
            ("etag", "\"v1\""),
            ("last-modified", "Wed, 21 Oct 2026 07:28:00 GMT"),
            ("content-disposition", "attachment; filename=\"quote.pdf\""),
        ]);
        assert_eq!(kept["etag"], "\"v1\"");
        assert_eq!(kept["content-disposition"], "attachment; filename=\"quote.pdf\"");
        assert_eq!(kept["x-content-type-options"], "nosniff");
        assert_eq!(kept["content-security-policy"], THIRD_PARTY_CSP, "JSON answers get the policy too");
    }

    #[test]
    fn personalised_answers_are_never_publicly_cached() {
        assert_eq!(answer(&[("cache-control", "public, max-age=31536000")])["cache-control"], PRIVATE);
        assert_eq!(answer(&[])["cache-control"], PRIVATE);
        assert_eq!(answer(&[("cache-control", "no-store")])["cache-control"], "no-store");
    }

    #[test]
    fn redirects_stay_below_the_app() {
        for own in ["/apps/movers", "/apps/movers/", "/apps/movers/quotes/1?x=1", "/apps/movers?done"] {
            assert!(is_own_path(own, "movers"), "{own}");
        }
        for foreign in [
            "https://evil.example/",
            "//evil.example/",
            "/apps/movers//evil.example",
            "/\\evil.example",
            "/apps/movers-twin/",
            "/apps/pinboard/",
            "/api/me",
            "/apps/movers/../../api/me",
            "/apps/movers/%2e%2e/pinboard",
            "quotes/1",
            "/apps/movers/\nSet-Cookie: x",
        ] {
            assert!(!is_own_path(foreign, "movers"), "{foreign}");
        }
        assert!(answer(&[("location", "https://evil.example/")]).get("location").is_none());
        // Relative targets are resolved as a browser would, then checked.
        assert_eq!(resolve("./", "/apps/movers/quotes/new").as_deref(), Some("/apps/movers/quotes/"));
        assert_eq!(resolve("../", "/apps/movers/quotes/new").as_deref(), Some("/apps/movers/"));
        assert_eq!(resolve("7?done", "/apps/movers/quotes/new").as_deref(), Some("/apps/movers/quotes/7?done"));
        assert_eq!(resolve("javascript:alert(1)", "/apps/movers/"), None);
        assert_eq!(answer(&[("location", "./")])["location"], "/apps/movers/quotes/");
        assert!(answer(&[("location", "../../../api/me")]).get("location").is_none());
        assert_eq!(answer(&[("location", "/apps/movers/quotes")])["location"], "/apps/movers/quotes");
    }

    #[test]
    fn only_known_inert_types_count_as_inert() {
        let with = |content_type: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            is_inert(&headers)
        };
        assert!(with("application/json; charset=utf-8"));
        assert!(with("application/problem+json"));
        assert!(with("TEXT/PLAIN"));
        for page in ["text/html", "application/xhtml+xml", "image/svg+xml", "multipart/x-mixed-replace", "text/xsl"] {
            assert!(!with(page), "{page}");
        }
        assert!(!is_inert(&HeaderMap::new()), "no type at all may be sniffed as a page");
    }
}
