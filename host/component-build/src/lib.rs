//! Builds guest crates of the Courtyard workspace into WebAssembly components
//! from a build script, so that `cargo build` and `cargo test` need no extra step.
//!
//! The guest crates are compiled by a nested `cargo build --profile guest
//! --target wasm32-wasip2` with its own target dir (`target/wasm-apps`), which avoids
//! waiting on the lock the outer build holds. The target is listed in
//! `rust-toolchain.toml`; rustup adds it when it installs the toolchain, but
//! not to a toolchain that is already there, so the build adds it itself
//! when it is missing.
//!
//! ```no_run
//! // build.rs
//! let built = courtyard_component_build::build_components(&["pinboard"], &["microapps", "sdk", "wit"]);
//! for component in built {
//!     println!("cargo:rustc-env=COURTYARD_COMPONENT_{}={}", component.env_key(), component.path.display());
//! }
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

/// The target every Courtyard guest is built for.
pub const GUEST_TARGET: &str = "wasm32-wasip2";
/// The workspace profile guests are built with (see the root `Cargo.toml`).
pub const GUEST_PROFILE: &str = "guest";

/// A component the build produced.
#[derive(Debug, Clone)]
pub struct BuiltComponent {
    /// The cargo package name, e.g. `pinboard` or `fixture-echo`.
    pub package: String,
    /// Absolute path of the `.wasm` component.
    pub path: PathBuf,
}

impl BuiltComponent {
    /// The package name as an environment-variable suffix: `fixture-echo` → `FIXTURE_ECHO`.
    pub fn env_key(&self) -> String {
        self.package.replace('-', "_").to_uppercase()
    }
}

/// The workspace root: the nearest ancestor of the calling crate's manifest dir
/// whose `Cargo.toml` declares `[workspace]`.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("run from a build script"));
    manifest_dir
        .ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .map(|text| text.lines().any(|line| line.trim() == "[workspace]"))
                .unwrap_or(false)
        })
        .expect("the crate lives inside the Courtyard workspace")
        .to_path_buf()
}

/// Compiles `packages` for [`GUEST_TARGET`] and returns where each component landed.
///
/// `watch` lists workspace-relative paths whose changes must trigger a rebuild.
/// Panics with an actionable message when the nested build fails: a build
/// script has no better way to report it.
pub fn build_components(packages: &[&str], watch: &[&str]) -> Vec<BuiltComponent> {
    let root = workspace_root();
    for path in watch {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }
    println!("cargo:rerun-if-changed={}", root.join("Cargo.lock").display());

    let target_dir = guest_target_dir(&root);
    ensure_guest_target(&target_dir);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .current_dir(&root)
        .args(["build", "--profile", GUEST_PROFILE, "--locked", "--target", GUEST_TARGET, "--target-dir"])
        .arg(&target_dir)
        // Flags meant for the native build must not leak into the guest build.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET");
    for package in packages {
        command.args(["-p", package]);
    }
    let status = command.status().expect("failed to start the nested cargo build");
    if !status.success() {
        panic!(
            "building the guest components {packages:?} for {GUEST_TARGET} failed (see the output above). \
             If the target is missing, `rustup target add {GUEST_TARGET}` installs it; \
             rust-toolchain.toml normally does that on its own."
        );
    }

    packages
        .iter()
        .map(|package| {
            let file = format!("{}.wasm", package.replace('-', "_"));
            let path = target_dir.join(GUEST_TARGET).join(GUEST_PROFILE).join(file);
            assert!(path.exists(), "the build reported success but {} is missing", path.display());
            BuiltComponent { package: (*package).to_owned(), path }
        })
        .collect()
}

/// Installs the guest target through rustup when the toolchain lacks it.
/// Build scripts of several crates may get here at once: a file lock lets
/// one of them install while the others wait.
fn ensure_guest_target(target_dir: &Path) {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let installed = || {
        Command::new(&rustc)
            .args(["--print", "target-libdir", "--target", GUEST_TARGET])
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
            .is_some_and(|libdir| std::fs::read_dir(libdir).is_ok_and(|mut entries| entries.next().is_some()))
    };
    if installed() {
        return;
    }
    std::fs::create_dir_all(target_dir).expect("create the guest target dir");
    let lock = std::fs::File::create(target_dir.join(".target-install.lock")).expect("create the install lock");
    lock.lock().expect("lock the install lock");
    if installed() {
        return;
    }
    println!("cargo:warning=installing the {GUEST_TARGET} target with rustup");
    let status = Command::new("rustup").args(["target", "add", GUEST_TARGET]).status();
    if !matches!(status, Ok(status) if status.success()) {
        panic!(
            "the {GUEST_TARGET} target is missing and `rustup target add {GUEST_TARGET}` failed ({status:?}); \
             install it by hand"
        );
    }
}

fn guest_target_dir(root: &Path) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let base = if base.is_absolute() { base } else { root.join(base) };
    base.join("wasm-apps")
}
