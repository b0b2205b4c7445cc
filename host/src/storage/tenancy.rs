//! Customers, properties, units and occupancies: the tenancy tree every
//! other record hangs from.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use super::{Database, StorageError, now_ms};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Customer {
    pub id: String,
    pub name: String,
    /// Whether residents may invite the people they live with.
    pub resident_invites: bool,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub created_at: i64,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub street: String,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2, e.g. `CH`.
    pub country: String,
}

impl Address {
    /// The form addresses are matched in: case, spacing and punctuation aside.
    pub fn key(&self) -> String {
        address_key(&self.street, &self.postal_code)
    }
}

/// `street|postal code`, lower-case, alphanumerics only.
pub fn address_key(street: &str, postal_code: &str) -> String {
    let squash = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    format!("{}|{}", squash(&street.replace("strasse", "str").replace("straße", "str")), squash(postal_code))
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Property {
    pub id: String,
    pub customer_id: String,
    pub external_id: Option<String>,
    pub name: String,
    pub address: Address,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub created_at: i64,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub updated_at: i64,
}

/// Most items one page of a list holds. A list call reads at most one
/// more: the item whose presence says that another page follows.
pub const MAX_PAGE: i64 = 200;

fn customer_from(row: &AnyRow) -> Result<Customer, sqlx::Error> {
    Ok(Customer {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        resident_invites: row.try_get::<i64, _>("resident_invites")? != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn property_from(row: &AnyRow) -> Result<Property, sqlx::Error> {
    Ok(Property {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        external_id: row.try_get("external_id")?,
        name: row.try_get("name")?,
        address: Address {
            street: row.try_get("street")?,
            postal_code: row.try_get("postal_code")?,
            city: row.try_get("city")?,
            country: row.try_get("country")?,
        },
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// A unique-constraint violation becomes a conflict the client can act on.
pub(crate) fn conflict(err: sqlx::Error, what: &str) -> StorageError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StorageError::Conflict(what.to_owned()),
        _ => StorageError::Unavailable(err),
    }
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Database {
    pub async fn insert_customer(&self, name: &str, resident_invites: bool) -> Result<Customer, StorageError> {
        let now = now_ms();
        let customer =
            Customer { id: new_id(), name: name.to_owned(), resident_invites, created_at: now, updated_at: now };
        sqlx::query::<Any>(
            "INSERT INTO customers (id, name, resident_invites, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&customer.id)
        .bind(&customer.name)
        .bind(i64::from(resident_invites))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(customer)
    }

    pub async fn customer(&self, id: &str) -> Result<Option<Customer>, StorageError> {
        let row =
            sqlx::query::<Any>("SELECT * FROM customers WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(customer_from).transpose()?)
    }

    /// All customers in id order after `after` (operators' view).
    pub async fn customers(&self, after: &str, limit: i64) -> Result<Vec<Customer>, StorageError> {
        let rows = sqlx::query::<Any>("SELECT * FROM customers WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit.clamp(1, MAX_PAGE + 1))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(customer_from).collect::<Result<_, _>>()?)
    }

    pub async fn save_customer(&self, customer: &Customer) -> Result<Customer, StorageError> {
        let now = now_ms();
        sqlx::query::<Any>("UPDATE customers SET name = $2, resident_invites = $3, updated_at = $4 WHERE id = $1")
            .bind(&customer.id)
            .bind(&customer.name)
            .bind(i64::from(customer.resident_invites))
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(Customer { updated_at: now, ..customer.clone() })
    }

    pub async fn insert_property(
        &self,
        customer_id: &str,
        external_id: Option<&str>,
        name: &str,
        address: &Address,
    ) -> Result<Property, StorageError> {
        let now = now_ms();
        let property = Property {
            id: new_id(),
            customer_id: customer_id.to_owned(),
            external_id: external_id.map(str::to_owned),
            name: name.to_owned(),
            address: address.clone(),
            created_at: now,
            updated_at: now,
        };
        sqlx::query::<Any>(
            "INSERT INTO properties (id, customer_id, external_id, name, street, postal_code, city, country, \
             address_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(&property.id)
        .bind(customer_id)
        .bind(external_id)
        .bind(name)
        .bind(&address.street)
        .bind(&address.postal_code)
        .bind(&address.city)
        .bind(&address.country)
        .bind(address.key())
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|err| conflict(err, "a property with this external_id exists"))?;
        Ok(property)
    }

    pub async fn property(&self, id: &str) -> Result<Option<Property>, StorageError> {
        let row =
            sqlx::query::<Any>("SELECT * FROM properties WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(property_from).transpose()?)
    }

    pub async fn property_by_external_id(
        &self,
        customer_id: &str,
        external_id: &str,
    ) -> Result<Option<Property>, StorageError> {
        let row = sqlx::query::<Any>("SELECT * FROM properties WHERE customer_id = $1 AND external_id = $2")
            .bind(customer_id)
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(property_from).transpose()?)
    }

    /// Properties whose address matches, across customers.
    pub async fn properties_at(&self, address_key: &str) -> Result<Vec<Property>, StorageError> {
        let rows = sqlx::query::<Any>("SELECT * FROM properties WHERE address_key = $1 ORDER BY id LIMIT 10")
            .bind(address_key)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(property_from).collect::<Result<_, _>>()?)
    }

    pub async fn properties(&self, customer_id: &str, after: &str, limit: i64) -> Result<Vec<Property>, StorageError> {
        let rows =
            sqlx::query::<Any>("SELECT * FROM properties WHERE customer_id = $1 AND id > $2 ORDER BY id LIMIT $3")
                .bind(customer_id)
                .bind(after)
                .bind(limit.clamp(1, MAX_PAGE + 1))
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.iter().map(property_from).collect::<Result<_, _>>()?)
    }

    pub async fn save_property(&self, property: &Property) -> Result<Property, StorageError> {
        let now = now_ms();
        let address = &property.address;
        sqlx::query::<Any>(
            "UPDATE properties SET name = $2, street = $3, postal_code = $4, city = $5, country = $6, \
             address_key = $7, updated_at = $8 WHERE id = $1",
        )
        .bind(&property.id)
        .bind(&property.name)
        .bind(&address.street)
        .bind(&address.postal_code)
        .bind(&address.city)
        .bind(&address.country)
        .bind(address.key())
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(Property { updated_at: now, ..property.clone() })
    }
}
