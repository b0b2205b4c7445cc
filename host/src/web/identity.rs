//! Who is calling.
//!
//! DEVELOPMENT ONLY: until platform sign-in exists, the caller comes from the
//! `x-courtyard-dev-caller` header, e.g.
//! `subject=alice; customer=acme; property=elm-street-5; roles=resident; locale=de-CH`.
//! It is honoured only when the server listens on a loopback address or the
//! configuration turns it on explicitly, and never on a request that came
//! through a proxy (one carrying `Forwarded`, `X-Forwarded-For`, `X-Real-IP`
//! or `Via`); otherwise a request carrying it is refused with 401. A request
//! without it is anonymous.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::AppState;
use super::error::ApiError;

/// The development-only caller header.
pub const DEV_CALLER_HEADER: &str = "x-courtyard-dev-caller";

/// Headers reverse proxies add; their presence means the client is not local.
const PROXY_HEADERS: &[&str] = &["forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip", "via"];

/// The authenticated caller of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller {
    pub subject: Option<String>,
    pub customer: Option<String>,
    pub property: Option<String>,
    pub roles: Vec<String>,
    pub locale: Option<String>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(DEV_CALLER_HEADER) else {
            return Ok(Caller::default());
        };
        if !state.dev_caller_header {
            return Err(ApiError::unauthorized(format!("the {DEV_CALLER_HEADER} header is disabled on this server")));
        }
        // A request relayed by a proxy comes from elsewhere, however local
        // the proxy is: the development header is for local clients only.
        if PROXY_HEADERS.iter().any(|name| parts.headers.contains_key(*name)) {
            return Err(ApiError::unauthorized(format!(
                "the {DEV_CALLER_HEADER} header is not accepted through a proxy"
            )));
        }
        let value = value.to_str().map_err(|_| ApiError::bad_request(format!("{DEV_CALLER_HEADER} must be ASCII")))?;
        parse_dev_caller(value).map_err(ApiError::bad_request)
    }
}

fn parse_dev_caller(value: &str) -> Result<Caller, String> {
    let mut caller = Caller::default();
    for pair in value.split(';').map(str::trim).filter(|pair| !pair.is_empty()) {
        let (key, val) =
            pair.split_once('=').ok_or_else(|| format!("{DEV_CALLER_HEADER}: `{pair}` is not key=value"))?;
        let val = val.trim();
        let valid = !val.is_empty()
            && val.len() <= 128
            && val.chars().all(|c| c.is_ascii_alphanumeric() || "-_.,@".contains(c));
        if !valid {
            return Err(format!("{DEV_CALLER_HEADER}: the value of `{}` is empty or has odd characters", key.trim()));
        }
        match key.trim() {
            "subject" => caller.subject = Some(val.to_owned()),
            "customer" => caller.customer = Some(val.to_owned()),
            "property" => caller.property = Some(val.to_owned()),
            "roles" => caller.roles = val.split(',').filter(|r| !r.is_empty()).map(str::to_owned).collect(),
            "locale" => caller.locale = Some(val.to_owned()),
            other => return Err(format!("{DEV_CALLER_HEADER}: unknown key `{other}`")),
        }
    }
    if caller.property.is_some() && caller.customer.is_none() {
        return Err(format!("{DEV_CALLER_HEADER}: a property needs its customer"));
    }
    Ok(caller)
}

#[cfg(test)]
mod tests {
    use super::parse_dev_caller;

    #[test]
    fn parses_every_key() {
        let caller =
            parse_dev_caller("subject=alice; customer=acme; property=p1; roles=resident,board; locale=de-CH").unwrap();
        assert_eq!(caller.subject.as_deref(), Some("alice"));
        assert_eq!(caller.roles, ["resident", "board"]);
        assert_eq!(caller.locale.as_deref(), Some("de-CH"));
    }

    #[test]
    fn refuses_malformed_headers() {
        for bad in ["subject", "subject=", "tenant=x", "subject=a b", "property=p1", "subject=<script>"] {
            assert!(parse_dev_caller(bad).is_err(), "{bad} must be refused");
        }
    }
}
