//! Who is calling.

use crate::Error;
use crate::bindings::courtyard::platform::context as wit;

/// The caller of the current request, as the host authenticated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The person, as this app sees them; `None` when anonymous.
    pub subject: Option<String>,
    /// The property (building) the request is about.
    pub property: Option<String>,
    /// Role names within that property.
    pub roles: Vec<String>,
    /// Whether the caller is staff of this app there: they hold a role the
    /// manifest lists in `staff_roles`. The host decides it.
    pub staff: bool,
    /// The caller's unit in that property, while they live there.
    pub unit: Option<String>,
    /// BCP 47 locale, e.g. `de-CH`.
    pub locale: String,
    /// The host's request id, for log correlation.
    pub request_id: String,
}

impl Caller {
    /// The subject, or [`Error::Denied`] for an anonymous caller.
    pub fn require_subject(&self) -> Result<&str, Error> {
        self.subject.as_deref().ok_or_else(|| Error::Denied("sign in first".to_owned()))
    }

    /// Whether the caller holds `role` in the current property.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|held| held == role)
    }
}

/// The caller of the current request.
pub fn caller() -> Caller {
    let caller = wit::current();
    Caller {
        subject: caller.subject,
        property: caller.property,
        roles: caller.roles,
        staff: caller.staff,
        unit: caller.unit,
        locale: caller.locale,
        request_id: caller.request_id,
    }
}
