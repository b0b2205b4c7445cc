//! Units of a property and the occupancies that put residents in them.

use super::record::Listing;
use super::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use schemars::JsonSchema;
use serde::Deserialize;

use super::tenancy::{foreign, occupancy_for, property_for, unit_for};
use super::{Actor, Body, Page, Paging, Routes, created, date, optional_text, route, text};
use crate::identity::Permission as P;
use crate::storage::{Occupancy, UNIT_KINDS, Unit};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    let get = || Method::GET;
    routes.add(
        route(Method::POST, "/api/properties/{property}/units", P::UnitsWrite, "Add a unit to a property")
            .id("createUnit")
            .takes::<NewUnit>()
            .returns::<Unit>(),
        create_unit,
    );
    routes.add(
        route(get(), "/api/properties/{property}/units", P::UnitsRead, "List a property's units")
            .id("listPropertyUnits")
            .query::<Paging>()
            .returns::<Page<Unit>>(),
        list_units,
    );
    routes
        .add(route(get(), "/api/units/{unit}", P::UnitsRead, "Read a unit").id("getUnit").returns::<Unit>(), get_unit);
    routes.add(
        route(Method::PATCH, "/api/units/{unit}", P::UnitsWrite, "Change a unit")
            .id("updateUnit")
            .takes::<UnitPatch>()
            .returns::<Unit>(),
        update_unit,
    );
    routes.add(
        route(Method::POST, "/api/units/{unit}/occupancies", P::OccupanciesWrite, "Start an occupancy of a unit")
            .id("createOccupancy")
            .takes::<NewOccupancy>()
            .returns::<Occupancy>(),
        create_occupancy,
    );
    routes.add(
        route(get(), "/api/properties/{property}/occupancies", P::OccupanciesRead, "List a property's occupancies")
            .id("listPropertyOccupancies")
            .query::<Paging>()
            .returns::<Page<Occupancy>>(),
        list_occupancies,
    );
    routes.add(
        route(get(), "/api/occupancies/{occupancy}", P::OccupanciesRead, "Read an occupancy")
            .id("getOccupancy")
            .returns::<Occupancy>(),
        get_occupancy,
    );
    routes.add(
        route(Method::PATCH, "/api/occupancies/{occupancy}", P::OccupanciesWrite, "Change an occupancy's dates")
            .id("updateOccupancy")
            .takes::<OccupancyPatch>()
            .returns::<Occupancy>(),
        update_occupancy,
    );
    routes.add(
        route(
            Method::DELETE,
            "/api/occupancies/{occupancy}/residents/{user}",
            P::OccupanciesWrite,
            "Remove a resident from an occupancy",
        )
        .id("removeOccupancyResident"),
        remove_resident,
    );
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewUnit {
    external_id: Option<String>,
    /// flat, parking-space, common-room, commercial, storage or other.
    kind: String,
    label: String,
    floor: Option<String>,
}

pub(super) fn unit_kind(kind: &str) -> Result<String, ApiError> {
    if UNIT_KINDS.contains(&kind) {
        Ok(kind.to_owned())
    } else {
        Err(ApiError::invalid(format!("`kind` must be one of {}", UNIT_KINDS.join(", "))))
    }
}

async fn create_unit(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(property): Path<String>,
    Body(body): Body<NewUnit>,
) -> Result<Response, ApiError> {
    let property = property_for(&state, &actor, P::UnitsWrite, &property).await?;
    let external_id = optional_text("external_id", body.external_id.as_deref(), 100)?;
    let kind = unit_kind(&body.kind)?;
    let label = text("label", &body.label, 100)?;
    let floor = optional_text("floor", body.floor.as_deref(), 20)?;
    let unit =
        state.services.database.insert_unit(&property, external_id.as_deref(), &kind, &label, floor.as_deref()).await?;
    Ok(created(unit))
}

async fn list_units(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(property): Path<String>,
    Query(paging): Query<Paging>,
) -> Result<Json<Page<Unit>>, ApiError> {
    let property = property_for(&state, &actor, P::UnitsRead, &property).await?;
    let size = paging.size()?;
    let units = state.services.database.units(&property.id, &paging.after, size.probe()).await?;
    Ok(Json(Page::of(units, size, |u| u.id.clone())))
}

async fn get_unit(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Unit>, ApiError> {
    Ok(Json(unit_for(&state, &actor, P::UnitsRead, &id).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UnitPatch {
    kind: Option<String>,
    label: Option<String>,
    floor: Option<String>,
}

async fn update_unit(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    Body(patch): Body<UnitPatch>,
) -> Result<Json<Unit>, ApiError> {
    let mut unit = unit_for(&state, &actor, P::UnitsWrite, &id).await?;
    if let Some(kind) = &patch.kind {
        unit.kind = unit_kind(kind)?;
    }
    if let Some(label) = &patch.label {
        unit.label = text("label", label, 100)?;
    }
    if let Some(floor) = &patch.floor {
        unit.floor = Some(text("floor", floor, 20)?);
    }
    Ok(Json(state.services.database.save_unit(&unit).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewOccupancy {
    external_id: Option<String>,
    /// First day, `YYYY-MM-DD`.
    starts_on: String,
    /// Move-out day (first day without access), `YYYY-MM-DD`.
    ends_on: Option<String>,
}

pub(super) fn period(starts_on: &str, ends_on: Option<&str>) -> Result<(String, Option<String>), ApiError> {
    let starts = date("starts_on", starts_on)?;
    let ends = ends_on.map(|e| date("ends_on", e)).transpose()?;
    if ends.as_deref().is_some_and(|e| e <= starts.as_str()) {
        return Err(ApiError::invalid("`ends_on` must be after `starts_on`"));
    }
    Ok((starts, ends))
}

async fn create_occupancy(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(unit): Path<String>,
    Body(body): Body<NewOccupancy>,
) -> Result<Response, ApiError> {
    let unit = unit_for(&state, &actor, P::OccupanciesWrite, &unit).await?;
    let external_id = optional_text("external_id", body.external_id.as_deref(), 100)?;
    let (starts_on, ends_on) = period(&body.starts_on, body.ends_on.as_deref())?;
    let occupancy =
        state.services.database.insert_occupancy(&unit, external_id.as_deref(), &starts_on, ends_on.as_deref()).await?;
    Ok(created(occupancy))
}

async fn list_occupancies(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(property): Path<String>,
    Query(paging): Query<Paging>,
    headers: HeaderMap,
) -> Result<Json<Page<Occupancy>>, ApiError> {
    let property = property_for(&state, &actor, P::OccupanciesRead, &property).await?;
    let size = paging.size()?;
    let occupancies = state.services.database.occupancies(&property.id, &paging.after, size.probe()).await?;
    let page = Page::of(occupancies, size, |o| o.id.clone());
    // Who lives where is each resident's data: each sees the listing.
    let residents: Vec<&str> = page.items.iter().flat_map(|o| o.residents.iter().map(String::as_str)).collect();
    let listing = Listing {
        customer_id: Some(&property.customer_id),
        action: "GET /api/properties/{property}/occupancies",
        purpose: "Staff listing the occupancies of a property",
    };
    super::record::people_listed(&state, &actor, listing, &residents, &headers).await?;
    Ok(Json(page))
}

async fn get_occupancy(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Occupancy>, ApiError> {
    Ok(Json(occupancy_for(&state, &actor, P::OccupanciesRead, &id).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct OccupancyPatch {
    starts_on: Option<String>,
    /// The move-out day; `null` makes the occupancy open-ended again.
    #[serde(default, deserialize_with = "super::present")]
    #[schemars(with = "Option<String>")]
    ends_on: Option<Option<String>>,
}

async fn update_occupancy(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    Body(patch): Body<OccupancyPatch>,
) -> Result<Json<Occupancy>, ApiError> {
    let mut occupancy = occupancy_for(&state, &actor, P::OccupanciesWrite, &id).await?;
    let starts_on = patch.starts_on.clone().unwrap_or_else(|| occupancy.starts_on.clone());
    let ends_on = match patch.ends_on {
        Some(ends_on) => ends_on,
        None => occupancy.ends_on.clone(),
    };
    let (starts_on, ends_on) = period(&starts_on, ends_on.as_deref())?;
    occupancy.starts_on = starts_on;
    occupancy.ends_on = ends_on;
    let saved = state.services.database.save_occupancy(&occupancy).await?;
    for resident in &saved.residents {
        state.identity.forget_user(resident);
    }
    Ok(Json(saved))
}

async fn remove_resident(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path((occupancy, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let occupancy = occupancy_for(&state, &actor, P::OccupanciesWrite, &occupancy).await?;
    if !state.services.database.remove_occupant(&occupancy.id, &user).await? {
        return Err(foreign());
    }
    state.identity.forget_user(&user);
    Ok(StatusCode::NO_CONTENT)
}
