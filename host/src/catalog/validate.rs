//! Install-time checks of a component against the platform and its manifest.
//!
//! A component may import only:
//! - interfaces of `courtyard:platform` that its manifest declares, all of
//!   one contract version the host serves (0.1.x or 0.2.x), and
//! - the WASI subset guest toolchains need: `wasi:io`, `wasi:clocks`,
//!   `wasi:random` and `wasi:cli` at 0.2.x. Filesystem, sockets, HTTP and
//!   everything else reach the outside world and are refused.
//!
//! It must export the `handler` and `lifecycle` interfaces.

use wasmtime::Engine;
use wasmtime::component::Component;

use super::{InstallError, Manifest, PlatformInterface};

const PLATFORM_PACKAGE: &str = "courtyard:platform";
/// The contract versions the host serves, as version prefixes; the newest last.
const PLATFORM_VERSIONS: &[&str] = &["0.1.", "0.2."];
const WASI_VERSION_PREFIX: &str = "0.2.";

/// WASI interfaces a guest may import, by package.
const WASI_ALLOWED: &[(&str, &[&str])] = &[
    ("wasi:io", &["error", "poll", "streams"]),
    ("wasi:clocks", &["monotonic-clock", "wall-clock"]),
    ("wasi:random", &["random", "insecure", "insecure-seed"]),
    (
        "wasi:cli",
        &[
            "environment",
            "exit",
            "stdin",
            "stdout",
            "stderr",
            "terminal-input",
            "terminal-output",
            "terminal-stdin",
            "terminal-stdout",
            "terminal-stderr",
        ],
    ),
];

/// Exports every micro-app must have.
const REQUIRED_EXPORTS: &[&str] = &["handler", "lifecycle"];

/// Refuses bytes that are not a WebAssembly component, before compiling them.
pub fn check_binary(bytes: &[u8]) -> Result<(), InstallError> {
    if wasmparser::Parser::is_component(bytes) {
        Ok(())
    } else if wasmparser::Parser::is_core_wasm(bytes) {
        Err(InstallError::CoreModule)
    } else {
        Err(InstallError::NotWasm)
    }
}

/// Checks a compiled component's imports and exports against `manifest`.
pub fn check_component(engine: &Engine, component: &Component, manifest: &Manifest) -> Result<(), InstallError> {
    let ty = component.component_type();
    let exports: Vec<&str> = ty.exports(engine).map(|(name, _)| name).collect();
    // The handler it exports names the contract version it was built against.
    let version = exports
        .iter()
        .filter_map(|export| split_name(export))
        .filter(|name| name.package == PLATFORM_PACKAGE && name.interface == "handler")
        .find_map(|name| name.version.and_then(served_version))
        .ok_or_else(|| InstallError::MissingExport(format!("{PLATFORM_PACKAGE}/handler@{}0", newest())))?;
    for (import, _) in ty.imports(engine) {
        check_import(import, manifest, version)?;
    }
    for required in REQUIRED_EXPORTS {
        let present = exports.iter().any(|export| {
            split_name(export).is_some_and(|name| {
                name.package == PLATFORM_PACKAGE
                    && name.interface == *required
                    && name.version.is_some_and(|v| v.starts_with(version))
            })
        });
        if !present {
            return Err(InstallError::MissingExport(format!("{PLATFORM_PACKAGE}/{required}@{version}0")));
        }
    }
    Ok(())
}

/// The served version prefix `version` belongs to.
fn served_version(version: &str) -> Option<&'static str> {
    PLATFORM_VERSIONS.iter().copied().find(|prefix| version.starts_with(prefix))
}

fn newest() -> &'static str {
    PLATFORM_VERSIONS[PLATFORM_VERSIONS.len() - 1]
}

fn check_import(import: &str, manifest: &Manifest, version: &str) -> Result<(), InstallError> {
    let forbidden = || InstallError::ForbiddenImport(import.to_owned());
    let name = split_name(import).ok_or_else(forbidden)?;
    if name.package == PLATFORM_PACKAGE {
        if !name.version.is_some_and(|v| v.starts_with(version)) {
            return Err(InstallError::UnsupportedVersion(import.to_owned()));
        }
        if name.interface == "types" {
            return Ok(()); // types only; nothing to call
        }
        let interface = PlatformInterface::from_name(name.interface).ok_or_else(forbidden)?;
        if !manifest.covers(interface) {
            let needs = interface.needs().iter().map(|kind| format!("`{}`", kind.as_str())).collect::<Vec<_>>();
            return Err(InstallError::UndeclaredImport { import: import.to_owned(), needs: needs.join(" or ") });
        }
        return Ok(());
    }
    let allowed = WASI_ALLOWED
        .iter()
        .find(|(package, _)| *package == name.package)
        .is_some_and(|(_, interfaces)| interfaces.contains(&name.interface));
    if !allowed {
        return Err(forbidden());
    }
    if !name.version.is_some_and(|v| v.starts_with(WASI_VERSION_PREFIX)) {
        return Err(InstallError::UnsupportedVersion(import.to_owned()));
    }
    Ok(())
}

struct InterfaceName<'a> {
    package: &'a str,
    interface: &'a str,
    version: Option<&'a str>,
}

/// Splits `ns:pkg/iface@1.2.3` into its parts.
fn split_name(name: &str) -> Option<InterfaceName<'_>> {
    let (path, version) = match name.split_once('@') {
        Some((path, version)) => (path, Some(version)),
        None => (name, None),
    };
    let (package, interface) = path.split_once('/')?;
    Some(InterfaceName { package, interface, version })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(capabilities: &[super::super::CapabilityKind]) -> Manifest {
        Manifest {
            id: "app".into(),
            version: "1.0.0".into(),
            name: "App".into(),
            kind: super::super::AppKind::Core,
            vendor: "V".into(),
            description: "An app.".into(),
            privacy_policy: None,
            processing: super::super::Processing { location: "EU/EEA".into(), legal_basis: None },
            capabilities: capabilities
                .iter()
                .map(|kind| super::super::Capability {
                    kind: *kind,
                    fields: Vec::new(),
                    collections: Vec::new(),
                    app: None,
                    hosts: Vec::new(),
                    purpose: "Testing.".into(),
                })
                .collect(),
            staff_roles: Vec::new(),
            indexes: Vec::new(),
            files: None,
            upcoming: Vec::new(),
        }
    }

    #[test]
    fn only_declared_platform_interfaces_and_the_wasi_subset_pass() {
        let declared = manifest(&[super::super::CapabilityKind::NotificationsSend]);
        assert!(check_import("courtyard:platform/notifications@0.1.0", &declared, "0.1.").is_ok());
        assert!(check_import("courtyard:platform/context@0.1.0", &declared, "0.1.").is_ok());
        assert!(check_import("courtyard:platform/types@0.1.0", &declared, "0.1.").is_ok());
        assert!(check_import("wasi:cli/stdout@0.2.6", &declared, "0.2.").is_ok());
        assert!(check_import("wasi:io/streams@0.2.0", &declared, "0.2.").is_ok());

        let undeclared = check_import("courtyard:platform/collections@0.1.0", &declared, "0.1.").unwrap_err();
        assert!(undeclared.to_string().contains("courtyard:platform/collections@0.1.0"), "{undeclared}");
        assert!(undeclared.to_string().contains("`collections.write`"), "{undeclared}");
        assert!(check_import("courtyard:platform/outbound-http@0.1.0", &declared, "0.1.").is_err());
        for import in [
            "wasi:filesystem/types@0.2.6",
            "wasi:sockets/tcp@0.2.6",
            "wasi:http/outgoing-handler@0.2.6",
            "evil:corp/exfiltrate@1.0.0",
            "plain-function",
        ] {
            let err = check_import(import, &declared, "0.2.").unwrap_err();
            assert!(err.to_string().contains(import), "{err}");
        }
        // One contract version per component: 0.2 imports in a 0.1 app are refused.
        assert!(check_import("courtyard:platform/context@0.2.0", &declared, "0.1.").is_err());
        assert!(check_import("courtyard:platform/context@0.2.0", &declared, "0.2.").is_ok());
        assert!(check_import("courtyard:platform/context@0.3.0", &declared, "0.2.").is_err());
        assert!(check_import("wasi:cli/stdout@0.3.0", &declared, "0.2.").is_err());
    }

    #[test]
    fn binaries_are_told_apart() {
        assert!(matches!(check_binary(b"\0asm\x01\0\0\0"), Err(InstallError::CoreModule)));
        assert!(matches!(check_binary(b"MZ\x90\0 definitely not wasm"), Err(InstallError::NotWasm)));
        assert!(matches!(check_binary(b""), Err(InstallError::NotWasm)));
        assert!(check_binary(b"\0asm\x0d\0\x01\0").is_ok());
    }
}
