//! Attachments: the host's side of files apps attach to documents (see
//! `docs/design/attachments.md`). What lands first is how the host tells
//! what a file is by its content.

pub mod sniff;
