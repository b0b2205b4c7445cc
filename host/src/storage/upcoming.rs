//! The next dates of several collections in one statement, for home's
//! "Coming up": each collection's first few documents from a date on, read
//! through its declared date index with the same scope and audience rule
//! as any query, and only the two fields home shows.

use sqlx::Row;

use super::documents::{Comparison, DocumentScope, Filter, FilterValue};
use super::sql::Sql;
use super::{Database, Dialect, StorageError};

/// One collection to read dates from.
#[derive(Debug, Clone)]
pub struct DatedSection {
    pub scope: DocumentScope,
    pub collection: String,
    /// The top-level text field holding the date, leading a declared index.
    pub date: String,
    /// The top-level text field shown.
    pub title: String,
}

/// One dated document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated {
    /// Which of the sections it came from, by position.
    pub section: usize,
    pub id: String,
    pub date: String,
    pub title: Option<String>,
}

impl Database {
    /// The first `per_section` documents of each section dated `from` or
    /// later, soonest first within a section.
    pub async fn dated_documents(
        &self,
        sections: &[DatedSection],
        from: &str,
        per_section: u32,
    ) -> Result<Vec<Dated>, StorageError> {
        if sections.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new("");
        for (n, section) in sections.iter().enumerate() {
            if n > 0 {
                sql.push(" UNION ALL ");
            }
            let date = self.field_expression(&section.date)?;
            let (date_text, title_text) = (self.text_of(&section.date)?, self.text_of(&section.title)?);
            sql.push(&format!(
                "SELECT * FROM (SELECT CAST({n} AS BIGINT) AS section, documents.id AS id, {date_text} AS date, \
                 {title_text} AS title FROM documents"
            ));
            self.push_scope(&mut sql, &section.scope, &section.collection);
            let filter = Filter {
                field: section.date.clone(),
                comparison: Comparison::GreaterOrEqual,
                value: FilterValue::Text(from.to_owned()),
            };
            self.push_filter(&mut sql, &filter)?;
            sql.push(&format!(" ORDER BY {date} ASC, documents.seq ASC LIMIT {per_section}) AS section_{n}"));
        }
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(Dated {
                    section: usize::try_from(row.try_get::<i64, _>("section")?).unwrap_or(usize::MAX),
                    id: row.try_get("id")?,
                    date: row.try_get("date")?,
                    title: row.try_get("title")?,
                })
            })
            .collect()
    }

    /// A top-level field as text (`NULL` when it is not one).
    fn text_of(&self, field: &str) -> Result<String, StorageError> {
        self.field_expression(field)?;
        Ok(match self.dialect {
            Dialect::Sqlite => {
                format!("(CASE json_type(body, '$.{field}') WHEN 'text' THEN json_extract(body, '$.{field}') END)")
            }
            Dialect::Postgres => {
                format!("(CASE jsonb_typeof(body -> '{field}') WHEN 'string' THEN body ->> '{field}' END)")
            }
        })
    }
}
