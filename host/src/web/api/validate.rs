//! Checks of client input shared by the API's handlers.

use crate::web::ApiError;

/// Checks a free-text field: trimmed, non-empty, at most `max` characters,
/// no control characters.
pub(crate) fn text(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::invalid(format!("`{field}` must not be empty"))
            .with_problem("problem.text_empty", &[("field", field)]));
    }
    if value.chars().count() > max {
        return Err(ApiError::invalid(format!("`{field}` is limited to {max} characters"))
            .with_problem("problem.text_long", &[("field", field), ("max", &max.to_string())]));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!("`{field}` must not contain control characters"))
            .with_problem("problem.text_control", &[("field", field)]));
    }
    Ok(value.to_owned())
}

/// Checks an optional free-text field the same way.
pub(crate) fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, ApiError> {
    value.map(|v| text(field, v, max)).transpose()
}

/// Checks a `YYYY-MM-DD` date.
pub(crate) fn date(field: &str, value: &str) -> Result<String, ApiError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value, &format).map(|_| value.to_owned()).map_err(|_| {
        ApiError::invalid(format!("`{field}` must be a date as YYYY-MM-DD"))
            .with_problem("problem.date_invalid", &[("field", field)])
    })
}

/// Checks an email address: one `@`, a dot in the domain, sane length.
pub(crate) fn email(value: &str) -> Result<String, ApiError> {
    let value = crate::storage::normalize_email(value);
    let valid = value.len() <= 254
        && value.parse::<lettre::Address>().is_ok()
        && value.rsplit_once('@').is_some_and(|(_, domain)| domain.contains('.'));
    if valid {
        Ok(value)
    } else {
        Err(ApiError::invalid("`email` is not a valid email address").with_problem("problem.email_invalid", &[]))
    }
}

/// Checks a new password against the length rules.
pub(crate) fn password(value: &str) -> Result<(), ApiError> {
    use crate::identity::{MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS, PasswordError};
    crate::identity::check_policy(value).map_err(|err| {
        let refused = ApiError::invalid(err.to_string());
        match err {
            PasswordError::TooShort => {
                refused.with_problem("problem.password_short", &[("min", &MIN_PASSWORD_CHARS.to_string())])
            }
            PasswordError::TooLong => {
                refused.with_problem("problem.password_long", &[("max", &MAX_PASSWORD_BYTES.to_string())])
            }
        }
    })
}

/// For PATCH fields where `null` means "clear it": present (even as null)
/// becomes `Some(…)`, absent stays `None` (by `#[serde(default)]`).
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}
