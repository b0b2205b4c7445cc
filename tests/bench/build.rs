//! Builds the echo fixture into a WebAssembly component for the bare-wasmtime
//! and Courtyard echo servers, and tells the crate where it landed.

fn main() {
    let built = courtyard_component_build::build_components(&["fixture-echo"], &["tests/fixtures/echo", "sdk", "wit"]);
    for component in built {
        println!("cargo:rustc-env=COURTYARD_COMPONENT_{}={}", component.env_key(), component.path.display());
    }
}
