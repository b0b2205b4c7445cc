//! Customers, properties, units and occupancies.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Actor, Body, Page, Paging, Routes, created, date, optional_text, route, text};
use crate::identity::{Permission as P, Principal, PropertyReach, Target};
use crate::storage::{Address, Customer, Occupancy, Property, UNIT_KINDS, Unit};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    let get = || Method::GET;
    routes.add(
        route(Method::POST, "/api/customers", P::CustomersCreate, "Create a customer")
            .takes::<NewCustomer>()
            .returns::<Customer>(),
        create_customer,
    );
    routes.add(
        route(get(), "/api/customers", P::CustomerRead, "List the customers you work for").returns::<Page<Customer>>(),
        list_customers,
    );
    routes.add(
        route(get(), "/api/customers/{customer}", P::CustomerRead, "Read a customer").returns::<Customer>(),
        get_customer,
    );
    routes.add(
        route(Method::PATCH, "/api/customers/{customer}", P::CustomerUpdate, "Change a customer's name or settings")
            .takes::<CustomerPatch>()
            .returns::<Customer>(),
        update_customer,
    );
    routes.add(
        route(Method::POST, "/api/customers/{customer}/properties", P::PropertiesWrite, "Add a property")
            .takes::<NewProperty>()
            .returns::<Property>(),
        create_property,
    );
    routes.add(
        route(get(), "/api/customers/{customer}/properties", P::PropertiesRead, "List a customer's properties")
            .returns::<Page<Property>>(),
        list_properties,
    );
    routes.add(
        route(get(), "/api/properties/{property}", P::PropertiesRead, "Read a property").returns::<Property>(),
        get_property,
    );
    routes.add(
        route(Method::PATCH, "/api/properties/{property}", P::PropertiesWrite, "Change a property")
            .takes::<PropertyPatch>()
            .returns::<Property>(),
        update_property,
    );
    routes.add(
        route(Method::POST, "/api/properties/{property}/units", P::UnitsWrite, "Add a unit to a property")
            .takes::<NewUnit>()
            .returns::<Unit>(),
        create_unit,
    );
    routes.add(
        route(get(), "/api/properties/{property}/units", P::UnitsRead, "List a property's units")
            .returns::<Page<Unit>>(),
        list_units,
    );
    routes.add(route(get(), "/api/units/{unit}", P::UnitsRead, "Read a unit").returns::<Unit>(), get_unit);
    routes.add(
        route(Method::PATCH, "/api/units/{unit}", P::UnitsWrite, "Change a unit")
            .takes::<UnitPatch>()
            .returns::<Unit>(),
        update_unit,
    );
    routes.add(
        route(Method::POST, "/api/units/{unit}/occupancies", P::OccupanciesWrite, "Start an occupancy of a unit")
            .takes::<NewOccupancy>()
            .returns::<Occupancy>(),
        create_occupancy,
    );
    routes.add(
        route(get(), "/api/properties/{property}/occupancies", P::OccupanciesRead, "List a property's occupancies")
            .returns::<Page<Occupancy>>(),
        list_occupancies,
    );
    routes.add(
        route(get(), "/api/occupancies/{occupancy}", P::OccupanciesRead, "Read an occupancy").returns::<Occupancy>(),
        get_occupancy,
    );
    routes.add(
        route(Method::PATCH, "/api/occupancies/{occupancy}", P::OccupanciesWrite, "Change an occupancy's dates")
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
        ),
        remove_resident,
    );
}

fn foreign() -> ApiError {
    ApiError::not_found("not found")
}

/// Whether the actor holds `permission` anywhere within `customer`.
pub(super) fn reaches_customer(actor: &Principal, permission: P, customer: &str) -> bool {
    match actor.property_reach(permission, customer) {
        PropertyReach::All => true,
        PropertyReach::Some(properties) => !properties.is_empty(),
    }
}

pub(super) async fn customer_for(
    state: &AppState,
    actor: &Principal,
    permission: P,
    id: &str,
) -> Result<Customer, ApiError> {
    let customer = state.services.database.customer(id).await?.ok_or_else(foreign)?;
    if reaches_customer(actor, permission, &customer.id) { Ok(customer) } else { Err(foreign()) }
}

pub(super) async fn property_for(
    state: &AppState,
    actor: &Principal,
    permission: P,
    id: &str,
) -> Result<Property, ApiError> {
    let property = state.services.database.property(id).await?.ok_or_else(foreign)?;
    if actor.may(permission, Target::property(&property.customer_id, &property.id)) {
        Ok(property)
    } else {
        Err(foreign())
    }
}

pub(super) async fn unit_for(state: &AppState, actor: &Principal, permission: P, id: &str) -> Result<Unit, ApiError> {
    let unit = state.services.database.unit(id).await?.ok_or_else(foreign)?;
    if actor.may(permission, Target::property(&unit.customer_id, &unit.property_id)) {
        Ok(unit)
    } else {
        Err(foreign())
    }
}

pub(super) async fn occupancy_for(
    state: &AppState,
    actor: &Principal,
    permission: P,
    id: &str,
) -> Result<Occupancy, ApiError> {
    let occupancy = state.services.database.occupancy(id).await?.ok_or_else(foreign)?;
    if actor.may(permission, Target::property(&occupancy.customer_id, &occupancy.property_id)) {
        Ok(occupancy)
    } else {
        Err(foreign())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewCustomer {
    name: String,
    /// Whether residents may invite the people they live with (default yes).
    resident_invites: Option<bool>,
}

async fn create_customer(State(state): State<AppState>, Body(body): Body<NewCustomer>) -> Result<Response, ApiError> {
    let name = text("name", &body.name, 200)?;
    let customer = state.services.database.insert_customer(&name, body.resident_invites.unwrap_or(true)).await?;
    Ok(created(customer))
}

async fn list_customers(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(paging): Query<Paging>,
) -> Result<Json<Page<Customer>>, ApiError> {
    let database = &state.services.database;
    let limit = paging.limit();
    let customers = match actor.customer_wide(P::CustomerRead) {
        None => database.customers(&paging.after, limit).await?,
        Some(_) => {
            let mut ids: Vec<String> = actor
                .active_assignments()
                .filter(|a| a.role.grants(P::CustomerRead))
                .filter_map(|a| match &a.scope {
                    crate::identity::Scope::Customer(c) => Some(c.clone()),
                    crate::identity::Scope::Property { customer, .. } => Some(customer.clone()),
                    crate::identity::Scope::Platform => None,
                })
                .filter(|id| id.as_str() > paging.after.as_str())
                .collect();
            ids.sort();
            ids.dedup();
            let mut found = Vec::new();
            for id in ids.iter().take(limit as usize) {
                if let Some(customer) = database.customer(id).await? {
                    found.push(customer);
                }
            }
            found
        }
    };
    Ok(Json(Page::of(customers, limit, |c| c.id.clone())))
}

async fn get_customer(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Customer>, ApiError> {
    Ok(Json(customer_for(&state, &actor, P::CustomerRead, &id).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CustomerPatch {
    name: Option<String>,
    resident_invites: Option<bool>,
}

async fn update_customer(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    Body(patch): Body<CustomerPatch>,
) -> Result<Json<Customer>, ApiError> {
    let mut customer = customer_for(&state, &actor, P::CustomerRead, &id).await?;
    if !actor.may(P::CustomerUpdate, Target::customer(&customer.id)) {
        return Err(ApiError::forbidden("changing this customer needs the customer-update permission"));
    }
    if let Some(name) = &patch.name {
        customer.name = text("name", name, 200)?;
    }
    if let Some(invites) = patch.resident_invites {
        customer.resident_invites = invites;
    }
    Ok(Json(state.services.database.save_customer(&customer).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewProperty {
    external_id: Option<String>,
    name: String,
    address: Address,
}

pub(super) fn address(address: &Address) -> Result<Address, ApiError> {
    let country = address.country.trim().to_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(ApiError::invalid("`address.country` must be an ISO 3166 two-letter code"));
    }
    Ok(Address {
        street: text("address.street", &address.street, 200)?,
        postal_code: text("address.postal_code", &address.postal_code, 20)?,
        city: text("address.city", &address.city, 100)?,
        country,
    })
}

async fn create_property(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(customer): Path<String>,
    Body(body): Body<NewProperty>,
) -> Result<Response, ApiError> {
    let customer = customer_for(&state, &actor, P::PropertiesRead, &customer).await?;
    if !actor.may(P::PropertiesWrite, Target::customer(&customer.id)) {
        return Err(ApiError::forbidden("adding properties needs the properties-write permission for the customer"));
    }
    let external_id = optional_text("external_id", body.external_id.as_deref(), 100)?;
    let name = text("name", &body.name, 200)?;
    let address = address(&body.address)?;
    let property =
        state.services.database.insert_property(&customer.id, external_id.as_deref(), &name, &address).await?;
    Ok(created(property))
}

async fn list_properties(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(customer): Path<String>,
    Query(paging): Query<Paging>,
) -> Result<Json<Page<Property>>, ApiError> {
    let customer = customer_for(&state, &actor, P::PropertiesRead, &customer).await?;
    let limit = paging.limit();
    let database = &state.services.database;
    let properties = match actor.property_reach(P::PropertiesRead, &customer.id) {
        PropertyReach::All => database.properties(&customer.id, &paging.after, limit).await?,
        PropertyReach::Some(ids) => {
            let mut found = Vec::new();
            for id in ids.iter().filter(|id| id.as_str() > paging.after.as_str()).take(limit as usize) {
                found.extend(database.property(id).await?);
            }
            found
        }
    };
    Ok(Json(Page::of(properties, limit, |p| p.id.clone())))
}

async fn get_property(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<Property>, ApiError> {
    Ok(Json(property_for(&state, &actor, P::PropertiesRead, &id).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PropertyPatch {
    name: Option<String>,
    address: Option<Address>,
}

async fn update_property(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    Body(patch): Body<PropertyPatch>,
) -> Result<Json<Property>, ApiError> {
    let mut property = property_for(&state, &actor, P::PropertiesWrite, &id).await?;
    if let Some(name) = &patch.name {
        property.name = text("name", name, 200)?;
    }
    if let Some(new) = &patch.address {
        property.address = address(new)?;
    }
    Ok(Json(state.services.database.save_property(&property).await?))
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
    let limit = paging.limit();
    let units = state.services.database.units(&property.id, &paging.after, limit).await?;
    Ok(Json(Page::of(units, limit, |u| u.id.clone())))
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
) -> Result<Json<Page<Occupancy>>, ApiError> {
    let property = property_for(&state, &actor, P::OccupanciesRead, &property).await?;
    let limit = paging.limit();
    let occupancies = state.services.database.occupancies(&property.id, &paging.after, limit).await?;
    Ok(Json(Page::of(occupancies, limit, |o| o.id.clone())))
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
