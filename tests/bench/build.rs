//! Builds the echo fixture (for the bare-wasmtime and Courtyard echo servers)
//! and the profile-reader fixture (for the consented profile read) into
//! WebAssembly components, and tells the crate where they landed.

fn main() {
    let built = courtyard_component_build::build_components(
        &["fixture-echo", "fixture-profile-reader"],
        &["tests/fixtures/echo", "tests/fixtures/profile-reader", "sdk", "wit"],
    );
    for component in built {
        println!("cargo:rustc-env=COURTYARD_COMPONENT_{}={}", component.env_key(), component.path.display());
    }
}
