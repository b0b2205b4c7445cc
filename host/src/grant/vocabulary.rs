//! The words grants are made of: app kinds, the platform's interfaces,
//! capability kinds, profile fields, and one requested grant. Every other
//! module builds on these; this one imports none of them.

use serde::{Deserialize, Serialize};

/// Who builds and answers for an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppKind {
    /// Built by the platform.
    Core,
    /// Built by a vendor; sees residents only through consent and pseudonyms.
    ThirdParty,
}

impl AppKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AppKind::Core => "core",
            AppKind::ThirdParty => "third-party",
        }
    }
}

/// A `courtyard:platform` interface an app may import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlatformInterface {
    Context,
    Profile,
    Collections,
    Notifications,
    Files,
    OutboundHttp,
    Log,
}

impl PlatformInterface {
    const ALL: [PlatformInterface; 7] = [
        PlatformInterface::Context,
        PlatformInterface::Profile,
        PlatformInterface::Collections,
        PlatformInterface::Notifications,
        PlatformInterface::Files,
        PlatformInterface::OutboundHttp,
        PlatformInterface::Log,
    ];

    /// The interface name in the WIT package.
    pub fn name(self) -> &'static str {
        match self {
            PlatformInterface::Context => "context",
            PlatformInterface::Profile => "profile",
            PlatformInterface::Collections => "collections",
            PlatformInterface::Notifications => "notifications",
            PlatformInterface::Files => "files",
            PlatformInterface::OutboundHttp => "outbound-http",
            PlatformInterface::Log => "log",
        }
    }

    /// The importable interface called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<PlatformInterface> {
        PlatformInterface::ALL.into_iter().find(|interface| interface.name() == name)
    }

    /// The capability kinds that allow importing this interface; empty when
    /// the interface needs none (the caller's context, diagnostics).
    pub fn needs(self) -> &'static [CapabilityKind] {
        match self {
            PlatformInterface::Context | PlatformInterface::Log => &[],
            PlatformInterface::Profile => &[CapabilityKind::ProfileRead],
            PlatformInterface::Collections | PlatformInterface::Files => {
                &[CapabilityKind::CollectionsRead, CapabilityKind::CollectionsWrite]
            }
            PlatformInterface::Notifications => &[CapabilityKind::NotificationsSend],
            PlatformInterface::OutboundHttp => &[CapabilityKind::OutboundHttp],
        }
    }
}

/// What a capability allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CapabilityKind {
    /// Read named fields of the caller's (or a neighbour's) profile.
    #[serde(rename = "profile.read")]
    ProfileRead,
    /// Read named collections: the app's own, or with `app` another app's.
    #[serde(rename = "collections.read")]
    CollectionsRead,
    /// Read and write the app's own named collections.
    #[serde(rename = "collections.write")]
    CollectionsWrite,
    /// Send in-app notifications to people of the property.
    #[serde(rename = "notifications.send")]
    NotificationsSend,
    /// Send HTTP requests to the named hosts.
    #[serde(rename = "outbound-http")]
    OutboundHttp,
}

impl CapabilityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CapabilityKind::ProfileRead => "profile.read",
            CapabilityKind::CollectionsRead => "collections.read",
            CapabilityKind::CollectionsWrite => "collections.write",
            CapabilityKind::NotificationsSend => "notifications.send",
            CapabilityKind::OutboundHttp => "outbound-http",
        }
    }
}

/// A profile field, as the WIT `profile.field` enum names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileField {
    DisplayName,
    GivenName,
    FamilyName,
    Email,
    Phone,
    Unit,
    Address,
    Locale,
}

impl ProfileField {
    pub const ALL: [ProfileField; 8] = [
        ProfileField::DisplayName,
        ProfileField::GivenName,
        ProfileField::FamilyName,
        ProfileField::Email,
        ProfileField::Phone,
        ProfileField::Unit,
        ProfileField::Address,
        ProfileField::Locale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProfileField::DisplayName => "display-name",
            ProfileField::GivenName => "given-name",
            ProfileField::FamilyName => "family-name",
            ProfileField::Email => "email",
            ProfileField::Phone => "phone",
            ProfileField::Unit => "unit",
            ProfileField::Address => "address",
            ProfileField::Locale => "locale",
        }
    }

    /// How the field is named to people.
    pub fn label(self) -> &'static str {
        match self {
            ProfileField::DisplayName => "your display name",
            ProfileField::GivenName => "your given name",
            ProfileField::FamilyName => "your family name",
            ProfileField::Email => "your email address",
            ProfileField::Phone => "your phone number",
            ProfileField::Unit => "your flat or unit",
            ProfileField::Address => "your building's address",
            ProfileField::Locale => "your language",
        }
    }

    pub fn from_name(name: &str) -> Option<ProfileField> {
        ProfileField::ALL.into_iter().find(|field| field.as_str() == name)
    }
}

/// One grant the manifest asks for: the unit customers approve and residents
/// consent to (a single field, collection or host), with its purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestedGrant {
    /// The grant key, e.g. `profile.read:email` (see `crate::grant`).
    pub key: String,
    pub kind: CapabilityKind,
    /// What it gets, in words people understand.
    pub label: String,
    pub purpose: String,
}

/// Whether `id` is a valid app id.
pub fn is_app_id(id: &str) -> bool {
    id.len() <= 48
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Whether `name` is a valid collection name.
pub fn is_collection_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
