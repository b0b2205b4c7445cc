//! What a manifest declares about attachments (contract 0.2): the media
//! types the app takes, how large a file may be and how many a document
//! may carry.
//!
//! ```toml
//! [files]
//! media_types = ["image/jpeg", "image/png", "application/pdf"]
//! max_bytes = 10485760   # 10 MiB unless the manifest says otherwise
//! per_document = 5
//! ```

use serde::{Deserialize, Serialize};

use crate::files::sniff::KNOWN_MEDIA_TYPES;

/// A file's size cap when the manifest names none: 10 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 << 20;
/// The largest cap a manifest may ask for: 100 MiB.
pub const LIMIT_MAX_FILE_BYTES: u64 = 100 << 20;
/// Files a document may carry when the manifest names no number.
pub const DEFAULT_FILES_PER_DOCUMENT: u32 = 10;
/// The most files a manifest may allow on one document.
pub const LIMIT_FILES_PER_DOCUMENT: u32 = 50;

/// The `[files]` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesDeclaration {
    /// Media types the app takes, each one the host recognises by content.
    pub media_types: Vec<String>,
    /// The most bytes one file may have.
    #[serde(default = "default_max_bytes")]
    pub max_bytes: u64,
    /// The most files one document may carry.
    #[serde(default = "default_per_document")]
    pub per_document: u32,
}

fn default_max_bytes() -> u64 {
    DEFAULT_MAX_FILE_BYTES
}

fn default_per_document() -> u32 {
    DEFAULT_FILES_PER_DOCUMENT
}

impl FilesDeclaration {
    /// Whether the app takes files of `media_type`.
    pub fn allows(&self, media_type: &str) -> bool {
        self.media_types.iter().any(|allowed| allowed == media_type)
    }

    /// Checks the section: known media types, named once; caps in range.
    pub fn check(&self) -> Result<(), String> {
        if self.media_types.is_empty() {
            return Err("name at least one media type".to_owned());
        }
        for media_type in &self.media_types {
            if !KNOWN_MEDIA_TYPES.contains(&media_type.as_str()) {
                return Err(format!(
                    "`{media_type}` is not a type the host can recognise by content; use one of {}",
                    KNOWN_MEDIA_TYPES.join(", ")
                ));
            }
        }
        let mut sorted = self.media_types.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != self.media_types.len() {
            return Err("a media type is named twice".to_owned());
        }
        if self.max_bytes == 0 || self.max_bytes > LIMIT_MAX_FILE_BYTES {
            return Err(format!("`max_bytes` is 1 to {LIMIT_MAX_FILE_BYTES}"));
        }
        if self.per_document == 0 || self.per_document > LIMIT_FILES_PER_DOCUMENT {
            return Err(format!("`per_document` is 1 to {LIMIT_FILES_PER_DOCUMENT}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declaration(text: &str) -> FilesDeclaration {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn defaults_are_ten_mebibytes_and_ten_files() {
        let files = declaration("media_types = [\"image/png\"]");
        assert_eq!((files.max_bytes, files.per_document), (10 << 20, 10));
        assert!(files.check().is_ok());
        assert!(files.allows("image/png") && !files.allows("image/jpeg"));
    }

    #[test]
    fn only_types_known_by_content_and_caps_in_range() {
        assert!(declaration("media_types = [\"text/html\"]").check().unwrap_err().contains("text/html"));
        assert!(declaration("media_types = []").check().is_err());
        assert!(declaration("media_types = [\"image/png\", \"image/png\"]").check().is_err());
        assert!(declaration("media_types = [\"image/png\"]\nmax_bytes = 0").check().is_err());
        assert!(declaration("media_types = [\"image/png\"]\nmax_bytes = 104857601").check().is_err());
        assert!(declaration("media_types = [\"image/png\"]\nper_document = 51").check().is_err());
        assert!(toml::from_str::<FilesDeclaration>("media_types = [\"image/png\"]\nsize = 1").is_err());
    }
}
