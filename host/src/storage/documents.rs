//! Collection documents: what micro-apps keep, scoped and owned by the host.
//!
//! Every statement here is confined to one app, customer, property and
//! collection, and to the documents the subject may see. The caller is
//! expected to have validated names, sizes and JSON shape (see
//! `capabilities::collections`); this layer only binds values, never splices
//! them into SQL.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use super::{Database, Dialect, StorageError, now_ms};

/// Whose documents, in which app and place, a call may touch.
#[derive(Debug, Clone)]
pub struct DocumentScope {
    pub app: String,
    pub customer: String,
    pub property: String,
    /// The person acting; `None` sees only property-wide documents and can
    /// write nothing.
    pub subject: Option<String>,
    /// Only the acting person's own documents are in scope (a life-cycle
    /// hook about them).
    pub own_only: bool,
    /// For reads by a third-party app: only documents whose owners allow it.
    pub owners: Option<OwnerConsent>,
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

/// Who may read a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Private,
    Property,
}

impl Visibility {
    fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Property => "property",
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

/// `field == equals` on a top-level field. `field` must be a plain identifier.
#[derive(Debug, Clone)]
pub struct Filter {
    pub field: String,
    pub equals: FilterValue,
}

/// Result order, by insertion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    #[default]
    NewestFirst,
    OldestFirst,
}

/// What a query looks for.
#[derive(Debug, Clone, Default)]
pub struct Criteria {
    pub filters: Vec<Filter>,
    pub mine_only: bool,
    pub order: Order,
    /// Page size; 0 means 20, more than 100 means 100.
    pub limit: u32,
    /// Where the previous page ended (its `next_cursor`).
    pub cursor: Option<i64>,
}

/// One page of documents.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub documents: Vec<StoredDocument>,
    /// Where the next page starts; `None` at the end.
    pub next_cursor: Option<i64>,
}

/// A document as stored.
#[derive(Debug, Clone, Serialize)]
pub struct StoredDocument {
    pub id: String,
    pub owner: String,
    pub visibility: Visibility,
    /// The JSON object, as text.
    pub body: String,
    pub created_at: u64,
    pub updated_at: u64,
    pub revision: u64,
}

const COLUMNS_SQLITE: &str = "seq, id, owner_subject, visibility, body, created_at, updated_at, revision";
const COLUMNS_POSTGRES: &str =
    "seq, id, owner_subject, visibility, body::text AS body, created_at, updated_at, revision";

/// The largest page a query returns.
pub const MAX_PAGE: u32 = 100;
const DEFAULT_PAGE: u32 = 20;

impl Database {
    fn document_columns(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => COLUMNS_SQLITE,
            Dialect::Postgres => COLUMNS_POSTGRES,
        }
    }

    /// One document, if it exists in scope and the subject may see it.
    pub async fn get_document(
        &self,
        scope: &DocumentScope,
        collection: &str,
        id: &str,
    ) -> Result<StoredDocument, StorageError> {
        let mut sql = format!(
            "SELECT {} FROM documents WHERE id = $1 AND app_id = $2 AND customer_id = $3 AND property_id = $4 \
             AND collection = $5 AND (visibility = 'property' OR owner_subject = $6)",
            self.document_columns()
        );
        let mut next_param = 7;
        push_scope_rules(&mut sql, scope, 6, &mut next_param);
        let query = sqlx::query::<Any>(&sql)
            .bind(id)
            .bind(&scope.app)
            .bind(&scope.customer)
            .bind(&scope.property)
            .bind(collection)
            .bind(scope.subject.as_deref());
        let row = bind_scope_rules(query, scope).fetch_optional(&self.pool).await?.ok_or(StorageError::NotFound)?;
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
        let mut sql = format!(
            "SELECT {} FROM documents WHERE app_id = $1 AND customer_id = $2 AND property_id = $3 \
             AND collection = $4 AND (visibility = 'property' OR owner_subject = $5)",
            self.document_columns()
        );
        if criteria.mine_only {
            sql.push_str(" AND owner_subject = $5");
        }
        let mut next_param = 6;
        push_scope_rules(&mut sql, scope, 5, &mut next_param);
        let cursor = criteria.cursor.filter(|seq| *seq >= 0);
        if criteria.cursor.is_some() && cursor.is_none() {
            return Err(StorageError::Invalid("cursor is not one this host issued".to_owned()));
        }
        if cursor.is_some() {
            let op = if criteria.order == Order::NewestFirst { "<" } else { ">" };
            sql.push_str(&format!(" AND seq {op} ${next_param}"));
            next_param += 1;
        }
        for filter in &criteria.filters {
            let (path, value) = (next_param, next_param + 1);
            next_param += 2;
            sql.push_str(&match self.dialect {
                // json_extract maps true/false to 1/0: check the JSON type
                // too, so filters mean what they mean on PostgreSQL.
                Dialect::Sqlite => {
                    let types = match filter.equals {
                        FilterValue::Text(_) => "('text')",
                        FilterValue::Integer(_) | FilterValue::Float(_) => "('integer', 'real')",
                        FilterValue::Boolean(true) => "('true')",
                        FilterValue::Boolean(false) => "('false')",
                    };
                    format!(" AND json_type(body, ${path}) IN {types} AND json_extract(body, ${path}) = ${value}")
                }
                Dialect::Postgres => format!(" AND body -> ${path} = ${value}::jsonb"),
            });
        }
        let direction = if criteria.order == Order::NewestFirst { "DESC" } else { "ASC" };
        sql.push_str(&format!(" ORDER BY seq {direction} LIMIT {}", limit + 1));

        let mut query = sqlx::query::<Any>(&sql)
            .bind(&scope.app)
            .bind(&scope.customer)
            .bind(&scope.property)
            .bind(collection)
            .bind(scope.subject.as_deref());
        query = bind_scope_rules(query, scope);
        if let Some(cursor) = cursor {
            query = query.bind(cursor);
        }
        for filter in &criteria.filters {
            query = match self.dialect {
                Dialect::Sqlite => {
                    let query = query.bind(format!("$.{}", filter.field));
                    match &filter.equals {
                        FilterValue::Text(text) => query.bind(text.clone()),
                        FilterValue::Integer(integer) => query.bind(*integer),
                        FilterValue::Float(float) => query.bind(*float),
                        FilterValue::Boolean(boolean) => query.bind(i64::from(*boolean)),
                    }
                }
                Dialect::Postgres => {
                    let json = match &filter.equals {
                        FilterValue::Text(text) => serde_json::Value::from(text.as_str()),
                        FilterValue::Integer(integer) => serde_json::Value::from(*integer),
                        FilterValue::Float(float) => serde_json::Value::from(*float),
                        FilterValue::Boolean(boolean) => serde_json::Value::from(*boolean),
                    };
                    query.bind(filter.field.clone()).bind(json.to_string())
                }
            };
        }
        let rows = query.fetch_all(&self.pool).await?;
        let more = rows.len() > limit as usize;
        let mut documents = Vec::with_capacity(rows.len().min(limit as usize));
        let mut last_seq = None;
        for row in rows.iter().take(limit as usize) {
            last_seq = Some(row.try_get::<i64, _>("seq")?);
            documents.push(document_from_row(row)?);
        }
        let next_cursor = if more { last_seq } else { None };
        Ok(Page { documents, next_cursor })
    }

    /// Stores a new document owned by the scope's subject.
    pub async fn insert_document(
        &self,
        scope: &DocumentScope,
        collection: &str,
        body: &str,
        visibility: Visibility,
    ) -> Result<StoredDocument, StorageError> {
        let owner = scope.subject.clone().ok_or(StorageError::NotFound)?;
        let id = uuid::Uuid::new_v4().to_string();
        let now = now_ms();
        let body_param = if self.dialect == Dialect::Postgres { "$8::jsonb" } else { "$8" };
        let sql = format!(
            "INSERT INTO documents (id, app_id, collection, customer_id, property_id, owner_subject, visibility, \
             body, created_at, updated_at, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, {body_param}, $9, $9, 1)"
        );
        sqlx::query::<Any>(&sql)
            .bind(&id)
            .bind(&scope.app)
            .bind(collection)
            .bind(&scope.customer)
            .bind(&scope.property)
            .bind(&owner)
            .bind(visibility.as_str())
            .bind(body)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(StoredDocument {
            id,
            owner,
            visibility,
            body: body.to_owned(),
            created_at: now as u64,
            updated_at: now as u64,
            revision: 1,
        })
    }

    /// Replaces the body of a document the subject owns.
    ///
    /// A document the subject does not own is [`StorageError::NotFound`]
    /// when they cannot see it either, and [`StorageError::Conflict`] never
    /// reveals more than the subject could already read.
    pub async fn update_document(
        &self,
        scope: &DocumentScope,
        collection: &str,
        id: &str,
        body: &str,
        expected_revision: Option<u64>,
    ) -> Result<StoredDocument, StorageError> {
        let current = self.owned_document(scope, collection, id).await?;
        if let Some(expected) = expected_revision.filter(|expected| *expected != current.revision) {
            return Err(StorageError::Conflict(format!(
                "document was changed: expected revision {expected}, found {}",
                current.revision
            )));
        }
        let now = now_ms();
        let body_param = if self.dialect == Dialect::Postgres { "$1::jsonb" } else { "$1" };
        let sql = format!(
            "UPDATE documents SET body = {body_param}, updated_at = $2, revision = revision + 1 \
             WHERE id = $3 AND revision = $4"
        );
        let updated = sqlx::query::<Any>(&sql)
            .bind(body)
            .bind(now)
            .bind(id)
            .bind(current.revision as i64)
            .execute(&self.pool)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(StorageError::Conflict("document was changed concurrently".to_owned()));
        }
        Ok(StoredDocument { body: body.to_owned(), updated_at: now as u64, revision: current.revision + 1, ..current })
    }

    /// Deletes a document the subject owns.
    pub async fn delete_document(&self, scope: &DocumentScope, collection: &str, id: &str) -> Result<(), StorageError> {
        let subject = scope.subject.as_deref().ok_or(StorageError::NotFound)?;
        let deleted = sqlx::query::<Any>(
            "DELETE FROM documents WHERE id = $1 AND app_id = $2 AND customer_id = $3 AND property_id = $4 \
             AND collection = $5 AND owner_subject = $6",
        )
        .bind(id)
        .bind(&scope.app)
        .bind(&scope.customer)
        .bind(&scope.property)
        .bind(collection)
        .bind(subject)
        .execute(&self.pool)
        .await?;
        if deleted.rows_affected() == 0 {
            // Visible but not owned is refused the same way as invisible:
            // the caller learns nothing about other people's documents.
            return Err(StorageError::NotFound);
        }
        Ok(())
    }

    async fn owned_document(
        &self,
        scope: &DocumentScope,
        collection: &str,
        id: &str,
    ) -> Result<StoredDocument, StorageError> {
        let document = self.get_document(scope, collection, id).await?;
        if scope.subject.as_deref() != Some(document.owner.as_str()) {
            return Err(StorageError::NotFound);
        }
        Ok(document)
    }
}

/// Adds the scope's rules beyond app, place and visibility: a hook's own
/// documents only, and the owners' consent for a third-party app. `subject`
/// is the parameter number already bound to the acting person.
fn push_scope_rules(sql: &mut String, scope: &DocumentScope, subject: usize, next_param: &mut usize) {
    if scope.own_only {
        sql.push_str(&format!(" AND owner_subject = ${subject}"));
    }
    if let Some(owners) = &scope.owners {
        let app = *next_param;
        let grants: Vec<String> = (0..owners.grants.len()).map(|i| format!("${}", app + 1 + i)).collect();
        *next_param = app + 1 + owners.grants.len();
        let grants = if grants.is_empty() { "NULL".to_owned() } else { grants.join(", ") };
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM consent_grants g WHERE g.user_id = documents.owner_subject \
             AND g.app_id = ${app} AND g.grant_key IN ({grants})) \
             AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = documents.owner_subject \
             AND u.restricted_at IS NOT NULL)"
        ));
    }
}

/// Binds what [`push_scope_rules`] added, in the same order.
fn bind_scope_rules<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    scope: &'q DocumentScope,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    if let Some(owners) = &scope.owners {
        query = query.bind(owners.app_id.as_str());
        for grant in &owners.grants {
            query = query.bind(grant.as_str());
        }
    }
    query
}

fn document_from_row(row: &AnyRow) -> Result<StoredDocument, StorageError> {
    let visibility = match row.try_get::<String, _>("visibility")?.as_str() {
        "private" => Visibility::Private,
        _ => Visibility::Property,
    };
    Ok(StoredDocument {
        id: row.try_get("id")?,
        owner: row.try_get("owner_subject")?,
        visibility,
        body: row.try_get("body")?,
        created_at: row.try_get::<i64, _>("created_at")?.max(0) as u64,
        updated_at: row.try_get::<i64, _>("updated_at")?.max(0) as u64,
        revision: row.try_get::<i64, _>("revision")?.max(0) as u64,
    })
}

impl Database {
    /// Deletes every document `owner` keeps in `app_id` (after consent to
    /// the app is withdrawn). Returns how many went.
    pub async fn delete_documents_of(&self, app_id: &str, owner: &str) -> Result<u64, StorageError> {
        let deleted = sqlx::query::<Any>("DELETE FROM documents WHERE app_id = $1 AND owner_subject = $2")
            .bind(app_id)
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(deleted.rows_affected())
    }
}
