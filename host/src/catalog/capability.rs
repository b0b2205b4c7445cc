//! One capability of a manifest: what it asks for (fields, collections or
//! hosts) and why. The words it is made of live in `crate::grant`.

use serde::{Deserialize, Serialize};

pub use crate::grant::{CapabilityKind, PlatformInterface, ProfileField};

/// One capability the app asks for, with the reason it gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capability {
    pub kind: CapabilityKind,
    /// `profile.read`: the fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ProfileField>,
    /// `collections.*`: the collection names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collections: Vec<String>,
    /// `collections.read` of another app's collections: that app's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// `outbound-http`: exact host names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Why the app needs this, in one or two sentences people understand.
    pub purpose: String,
}
