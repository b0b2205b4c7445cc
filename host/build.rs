//! Builds the core micro-apps for wasm32-wasip2 so the host can embed them.

fn main() {
    let built = courtyard_component_build::build_components(
        &["pinboard", "service-center", "bookings", "info", "directory", "neighbors", "marketplace", "sharing"],
        &["microapps", "sdk/src", "wit"],
    );
    for component in built {
        println!("cargo:rustc-env=COURTYARD_COMPONENT_{}={}", component.env_key(), component.path.display());
    }
}
