//! Who is staff of an app in a property: the people holding, today, one of
//! the roles the app's manifest names, in the property or its whole
//! customer. Decided from role assignments only.

use sqlx::Row;

use super::sql::Sql;
use super::{Database, StorageError};

/// Most staff one property notifies at once.
pub const MAX_STAFF: i64 = 500;

impl Database {
    /// The people holding one of `roles` at `property` of `customer` on
    /// `today` (`YYYY-MM-DD`), by user id.
    pub async fn staff_of(
        &self,
        customer: &str,
        property: &str,
        roles: &[String],
        today: &str,
    ) -> Result<Vec<String>, StorageError> {
        if roles.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new("SELECT DISTINCT user_id FROM role_assignments WHERE role IN (");
        let names: Vec<String> = roles.iter().map(|role| sql.bind_text(role)).collect();
        sql.push(&names.join(", "));
        let (customer, property, today) = (sql.bind_text(customer), sql.bind_text(property), sql.bind_text(today));
        sql.push(&format!(
            ") AND customer_id = {customer} AND (property_id IS NULL OR property_id = {property}) \
             AND (valid_from IS NULL OR valid_from <= {today}) AND (valid_until IS NULL OR {today} < valid_until) \
             ORDER BY user_id LIMIT {MAX_STAFF}"
        ));
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter().map(|row| row.try_get::<String, _>("user_id").map_err(StorageError::from)).collect()
    }
}
