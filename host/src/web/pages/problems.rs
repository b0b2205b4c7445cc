//! What went wrong, in the words of the person's language.
//!
//! The API's error messages are English and written for developers. A
//! person meets the same errors on forms and error pages; there they read
//! the catalogue's words: the error's [`Problem`] if it names one, else
//! the text for its code, else one for its status.

use axum::http::StatusCode;

use super::Texts;
use crate::web::ApiError;
use crate::web::error::Problem;

/// The words for `code` (and its `problem`, if any) with `status`.
pub(crate) fn words(t: &Texts, status: StatusCode, code: &str, problem: Option<&Problem>) -> String {
    if let Some(problem) = problem {
        let values: Vec<(&str, String)> = problem
            .values
            .iter()
            .map(|(name, value)| match *name {
                "field" => (*name, field_label(t, value).to_owned()),
                _ => (*name, value.clone()),
            })
            .collect();
        let values: Vec<(&str, &str)> = values.iter().map(|(name, value)| (*name, value.as_str())).collect();
        return t.f(problem.key, &values);
    }
    t.t(code_key(status, code)).to_owned()
}

/// The words for `err`, as a form shows them.
pub(crate) fn of(t: &Texts, err: &ApiError) -> String {
    words(t, err.status, err.code, err.problem.as_ref())
}

/// The catalogue text for an error code a browser can meet.
fn code_key(status: StatusCode, code: &str) -> &'static str {
    match code {
        "not_found" => "problem.not_found",
        "form_token" => "problem.form_token",
        "cross_site" => "problem.cross_site",
        "unauthorized" => "problem.unauthorized",
        "ticket_refused" => "problem.ticket_refused",
        "app_pass_expired" => "problem.app_pass_expired",
        "consent_changed" => "problem.consent_changed",
        "nothing_to_decide" => "problem.nothing_to_decide",
        "use_app_origin" => "problem.use_app_origin",
        "choose_property" => "problem.choose_property",
        "payload_too_large" => "problem.too_large",
        "throttled" => "session.throttled",
        "email_unverified" => "session.unverified",
        "invalid_query" => "problem.invalid_query",
        "method_not_allowed" => "problem.request",
        _ => match status {
            StatusCode::NOT_FOUND => "problem.not_found",
            StatusCode::FORBIDDEN => "problem.forbidden",
            StatusCode::UNAUTHORIZED => "problem.unauthorized",
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => "problem.busy",
            status if status.is_server_error() => "problem.ours",
            _ => "problem.request",
        },
    }
}

/// A field named by the API, as forms label it.
fn field_label(t: &Texts, field: &str) -> &'static str {
    match field {
        "name" => t.t("onboarding.name"),
        "email" => t.t("session.email"),
        "password" => t.t("session.password"),
        "street" => t.t("onboarding.street"),
        "postal_code" => t.t("onboarding.postal_code"),
        "city" => t.t("onboarding.city"),
        "unit_label" => t.t("onboarding.unit"),
        "message" => t.t("onboarding.message"),
        _ => t.t("problem.a_field"),
    }
}

/// Every code [`code_key`] knows, for the catalogue test.
#[cfg(test)]
pub(crate) const CODES: [&str; 15] = [
    "not_found",
    "form_token",
    "cross_site",
    "unauthorized",
    "ticket_refused",
    "app_pass_expired",
    "consent_changed",
    "nothing_to_decide",
    "use_app_origin",
    "choose_property",
    "payload_too_large",
    "throttled",
    "email_unverified",
    "invalid_query",
    "method_not_allowed",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, names};

    #[test]
    fn every_code_and_status_has_words_in_both_languages() {
        let statuses = [400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 502, 503, 504];
        for lang in Lang::ALL {
            let known = names(lang);
            for code in CODES.iter().chain(&["anything_else"]) {
                for status in statuses {
                    let key = code_key(StatusCode::from_u16(status).unwrap(), code);
                    assert!(known.contains(key), "{} lacks {key}", lang.code());
                }
            }
        }
    }

    #[test]
    fn a_problem_names_the_field_as_the_form_labels_it() {
        let refused = crate::web::api::text("street", "", 200).unwrap_err();
        assert_eq!(of(&Texts::new(Lang::De), &refused), "Fülle «Strasse und Nummer» aus.");
        assert_eq!(of(&Texts::new(Lang::En), &refused), "Fill in “Street and number”.");
        let long = crate::web::api::text("name", &"x".repeat(201), 200).unwrap_err();
        assert_eq!(of(&Texts::new(Lang::De), &long), "«Dein Name» hat höchstens 200 Zeichen.");
        // Without a problem, the code decides; without a known code, the status.
        let token = ApiError::forbidden("x").with_code("form_token");
        assert!(of(&Texts::new(Lang::De), &token).contains("Formular"), "{}", of(&Texts::new(Lang::De), &token));
        let odd = ApiError::new(StatusCode::CONFLICT, "conflict", "the API's English");
        assert!(!of(&Texts::new(Lang::De), &odd).contains("English"));
    }
}
