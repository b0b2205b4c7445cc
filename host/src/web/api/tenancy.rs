//! Customers, properties, units and occupancies.

use super::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Actor, Body, Page, Paging, Routes, created, optional_text, route, text};
use crate::identity::{Permission as P, Principal, PropertyReach, Target};
use crate::storage::{Address, Customer, Occupancy, Property, Unit};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    let get = || Method::GET;
    routes.add(
        route(Method::POST, "/api/customers", P::CustomersCreate, "Create a customer")
            .id("createCustomer")
            .takes::<NewCustomer>()
            .returns::<Customer>(),
        create_customer,
    );
    routes.add(
        route(get(), "/api/customers", P::CustomerRead, "List the customers you work for")
            .id("listCustomers")
            .query::<Paging>()
            .returns::<Page<Customer>>(),
        list_customers,
    );
    routes.add(
        route(get(), "/api/customers/{customer}", P::CustomerRead, "Read a customer")
            .id("getCustomer")
            .returns::<Customer>(),
        get_customer,
    );
    routes.add(
        route(Method::PATCH, "/api/customers/{customer}", P::CustomerUpdate, "Change a customer's name or settings")
            .id("updateCustomer")
            .takes::<CustomerPatch>()
            .returns::<Customer>(),
        update_customer,
    );
    routes.add(
        route(Method::POST, "/api/customers/{customer}/properties", P::PropertiesWrite, "Add a property")
            .id("createProperty")
            .takes::<NewProperty>()
            .returns::<Property>(),
        create_property,
    );
    routes.add(
        route(get(), "/api/customers/{customer}/properties", P::PropertiesRead, "List a customer's properties")
            .id("listCustomerProperties")
            .query::<Paging>()
            .returns::<Page<Property>>(),
        list_properties,
    );
    routes.add(
        route(get(), "/api/properties/{property}", P::PropertiesRead, "Read a property")
            .id("getProperty")
            .returns::<Property>(),
        get_property,
    );
    routes.add(
        route(Method::PATCH, "/api/properties/{property}", P::PropertiesWrite, "Change a property")
            .id("updateProperty")
            .takes::<PropertyPatch>()
            .returns::<Property>(),
        update_property,
    );
}

pub(super) fn foreign() -> ApiError {
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
    let size = paging.size()?;
    let customers = match actor.customer_wide(P::CustomerRead) {
        None => database.customers(&paging.after, size.probe()).await?,
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
            for id in &ids {
                if found.len() as i64 == size.probe() {
                    break;
                }
                found.extend(database.customer(id).await?);
            }
            found
        }
    };
    Ok(Json(Page::of(customers, size, |c| c.id.clone())))
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
    let size = paging.size()?;
    let database = &state.services.database;
    let properties = match actor.property_reach(P::PropertiesRead, &customer.id) {
        PropertyReach::All => database.properties(&customer.id, &paging.after, size.probe()).await?,
        PropertyReach::Some(ids) => {
            let mut found = Vec::new();
            for id in ids.iter().filter(|id| id.as_str() > paging.after.as_str()) {
                if found.len() as i64 == size.probe() {
                    break;
                }
                found.extend(database.property(id).await?);
            }
            found
        }
    };
    Ok(Json(Page::of(properties, size, |p| p.id.clone())))
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
