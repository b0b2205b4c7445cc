//! The core micro-apps, built with the host and installed when it starts.

/// One bundled app: its manifest and component.
#[derive(Debug, Clone, Copy)]
pub struct BundledApp {
    pub manifest: &'static str,
    pub component: &'static [u8],
}

/// Every core app this build carries.
pub const CORE_APPS: &[BundledApp] = &[
    BundledApp {
        manifest: include_str!("../../microapps/pinboard/courtyard.toml"),
        component: include_bytes!(env!("COURTYARD_COMPONENT_PINBOARD")),
    },
    BundledApp {
        manifest: include_str!("../../microapps/service-center/courtyard.toml"),
        component: include_bytes!(env!("COURTYARD_COMPONENT_SERVICE_CENTER")),
    },
    BundledApp {
        manifest: include_str!("../../microapps/bookings/courtyard.toml"),
        component: include_bytes!(env!("COURTYARD_COMPONENT_BOOKINGS")),
    },
    BundledApp {
        manifest: include_str!("../../microapps/info/courtyard.toml"),
        component: include_bytes!(env!("COURTYARD_COMPONENT_INFO")),
    },
    BundledApp {
        manifest: include_str!("../../microapps/directory/courtyard.toml"),
        component: include_bytes!(env!("COURTYARD_COMPONENT_DIRECTORY")),
    },
    BundledApp {
        manifest: include_str!("../../microapps/neighbors/courtyard.toml"),
        component: include_bytes!(env!("COURTYARD_COMPONENT_NEIGHBORS")),
    },
    BundledApp {
        manifest: include_str!("../../microapps/marketplace/courtyard.toml"),
        component: include_bytes!(env!("COURTYARD_COMPONENT_MARKETPLACE")),
    },
    BundledApp {
        manifest: include_str!("../../microapps/sharing/courtyard.toml"),
        component: include_bytes!(env!("COURTYARD_COMPONENT_SHARING")),
    },
];
