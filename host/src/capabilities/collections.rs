//! `courtyard:platform/collections`: documents in host storage.
//!
//! Guest input is hostile: names, sizes, JSON shape and filters are checked
//! here before anything reaches storage, and every document is confined to
//! the app, the caller's customer and property, and what the caller may see.

use super::Acting;
use super::{Access, CallContext, CallError, Power};
use crate::capabilities::bindings::collections::{Criteria, Document, Filter, Host, Order, Page, Value, Visibility};
use crate::capabilities::bindings::types::Error;
use crate::grant;
use crate::grant::{AppKind, is_app_id};
use crate::policy::owners_who_allow;
use crate::storage::{self, DocumentScope, StorageError, StoredDocument};

const MAX_NAME: usize = 64;
const MAX_FILTERS: usize = 8;

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
        let checked = self
            .document_scope(&collection, Power::ReadDocuments)
            .and_then(|scoped| Ok((scoped, self.to_storage_criteria(criteria)?)));
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
                next_cursor: page.next_cursor.map(|seq| self.cursor_for_app(seq)),
            })
            .map_err(CallError::from);
        self.settle(entry, &result);
        result
    }

    fn insert(&mut self, collection: String, body: String, visibility: Visibility) -> Result<Document, CallError> {
        let mut access = Access::new(
            "collections.insert",
            Power::CreateDocument,
            "collection",
            vec![vec![grant::collection_write(&collection)]],
        );
        access.resource_id = Some(collection.clone());
        let checked = self.document_scope(&collection, Power::CreateDocument).and_then(|scoped| {
            self.check_body(&body)?;
            Ok(scoped)
        });
        let (scope, name) = match checked {
            Ok(checked) => checked,
            Err(error) => return Err(self.reject(access, error)),
        };
        let mut entry = self.admit_access(access)?;
        let result = require_subject(&scope).and_then(|()| {
            let visibility = match visibility {
                Visibility::Private => storage::Visibility::Private,
                Visibility::Property => storage::Visibility::Property,
            };
            let database = self.services.database.clone();
            let stored = self.block_on(async move { database.insert_document(&scope, &name, &body, visibility).await });
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

    fn update(
        &mut self,
        collection: String,
        id: String,
        body: String,
        expected_revision: Option<u64>,
    ) -> Result<Document, CallError> {
        let mut access = Access::new(
            "collections.update",
            Power::ChangeOwnDocument,
            "document",
            vec![vec![grant::collection_write(&collection)]],
        );
        access.resource_id = Some(format!("{collection}/{id}"));
        let checked = self.document_scope(&collection, Power::ChangeOwnDocument).and_then(|scoped| {
            self.check_body(&body)?;
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
            let stored = self
                .block_on(async move { database.update_document(&scope, &name, &id, &body, expected_revision).await });
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
    match scope.subject {
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
    fn document_scope(&self, collection: &str, power: Power) -> Result<(DocumentScope, String), Error> {
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
        let scope = DocumentScope {
            app,
            customer: customer.clone(),
            property: property.clone(),
            subject: self.caller.user_id.clone(),
            own_only: matches!(self.caller.acting, Acting::Hook(_)),
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
            id: match self.policy.kind {
                AppKind::Core => document.id,
                AppKind::ThirdParty => self.services.policy.ids.document_for_app(&self.app_id, &document.id),
            },
            visibility: match document.visibility {
                storage::Visibility::Private => Visibility::Private,
                storage::Visibility::Property => Visibility::Property,
            },
            body: document.body,
            created_at: document.created_at,
            updated_at: document.updated_at,
            revision: document.revision,
        }
    }

    /// The stored document an app's id names, if it can name one at all.
    fn internal_document_id(&self, id: &str) -> Option<String> {
        if !is_document_id(id) {
            return None;
        }
        match self.policy.kind {
            AppKind::Core => Some(id.to_owned()),
            AppKind::ThirdParty => self.services.policy.ids.document_from_app(&self.app_id, id),
        }
    }

    fn cursor_for_app(&self, seq: i64) -> String {
        match self.policy.kind {
            AppKind::Core => format!("c{seq}"),
            AppKind::ThirdParty => self.services.policy.ids.cursor_for_app(&self.app_id, seq),
        }
    }

    fn cursor_from_app(&self, cursor: &str) -> Option<i64> {
        match self.policy.kind {
            AppKind::Core => cursor.strip_prefix('c').and_then(|digits| digits.parse().ok()).filter(|seq| *seq >= 0),
            AppKind::ThirdParty => self.services.policy.ids.cursor_from_app(&self.app_id, cursor),
        }
    }

    fn to_storage_criteria(&self, criteria: Criteria) -> Result<storage::Criteria, Error> {
        let cursor = match criteria.cursor.as_deref() {
            Some(cursor) => Some(
                self.cursor_from_app(cursor)
                    .ok_or_else(|| Error::Invalid("cursor is not one this host issued".to_owned()))?,
            ),
            None => None,
        };
        to_storage_criteria(criteria, cursor)
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

fn to_storage_criteria(criteria: Criteria, cursor: Option<i64>) -> Result<storage::Criteria, Error> {
    if criteria.filters.len() > MAX_FILTERS {
        return Err(Error::Invalid(format!("at most {MAX_FILTERS} filters per query")));
    }
    let filters = criteria
        .filters
        .into_iter()
        .map(|Filter { field, equals }| {
            let field_ok = !field.is_empty()
                && field.len() <= MAX_NAME
                && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !field_ok {
                return Err(Error::Invalid(format!("filter fields are 1 to {MAX_NAME} ASCII letters, digits or `_`")));
            }
            let equals = match equals {
                Value::Text(text) if text.contains('\0') => {
                    return Err(Error::Invalid("filter values may not contain NUL characters".to_owned()));
                }
                Value::Text(text) => storage::FilterValue::Text(text),
                Value::Integer(integer) => storage::FilterValue::Integer(integer),
                Value::Float(float) if float.is_finite() => storage::FilterValue::Float(float),
                Value::Float(_) => {
                    return Err(Error::Invalid("filter values must be finite numbers".to_owned()));
                }
                Value::Boolean(boolean) => storage::FilterValue::Boolean(boolean),
            };
            Ok(storage::Filter { field, equals })
        })
        .collect::<Result<_, _>>()?;
    Ok(storage::Criteria {
        filters,
        mine_only: criteria.mine_only,
        order: match criteria.order {
            Order::NewestFirst => storage::Order::NewestFirst,
            Order::OldestFirst => storage::Order::OldestFirst,
        },
        limit: criteria.limit,
        cursor,
    })
}

/// Maps a storage result to what the guest sees, and logs the outcome
/// (never the document contents).
fn finish<T>(state: &CallContext, op: &'static str, result: Option<Result<T, StorageError>>) -> Result<T, Error> {
    let Some(result) = result else {
        tracing::warn!(app = %state.app_id, op, "collections call ran out of the request's time");
        return Err(Error::Unavailable("storage did not answer in time".to_owned()));
    };
    let result = result.map_err(|err| match err {
        StorageError::NotFound => Error::NotFound,
        StorageError::Conflict(reason) | StorageError::Invalid(reason) => Error::Invalid(reason),
        other => {
            tracing::error!(app = %state.app_id, op, error = %other, "collections storage failure");
            Error::Unavailable("storage is temporarily unavailable".to_owned())
        }
    });
    tracing::debug!(
        app = %state.app_id,
        interface = "collections",
        op,
        outcome = if result.is_ok() { "ok" } else { "refused" },
        "host call"
    );
    result
}
