//! The app catalog as customers see it, and their approvals: which app
//! version runs in which of their properties, with which of the grants it
//! asks for. Narrowing or disabling takes effect on the next host call, on
//! every node.

use std::collections::BTreeSet;

use super::Path;
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Actor, Body, Page, Paging, Query, Routes, route};
use crate::catalog::{LoadedApp, Processing};
use crate::identity::{Permission as P, Principal, Target};
use crate::policy::Approval;
use crate::storage::now_ms;
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(Method::GET, "/api/apps", P::Authenticated, "The app catalog: every app with what it asks for")
            .id("listApps")
            .query::<Paging>()
            .returns::<Page<CatalogEntry>>(),
        catalog,
    );
    routes.add(
        route(Method::GET, "/api/customers/{customer}/apps", P::AppsApprove, "Apps and your approvals of them")
            .id("listCustomerApps")
            .query::<Paging>()
            .returns::<Page<CustomerApp>>(),
        list,
    );
    routes.add(
        route(Method::PUT, "/api/customers/{customer}/apps/{app}", P::AppsApprove, "Enable an app and approve grants")
            .id("approveApp")
            .takes::<ApprovalRequest>()
            .returns::<ApprovalView>(),
        approve,
    );
    routes.add(
        route(Method::DELETE, "/api/customers/{customer}/apps/{app}", P::AppsApprove, "Disable an app everywhere")
            .id("disableApp")
            .status(200)
            .returns::<ApprovalView>(),
        disable,
    );
}

/// An app as the catalog shows it.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct CatalogEntry {
    id: String,
    name: String,
    version: String,
    /// `core` or `third-party`.
    kind: String,
    vendor: String,
    description: String,
    privacy_policy: Option<String>,
    processing_location: String,
    transfer_basis: Option<String>,
    /// SHA-256 of the component.
    digest: String,
    asks: Vec<Ask>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Ask {
    grant: String,
    capability: String,
    what: String,
    why: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct CustomerApp {
    app: CatalogEntry,
    approval: Option<ApprovalView>,
    /// The current version asks for grants the approved one did not; it
    /// runs only once approved (the approved version serves meanwhile).
    update_needs_approval: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ApprovalView {
    customer_id: String,
    app_id: String,
    version: String,
    grants: Vec<String>,
    all_properties: bool,
    property_ids: Vec<String>,
    enabled: bool,
    /// The approving user; absent for the platform's default approval of core apps.
    approved_by: Option<String>,
    #[serde(with = "crate::timestamp::Rfc3339")]
    approved_at: i64,
}

impl From<&Approval> for ApprovalView {
    fn from(approval: &Approval) -> ApprovalView {
        ApprovalView {
            customer_id: approval.customer_id.clone(),
            app_id: approval.app_id.clone(),
            version: approval.version.clone(),
            grants: approval.grants.iter().cloned().collect(),
            all_properties: approval.all_properties,
            property_ids: approval.property_ids.clone(),
            enabled: approval.enabled,
            approved_by: approval.approved_by.clone(),
            approved_at: approval.approved_at,
        }
    }
}

/// What a customer admin approves.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApprovalRequest {
    /// The version approved; the current one if absent.
    #[serde(default)]
    version: Option<String>,
    /// The grants approved: a subset of what the version asks for.
    grants: Vec<String>,
    /// `true` for every property, present and future.
    #[serde(default)]
    all_properties: bool,
    /// Otherwise, the properties it is enabled for.
    #[serde(default)]
    property_ids: Vec<String>,
}

fn entry(app: &LoadedApp) -> CatalogEntry {
    let manifest = &app.manifest;
    CatalogEntry {
        id: manifest.id.clone(),
        name: manifest.name.clone(),
        version: manifest.version.clone(),
        kind: manifest.kind.as_str().to_owned(),
        vendor: manifest.vendor.clone(),
        description: manifest.description.clone(),
        privacy_policy: manifest.privacy_policy.clone(),
        processing_location: manifest.processing.location.clone(),
        transfer_basis: manifest
            .processing
            .legal_basis
            .clone()
            .filter(|_| manifest.processing.location != Processing::EU_EEA),
        digest: app.digest.clone(),
        asks: manifest
            .requested_grants()
            .into_iter()
            .map(|grant| Ask {
                grant: grant.key,
                capability: grant.kind.as_str().to_owned(),
                what: grant.label,
                why: grant.purpose,
            })
            .collect(),
    }
}

async fn catalog(
    State(state): State<AppState>,
    Query(paging): Query<Paging>,
) -> Result<Json<Page<CatalogEntry>>, ApiError> {
    let apps = paging.page(state.catalog.list(), |app| app.manifest.id.clone())?;
    Ok(Json(Page { items: apps.items.iter().map(|app| entry(app)).collect(), next: apps.next }))
}

fn check_customer(actor: &Principal, customer: &str) -> Result<(), ApiError> {
    if actor.may(P::AppsApprove, Target::customer(customer)) { Ok(()) } else { Err(super::tenancy::foreign()) }
}

async fn list(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(customer): Path<String>,
    Query(paging): Query<Paging>,
) -> Result<Json<Page<CustomerApp>>, ApiError> {
    check_customer(&actor, &customer)?;
    let approvals = state.services.database.approvals(&customer).await?;
    let page = paging.page(state.catalog.list(), |app| app.manifest.id.clone())?;
    let mut apps = Vec::new();
    for app in page.items {
        let approval = approvals.iter().find(|approval| approval.app_id == app.manifest.id);
        let mut update_needs_approval = false;
        if let Some(approval) = approval.filter(|approval| approval.version != app.manifest.version)
            && let Some(approved) =
                state.catalog.version(&app.manifest.id, &approval.version).await.map_err(ApiError::internal)?
        {
            update_needs_approval =
                app.policy.requested_keys().difference(&approved.policy.requested_keys()).next().is_some();
        }
        apps.push(CustomerApp { app: entry(&app), approval: approval.map(ApprovalView::from), update_needs_approval });
    }
    Ok(Json(Page { items: apps, next: page.next }))
}

async fn approve(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path((customer, app_id)): Path<(String, String)>,
    Body(request): Body<ApprovalRequest>,
) -> Result<Response, ApiError> {
    check_customer(&actor, &customer)?;
    let current = state.catalog.get(&app_id).ok_or_else(|| ApiError::not_found("no such app"))?;
    let version = request.version.unwrap_or_else(|| current.manifest.version.clone());
    let app = state
        .catalog
        .version(&app_id, &version)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::invalid(format!("`{app_id}` has no version {version}")))?;
    let requested = app.policy.requested_keys();
    let grants: BTreeSet<String> = request.grants.into_iter().collect();
    if let Some(stranger) = grants.difference(&requested).next() {
        return Err(ApiError::invalid(format!("`{stranger}` is not among what {app_id} {version} asks for")));
    }
    if !request.all_properties && request.property_ids.is_empty() {
        return Err(ApiError::invalid("name `property_ids`, or set `all_properties`"));
    }
    let mut property_ids = request.property_ids;
    property_ids.sort();
    property_ids.dedup();
    for id in &property_ids {
        let belongs =
            state.services.database.property(id).await?.is_some_and(|property| property.customer_id == customer);
        if !belongs {
            return Err(ApiError::invalid(format!("property `{id}` is not one of this customer's")));
        }
    }
    let approval = Approval {
        customer_id: customer,
        app_id,
        version,
        grants,
        all_properties: request.all_properties,
        property_ids: if request.all_properties { Vec::new() } else { property_ids },
        enabled: true,
        approved_by: Some(actor.user_id.clone()),
        approved_at: now_ms(),
    };
    state.services.policy.save_approval(&approval).await?;
    Ok(Json(ApprovalView::from(&approval)).into_response())
}

async fn disable(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path((customer, app_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    check_customer(&actor, &customer)?;
    let mut approval = state
        .services
        .database
        .approval(&customer, &app_id)
        .await?
        .ok_or_else(|| ApiError::not_found("not enabled"))?;
    approval.enabled = false;
    approval.approved_by = Some(actor.user_id.clone());
    approval.approved_at = now_ms();
    state.services.policy.save_approval(&approval).await?;
    Ok(Json(ApprovalView::from(&approval)).into_response())
}
