//! What a `collections.query` asks for, checked and turned into storage
//! terms: filters, the order, the parent, and cursors, which carry the
//! position (pairwise for a third-party app) and the order field's value.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::CallContext;
use crate::capabilities::bindings::collections::{Comparison, Criteria, Filter, Order, Value};
use crate::capabilities::bindings::types::Error;
use crate::grant::AppKind;
use crate::storage::{self, is_field_name};

const MAX_FILTERS: usize = 8;
/// The longest order value a cursor carries.
const MAX_CURSOR_VALUE: usize = 512;

impl CallContext {
    /// The cursor the app sees for `cursor`.
    pub(super) fn cursor_for_app(&self, cursor: &storage::Cursor) -> String {
        let position = match self.policy.kind {
            AppKind::Core => format!("c{}", cursor.seq),
            AppKind::ThirdParty => self.services.policy.ids.cursor_for_app(&self.app_id, cursor.seq),
        };
        match &cursor.value {
            Some(value) => format!("{position}~{}", URL_SAFE_NO_PAD.encode(to_json(value).to_string())),
            None => position,
        }
    }

    fn cursor_from_app(&self, cursor: &str) -> Option<storage::Cursor> {
        let (position, value) = match cursor.split_once('~') {
            Some((position, value)) => (position, Some(value)),
            None => (cursor, None),
        };
        let seq = match self.policy.kind {
            AppKind::Core => position.strip_prefix('c').and_then(|digits| digits.parse().ok()).filter(|seq| *seq >= 0),
            AppKind::ThirdParty => self.services.policy.ids.cursor_from_app(&self.app_id, position),
        }?;
        let value = match value {
            Some(value) if value.len() <= MAX_CURSOR_VALUE * 2 => {
                let json: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(value).ok()?).ok()?;
                Some(from_json(&json)?)
            }
            Some(_) => return None,
            None => None,
        };
        Some(storage::Cursor { seq, value })
    }

    /// The query on `collection` (its own name) as storage takes it.
    pub(super) fn to_storage_criteria(&self, collection: &str, criteria: Criteria) -> Result<storage::Criteria, Error> {
        if criteria.filters.len() > MAX_FILTERS {
            return Err(Error::Invalid(format!("at most {MAX_FILTERS} filters per query")));
        }
        let filters = criteria
            .filters
            .into_iter()
            .map(|filter| self.to_storage_filter(collection, filter))
            .collect::<Result<_, _>>()?;
        let order = match criteria.order {
            Order::NewestFirst => storage::Order::NewestFirst,
            Order::OldestFirst => storage::Order::OldestFirst,
            Order::Ascending(field) => storage::Order::Ascending(self.indexed(collection, field, "order by")?),
            Order::Descending(field) => storage::Order::Descending(self.indexed(collection, field, "order by")?),
        };
        let cursor = match criteria.cursor.as_deref() {
            Some(cursor) => Some(
                self.cursor_from_app(cursor)
                    .ok_or_else(|| Error::Invalid("cursor is not one this host issued".to_owned()))?,
            ),
            None => None,
        };
        // An id that names no document matches no replies.
        let parent = criteria.parent.map(|parent| self.internal_document_id(&parent).unwrap_or_default());
        Ok(storage::Criteria { filters, mine_only: criteria.mine_only, parent, order, limit: criteria.limit, cursor })
    }

    fn to_storage_filter(&self, collection: &str, filter: Filter) -> Result<storage::Filter, Error> {
        let Filter { field, comparison, value } = filter;
        if !is_field_name(&field) {
            return Err(Error::Invalid("filter fields are 1 to 64 ASCII letters, digits or `_`".to_owned()));
        }
        let comparison = match comparison {
            Comparison::Equal => storage::Comparison::Equal,
            Comparison::Less => storage::Comparison::Less,
            Comparison::LessOrEqual => storage::Comparison::LessOrEqual,
            Comparison::Greater => storage::Comparison::Greater,
            Comparison::GreaterOrEqual => storage::Comparison::GreaterOrEqual,
        };
        let field = match comparison {
            storage::Comparison::Equal => field,
            _ => self.indexed(collection, field, "compare by range")?,
        };
        let value = match value {
            Value::Text(text) if text.contains('\0') => {
                return Err(Error::Invalid("filter values may not contain NUL characters".to_owned()));
            }
            Value::Text(text) => storage::FilterValue::Text(text),
            Value::Integer(integer) => storage::FilterValue::Integer(integer),
            Value::Float(float) if float.is_finite() => storage::FilterValue::Float(float),
            Value::Float(_) => return Err(Error::Invalid("filter values must be finite numbers".to_owned())),
            Value::Boolean(boolean) => storage::FilterValue::Boolean(boolean),
        };
        Ok(storage::Filter { field, comparison, value })
    }

    /// `field`, if the manifest declares it in an index of `collection`.
    fn indexed(&self, collection: &str, field: String, what: &str) -> Result<String, Error> {
        if is_field_name(&field) && self.policy.indexes_field(collection, &field) {
            Ok(field)
        } else {
            Err(Error::Invalid(format!(
                "to {what} `{field}`, declare it in an index of `{collection}` in the manifest (`[[indexes]]`)"
            )))
        }
    }
}

fn to_json(value: &storage::FilterValue) -> serde_json::Value {
    match value {
        storage::FilterValue::Text(text) => serde_json::Value::from(text.as_str()),
        storage::FilterValue::Integer(integer) => serde_json::Value::from(*integer),
        storage::FilterValue::Float(float) => serde_json::Value::from(*float),
        storage::FilterValue::Boolean(boolean) => serde_json::Value::from(*boolean),
    }
}

fn from_json(json: &serde_json::Value) -> Option<storage::FilterValue> {
    Some(match json {
        serde_json::Value::String(text) if text.len() <= MAX_CURSOR_VALUE => storage::FilterValue::Text(text.clone()),
        serde_json::Value::Number(number) => match number.as_i64() {
            Some(integer) => storage::FilterValue::Integer(integer),
            None => storage::FilterValue::Float(number.as_f64().filter(|float| float.is_finite())?),
        },
        serde_json::Value::Bool(boolean) => storage::FilterValue::Boolean(*boolean),
        _ => return None,
    })
}
