//! Collection documents: what micro-apps keep, scoped and owned by the host.
//!
//! Every statement here is confined to one app, customer, property and
//! collection, and to the documents the reader may see (see `audience`).
//! The caller is expected to have validated names, sizes and JSON shape
//! (see `capabilities::collections`); this layer binds every value and
//! splices only field names it checks itself.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audience::{self, Reader};
use super::sql::{Bound, Sql};
use super::{Database, Dialect, StorageError};

/// Whose documents, in which app and place, a call may touch.
#[derive(Debug, Clone)]
pub struct DocumentScope {
    pub app: String,
    pub customer: String,
    pub property: String,
    /// The person acting, with what decides their audience.
    pub reader: Reader,
    /// Only the acting person's own documents are in scope (a life-cycle
    /// hook about them).
    pub own_only: bool,
    /// For reads by a third-party app: only documents whose owners allow it.
    pub owners: Option<OwnerConsent>,
}

impl DocumentScope {
    /// The acting person's internal id, if any.
    pub fn subject(&self) -> Option<&str> {
        self.reader.subject.as_deref()
    }
}

/// Whose documents a third-party app may receive: those of owners who gave
/// a consent to `app_id` covering one of `grants` that they have not
/// withdrawn, and who do not restrict processing (GDPR Art. 18). Checked per
/// owner inside the query, so other people's documents are simply absent.
#[derive(Debug, Clone)]
pub struct OwnerConsent {
    pub app_id: String,
    pub grants: Vec<String>,
}

/// Who may read a document besides its owner (see `audience`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Private,
    Property,
    Unit,
    Staff,
    Participants,
}

impl Visibility {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Property => "property",
            Visibility::Unit => "unit",
            Visibility::Staff => "staff",
            Visibility::Participants => "participants",
        }
    }

    fn parse(text: &str) -> Visibility {
        match text {
            "property" => Visibility::Property,
            "unit" => Visibility::Unit,
            "staff" => Visibility::Staff,
            "participants" => Visibility::Participants,
            _ => Visibility::Private,
        }
    }
}

/// A scalar to compare a top-level JSON field with.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    Text(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
}

/// How a field compares with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Comparison {
    fn operator(self) -> &'static str {
        match self {
            Comparison::Equal => "=",
            Comparison::Less => "<",
            Comparison::LessOrEqual => "<=",
            Comparison::Greater => ">",
            Comparison::GreaterOrEqual => ">=",
        }
    }
}

/// `field <comparison> value` on a top-level field. `field` must be a plain
/// identifier; ranges only on indexed fields (checked by the caller).
#[derive(Debug, Clone)]
pub struct Filter {
    pub field: String,
    pub comparison: Comparison,
    pub value: FilterValue,
}

/// Result order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Order {
    /// By insertion.
    #[default]
    NewestFirst,
    OldestFirst,
    /// By a top-level field; documents without it are left out.
    Ascending(String),
    Descending(String),
}

/// Where a page ends: the last document's position, and its value of the
/// field the query orders by.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub seq: i64,
    pub value: Option<FilterValue>,
}

/// What a query looks for.
#[derive(Debug, Clone, Default)]
pub struct Criteria {
    pub filters: Vec<Filter>,
    pub mine_only: bool,
    /// Only replies to this document.
    pub parent: Option<String>,
    pub order: Order,
    /// Page size; 0 means 20, more than 100 means 100.
    pub limit: u32,
    /// Where the previous page ended (its `next_cursor`).
    pub cursor: Option<Cursor>,
}

/// One page of documents.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub documents: Vec<StoredDocument>,
    /// Where the next page starts; `None` at the end.
    #[serde(skip)]
    pub next_cursor: Option<Cursor>,
}

/// A document as stored.
#[derive(Debug, Clone, Serialize)]
pub struct StoredDocument {
    pub id: String,
    pub owner: String,
    pub visibility: Visibility,
    pub parent: Option<String>,
    pub unit: Option<String>,
    pub participants: Vec<String>,
    pub keys: Vec<String>,
    /// The JSON object, as text.
    pub body: String,
    pub created_at: u64,
    pub updated_at: u64,
    pub revision: u64,
    #[serde(skip)]
    pub(super) seq: i64,
    #[serde(skip)]
    pub(super) anchor_owner: String,
}

const COLUMNS: &str = "documents.seq, documents.id, documents.owner_subject, documents.visibility, \
     documents.unit_id, documents.parent_id, COALESCE(documents.anchor_owner, documents.owner_subject) AS anchor, \
     documents.created_at, documents.updated_at, documents.revision";

/// The largest page a query returns.
pub const MAX_PAGE: u32 = 100;
const DEFAULT_PAGE: u32 = 20;

/// Whether `field` may be spliced into SQL as a JSON path.
pub fn is_field_name(field: &str) -> bool {
    !field.is_empty() && field.len() <= 64 && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Database {
    /// The SQL of a top-level field of `documents.body`, as the indexes
    /// declared for it are built (see `document_indexes`).
    pub(super) fn field_expression(&self, field: &str) -> Result<String, StorageError> {
        if !is_field_name(field) {
            return Err(StorageError::Invalid(format!("`{field}` is not a field name")));
        }
        Ok(match self.dialect {
            Dialect::Sqlite => format!("json_extract(body, '$.{field}')"),
            Dialect::Postgres => format!("(body -> '{field}')"),
        })
    }

    pub(super) fn select_documents(&self) -> String {
        // A document's participants and keys come with it, in the one
        // statement: a page is one round trip, not three.
        let (body, list, separator) = match self.dialect {
            Dialect::Sqlite => ("documents.body", "group_concat", "char(31)"),
            Dialect::Postgres => ("documents.body::text AS body", "string_agg", "chr(31)"),
        };
        format!(
            "SELECT {COLUMNS}, {body}, \
             (SELECT {list}(dp.subject, {separator}) FROM document_participants dp \
              WHERE dp.document_id = documents.id) AS participant_list, \
             (SELECT {list}(dk.claim, {separator}) FROM document_keys dk \
              WHERE dk.document_id = documents.id) AS key_list \
             FROM documents"
        )
    }

    /// Confines `sql` to the scope's app, place and collection, and to what
    /// the reader may read.
    pub(super) fn push_scope(&self, sql: &mut Sql, scope: &DocumentScope, collection: &str) {
        let (app, customer, property, collection) = (
            sql.bind_text(&scope.app),
            sql.bind_text(&scope.customer),
            sql.bind_text(&scope.property),
            sql.bind_text(collection),
        );
        sql.push(&format!(
            " WHERE documents.app_id = {app} AND documents.customer_id = {customer} \
             AND documents.property_id = {property} AND documents.collection = {collection}"
        ));
        audience::push_readable(sql, &scope.reader);
        push_scope_rules(sql, scope);
    }

    /// One document, if it exists in scope and the reader may see it.
    pub async fn get_document(
        &self,
        scope: &DocumentScope,
        collection: &str,
        id: &str,
    ) -> Result<StoredDocument, StorageError> {
        let mut sql = Sql::new(&self.select_documents());
        self.push_scope(&mut sql, scope, collection);
        let id = sql.bind_text(id);
        sql.push(&format!(" AND documents.id = {id}"));
        let row = sql.query().fetch_optional(&self.pool).await?.ok_or(StorageError::NotFound)?;
        document_from_row(&row)
    }

    /// The documents in scope that match `criteria`, one page at a time.
    pub async fn query_documents(
        &self,
        scope: &DocumentScope,
        collection: &str,
        criteria: &Criteria,
    ) -> Result<Page, StorageError> {
        let limit = match criteria.limit {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let mut sql = Sql::new(&self.select_documents());
        self.push_scope(&mut sql, scope, collection);
        if criteria.mine_only
            && let Some(subject) = scope.subject()
        {
            let me = sql.bind_text(subject);
            sql.push(&format!(" AND documents.owner_subject = {me}"));
        }
        if let Some(parent) = &criteria.parent {
            let parent = sql.bind_text(parent);
            sql.push(&format!(" AND documents.parent_id = {parent}"));
        }
        for filter in &criteria.filters {
            self.push_filter(&mut sql, filter)?;
        }
        let (field, descending) = match &criteria.order {
            Order::NewestFirst => (None, true),
            Order::OldestFirst => (None, false),
            Order::Ascending(field) => (Some(self.field_expression(field)?), false),
            Order::Descending(field) => (Some(self.field_expression(field)?), true),
        };
        let (before, direction) = if descending { ("<", "DESC") } else { (">", "ASC") };
        if let Some(field) = &field {
            sql.push(&format!(" AND {field} IS NOT NULL"));
        }
        match (&criteria.cursor, &field) {
            (None, _) => {}
            (Some(Cursor { seq, value: None }), None) => {
                let seq = sql.bind_integer(*seq);
                sql.push(&format!(" AND documents.seq {before} {seq}"));
            }
            (Some(Cursor { seq, value: Some(value) }), Some(field)) => {
                let value = self.bind_value(&mut sql, value);
                let seq = sql.bind_integer(*seq);
                sql.push(&format!(
                    " AND ({field} {before} {value} OR ({field} = {value} AND documents.seq {before} {seq}))"
                ));
            }
            _ => return Err(StorageError::Invalid("the cursor belongs to a query in another order".to_owned())),
        }
        match &field {
            Some(field) => sql.push(&format!(" ORDER BY {field} {direction}, documents.seq {direction}")),
            None => sql.push(&format!(" ORDER BY documents.seq {direction}")),
        }
        sql.push(&format!(" LIMIT {}", limit + 1));

        let rows = sql.query().fetch_all(&self.pool).await?;
        let more = rows.len() > limit as usize;
        let documents =
            rows.iter().take(limit as usize).map(document_from_row).collect::<Result<Vec<_>, StorageError>>()?;
        let next_cursor = match documents.last() {
            Some(last) if more => Some(Cursor {
                seq: last.seq,
                value: match &criteria.order {
                    Order::Ascending(name) | Order::Descending(name) => top_level(&last.body, name),
                    _ => None,
                },
            }),
            _ => None,
        };
        Ok(Page { documents, next_cursor })
    }

    fn bind_value(&self, sql: &mut Sql, value: &FilterValue) -> String {
        match self.dialect {
            Dialect::Sqlite => match value {
                FilterValue::Text(text) => sql.bind_text(text),
                FilterValue::Integer(integer) => sql.bind_integer(*integer),
                FilterValue::Float(float) => sql.bind(Bound::Float(*float)),
                FilterValue::Boolean(boolean) => sql.bind_integer(i64::from(*boolean)),
            },
            Dialect::Postgres => {
                let json = match value {
                    FilterValue::Text(text) => serde_json::Value::from(text.as_str()),
                    FilterValue::Integer(integer) => serde_json::Value::from(*integer),
                    FilterValue::Float(float) => serde_json::Value::from(*float),
                    FilterValue::Boolean(boolean) => serde_json::Value::from(*boolean),
                };
                format!("{}::jsonb", sql.bind_text(&json.to_string()))
            }
        }
    }

    /// ` AND field op value`, with the field's JSON type pinned so that a
    /// comparison means the same on both backends (SQLite's `json_extract`
    /// maps `true` to 1; PostgreSQL orders numbers below booleans).
    pub(super) fn push_filter(&self, sql: &mut Sql, filter: &Filter) -> Result<(), StorageError> {
        let field = self.field_expression(&filter.field)?;
        let name = &filter.field;
        let types = match (self.dialect, &filter.value) {
            (Dialect::Sqlite, FilterValue::Text(_)) => format!("json_type(body, '$.{name}') = 'text'"),
            (Dialect::Sqlite, FilterValue::Integer(_) | FilterValue::Float(_)) => {
                format!("json_type(body, '$.{name}') IN ('integer', 'real')")
            }
            (Dialect::Sqlite, FilterValue::Boolean(true)) => format!("json_type(body, '$.{name}') = 'true'"),
            (Dialect::Sqlite, FilterValue::Boolean(false)) => format!("json_type(body, '$.{name}') = 'false'"),
            (Dialect::Postgres, FilterValue::Text(_)) => format!("jsonb_typeof({field}) = 'string'"),
            (Dialect::Postgres, FilterValue::Integer(_) | FilterValue::Float(_)) => {
                format!("jsonb_typeof({field}) = 'number'")
            }
            (Dialect::Postgres, FilterValue::Boolean(_)) => format!("jsonb_typeof({field}) = 'boolean'"),
        };
        let value = self.bind_value(sql, &filter.value);
        sql.push(&format!(" AND {types} AND {field} {} {value}", filter.comparison.operator()));
        Ok(())
    }
}

/// A top-level scalar of a JSON object, as a filter value.
fn top_level(body: &str, field: &str) -> Option<FilterValue> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(body).ok()?;
    match object.get(field)? {
        serde_json::Value::String(text) => Some(FilterValue::Text(text.clone())),
        serde_json::Value::Number(number) => match number.as_i64() {
            Some(integer) => Some(FilterValue::Integer(integer)),
            None => number.as_f64().map(FilterValue::Float),
        },
        serde_json::Value::Bool(boolean) => Some(FilterValue::Boolean(*boolean)),
        _ => None,
    }
}

/// Adds the scope's rules beyond app, place and audience: a hook's own
/// documents only, and the owners' consent for a third-party app.
fn push_scope_rules(sql: &mut Sql, scope: &DocumentScope) {
    if scope.own_only {
        let me = match scope.subject() {
            Some(subject) => sql.bind_text(subject),
            None => "NULL".to_owned(),
        };
        sql.push(&format!(" AND documents.owner_subject = {me}"));
    }
    if let Some(owners) = &scope.owners {
        let app = sql.bind_text(&owners.app_id);
        let grants: Vec<String> = owners.grants.iter().map(|grant| sql.bind_text(grant)).collect();
        let grants = if grants.is_empty() { "NULL".to_owned() } else { grants.join(", ") };
        sql.push(&format!(
            " AND EXISTS (SELECT 1 FROM consent_grants g WHERE g.user_id = documents.owner_subject \
             AND g.app_id = {app} AND g.grant_key IN ({grants})) \
             AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = documents.owner_subject \
             AND u.restricted_at IS NOT NULL)"
        ));
    }
}

/// A list the select gathered into one text (unit-separated), sorted.
fn listed(row: &AnyRow, column: &str) -> Result<Vec<String>, StorageError> {
    let text: Option<String> = row.try_get(column)?;
    let mut values: Vec<String> =
        text.map(|text| text.split('\u{1f}').map(str::to_owned).collect()).unwrap_or_default();
    values.sort();
    Ok(values)
}

pub(super) fn document_from_row(row: &AnyRow) -> Result<StoredDocument, StorageError> {
    Ok(StoredDocument {
        seq: row.try_get("seq")?,
        id: row.try_get("id")?,
        owner: row.try_get("owner_subject")?,
        anchor_owner: row.try_get("anchor")?,
        visibility: Visibility::parse(&row.try_get::<String, _>("visibility")?),
        parent: row.try_get("parent_id")?,
        unit: row.try_get("unit_id")?,
        participants: listed(row, "participant_list")?,
        keys: listed(row, "key_list")?,
        body: row.try_get("body")?,
        created_at: row.try_get::<i64, _>("created_at")?.max(0) as u64,
        updated_at: row.try_get::<i64, _>("updated_at")?.max(0) as u64,
        revision: row.try_get::<i64, _>("revision")?.max(0) as u64,
    })
}

impl Database {
    /// Deletes every document `owner` keeps in `app_id` (after consent to
    /// the app is withdrawn), with what hangs on them. Returns how many went.
    pub async fn delete_documents_of(&self, app_id: &str, owner: &str) -> Result<u64, StorageError> {
        let mut tx = self.pool.begin().await?;
        for table in ["document_participants", "document_keys"] {
            sqlx::query::<sqlx::Any>(&format!(
                "DELETE FROM {table} WHERE document_id IN \
                 (SELECT id FROM documents WHERE app_id = $1 AND owner_subject = $2)"
            ))
            .bind(app_id)
            .bind(owner)
            .execute(&mut *tx)
            .await?;
        }
        let documents: Vec<String> = sqlx::query_scalar::<sqlx::Any, String>(
            "SELECT id FROM documents WHERE app_id = $1 AND owner_subject = $2",
        )
        .bind(app_id)
        .bind(owner)
        .fetch_all(&mut *tx)
        .await?;
        self.drop_files_in(&mut tx, app_id, &documents, Some(owner)).await?;
        let deleted = sqlx::query::<sqlx::Any>("DELETE FROM documents WHERE app_id = $1 AND owner_subject = $2")
            .bind(app_id)
            .bind(owner)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected())
    }
}
