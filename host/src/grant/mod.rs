//! Grants: the unit of approval and consent, and the words they are made of.
//!
//! This module sits at the bottom of the host: catalog, runtime,
//! capabilities, policy and storage all use it, and it uses none of them.
//!
//! A manifest capability expands into one grant per field, collection or
//! host, so a customer can approve a subset and a resident can see exactly
//! what is new in a later version. Keys are plain strings, stored as they are
//! in approvals, consents and audit entries:
//!
//! | key | allows |
//! |---|---|
//! | `profile.read:email` | reading one profile field |
//! | `collections.write:quotes` | reading and writing the app's own collection |
//! | `collections.read:quotes` | reading the app's own collection |
//! | `collections.read:pinboard/posts` | reading another app's collection |
//! | `notifications.send` | notifying people of the property |
//! | `outbound-http:api.example.com` | HTTP requests to that host |

mod vocabulary;

pub use vocabulary::{
    AppKind, CapabilityKind, PlatformInterface, ProfileField, RequestedGrant, is_app_id, is_collection_name,
};

/// The grant to send notifications.
pub const NOTIFICATIONS: &str = "notifications.send";

pub fn profile(field: ProfileField) -> String {
    format!("profile.read:{}", field.as_str())
}

/// Reading `collection`: the app's own (`app` is `None`) or another app's.
pub fn collection_read(app: Option<&str>, collection: &str) -> String {
    match app {
        Some(app) => format!("collections.read:{app}/{collection}"),
        None => format!("collections.read:{collection}"),
    }
}

pub fn collection_write(collection: &str) -> String {
    format!("collections.write:{collection}")
}

pub fn outbound(host: &str) -> String {
    format!("outbound-http:{host}")
}

/// The grants that allow reading `collection` as an app names it (`name` or
/// `app/name`): reading, or for the app's own collections also writing.
pub fn reading(collection: &str) -> Vec<String> {
    match collection.split_once('/') {
        Some((app, name)) => vec![collection_read(Some(app), name)],
        None => vec![collection_read(None, collection), collection_write(collection)],
    }
}
