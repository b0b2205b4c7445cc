//! Attachments: photos and PDFs the host keeps on a document.
//!
//! A form posted as `multipart/form-data` reaches the app with its file
//! parts already in host storage: [`Request::uploads`](crate::Request)
//! lists them, and [`attach`] keeps one on a document the caller may
//! change. What is not attached when the request ends is dropped. The
//! bytes never pass through the app.
//!
//! The manifest's `[files]` section says which media types the app takes
//! and how large and how many files may be; the host checks the content by
//! its magic bytes and refuses a mismatch or a file that is two formats at
//! once with [`Error::Invalid`], and too large or too many with
//! [`Error::Limit`]. A file is readable by whoever may read its document;
//! link to [`File::link`] to let them download it.
//!
//! ```no_run
//! use courtyard_sdk::{Error, Request, files};
//!
//! # fn demo(request: &Request, ticket_id: &str) -> Result<(), Error> {
//! for upload in request.uploads.iter().filter(|upload| upload.field == "photo") {
//!     files::attach(upload, "tickets", ticket_id)?;
//! }
//! let photos = files::list("tickets", ticket_id)?;
//! # Ok(()) }
//! ```

use serde::Serialize;

use crate::Error;
use crate::bindings::courtyard::platform::files as wit;
use crate::bindings::exports::courtyard::platform::handler as handler_wit;
use crate::time::Timestamp;

/// A file posted with the current request, held by the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The form field it was posted in.
    pub field: String,
    /// Names it in [`attach`], in this request only.
    pub token: String,
    /// The file name the browser sent, for display.
    pub name: String,
    /// The media type the host found by its content, or
    /// `application/octet-stream`.
    pub media_type: String,
    /// Size in bytes; over the manifest's cap it reads as the cap + 1.
    pub size: u64,
}

impl Upload {
    /// Whether the person chose a file at all: a browser posts an empty
    /// part, without a name, for a file input left empty.
    pub fn is_chosen(&self) -> bool {
        !(self.name.is_empty() && self.size == 0)
    }
}

impl From<handler_wit::Upload> for Upload {
    fn from(upload: handler_wit::Upload) -> Self {
        Upload {
            field: upload.field,
            token: upload.token,
            name: upload.name,
            media_type: upload.media_type,
            size: upload.size,
        }
    }
}

/// A file attached to a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct File {
    /// The host's id for it (a third-party app sees its own).
    pub id: String,
    pub collection: String,
    pub document: String,
    /// Who uploaded it.
    pub owner: String,
    /// The name it was uploaded with, for display.
    pub name: String,
    /// The media type the host found by its content.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    pub created_at: Timestamp,
    /// The path below the app's mount point that downloads it, e.g.
    /// `/.files/3f2c…`.
    pub link: String,
}

impl File {
    /// Whether it is an image a page can show inline.
    pub fn is_image(&self) -> bool {
        self.media_type.starts_with("image/")
    }
}

impl From<wit::File> for File {
    fn from(file: wit::File) -> Self {
        File {
            id: file.id,
            collection: file.collection,
            document: file.document,
            owner: file.owner,
            name: file.name,
            media_type: file.media_type,
            size: file.size,
            created_at: Timestamp::from_millis(file.created_at),
            link: file.link,
        }
    }
}

/// Keeps `upload` on document `document` of `collection`.
pub fn attach(upload: &Upload, collection: &str, document: &str) -> Result<File, Error> {
    Ok(wit::attach(&upload.token, collection, document)?.into())
}

/// The files of a document the caller may read, oldest first.
pub fn list(collection: &str, document: &str) -> Result<Vec<File>, Error> {
    Ok(wit::list(collection, document)?.into_iter().map(File::from).collect())
}

/// Deletes a file the caller uploaded (staff: one of a document they may
/// change).
pub fn delete(id: &str) -> Result<(), Error> {
    Ok(wit::delete(id)?)
}
