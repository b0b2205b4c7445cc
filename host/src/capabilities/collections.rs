//! `courtyard:platform/collections`: documents in host storage.
//!
//! Guest input is hostile: names, sizes, JSON shape and filters are checked
//! here before anything reaches storage, and every document is confined to
//! the app, the caller's customer and property, and what the caller may see.

use super::Acting;
use super::{Access, CallContext, CallError, Power};
use crate::capabilities::bindings::collections::{Changes, Criteria, Document, Host, NewDocument, Page, Visibility};
use crate::capabilities::bindings::types::Error;
use crate::grant;
use crate::grant::{AppKind, is_app_id};
use crate::policy::owners_who_allow;
use crate::storage::{self, DocumentScope, Reader, StorageError, StoredDocument};

const MAX_NAME: usize = 64;
const MAX_KEYS: usize = 16;
const MAX_KEY: usize = 128;
const MAX_PARTICIPANTS: usize = 16;

impl Host for CallContext {
    fn get(&mut self, collection: String, id: String) -> Result<Document, CallError> {
        let mut access = Access::new("collections.get", Power::ReadDocuments, "document", reading(&collection));
        access.resource_id = Some(format!("{collection}/{id}"));
        let (scope, name) = match self.document_scope(&collection, Power::ReadDocuments) {
            Ok(scoped) => scoped,
            Err(error) => return Err(self.reject(access, error)),
        };
        let entry = self.admit_access(access)?;
        let result = match self.internal_document_id(&id) {
            Some(id) => {
                let database = self.services.database.clone();
                let stored = self.block_on(async move { database.get_document(&scope, &name, &id).await });
                finish(self, "get", stored).map(|stored| self.to_wit(stored))
            }
            None => Err(Error::NotFound),
        };
        let result = result.map_err(CallError::from);
        self.settle(entry, &result);
        result
    }

    fn query(&mut self, collection: String, criteria: Criteria) -> Result<Page, CallError> {
        let mut access = Access::new("collections.query", Power::ReadDocuments, "collection", reading(&collection));
        access.resource_id = Some(collection.clone());
        let checked = self.document_scope(&collection, Power::ReadDocuments).and_then(|(scope, name)| {
            let criteria = self.to_storage_criteria(&name, criteria)?;
            Ok(((scope, name), criteria))
        });
        let ((scope, name), criteria) = match checked {
            Ok(checked) => checked,
            Err(error) => return Err(self.reject(access, error)),
        };
        let entry = self.admit_access(access)?;
        let database = self.services.database.clone();
        let page = self.block_on(async move { database.query_documents(&scope, &name, &criteria).await });
        let result = finish(self, "query", page)
            .map(|page| Page {
                documents: page.documents.into_iter().map(|document| self.to_wit(document)).collect(),
                next_cursor: page.next_cursor.map(|cursor| self.cursor_for_app(&cursor)),
            })
            .map_err(CallError::from);
        self.settle(entry, &result);
        result
    }

    fn insert(&mut self, collection: String, document: NewDocument) -> Result<Document, CallError> {
        let mut access = Access::new(
            "collections.insert",
            Power::CreateDocument,
            "collection",
            vec![vec![grant::collection_write(&collection)]],
        );
        access.resource_id = Some(collection.clone());
        let checked = self.document_scope(&collection, Power::CreateDocument).and_then(|scoped| {
            self.check_body(&document.body)?;
            check_keys(&document.keys)?;
            Ok(scoped)
        });
        let (scope, name) = match checked {
            Ok(checked) => checked,
            Err(error) => return Err(self.reject(access, error)),
        };
        let mut entry = self.admit_access(access)?;
        let result = require_subject(&scope).and_then(|()| {
            let new = self.to_storage_document(document)?;
            let database = self.services.database.clone();
            let stored = self.block_on(async move { database.insert_document(&scope, &name, new).await });
            finish(self, "insert", stored).map(|stored| {
                entry.resource_type = "document".to_owned();
                entry.resource_id = Some(format!("{collection}/{}", stored.id));
                self.to_wit(stored)
            })
        });
        let result = result.map_err(CallError::from);
        self.settle(entry, &result);
        result
    }

    fn update(&mut self, collection: String, id: String, changes: Changes) -> Result<Document, CallError> {
        let mut access = Access::new(
            "collections.update",
            Power::ChangeOwnDocument,
            "document",
            vec![vec![grant::collection_write(&collection)]],
        );
        access.resource_id = Some(format!("{collection}/{id}"));
        let checked = self.document_scope(&collection, Power::ChangeOwnDocument).and_then(|scoped| {
            self.check_body(&changes.body)?;
            check_keys(changes.keys.as_deref().unwrap_or_default())?;
            Ok(scoped)
        });
        let (scope, name) = match checked {
            Ok(checked) => checked,
            Err(error) => return Err(self.reject(access, error)),
        };
        let entry = self.admit_access(access)?;
        let result = require_subject(&scope).and_then(|()| {
            let id = self.internal_document_id(&id).ok_or(Error::NotFound)?;
            let database = self.services.database.clone();
            let changes = storage::DocumentChanges {
                body: changes.body,
                expected_revision: changes.expected_revision,
                keys: changes.keys,
            };
            let stored = self.block_on(async move { database.update_document(&scope, &name, &id, changes).await });
            finish(self, "update", stored).map(|stored| self.to_wit(stored))
        });
        let result = result.map_err(CallError::from);
        self.settle(entry, &result);
        result
    }

    fn delete(&mut self, collection: String, id: String) -> Result<(), CallError> {
        let mut access = Access::new(
            "collections.delete",
            Power::ChangeOwnDocument,
            "document",
            vec![vec![grant::collection_write(&collection)]],
        );
        access.resource_id = Some(format!("{collection}/{id}"));
        let (scope, name) = match self.document_scope(&collection, Power::ChangeOwnDocument) {
            Ok(scoped) => scoped,
            Err(error) => return Err(self.reject(access, error)),
        };
        let entry = self.admit_access(access)?;
        let result = require_subject(&scope).and_then(|()| {
            let id = self.internal_document_id(&id).ok_or(Error::NotFound)?;
            let database = self.services.database.clone();
            let deleted = self.block_on(async move { database.delete_document(&scope, &name, &id).await });
            finish(self, "delete", deleted)
        });
        let result = result.map_err(CallError::from);
        self.settle(entry, &result);
        result
    }
}

/// The grants that allow reading `collection` as an app names it; none for
/// a name that is not one, which the gate then refuses.
fn reading(collection: &str) -> Vec<Vec<String>> {
    vec![grant::reading(collection)]
}

fn require_subject(scope: &DocumentScope) -> Result<(), Error> {
    match scope.subject() {
        Some(_) => Ok(()),
        None => Err(Error::Denied("sign in first".to_owned())),
    }
}

impl CallContext {
    /// Pins the call to an app, the customer and property of the request and
    /// the acting person; never to anything the guest names except a
    /// collection. `app/name` addresses another app's collection (read under
    /// a grant). Reads by a third-party app see only the documents of owners
    /// who consented to them and do not restrict processing.
    pub(super) fn document_scope(&self, collection: &str, power: Power) -> Result<(DocumentScope, String), Error> {
        let (app, name) = match collection.split_once('/') {
            Some((app, name)) if is_app_id(app) => (app.to_owned(), name),
            Some(_) => return Err(Error::Invalid("`app/name` must start with an app id".to_owned())),
            None => (self.app_id.to_string(), collection),
        };
        check_name("collection", name)?;
        let (Some(customer), Some(property)) = (&self.caller.customer, &self.caller.property) else {
            return Err(Error::Denied("the request is not about a property; choose one first".to_owned()));
        };
        let owners = match power {
            Power::ReadDocuments => owners_who_allow(&self.policy, &grant::reading(collection)),
            _ => None,
        };
        let hook = matches!(self.caller.acting, Acting::Hook(_));
        let scope = DocumentScope {
            app,
            customer: customer.clone(),
            property: property.clone(),
            reader: Reader {
                subject: self.caller.user_id.clone(),
                // A hook acts for the person alone, never with staff reach.
                staff: self.caller.staff && !hook,
                units: self.caller.units.clone(),
            },
            own_only: hook,
            owners,
        };
        Ok((scope, name.to_owned()))
    }

    fn check_body(&self, body: &str) -> Result<(), Error> {
        let cap = self.services.document_bytes;
        if body.len() > cap {
            return Err(Error::Limit(format!("document of {} bytes exceeds the cap of {cap} bytes", body.len())));
        }
        match serde_json::from_str::<serde_json::Value>(body) {
            Ok(document @ serde_json::Value::Object(_)) if contains_nul(&document) => {
                Err(Error::Invalid("documents may not contain NUL characters".to_owned()))
            }
            Ok(serde_json::Value::Object(_)) => Ok(()),
            Ok(_) => Err(Error::Invalid("a document must be a JSON object".to_owned())),
            Err(err) => Err(Error::Invalid(format!("a document must be a JSON object: {err}"))),
        }
    }

    /// A stored document as this app sees it: owners become its subjects,
    /// and for a third-party app the id becomes its own.
    fn to_wit(&self, document: StoredDocument) -> Document {
        Document {
            owner: self.subject_for_app(&document.owner),
            id: self.document_id_for_app(document.id),
            visibility: match document.visibility {
                storage::Visibility::Private => Visibility::Private,
                storage::Visibility::Property => Visibility::Property,
                storage::Visibility::Unit => Visibility::Unit,
                storage::Visibility::Staff => Visibility::Staff,
                storage::Visibility::Participants => Visibility::Participants,
            },
            parent: document.parent.map(|parent| self.document_id_for_app(parent)),
            unit: document.unit.map(|unit| self.unit_for_app(&unit)),
            participants: document.participants.iter().map(|participant| self.subject_for_app(participant)).collect(),
            keys: document.keys,
            body: document.body,
            created_at: document.created_at,
            updated_at: document.updated_at,
            revision: document.revision,
        }
    }

    /// How this app names the stored document `id`.
    pub(crate) fn document_id_for_app(&self, id: String) -> String {
        match self.policy.kind {
            AppKind::Core => id,
            AppKind::ThirdParty => self.services.policy.ids.document_for_app(&self.app_id, &id),
        }
    }

    /// A new document as storage takes it: the parent and participants the
    /// app names turned into the platform's, the caller's unit added.
    fn to_storage_document(&self, document: NewDocument) -> Result<storage::NewDocument, Error> {
        let parent = match document.parent {
            Some(parent) => Some(
                self.internal_document_id(&parent)
                    .ok_or_else(|| Error::Invalid("the parent document does not exist".to_owned()))?,
            ),
            None => None,
        };
        let visibility = match document.visibility {
            Visibility::Private => storage::Visibility::Private,
            Visibility::Property => storage::Visibility::Property,
            Visibility::Unit => storage::Visibility::Unit,
            Visibility::Staff => storage::Visibility::Staff,
            Visibility::Participants => storage::Visibility::Participants,
        };
        let participants = if document.participants.is_empty() {
            if visibility == storage::Visibility::Participants && parent.is_none() {
                return Err(Error::Invalid(format!(
                    "a `participants` document names 1 to {MAX_PARTICIPANTS} participants"
                )));
            }
            Vec::new()
        } else {
            if parent.is_some() {
                return Err(Error::Invalid("a reply takes its parent's participants; name none".to_owned()));
            }
            if visibility != storage::Visibility::Participants {
                return Err(Error::Invalid("participants are named only with `participants` visibility".to_owned()));
            }
            if document.participants.len() > MAX_PARTICIPANTS {
                return Err(Error::Invalid(format!("at most {MAX_PARTICIPANTS} participants")));
            }
            let mut participants = Vec::with_capacity(document.participants.len());
            for subject in &document.participants {
                let person = self
                    .resolve_subject(subject)?
                    .filter(|person| self.lives_or_works_here(person))
                    .ok_or_else(|| Error::Invalid("a participant is not a person of this property".to_owned()))?;
                participants.push(person);
            }
            participants.sort();
            participants.dedup();
            participants
        };
        Ok(storage::NewDocument {
            body: document.body,
            visibility,
            parent,
            unit: self.caller.units.first().cloned(),
            participants,
            keys: document.keys,
        })
    }

    /// Whether `user_id` is a person of the caller's property today.
    fn lives_or_works_here(&self, user_id: &str) -> bool {
        let Some(property) = self.caller.property.clone() else { return false };
        let profiles = std::sync::Arc::clone(&self.services.profiles);
        let (user, today) = (user_id.to_owned(), crate::identity::today());
        matches!(self.block_on(async move { profiles.load(&user, &property, &today).await }), Some(Ok(Some(_))))
    }

    /// The stored document an app's id names, if it can name one at all.
    pub(super) fn internal_document_id(&self, id: &str) -> Option<String> {
        if !is_document_id(id) {
            return None;
        }
        match self.policy.kind {
            AppKind::Core => Some(id.to_owned()),
            AppKind::ThirdParty => self.services.policy.ids.document_from_app(&self.app_id, id),
        }
    }
}

/// Document ids are UUIDs the host assigned; anything else cannot exist.
fn is_document_id(id: &str) -> bool {
    id.len() == 36 && uuid::Uuid::parse_str(id).is_ok()
}

/// Whether any key or string in `value` holds a NUL character, which
/// PostgreSQL cannot store: refused on every backend alike.
fn contains_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(text) => text.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(contains_nul),
        serde_json::Value::Object(fields) => {
            fields.iter().any(|(key, value)| key.contains('\0') || contains_nul(value))
        }
        _ => false,
    }
}

/// Unique keys: at most 16, each 1 to 128 printable ASCII characters.
fn check_keys(keys: &[String]) -> Result<(), Error> {
    if keys.len() > MAX_KEYS {
        return Err(Error::Invalid(format!("at most {MAX_KEYS} unique keys per document")));
    }
    let printable =
        |key: &String| !key.is_empty() && key.len() <= MAX_KEY && key.bytes().all(|b| (0x20..0x7f).contains(&b));
    if !keys.iter().all(printable) {
        return Err(Error::Invalid(format!("unique keys are 1 to {MAX_KEY} printable ASCII characters")));
    }
    let mut sorted = keys.to_vec();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != keys.len() {
        return Err(Error::Invalid("a unique key is named twice".to_owned()));
    }
    Ok(())
}

fn check_name(what: &str, name: &str) -> Result<(), Error> {
    let valid = !name.is_empty()
        && name.len() <= MAX_NAME
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if valid {
        Ok(())
    } else {
        Err(Error::Invalid(format!("{what} names are 1 to {MAX_NAME} ASCII letters, digits, `-` or `_`")))
    }
}

/// Maps a storage result to what the guest sees, and logs the outcome
/// (never the document contents).
fn finish<T>(state: &CallContext, op: &'static str, result: Option<Result<T, StorageError>>) -> Result<T, Error> {
    storage_outcome(state, "collections", op, result)
}

/// What a storage call of `interface` answers the guest: its value, or
/// the contract's error for why not; logged without any contents.
pub(super) fn storage_outcome<T>(
    state: &CallContext,
    interface: &'static str,
    op: &'static str,
    result: Option<Result<T, StorageError>>,
) -> Result<T, Error> {
    let Some(result) = result else {
        tracing::warn!(app = %state.app_id, interface, op, "storage call ran out of the request's time");
        return Err(Error::Unavailable("storage did not answer in time".to_owned()));
    };
    let result = result.map_err(|err| match err {
        StorageError::NotFound => Error::NotFound,
        StorageError::Conflict(reason) | StorageError::Invalid(reason) => Error::Invalid(reason),
        StorageError::Taken(key) => Error::Conflict(key),
        StorageError::Full(reason) => Error::Limit(reason),
        other => {
            tracing::error!(app = %state.app_id, interface, op, error = %other, "storage failure");
            Error::Unavailable("storage is temporarily unavailable".to_owned())
        }
    });
    tracing::debug!(
        app = %state.app_id,
        interface,
        op,
        outcome = if result.is_ok() { "ok" } else { "refused" },
        "host call"
    );
    result
}
