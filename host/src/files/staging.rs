//! Reading a `multipart/form-data` form before the guest runs: file parts
//! stream to staging files on disk while their SHA-256 and their type by
//! content are worked out; the other fields become an
//! `application/x-www-form-urlencoded` body. Memory stays flat whatever
//! the size: a part is never held whole.

use std::path::Path;

use axum::body::Body;
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::sniff::Sniffer;

/// What a form may hold.
#[derive(Debug, Clone, Copy)]
pub struct FormLimits {
    /// The most bytes a file is kept with; past it, it is cut off and
    /// marked too large (its size reads as this + 1).
    pub file_bytes: u64,
    /// The most file parts one form may carry.
    pub files: usize,
    /// The most bytes of the other fields together.
    pub field_bytes: usize,
}

impl FormLimits {
    /// The most bytes the whole form may have on the wire: every file at
    /// its cap, the fields, and room for the parts' headers.
    pub fn whole_form(&self) -> u64 {
        (self.file_bytes + 1).saturating_mul(self.files as u64) + self.field_bytes as u64 + 64 * 1024
    }
}

/// A file part, held on disk until the request ends.
#[derive(Debug)]
pub struct StagedUpload {
    pub field: String,
    /// Names it in `files.attach`, in this request only.
    pub token: String,
    /// The file name the browser sent (its last path segment).
    pub name: String,
    /// The media type the browser claimed for it, if any.
    pub claimed_type: Option<String>,
    /// The type by content, if the host knows it.
    pub media_type: Option<&'static str>,
    /// A second format hidden in it, if any.
    pub hidden: Option<&'static str>,
    /// Bytes kept; `file_bytes + 1` when it was larger than the cap.
    pub size: u64,
    pub too_large: bool,
    /// Lower-case hex SHA-256 of the bytes kept.
    pub sha256: String,
    /// The staged bytes; the file is removed when this is dropped.
    pub file: tempfile::TempPath,
}

/// The uploads of one request. Dropping it removes what was not attached.
#[derive(Debug, Default)]
pub struct Uploads {
    staged: Vec<StagedUpload>,
}

impl Uploads {
    pub fn iter(&self) -> impl Iterator<Item = &StagedUpload> {
        self.staged.iter()
    }

    /// The upload a token names.
    pub fn get(&self, token: &str) -> Option<&StagedUpload> {
        self.staged.iter().find(|upload| upload.token == token)
    }

    pub fn is_empty(&self) -> bool {
        self.staged.is_empty()
    }

    /// Drops an upload once it was attached: a token keeps one file.
    pub fn consume(&mut self, token: &str) {
        self.staged.retain(|upload| upload.token != token);
    }
}

/// Why a form could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("the form is larger than {0} bytes")]
    TooLarge(u64),
    #[error("a form carries at most {0} files")]
    TooManyFiles(usize),
    #[error("the form's fields are larger than {0} bytes")]
    FieldsTooLarge(usize),
    #[error("the form is malformed: {0}")]
    Malformed(String),
    #[error("the upload could not be staged: {0}")]
    Staging(#[from] std::io::Error),
}

/// The boundary of a `multipart/form-data` content type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let mime = content_type.split(';').next()?.trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    multer::parse_boundary(content_type).ok()
}

/// Reads the form in `body` with `boundary`: its fields as a URL-encoded
/// body, its files staged in `staging`.
pub async fn read_form(
    body: Body,
    boundary: &str,
    limits: FormLimits,
    staging: &Path,
) -> Result<(Vec<u8>, Uploads), FormError> {
    let whole = limits.whole_form();
    let constraints = multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(whole));
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let mut form = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut field_bytes = 0usize;
    let mut uploads = Uploads::default();
    loop {
        let part = match form.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => break,
            Err(err) => return Err(multipart_error(err, whole)),
        };
        let name = part.name().unwrap_or_default().to_owned();
        match part.file_name().map(str::to_owned) {
            Some(file_name) => {
                if uploads.staged.len() == limits.files {
                    return Err(FormError::TooManyFiles(limits.files));
                }
                let claimed_type = part.content_type().map(|mime| mime.essence_str().to_owned());
                let staged = stage(part, name, &file_name, claimed_type, limits.file_bytes, staging, whole).await?;
                // A file input left empty: a part with no name and no bytes.
                if !(file_name.is_empty() && staged.size == 0) {
                    uploads.staged.push(staged);
                }
            }
            None => {
                let value = part.text().await.map_err(|err| multipart_error(err, whole))?;
                field_bytes += name.len() + value.len();
                if field_bytes > limits.field_bytes {
                    return Err(FormError::FieldsTooLarge(limits.field_bytes));
                }
                fields.push((name, value));
            }
        }
    }
    let body = serde_urlencoded::to_string(&fields).map_err(|err| FormError::Malformed(err.to_string()))?;
    Ok((body.into_bytes(), uploads))
}

async fn stage(
    mut part: multer::Field<'_>,
    field: String,
    file_name: &str,
    claimed_type: Option<String>,
    cap: u64,
    staging: &Path,
    whole: u64,
) -> Result<StagedUpload, FormError> {
    crate::storage::create_private_dir(staging)?;
    let temp = tempfile::Builder::new().prefix("upload-").tempfile_in(staging)?;
    let (std_file, path) = temp.into_parts();
    let mut file = tokio::fs::File::from_std(std_file);
    let mut sniffer = Sniffer::new();
    let mut hash = Sha256::new();
    let mut kept: u64 = 0;
    let mut too_large = false;
    while let Some(chunk) = part.chunk().await.map_err(|err| multipart_error(err, whole))? {
        if too_large {
            continue; // read on to the next part; nothing more is kept
        }
        let room = cap - kept;
        let take = (chunk.len() as u64).min(room) as usize;
        let kept_chunk = &chunk[..take];
        sniffer.feed(kept_chunk);
        hash.update(kept_chunk);
        file.write_all(kept_chunk).await?;
        kept += take as u64;
        if take < chunk.len() {
            too_large = true;
        }
    }
    file.flush().await?;
    // The bytes are on disk before anything may refer to them.
    file.sync_all().await?;
    let sniffed = sniffer.finish();
    Ok(StagedUpload {
        field,
        token: uuid::Uuid::new_v4().simple().to_string(),
        name: display_name(file_name),
        claimed_type,
        media_type: sniffed.media_type,
        hidden: sniffed.hidden,
        size: if too_large { cap + 1 } else { kept },
        too_large,
        sha256: hex::encode(hash.finalize()),
        file: path,
    })
}

/// Removes what a crash left in the staging folder: uploads older than an
/// hour, which no request still holds.
pub fn sweep(staging: &Path) {
    let Ok(entries) = std::fs::read_dir(staging) else { return };
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in entries.flatten() {
        let stale = entry.metadata().and_then(|meta| meta.modified()).is_ok_and(|modified| modified < hour_ago);
        if stale && entry.file_name().to_string_lossy().starts_with("upload-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn multipart_error(err: multer::Error, whole: u64) -> FormError {
    match err {
        multer::Error::StreamSizeExceeded { .. } => FormError::TooLarge(whole),
        other => FormError::Malformed(other.to_string()),
    }
}

/// A file name fit to show: its last path segment (some browsers send the
/// whole path), without control characters, at most 200 characters.
pub fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." { "file".to_owned() } else { clean.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(parts: &[(&str, Option<&str>, &[u8])]) -> (Body, &'static str) {
        let boundary = "XyZ-boundary";
        let mut bytes = Vec::new();
        for (name, file, content) in parts {
            bytes.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some(file) => bytes.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                         Content-Type: image/png\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => bytes
                    .extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
            }
            bytes.extend_from_slice(content);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (Body::from(bytes), boundary)
    }

    const LIMITS: FormLimits = FormLimits { file_bytes: 1000, files: 2, field_bytes: 100 };

    #[tokio::test]
    async fn fields_become_a_urlencoded_body_and_files_are_staged_with_their_hash_and_type() {
        let dir = tempfile::tempdir().unwrap();
        let png = b"\x89PNG\r\n\x1A\n rest of it";
        let (body, boundary) = form(&[("title", None, b"Leak & drip"), ("photo", Some("C:\\pics\\tap.png"), png)]);
        let (fields, uploads) = read_form(body, boundary, LIMITS, dir.path()).await.unwrap();
        assert_eq!(String::from_utf8(fields).unwrap(), "title=Leak+%26+drip");
        let upload = uploads.iter().next().unwrap();
        assert_eq!((upload.field.as_str(), upload.name.as_str()), ("photo", "tap.png"));
        assert_eq!((upload.media_type, upload.size, upload.too_large), (Some("image/png"), png.len() as u64, false));
        assert_eq!(upload.sha256, hex::encode(Sha256::digest(png)));
        assert_eq!(std::fs::read(&upload.file).unwrap(), png);
        let staged = upload.file.to_path_buf();
        drop(uploads);
        assert!(!staged.exists(), "what was not attached is removed with the request");
    }

    #[tokio::test]
    async fn a_file_over_the_cap_is_cut_off_and_marked_and_the_form_has_limits() {
        let dir = tempfile::tempdir().unwrap();
        let big = vec![b'x'; 5000];
        let (body, boundary) = form(&[("photo", Some("big.png"), &big), ("after", None, b"still read")]);
        let (fields, uploads) = read_form(body, boundary, LIMITS, dir.path()).await.unwrap();
        let upload = uploads.iter().next().unwrap();
        assert_eq!((upload.size, upload.too_large), (1001, true));
        assert_eq!(std::fs::metadata(&upload.file).unwrap().len(), 1000);
        assert_eq!(fields, b"after=still+read");

        let (body, boundary) =
            form(&[("a", Some("1.png"), b"1"), ("b", Some("2.png"), b"2"), ("c", Some("3.png"), b"3")]);
        assert!(matches!(read_form(body, boundary, LIMITS, dir.path()).await, Err(FormError::TooManyFiles(2))));
        let long = vec![b'y'; 200];
        let (body, boundary) = form(&[("text", None, &long)]);
        assert!(matches!(read_form(body, boundary, LIMITS, dir.path()).await, Err(FormError::FieldsTooLarge(100))));
        let (body, boundary) = (Body::from("--nope\r\ngarbage"), "XyZ-boundary");
        assert!(matches!(read_form(body, boundary, LIMITS, dir.path()).await, Err(FormError::Malformed(_))));
    }

    #[tokio::test]
    async fn a_file_input_left_empty_is_no_upload() {
        let dir = tempfile::tempdir().unwrap();
        let (body, boundary) = form(&[("text", None, b"hello"), ("attachment", Some(""), b"")]);
        let (fields, uploads) = read_form(body, boundary, LIMITS, dir.path()).await.unwrap();
        assert_eq!(fields, b"text=hello");
        assert!(uploads.is_empty());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing is left staged");
    }

    #[test]
    fn names_and_boundaries() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("a\u{0}b\nc.pdf"), "abc.pdf");
        assert_eq!(display_name(".."), "file");
        assert_eq!(boundary("multipart/form-data; boundary=abc").as_deref(), Some("abc"));
        assert_eq!(boundary("application/json"), None);
    }
}
