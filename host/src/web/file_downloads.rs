//! `/apps/{app}/.files/{id}`: an attachment, served by the host.
//!
//! The app never sees the request. The host decides it as it decides the
//! app's own `files` calls: the gate (approval; for a third-party app the
//! consent of the file's owner), the document's audience in storage, and one
//! audit entry, durable before the first byte goes out. The answer names
//! the type the host found by content, never guesses (`nosniff`), offers a
//! PDF as a download and shows an image inline, and runs nothing
//! (`sandbox`). The bytes stream from disk or from the database a chunk at
//! a time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::stream;
use tokio::io::AsyncReadExt;

use super::{ApiError, AppState};
use crate::capabilities::CallContext;
use crate::capabilities::bindings::types::Error;
use crate::catalog::LoadedApp;
use crate::runtime::CallerContext;
use crate::storage::{Database, FileContent, StoredFile};

/// How long finding a file may take before the caller is told to retry.
const LOOKUP_TIME: Duration = Duration::from_secs(10);
/// Bytes read from disk at a time.
const READ_BYTES: usize = 64 << 10;

/// Serves file `id` (as the app names it) to `caller`.
pub(super) async fn serve(
    state: &AppState,
    app: &Arc<LoadedApp>,
    caller: CallerContext,
    id: &str,
    head: bool,
) -> Result<Response, ApiError> {
    let services = state.services.clone();
    let policy = Arc::clone(&app.policy);
    let id = id.to_owned();
    let (found, receipts) = tokio::task::spawn_blocking(move || {
        let mut calls = CallContext::new(services, policy, caller, 1, Instant::now() + LOOKUP_TIME);
        let found = calls.download(&id);
        (found, calls.take_receipts())
    })
    .await
    .map_err(ApiError::internal)?;
    for receipt in receipts {
        if receipt.settled().await.is_err() {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "audit_unavailable",
                "the download could not be recorded in the audit log; try again",
            ));
        }
    }
    let (file, content) = found.map_err(refusal)?;
    let mut response = if head {
        Body::empty().into_response()
    } else {
        Body::from_stream(bytes_of(state.services.database.clone(), content)).into_response()
    };
    let headers = response.headers_mut();
    let typed = |value: &str| HeaderValue::from_str(value).map_err(|_| ApiError::bad_request("unusable file name"));
    headers.insert(header::CONTENT_TYPE, typed(&file.media_type)?);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.size));
    headers.insert(header::CONTENT_DISPOSITION, typed(&disposition(&file))?);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    Ok(response)
}

/// What a refused download answers: the same 404 for "no such file" and
/// "not yours to read".
fn refusal(error: Error) -> ApiError {
    match error {
        Error::NotFound => ApiError::not_found("no such file"),
        Error::Denied(reason) => ApiError::forbidden(reason),
        Error::Invalid(reason) => ApiError::bad_request(reason),
        Error::Limit(reason) | Error::Unavailable(reason) | Error::Conflict(reason) => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", reason).with_retry_after(1)
        }
    }
}

/// An image is shown where it is linked; anything else is saved. The name
/// goes as plain ASCII and, whole, as RFC 8187 UTF-8.
fn disposition(file: &StoredFile) -> String {
    let kind = if file.media_type.starts_with("image/") { "inline" } else { "attachment" };
    let ascii: String = file
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' })
        .collect();
    let mut encoded = String::new();
    for byte in file.name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The bytes of `content`, a piece at a time.
fn bytes_of(
    database: Database,
    content: FileContent,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    enum Source {
        Start(FileContent),
        Disk(tokio::fs::File),
        Chunks { sha256: String, next: u32, count: u32 },
        Done,
    }
    stream::unfold((database, Source::Start(content)), |(database, source)| async move {
        let mut source = source;
        loop {
            source = match source {
                Source::Start(FileContent::Local(path)) => match tokio::fs::File::open(&path).await {
                    Ok(file) => Source::Disk(file),
                    Err(err) => return Some((Err(err), (database, Source::Done))),
                },
                Source::Start(FileContent::Chunks { sha256, count }) => Source::Chunks { sha256, next: 0, count },
                Source::Disk(mut file) => {
                    let mut buffer = vec![0; READ_BYTES];
                    return match file.read(&mut buffer).await {
                        Ok(0) => None,
                        Ok(read) => {
                            buffer.truncate(read);
                            Some((Ok(Bytes::from(buffer)), (database, Source::Disk(file))))
                        }
                        Err(err) => Some((Err(err), (database, Source::Done))),
                    };
                }
                Source::Chunks { next, count, .. } if next >= count => return None,
                Source::Chunks { sha256, next, count } => {
                    return match database.file_chunk(&sha256, next).await {
                        Ok(chunk) => {
                            Some((Ok(Bytes::from(chunk)), (database, Source::Chunks { sha256, next: next + 1, count })))
                        }
                        Err(err) => Some((Err(std::io::Error::other(err.to_string())), (database, Source::Done))),
                    };
                }
                Source::Done => return None,
            };
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_show_inline_and_other_files_download_with_a_safe_name() {
        let file = |name: &str, media_type: &str| StoredFile {
            id: "f".into(),
            app_id: "a".into(),
            collection: "c".into(),
            document_id: "d".into(),
            owner: "o".into(),
            name: name.into(),
            media_type: media_type.into(),
            size: 1,
            sha256: "0".repeat(64),
            created_at: 0,
        };
        assert_eq!(
            disposition(&file("tap.jpg", "image/jpeg")),
            "inline; filename=\"tap.jpg\"; filename*=UTF-8''tap.jpg"
        );
        assert_eq!(
            disposition(&file("Mietvertrag \"neu\".pdf", "application/pdf")),
            "attachment; filename=\"Mietvertrag _neu_.pdf\"; filename*=UTF-8''Mietvertrag%20%22neu%22.pdf"
        );
        assert!(disposition(&file("größe.pdf", "application/pdf")).contains("gr%C3%B6%C3%9Fe.pdf"));
    }
}
