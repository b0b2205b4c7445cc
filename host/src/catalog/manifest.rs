//! The manifest a micro-app ships with (`courtyard.toml`): who it is, where
//! it processes data, and every capability it asks for, each with the
//! purpose shown to customers and residents.
//!
//! ```toml
//! id = "moving-service"
//! version = "1.0.0"
//! name = "Moving Service"
//! kind = "third-party"
//! vendor = "Meier Removals Ltd"
//! description = "Quotes for your move, straight from your building's app."
//! privacy_policy = "https://meier-removals.example/privacy"
//!
//! [processing]
//! location = "EU/EEA"
//!
//! [[capabilities]]
//! kind = "profile.read"
//! fields = ["display-name", "email", "unit"]
//! purpose = "To address your quote to you and your flat."
//! ```

use serde::{Deserialize, Serialize};

pub use super::capability::{Capability, CapabilityKind, PlatformInterface, ProfileField};
pub use super::documents::IndexDeclaration;
pub use super::files::FilesDeclaration;
pub use super::upcoming::UpcomingDeclaration;
pub use crate::grant::{AppKind, RequestedGrant, is_app_id, is_collection_name};

/// Where the app processes personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Processing {
    /// `EU/EEA`, or a named third country.
    pub location: String,
    /// Required for a third country: the transfer's legal basis (GDPR Art. 45–49).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
}

impl Processing {
    pub const EU_EEA: &'static str = "EU/EEA";
}

/// A parsed and checked manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Lower-case letters, digits and dashes; starts with a letter; at most 48.
    pub id: String,
    /// `MAJOR.MINOR.PATCH`, optionally with a `-pre-release` suffix.
    pub version: String,
    /// Shown to people.
    pub name: String,
    pub kind: AppKind,
    pub vendor: String,
    /// One sentence shown in the catalog.
    pub description: String,
    /// Required for third-party apps: an `https://` link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_policy: Option<String>,
    pub processing: Processing,
    #[serde(default)]
    pub capabilities: Vec<Capability>,
    /// Platform roles that count as the app's staff in their property
    /// (contract 0.2; see `documents`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff_roles: Vec<String>,
    /// Fields the app filters by ranges or orders by, per collection.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexDeclaration>,
    /// The attachments the app takes, if any (contract 0.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<FilesDeclaration>,
    /// Dated documents home lists under "Coming up" (core apps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upcoming: Vec<UpcomingDeclaration>,
}

/// A manifest that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("manifest: {0}")]
    Syntax(String),
    #[error("manifest field `{field}`: {problem}")]
    Field { field: &'static str, problem: String },
}

impl Manifest {
    /// Parses and checks a manifest. Missing and unknown fields are errors.
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        let manifest: Manifest = toml::from_str(text).map_err(|err| ManifestError::Syntax(err.message().to_owned()))?;
        manifest.check()?;
        Ok(manifest)
    }

    /// Whether a capability of the manifest allows importing `interface`.
    pub fn covers(&self, interface: PlatformInterface) -> bool {
        let needs = interface.needs();
        needs.is_empty() || self.capabilities.iter().any(|capability| needs.contains(&capability.kind))
    }

    /// Every grant the manifest asks for, in manifest order.
    pub fn requested_grants(&self) -> Vec<RequestedGrant> {
        let mut requested = Vec::new();
        for capability in &self.capabilities {
            let mut push = |key: String, label: String| {
                requested.push(RequestedGrant {
                    key,
                    kind: capability.kind,
                    label,
                    purpose: capability.purpose.clone(),
                })
            };
            match capability.kind {
                CapabilityKind::ProfileRead => {
                    for field in &capability.fields {
                        push(crate::grant::profile(*field), field.label().to_owned());
                    }
                }
                CapabilityKind::CollectionsRead => {
                    for collection in &capability.collections {
                        let label = match &capability.app {
                            Some(app) => format!("reading the `{collection}` data of the app `{app}`"),
                            None => format!("reading its own `{collection}` data"),
                        };
                        push(crate::grant::collection_read(capability.app.as_deref(), collection), label);
                    }
                }
                CapabilityKind::CollectionsWrite => {
                    for collection in &capability.collections {
                        push(
                            crate::grant::collection_write(collection),
                            format!("keeping `{collection}` data for you"),
                        );
                    }
                }
                CapabilityKind::NotificationsSend => {
                    push(crate::grant::NOTIFICATIONS.to_owned(), "sending you notifications".to_owned())
                }
                CapabilityKind::OutboundHttp => {
                    for host in &capability.hosts {
                        push(crate::grant::outbound(host), format!("sending data to {host}"));
                    }
                }
            }
        }
        requested
    }

    fn check(&self) -> Result<(), ManifestError> {
        if !is_app_id(&self.id) {
            return Err(field("id", "use 1 to 48 lower-case letters, digits and dashes, starting with a letter"));
        }
        if !is_version(&self.version) {
            return Err(field("version", "use MAJOR.MINOR.PATCH, e.g. 1.4.0"));
        }
        for (name, value, max) in
            [("name", &self.name, 200), ("vendor", &self.vendor, 200), ("description", &self.description, 300)]
        {
            if !is_text(value, max) {
                return Err(field(name, &format!("must be 1 to {max} printable characters")));
            }
        }
        if self.kind == AppKind::ThirdParty
            && let Some((at, reason)) = super::naming::impersonation(&self.name, &self.vendor)
        {
            return Err(field(at, &reason));
        }
        match (&self.privacy_policy, self.kind) {
            (Some(link), _) if !is_https_link(link) => {
                return Err(field("privacy_policy", "must be an https:// link of at most 500 characters"));
            }
            (None, AppKind::ThirdParty) => {
                return Err(field("privacy_policy", "third-party apps must link their privacy policy"));
            }
            _ => {}
        }
        if !is_text(&self.processing.location, 100) {
            return Err(field("processing", "`location` must be `EU/EEA` or a named country"));
        }
        match &self.processing.legal_basis {
            Some(basis) if !is_text(basis, 300) => {
                return Err(field("processing", "`legal_basis` must be 1 to 300 printable characters"));
            }
            None if self.processing.location != Processing::EU_EEA => {
                return Err(field(
                    "processing",
                    "processing outside the EU/EEA needs a `legal_basis` (for example an adequacy decision)",
                ));
            }
            _ => {}
        }
        for capability in &self.capabilities {
            self.check_capability(capability)?;
        }
        super::documents::check_staff_roles(&self.staff_roles).map_err(|problem| field("staff_roles", &problem))?;
        let collections: Vec<&str> =
            self.capabilities.iter().flat_map(|capability| capability.collections.iter().map(String::as_str)).collect();
        super::documents::check_indexes(&self.indexes, &collections).map_err(|problem| field("indexes", &problem))?;
        super::upcoming::check_upcoming(&self.upcoming, &collections, &self.indexes)
            .map_err(|problem| field("upcoming", &problem))?;
        if !self.upcoming.is_empty() && self.kind != AppKind::Core {
            return Err(field("upcoming", "home lists the dates of core apps only"));
        }
        if let Some(files) = &self.files {
            files.check().map_err(|problem| field("files", &problem))?;
            if collections.is_empty() {
                return Err(field("files", "files are attached to documents: declare a collection"));
            }
        }
        let mut keys: Vec<String> = self.requested_grants().into_iter().map(|grant| grant.key).collect();
        let count = keys.len();
        keys.sort();
        keys.dedup();
        if keys.len() != count {
            return Err(field("capabilities", "a field, collection or host is asked for twice"));
        }
        Ok(())
    }

    fn check_capability(&self, capability: &Capability) -> Result<(), ManifestError> {
        let kind = capability.kind.as_str();
        if !is_text(&capability.purpose, 500) {
            return Err(field("capabilities", &format!("`{kind}` needs a purpose of 1 to 500 printable characters")));
        }
        let expects = |what: &str, present: bool| -> Result<(), ManifestError> {
            let wanted = match capability.kind {
                CapabilityKind::ProfileRead => "fields",
                CapabilityKind::CollectionsRead | CapabilityKind::CollectionsWrite => "collections",
                CapabilityKind::OutboundHttp => "hosts",
                CapabilityKind::NotificationsSend => "",
            };
            match (wanted == what, present) {
                (true, false) => Err(field("capabilities", &format!("`{kind}` must list `{what}`"))),
                (false, true) => Err(field("capabilities", &format!("`{kind}` takes no `{what}`"))),
                _ => Ok(()),
            }
        };
        expects("fields", !capability.fields.is_empty())?;
        expects("collections", !capability.collections.is_empty())?;
        expects("hosts", !capability.hosts.is_empty())?;
        if let Some(app) = &capability.app {
            if capability.kind != CapabilityKind::CollectionsRead {
                return Err(field("capabilities", &format!("`{kind}` takes no `app`: apps write only their own data")));
            }
            if !is_app_id(app) || *app == self.id {
                return Err(field("capabilities", "`app` names another app by its id; omit it for the app's own data"));
            }
        }
        if let Some(bad) = capability.collections.iter().find(|name| !is_collection_name(name)) {
            return Err(field(
                "capabilities",
                &format!("collection `{bad}`: use 1 to 64 ASCII letters, digits, `-` or `_`"),
            ));
        }
        if let Some(bad) = capability.hosts.iter().find(|host| !is_host_and_port(host)) {
            return Err(field(
                "capabilities",
                &format!(
                    "host `{bad}`: use an exact lower-case host name such as api.example.com, with `:PORT` \
                     only for a port other than 443"
                ),
            ));
        }
        Ok(())
    }
}

/// Orders versions: `MAJOR.MINOR.PATCH`, a pre-release before its release.
pub fn version_order(version: &str) -> (u64, u64, u64, bool) {
    let (core, pre) = match version.split_once('-') {
        Some((core, _)) => (core, true),
        None => (version, false),
    };
    let mut parts = core.split('.').map(|part| part.parse::<u64>().unwrap_or(0));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next(), !pre)
}

/// A host name, optionally with a port other than 443 (`api.example.com:8443`).
fn is_host_and_port(host: &str) -> bool {
    match host.split_once(':') {
        None => is_host(host),
        Some((name, port)) => {
            is_host(name) && !port.starts_with('0') && port.parse::<u16>().is_ok_and(|port| port != 0 && port != 443)
        }
    }
}

fn is_host(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').count() >= 2
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// Printable text: no control characters, and no invisible format
/// characters that would make it display other than it reads.
fn is_text(value: &str, max: usize) -> bool {
    !value.trim().is_empty()
        && value.chars().count() <= max
        && !value.chars().any(|c| c.is_control() || super::naming::is_format_char(c))
}

fn is_https_link(link: &str) -> bool {
    link.len() <= 500
        && link.strip_prefix("https://").is_some_and(|rest| rest.split('/').next().is_some_and(is_host))
        && !link.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn field(field: &'static str, problem: &str) -> ManifestError {
    ManifestError::Field { field, problem: problem.to_owned() }
}

fn is_version(version: &str) -> bool {
    let (core, pre) = match version.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (version, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |part: &&str| !part.is_empty() && part.len() <= 9 && part.chars().all(|c| c.is_ascii_digit());
    parts.len() == 3
        && parts.iter().all(numeric)
        && pre.is_none_or(|pre| {
            !pre.is_empty() && pre.len() <= 32 && pre.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
        id = "movers"
        version = "0.1.0"
        name = "Movers"
        kind = "third-party"
        vendor = "Movers Ltd"
        description = "Moving quotes."
        privacy_policy = "https://movers.example/privacy"

        [processing]
        location = "EU/EEA"

        [[capabilities]]
        kind = "profile.read"
        fields = ["display-name", "email"]
        purpose = "To address the quote."

        [[capabilities]]
        kind = "collections.write"
        collections = ["quotes"]
        purpose = "To keep your quotes."

        [[capabilities]]
        kind = "collections.read"
        app = "pinboard"
        collections = ["posts"]
        purpose = "To show moving notices."

        [[capabilities]]
        kind = "outbound-http"
        hosts = ["api.movers.example"]
        purpose = "To ask our system for a price."
    "#;

    #[test]
    fn parses_a_complete_manifest_into_grants() {
        let manifest = Manifest::parse(GOOD).unwrap();
        assert_eq!(manifest.kind, AppKind::ThirdParty);
        let keys: Vec<String> = manifest.requested_grants().into_iter().map(|grant| grant.key).collect();
        assert_eq!(
            keys,
            [
                "profile.read:display-name",
                "profile.read:email",
                "collections.write:quotes",
                "collections.read:pinboard/posts",
                "outbound-http:api.movers.example"
            ]
        );
        assert!(manifest.covers(PlatformInterface::Profile));
        assert!(manifest.covers(PlatformInterface::Collections));
        assert!(manifest.covers(PlatformInterface::Context));
        assert!(!manifest.covers(PlatformInterface::Notifications));
    }

    #[test]
    fn missing_and_unknown_fields_are_named() {
        let missing = Manifest::parse(&GOOD.replace("vendor = \"Movers Ltd\"", "")).unwrap_err();
        assert!(missing.to_string().contains("missing field `vendor`"), "{missing}");
        let unknown = Manifest::parse(&format!("homepage = \"x\"\n{GOOD}")).unwrap_err();
        assert!(unknown.to_string().contains("unknown field `homepage`"), "{unknown}");
        let kind = Manifest::parse(&GOOD.replace("\"profile.read\"", "\"filesystem\"")).unwrap_err();
        assert!(kind.to_string().contains("unknown variant `filesystem`"), "{kind}");
    }

    #[test]
    fn versions_order_numerically_with_pre_releases_first() {
        assert!(version_order("0.10.0") > version_order("0.9.9"));
        assert!(version_order("1.0.0") > version_order("1.0.0-rc.1"));
        assert!(version_order("1.0.1-rc.1") > version_order("1.0.0"));
    }

    #[test]
    fn bad_values_are_refused() {
        for (from, to) in [
            ("id = \"movers\"", "id = \"Pin Board\""),
            ("version = \"0.1.0\"", "version = \"latest\""),
            ("kind = \"third-party\"", "kind = \"system\""),
            ("name = \"Movers\"", "name = \" \""),
            ("privacy_policy = \"https://movers.example/privacy\"", ""),
            ("https://movers.example/privacy", "http://movers.example/privacy"),
            ("location = \"EU/EEA\"", "location = \"United States\""),
            ("[\"display-name\", \"email\"]", "[\"email\", \"email\"]"),
            ("[\"display-name\", \"email\"]", "[]"),
            ("purpose = \"To keep your quotes.\"", "purpose = \"\""),
            ("collections = [\"quotes\"]", "collections = [\"a/b\"]"),
            ("app = \"pinboard\"", "app = \"movers\""),
            ("hosts = [\"api.movers.example\"]", "hosts = [\"*.movers.example\"]"),
            ("hosts = [\"api.movers.example\"]", "hosts = [\"api.movers.example:443\"]"),
            ("hosts = [\"api.movers.example\"]", "hosts = [\"api.movers.example:0\"]"),
            ("hosts = [\"api.movers.example\"]", "hosts = [\"api.movers.example:99999\"]"),
            ("kind = \"collections.write\"", "kind = \"collections.write\"\napp = \"pinboard\""),
        ] {
            assert!(Manifest::parse(&GOOD.replace(from, to)).is_err(), "{to} must be refused");
        }
        let third_country = GOOD.replace(
            "location = \"EU/EEA\"",
            "location = \"Switzerland\"\nlegal_basis = \"adequacy decision of the European Commission\"",
        );
        assert!(Manifest::parse(&third_country).is_ok());
        let other_port = GOOD.replace("hosts = [\"api.movers.example\"]", "hosts = [\"api.movers.example:8443\"]");
        assert!(Manifest::parse(&other_port).is_ok(), "a port other than 443 is named in the grant");
        assert!(Manifest::parse("not toml at all [").is_err());
    }
}
