//! The manifest a micro-app ships with (`courtyard.toml`).
//!
//! ```toml
//! id = "pinboard"
//! version = "0.1.0"
//! name = "Pinboard"
//! kind = "core"
//! vendor = "Courtyard"
//! interfaces = ["context", "collections", "log"]
//! ```

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
    Collections,
    Log,
}

impl PlatformInterface {
    /// The interface name in the WIT package.
    pub fn name(self) -> &'static str {
        match self {
            PlatformInterface::Context => "context",
            PlatformInterface::Collections => "collections",
            PlatformInterface::Log => "log",
        }
    }

    /// The importable interface called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<PlatformInterface> {
        [PlatformInterface::Context, PlatformInterface::Collections, PlatformInterface::Log]
            .into_iter()
            .find(|interface| interface.name() == name)
    }
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
    /// The platform interfaces the component imports.
    pub interfaces: Vec<PlatformInterface>,
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

    fn check(&self) -> Result<(), ManifestError> {
        let id_ok = self.id.len() <= 48
            && self.id.starts_with(|c: char| c.is_ascii_lowercase())
            && self.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            return Err(field("id", "use 1 to 48 lower-case letters, digits and dashes, starting with a letter"));
        }
        if !is_version(&self.version) {
            return Err(field("version", "use MAJOR.MINOR.PATCH, e.g. 1.4.0"));
        }
        for (name, value) in [("name", &self.name), ("vendor", &self.vendor)] {
            if value.trim().is_empty() || value.len() > 200 || value.chars().any(char::is_control) {
                return Err(field(name, "must be 1 to 200 printable characters"));
            }
        }
        let mut seen = Vec::new();
        for interface in &self.interfaces {
            if seen.contains(interface) {
                return Err(field("interfaces", &format!("`{}` is listed twice", interface.name())));
            }
            seen.push(*interface);
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
        id = "pinboard"
        version = "0.1.0"
        name = "Pinboard"
        kind = "core"
        vendor = "Courtyard"
        interfaces = ["context", "collections"]
    "#;

    #[test]
    fn parses_a_complete_manifest() {
        let manifest = Manifest::parse(GOOD).unwrap();
        assert_eq!(manifest.kind, AppKind::Core);
        assert_eq!(manifest.interfaces, [PlatformInterface::Context, PlatformInterface::Collections]);
    }

    #[test]
    fn missing_and_unknown_fields_are_named() {
        let missing = Manifest::parse(&GOOD.replace("vendor = \"Courtyard\"", "")).unwrap_err();
        assert!(missing.to_string().contains("missing field `vendor`"), "{missing}");
        let unknown = Manifest::parse(&format!("{GOOD}\nhomepage = \"x\"")).unwrap_err();
        assert!(unknown.to_string().contains("unknown field `homepage`"), "{unknown}");
        let interface = Manifest::parse(&GOOD.replace("\"collections\"", "\"filesystem\"")).unwrap_err();
        assert!(interface.to_string().contains("unknown variant `filesystem`"), "{interface}");
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
            ("id = \"pinboard\"", "id = \"Pin Board\""),
            ("version = \"0.1.0\"", "version = \"latest\""),
            ("kind = \"core\"", "kind = \"system\""),
            ("name = \"Pinboard\"", "name = \" \""),
            ("[\"context\", \"collections\"]", "[\"context\", \"context\"]"),
        ] {
            assert!(Manifest::parse(&GOOD.replace(from, to)).is_err(), "{to} must be refused");
        }
        assert!(Manifest::parse("not toml at all [").is_err());
    }
}
