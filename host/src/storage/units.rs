//! Units of a property, and the occupancies that put residents in them.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use super::tenancy::{MAX_PAGE, Property, conflict, new_id};
use super::{Database, StorageError, now_ms};

/// The unit kinds a property can have.
pub const UNIT_KINDS: &[&str] = &["flat", "parking-space", "common-room", "commercial", "storage", "other"];

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Unit {
    pub id: String,
    pub customer_id: String,
    pub property_id: String,
    pub external_id: Option<String>,
    /// flat, parking-space, common-room, commercial, storage or other.
    pub kind: String,
    pub label: String,
    pub floor: Option<String>,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub created_at: i64,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Occupancy {
    pub id: String,
    pub customer_id: String,
    pub property_id: String,
    pub unit_id: String,
    pub external_id: Option<String>,
    /// First day, `YYYY-MM-DD`.
    pub starts_on: String,
    /// First day without access (move-out day), `YYYY-MM-DD`; open if absent.
    pub ends_on: Option<String>,
    /// The user ids of its residents.
    pub residents: Vec<String>,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub created_at: i64,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub updated_at: i64,
}

fn unit_from(row: &AnyRow) -> Result<Unit, sqlx::Error> {
    Ok(Unit {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        property_id: row.try_get("property_id")?,
        external_id: row.try_get("external_id")?,
        kind: row.try_get("kind")?,
        label: row.try_get("label")?,
        floor: row.try_get("floor")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn occupancy_from(row: &AnyRow) -> Result<Occupancy, sqlx::Error> {
    Ok(Occupancy {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        property_id: row.try_get("property_id")?,
        unit_id: row.try_get("unit_id")?,
        external_id: row.try_get("external_id")?,
        starts_on: row.try_get("starts_on")?,
        ends_on: row.try_get("ends_on")?,
        residents: Vec::new(),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl Database {
    pub async fn insert_unit(
        &self,
        property: &Property,
        external_id: Option<&str>,
        kind: &str,
        label: &str,
        floor: Option<&str>,
    ) -> Result<Unit, StorageError> {
        let now = now_ms();
        let unit = Unit {
            id: new_id(),
            customer_id: property.customer_id.clone(),
            property_id: property.id.clone(),
            external_id: external_id.map(str::to_owned),
            kind: kind.to_owned(),
            label: label.to_owned(),
            floor: floor.map(str::to_owned),
            created_at: now,
            updated_at: now,
        };
        sqlx::query::<Any>(
            "INSERT INTO units (id, customer_id, property_id, external_id, kind, label, floor, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&unit.id)
        .bind(&unit.customer_id)
        .bind(&unit.property_id)
        .bind(external_id)
        .bind(kind)
        .bind(label)
        .bind(floor)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|err| conflict(err, "a unit with this external_id exists"))?;
        Ok(unit)
    }

    pub async fn unit(&self, id: &str) -> Result<Option<Unit>, StorageError> {
        let row = sqlx::query::<Any>("SELECT * FROM units WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(unit_from).transpose()?)
    }

    pub async fn unit_by_external_id(
        &self,
        customer_id: &str,
        external_id: &str,
    ) -> Result<Option<Unit>, StorageError> {
        let row = sqlx::query::<Any>("SELECT * FROM units WHERE customer_id = $1 AND external_id = $2")
            .bind(customer_id)
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(unit_from).transpose()?)
    }

    pub async fn units(&self, property_id: &str, after: &str, limit: i64) -> Result<Vec<Unit>, StorageError> {
        let rows = sqlx::query::<Any>("SELECT * FROM units WHERE property_id = $1 AND id > $2 ORDER BY id LIMIT $3")
            .bind(property_id)
            .bind(after)
            .bind(limit.clamp(1, MAX_PAGE + 1))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(unit_from).collect::<Result<_, _>>()?)
    }

    pub async fn save_unit(&self, unit: &Unit) -> Result<Unit, StorageError> {
        let now = now_ms();
        sqlx::query::<Any>("UPDATE units SET kind = $2, label = $3, floor = $4, updated_at = $5 WHERE id = $1")
            .bind(&unit.id)
            .bind(&unit.kind)
            .bind(&unit.label)
            .bind(&unit.floor)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(Unit { updated_at: now, ..unit.clone() })
    }

    pub async fn insert_occupancy(
        &self,
        unit: &Unit,
        external_id: Option<&str>,
        starts_on: &str,
        ends_on: Option<&str>,
    ) -> Result<Occupancy, StorageError> {
        let now = now_ms();
        let occupancy = Occupancy {
            id: new_id(),
            customer_id: unit.customer_id.clone(),
            property_id: unit.property_id.clone(),
            unit_id: unit.id.clone(),
            external_id: external_id.map(str::to_owned),
            starts_on: starts_on.to_owned(),
            ends_on: ends_on.map(str::to_owned),
            residents: Vec::new(),
            created_at: now,
            updated_at: now,
        };
        sqlx::query::<Any>(
            "INSERT INTO occupancies (id, customer_id, property_id, unit_id, external_id, starts_on, ends_on, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&occupancy.id)
        .bind(&occupancy.customer_id)
        .bind(&occupancy.property_id)
        .bind(&occupancy.unit_id)
        .bind(external_id)
        .bind(starts_on)
        .bind(ends_on)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|err| conflict(err, "an occupancy with this external_id exists"))?;
        Ok(occupancy)
    }

    pub async fn occupancy(&self, id: &str) -> Result<Option<Occupancy>, StorageError> {
        let row =
            sqlx::query::<Any>("SELECT * FROM occupancies WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        let Some(mut occupancy) = row.as_ref().map(occupancy_from).transpose()? else {
            return Ok(None);
        };
        occupancy.residents = self.occupants(&occupancy.id).await?;
        Ok(Some(occupancy))
    }

    pub async fn occupancy_by_external_id(
        &self,
        customer_id: &str,
        external_id: &str,
    ) -> Result<Option<Occupancy>, StorageError> {
        let row = sqlx::query::<Any>("SELECT id FROM occupancies WHERE customer_id = $1 AND external_id = $2")
            .bind(customer_id)
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => self.occupancy(&row.try_get::<String, _>("id")?).await,
            None => Ok(None),
        }
    }

    pub async fn occupancies(
        &self,
        property_id: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Occupancy>, StorageError> {
        let rows =
            sqlx::query::<Any>("SELECT * FROM occupancies WHERE property_id = $1 AND id > $2 ORDER BY id LIMIT $3")
                .bind(property_id)
                .bind(after)
                .bind(limit.clamp(1, MAX_PAGE + 1))
                .fetch_all(&self.pool)
                .await?;
        let mut occupancies = rows.iter().map(occupancy_from).collect::<Result<Vec<_>, _>>()?;
        for occupancy in &mut occupancies {
            occupancy.residents = self.occupants(&occupancy.id).await?;
        }
        Ok(occupancies)
    }

    pub async fn save_occupancy(&self, occupancy: &Occupancy) -> Result<Occupancy, StorageError> {
        let now = now_ms();
        sqlx::query::<Any>("UPDATE occupancies SET starts_on = $2, ends_on = $3, updated_at = $4 WHERE id = $1")
            .bind(&occupancy.id)
            .bind(&occupancy.starts_on)
            .bind(&occupancy.ends_on)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(Occupancy { updated_at: now, ..occupancy.clone() })
    }

    pub async fn occupants(&self, occupancy_id: &str) -> Result<Vec<String>, StorageError> {
        Ok(sqlx::query_scalar::<Any, String>(
            "SELECT user_id FROM occupants WHERE occupancy_id = $1 ORDER BY added_at, user_id",
        )
        .bind(occupancy_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Adds a resident to an occupancy; adding them twice changes nothing.
    pub async fn add_occupant(&self, occupancy_id: &str, user_id: &str) -> Result<(), StorageError> {
        sqlx::query::<Any>(
            "INSERT INTO occupants (occupancy_id, user_id, added_at) VALUES ($1, $2, $3) \
             ON CONFLICT (occupancy_id, user_id) DO NOTHING",
        )
        .bind(occupancy_id)
        .bind(user_id)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn remove_occupant(&self, occupancy_id: &str, user_id: &str) -> Result<bool, StorageError> {
        let done = sqlx::query::<Any>("DELETE FROM occupants WHERE occupancy_id = $1 AND user_id = $2")
            .bind(occupancy_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
