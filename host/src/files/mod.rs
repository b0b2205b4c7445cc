//! Attachments: the host's side of the files apps attach to documents
//! (contract 0.2, the `files` interface). A form's file parts are staged on
//! disk before the guest runs (`staging`), told apart by content rather
//! than by name (`sniff`), and kept, once attached, where the database
//! keeps files (`storage::files`).

pub mod sniff;
pub mod staging;

pub use staging::{FormError, FormLimits, StagedUpload, Uploads};
