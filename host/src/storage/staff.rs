//! Who is staff of an app in a property: the people holding, today, one of
//! the roles the app's manifest names, in the property or its whole
//! customer. Decided from role assignments only.

use sqlx::Row;

use super::sql::Sql;
use super::{Database, StorageError};

/// Most staff one property notifies at once.
pub const MAX_STAFF: i64 = 500;

/// Most people one building-wide notification reaches.
pub const MAX_PEOPLE: i64 = 20_000;

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
        let mut sql = Sql::new("");
        let (customer, property, today) = (sql.bind_text(customer), sql.bind_text(property), sql.bind_text(today));
        let holders = role_holders(&mut sql, roles, &customer, &property, &today);
        sql.push(&format!("{holders} ORDER BY 1 LIMIT {MAX_STAFF}"));
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter().map(|row| row.try_get::<String, _>(0).map_err(StorageError::from)).collect()
    }

    /// Everyone of `property` on `today`: the residents whose occupancy is
    /// current and the holders of one of `roles` there, by user id.
    pub async fn people_of(
        &self,
        customer: &str,
        property: &str,
        roles: &[String],
        today: &str,
    ) -> Result<Vec<String>, StorageError> {
        let mut sql = Sql::new("SELECT o2.user_id FROM occupants o2 JOIN occupancies o ON o.id = o2.occupancy_id ");
        let (customer, property, today) = (sql.bind_text(customer), sql.bind_text(property), sql.bind_text(today));
        sql.push(&format!(
            "WHERE o.customer_id = {customer} AND o.property_id = {property} \
             AND o.starts_on <= {today} AND (o.ends_on IS NULL OR o.ends_on > {today})"
        ));
        if !roles.is_empty() {
            let holders = role_holders(&mut sql, roles, &customer, &property, &today);
            sql.push(&format!(" UNION {holders}"));
        }
        sql.push(&format!(" ORDER BY 1 LIMIT {MAX_PEOPLE}"));
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter().map(|row| row.try_get::<String, _>(0).map_err(StorageError::from)).collect()
    }
}

/// `SELECT DISTINCT user_id` of the assignments of one of `roles` in force
/// at `property` of `customer` on `today` (all three already bound).
fn role_holders(sql: &mut Sql, roles: &[String], customer: &str, property: &str, today: &str) -> String {
    let names: Vec<String> = roles.iter().map(|role| sql.bind_text(role)).collect();
    format!(
        "SELECT DISTINCT user_id FROM role_assignments WHERE role IN ({}) AND customer_id = {customer} \
         AND (property_id IS NULL OR property_id = {property}) \
         AND (valid_from IS NULL OR valid_from <= {today}) AND (valid_until IS NULL OR {today} < valid_until)",
        names.join(", ")
    )
}
