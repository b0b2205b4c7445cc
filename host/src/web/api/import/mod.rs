//! Master-data import from a customer's property-management system.
//!
//! JSON (`{"properties": […], "units": […], "occupancies": […]}`) or CSV
//! (one header row; a `record` column says `property`, `unit` or
//! `occupancy`). Every record carries the source system's `external_id`;
//! units name their property and occupancies their unit by that id. The
//! import is idempotent: a record already there unchanged is left alone, a
//! changed one is updated, a new one created. Every rejected record is
//! reported with its position and the reason, and does not stop the rest.

mod csv;

use super::Path;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::tenancy::{address, customer_for};
use super::units::{period, unit_kind};
use super::{Actor, Routes, optional_text, route, text};
use crate::identity::{Permission as P, Target};
use crate::storage::{Address, Database, StorageError};
use crate::web::{ApiError, AppState};

/// Imports are bigger than API calls.
const MAX_IMPORT_BYTES: usize = 16 << 20;
/// And have a bounded number of records.
const MAX_RECORDS: usize = 100_000;

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(
            Method::POST,
            "/api/customers/{customer}/import",
            P::MasterDataImport,
            "Import properties, units and occupancies (JSON or CSV) by external_id; idempotent",
        )
        .id("importMasterData")
        .takes::<MasterData>()
        .takes_media("text/csv", csv::media)
        .returns::<ImportReport>()
        .status(200),
        import,
    );
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MasterData {
    #[serde(default)]
    properties: Vec<PropertyRecord>,
    #[serde(default)]
    units: Vec<UnitRecord>,
    #[serde(default)]
    occupancies: Vec<OccupancyRecord>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PropertyRecord {
    external_id: String,
    name: String,
    street: String,
    postal_code: String,
    city: String,
    country: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UnitRecord {
    external_id: String,
    /// The property's external_id.
    property: String,
    kind: String,
    label: String,
    floor: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct OccupancyRecord {
    external_id: String,
    /// The unit's external_id.
    unit: String,
    starts_on: String,
    ends_on: Option<String>,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub(super) struct ImportReport {
    created: usize,
    updated: usize,
    unchanged: usize,
    rejected: Vec<RejectedRecord>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct RejectedRecord {
    /// property, unit or occupancy.
    record: &'static str,
    /// 1-based position: the CSV line, or the index in its JSON list.
    position: usize,
    external_id: Option<String>,
    reason: String,
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

async fn import(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(customer): Path<String>,
    request: Request,
) -> Result<Json<ImportReport>, ApiError> {
    let customer = customer_for(&state, &actor, P::MasterDataImport, &customer).await?;
    if !actor.may(P::MasterDataImport, Target::customer(&customer.id)) {
        return Err(ApiError::forbidden("importing needs the master-data-import permission for the whole customer"));
    }
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let too_large = || {
        ApiError::new(
            http::StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("imports are limited to {MAX_IMPORT_BYTES} bytes"),
        )
    };
    // An announced length past the limit is refused before a byte is read.
    let announced = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if announced.is_some_and(|length| length > MAX_IMPORT_BYTES as u64) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(request.into_body(), MAX_IMPORT_BYTES).await.map_err(|_| too_large())?;
    let mut report = ImportReport::default();
    let (data, positions) = if content_type.starts_with("application/json") {
        let data: MasterData = serde_json::from_slice(&bytes)
            .map_err(|err| ApiError::invalid(format!("the JSON is not master data: {err}")))?;
        (data, None)
    } else if content_type.starts_with("text/csv") {
        let (data, positions, rejected) = csv::parse(&bytes)?;
        report.rejected = rejected;
        (data, Some(positions))
    } else {
        return Err(ApiError::new(
            http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send application/json or text/csv",
        ));
    };
    if data.properties.len() + data.units.len() + data.occupancies.len() > MAX_RECORDS {
        return Err(ApiError::invalid(format!("an import holds at most {MAX_RECORDS} records")));
    }
    let position = |kind: usize, index: usize| match &positions {
        Some(lines) => lines[kind][index],
        None => index + 1,
    };
    let database = &state.services.database;
    for (index, record) in data.properties.iter().enumerate() {
        let result = import_property(database, &customer.id, record).await;
        tally(&mut report, "property", position(0, index), &record.external_id, result)?;
    }
    for (index, record) in data.units.iter().enumerate() {
        let result = import_unit(database, &customer.id, record).await;
        tally(&mut report, "unit", position(1, index), &record.external_id, result)?;
    }
    for (index, record) in data.occupancies.iter().enumerate() {
        let result = import_occupancy(database, &customer.id, record).await;
        tally(&mut report, "occupancy", position(2, index), &record.external_id, result)?;
    }
    report.rejected.sort_by_key(|r| r.position);
    state.identity.forget_everyone();
    Ok(Json(report))
}

/// Counts an outcome; a storage outage aborts the import (what is done stays
/// done, and re-running it completes the rest).
fn tally(
    report: &mut ImportReport,
    record: &'static str,
    position: usize,
    external_id: &str,
    result: Result<Outcome, Refused>,
) -> Result<(), ApiError> {
    match result {
        Ok(Outcome::Created) => report.created += 1,
        Ok(Outcome::Updated) => report.updated += 1,
        Ok(Outcome::Unchanged) => report.unchanged += 1,
        Err(Refused::Record(reason)) => report.rejected.push(RejectedRecord {
            record,
            position,
            external_id: (!external_id.is_empty()).then(|| external_id.chars().take(100).collect()),
            reason,
        }),
        Err(Refused::Storage(err)) => return Err(err.into()),
    }
    Ok(())
}

enum Refused {
    Record(String),
    Storage(StorageError),
}

impl From<ApiError> for Refused {
    fn from(err: ApiError) -> Refused {
        Refused::Record(err.message)
    }
}

impl From<StorageError> for Refused {
    fn from(err: StorageError) -> Refused {
        match err {
            StorageError::Conflict(message) | StorageError::Invalid(message) => Refused::Record(message),
            other => Refused::Storage(other),
        }
    }
}

async fn import_property(database: &Database, customer: &str, record: &PropertyRecord) -> Result<Outcome, Refused> {
    let external_id = text("external_id", &record.external_id, 100)?;
    let name = text("name", &record.name, 200)?;
    let address = address(&Address {
        street: record.street.clone(),
        postal_code: record.postal_code.clone(),
        city: record.city.clone(),
        country: record.country.clone(),
    })?;
    match database.property_by_external_id(customer, &external_id).await? {
        None => {
            database.insert_property(customer, Some(&external_id), &name, &address).await?;
            Ok(Outcome::Created)
        }
        Some(existing) if existing.name == name && existing.address == address => Ok(Outcome::Unchanged),
        Some(mut existing) => {
            existing.name = name;
            existing.address = address;
            database.save_property(&existing).await?;
            Ok(Outcome::Updated)
        }
    }
}

async fn import_unit(database: &Database, customer: &str, record: &UnitRecord) -> Result<Outcome, Refused> {
    let external_id = text("external_id", &record.external_id, 100)?;
    let kind = unit_kind(&record.kind)?;
    let label = text("label", &record.label, 100)?;
    let floor = optional_text("floor", record.floor.as_deref().filter(|f| !f.trim().is_empty()), 20)?;
    let property = database
        .property_by_external_id(customer, record.property.trim())
        .await?
        .ok_or_else(|| Refused::Record(format!("no property with external_id `{}`", truncate(&record.property))))?;
    match database.unit_by_external_id(customer, &external_id).await? {
        None => {
            database.insert_unit(&property, Some(&external_id), &kind, &label, floor.as_deref()).await?;
            Ok(Outcome::Created)
        }
        Some(existing) if existing.property_id != property.id => {
            Err(Refused::Record("a unit cannot move to another property; give it a new external_id".to_owned()))
        }
        Some(existing) if existing.kind == kind && existing.label == label && existing.floor == floor => {
            Ok(Outcome::Unchanged)
        }
        Some(mut existing) => {
            existing.kind = kind;
            existing.label = label;
            existing.floor = floor;
            database.save_unit(&existing).await?;
            Ok(Outcome::Updated)
        }
    }
}

async fn import_occupancy(database: &Database, customer: &str, record: &OccupancyRecord) -> Result<Outcome, Refused> {
    let external_id = text("external_id", &record.external_id, 100)?;
    let ends_on = record.ends_on.as_deref().map(str::trim).filter(|e| !e.is_empty());
    let (starts_on, ends_on) = period(record.starts_on.trim(), ends_on)?;
    let unit = database
        .unit_by_external_id(customer, record.unit.trim())
        .await?
        .ok_or_else(|| Refused::Record(format!("no unit with external_id `{}`", truncate(&record.unit))))?;
    match database.occupancy_by_external_id(customer, &external_id).await? {
        None => {
            database.insert_occupancy(&unit, Some(&external_id), &starts_on, ends_on.as_deref()).await?;
            Ok(Outcome::Created)
        }
        Some(existing) if existing.unit_id != unit.id => {
            Err(Refused::Record("an occupancy cannot move to another unit; give it a new external_id".to_owned()))
        }
        Some(existing) if existing.starts_on == starts_on && existing.ends_on == ends_on => Ok(Outcome::Unchanged),
        Some(mut existing) => {
            existing.starts_on = starts_on;
            existing.ends_on = ends_on;
            database.save_occupancy(&existing).await?;
            Ok(Outcome::Updated)
        }
    }
}

fn truncate(value: &str) -> String {
    value.chars().take(100).collect()
}
