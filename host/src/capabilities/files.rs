//! `courtyard:platform/files`: attachments on the app's documents.
//!
//! An upload is checked here before it is kept: the manifest must take
//! files of its type, the type is the one its content shows (not its name,
//! not what the browser said), it hides no second format, and it is within
//! the manifest's size cap. The document decides the rest: attaching needs
//! the right to change it, listing the right to read it, both decided in
//! storage by the one audience rule. Each call leaves one audit entry; a
//! download (`web::file_downloads`) goes through [`CallContext::download`]
//! and the same gate.

use super::{Access, CallContext, CallError, Power};
use crate::capabilities::bindings::files::{File, Host};
use crate::capabilities::bindings::types::Error;
use crate::files::sniff::type_of_name;
use crate::grant;
use crate::storage::{self, FileContent, NewFile, StorageError, StoredFile};

impl Host for CallContext {
    fn attach(&mut self, upload: String, collection: String, document: String) -> Result<File, CallError> {
        let mut access = Access::new(
            "files.attach",
            Power::ChangeOwnDocument,
            "document",
            vec![vec![grant::collection_write(&collection)]],
        );
        access.resource_id = Some(format!("{collection}/{document}"));
        let checked = self.document_scope(&collection, Power::ChangeOwnDocument).and_then(|scoped| {
            let new = self.checked_upload(&upload)?;
            let document = self.internal_document_id(&document).ok_or(Error::NotFound)?;
            Ok((scoped, new, document))
        });
        let ((scope, name), new, document) = match checked {
            Ok(checked) => checked,
            Err(error) => return Err(self.reject(access, error)),
        };
        let mut entry = self.admit_access(access)?;
        let per_document = self.policy.files.as_ref().map_or(0, |files| files.per_document);
        let database = self.services.database.clone();
        let stored =
            self.block_on(async move { database.attach_file(&scope, &name, &document, new, per_document).await });
        let result = finish(self, "attach", stored).map(|file| {
            entry.resource_type = "file".to_owned();
            entry.resource_id = Some(format!("{collection}/{}/{}", file.document_id, file.id));
            self.uploads.consume(&upload);
            self.file_to_wit(file)
        });
        let result = result.map_err(CallError::from);
        self.settle(entry, &result);
        result
    }

    fn list(&mut self, collection: String, document: String) -> Result<Vec<File>, CallError> {
        let mut access = Access::new("files.list", Power::ReadDocuments, "document", vec![grant::reading(&collection)]);
        access.resource_id = Some(format!("{collection}/{document}"));
        let checked = self.document_scope(&collection, Power::ReadDocuments).and_then(|scoped| {
            let document = self.internal_document_id(&document).ok_or(Error::NotFound)?;
            Ok((scoped, document))
        });
        let ((scope, name), document) = match checked {
            Ok(checked) => checked,
            Err(error) => return Err(self.reject(access, error)),
        };
        let entry = self.admit_access(access)?;
        let database = self.services.database.clone();
        let files = self.block_on(async move { database.files_of_document(&scope, &name, &document).await });
        let result = finish(self, "list", files)
            .map(|files| files.into_iter().map(|file| self.file_to_wit(file)).collect())
            .map_err(CallError::from);
        self.settle(entry, &result);
        result
    }

    fn delete(&mut self, id: String) -> Result<(), CallError> {
        let (access, found) = self.file_access("files.delete", Power::ChangeOwnDocument, &id);
        let (scope, file_id) = match found {
            Ok(found) => found,
            Err(error) => return Err(self.reject(access, error)),
        };
        let entry = self.admit_access(access)?;
        let database = self.services.database.clone();
        let deleted = self.block_on(async move { database.delete_file(&scope, &file_id).await });
        let result = finish(self, "delete", deleted).map(|_| ()).map_err(CallError::from);
        self.settle(entry, &result);
        result
    }
}

impl CallContext {
    /// Serves a download of file `id` (as this app names it) to the caller:
    /// the document's read check, the gate and one audit entry, like a
    /// host call of the app's.
    pub fn download(&mut self, id: &str) -> Result<(StoredFile, FileContent), Error> {
        let (access, found) = self.file_access("files.download", Power::ReadDocuments, id);
        let (scope, file_id) = match found {
            Ok(found) => found,
            Err(error) => return Err(for_download(self.reject(access, error))),
        };
        let entry = self.admit_access(access).map_err(for_download)?;
        let database = self.services.database.clone();
        let found = self.block_on(async move {
            let file = database.readable_file(&scope, &file_id).await?;
            let content = database.file_content(&file).await?;
            Ok((file, content))
        });
        let result = finish(self, "download", found).map_err(CallError::from);
        self.settle(entry, &result);
        result.map_err(for_download)
    }

    /// The access a call about file `id` needs (its collection's grants,
    /// read from the file's record within the app, customer and property),
    /// with the scope to do it in.
    fn file_access(
        &self,
        action: &'static str,
        power: Power,
        id: &str,
    ) -> (Access, Result<(storage::DocumentScope, String), Error>) {
        let mut access = Access::new(action, power, "file", Vec::new());
        access.resource_id = Some(id.to_owned());
        let Some(file_id) = self.internal_document_id(id) else {
            return (access, Err(Error::NotFound));
        };
        let collection = match self.file_collection(&file_id) {
            Ok(collection) => collection,
            Err(error) => return (access, Err(error)),
        };
        access.grants = match power {
            Power::ReadDocuments => vec![grant::reading(&collection)],
            _ => vec![vec![grant::collection_write(&collection)]],
        };
        access.resource_id = Some(format!("{collection}/{id}"));
        let found = self.document_scope(&collection, power).map(|(scope, _)| (scope, file_id));
        (access, found)
    }

    /// The collection file `id` of this app in the caller's property hangs
    /// in; nothing about its document or owner.
    fn file_collection(&self, id: &str) -> Result<String, Error> {
        let (Some(customer), Some(property)) = (self.caller.customer.clone(), self.caller.property.clone()) else {
            return Err(Error::Denied("the request is not about a property; choose one first".to_owned()));
        };
        let database = self.services.database.clone();
        let (app, id) = (self.app_id.to_string(), id.to_owned());
        let found = self.block_on(async move { database.file_collection(&app, &customer, &property, &id).await });
        finish(self, "find", found)
    }

    /// The upload `token` names, if this app may keep it.
    fn checked_upload(&self, token: &str) -> Result<NewFile, Error> {
        let Some(declared) = self.policy.files.as_ref() else {
            return Err(Error::Denied("the app's manifest declares no `[files]`".to_owned()));
        };
        let upload = self
            .uploads
            .get(token)
            .ok_or_else(|| Error::Invalid("no such upload in this request (each is attached once)".to_owned()))?;
        if upload.too_large {
            return Err(Error::Limit(format!("a file has at most {} bytes", declared.max_bytes)));
        }
        let Some(found) = upload.media_type.filter(|found| declared.allows(found)) else {
            let allowed = declared.media_types.join(", ");
            return Err(Error::Invalid(format!("this kind of file is not taken here; it takes {allowed}")));
        };
        if let Some(hidden) = upload.hidden {
            return Err(Error::Invalid(format!("the file is {found} and {hidden} at once, and is refused")));
        }
        let named = type_of_name(&upload.name);
        let claimed = upload.claimed_type.as_deref().filter(|claimed| *claimed != "application/octet-stream");
        if named.is_some_and(|named| named != found) || claimed.is_some_and(|claimed| claimed != found) {
            return Err(Error::Invalid(format!("the file's content is {found}, not what its name or type says")));
        }
        Ok(NewFile {
            name: upload.name.clone(),
            media_type: found.to_owned(),
            size: upload.size,
            sha256: upload.sha256.clone(),
            staged: upload.file.to_path_buf(),
        })
    }

    fn file_to_wit(&self, file: StoredFile) -> File {
        let id = self.document_id_for_app(file.id);
        File {
            link: format!("/.files/{id}"),
            id,
            collection: file.collection,
            document: self.document_id_for_app(file.document_id),
            owner: self.subject_for_app(&file.owner),
            name: file.name,
            media_type: file.media_type,
            size: file.size,
            created_at: file.created_at,
        }
    }
}

/// A download is one call: past the quota is a limit, not a trap.
fn for_download(error: CallError) -> Error {
    match error {
        CallError::Refused(error) => error,
        CallError::QuotaSpent => Error::Limit("too many calls".to_owned()),
    }
}

fn finish<T>(state: &CallContext, op: &'static str, result: Option<Result<T, StorageError>>) -> Result<T, Error> {
    super::collections::storage_outcome(state, "files", op, result)
}
