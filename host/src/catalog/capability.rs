//! What an app may ask for: the platform interfaces it imports, and the
//! capabilities (with their fields, collections and hosts) that cover them.

use serde::{Deserialize, Serialize};

/// A `courtyard:platform` interface an app may import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlatformInterface {
    Context,
    Profile,
    Collections,
    Notifications,
    OutboundHttp,
    Log,
}

impl PlatformInterface {
    const ALL: [PlatformInterface; 6] = [
        PlatformInterface::Context,
        PlatformInterface::Profile,
        PlatformInterface::Collections,
        PlatformInterface::Notifications,
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
            PlatformInterface::Collections => &[CapabilityKind::CollectionsRead, CapabilityKind::CollectionsWrite],
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
