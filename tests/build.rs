//! Builds the guest fixtures the end-to-end tests install.

fn main() {
    let built = courtyard_component_build::build_components(
        &[
            "fixture-echo",
            "fixture-hostile",
            "fixture-escape",
            "fixture-notes",
            "fixture-desk",
            "fixture-overreach",
            "pinboard",
            "moving-service",
        ],
        &["tests/fixtures", "microapps", "sdk/src", "wit"],
    );
    for component in built {
        println!("cargo:rustc-env=COURTYARD_COMPONENT_{}={}", component.env_key(), component.path.display());
    }
}
