//! The platform's operators: who they are, appointing one, removing one
//! (never the last).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use schemars::JsonSchema;
use serde::Deserialize;

use super::record::Listing;
use super::tenancy::foreign;
use super::{Actor, Body, Page, Paging, Path, Query, Routes, created, email, route, text};
use crate::identity::{Permission as P, Role};
use crate::storage::{RoleAssignment, now_ms};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(Method::GET, "/api/operators", P::OperatorsManage, "List the platform operators")
            .id("listOperators")
            .query::<Paging>()
            .returns::<Page<RoleAssignment>>(),
        list_operators,
    );
    routes.add(
        route(
            Method::POST,
            "/api/operators",
            P::OperatorsManage,
            "Appoint a platform operator (new accounts get a set-password mail)",
        )
        .id("appointOperator")
        .takes::<NewOperator>()
        .returns::<RoleAssignment>(),
        appoint_operator,
    );
    routes.add(
        route(
            Method::DELETE,
            "/api/operators/{assignment}",
            P::OperatorsManage,
            "Remove an operator (never the last one)",
        )
        .id("removeOperator"),
        remove_operator,
    );
}

async fn list_operators(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(paging): Query<Paging>,
    headers: HeaderMap,
) -> Result<Json<Page<RoleAssignment>>, ApiError> {
    let operators = paging.page(state.services.database.platform_assignments().await?, |a| a.id.clone())?;
    let holders: Vec<&str> = operators.items.iter().map(|a| a.user_id.as_str()).collect();
    let listing =
        Listing { customer_id: None, action: "GET /api/operators", purpose: "An operator listing the operators" };
    super::record::people_listed(&state, &actor, listing, &holders, &headers).await?;
    Ok(Json(operators))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewOperator {
    email: String,
    name: String,
}

async fn appoint_operator(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Body(body): Body<NewOperator>,
) -> Result<Response, ApiError> {
    let address = email(&body.email)?;
    let name = text("name", &body.name, 200)?;
    let database = &state.services.database;
    let user = match database.user_by_email(&address).await? {
        Some(user) => user,
        None => {
            let user = database.insert_user(&address, &name, "en", None, false).await?;
            super::people::send_welcome(&state, &user, "The Courtyard platform").await?;
            user
        }
    };
    let existing = database.platform_assignments().await?;
    if let Some(already) = existing.into_iter().find(|a| a.user_id == user.id) {
        return Ok(created(already));
    }
    let assignment = RoleAssignment {
        id: crate::storage::new_id(),
        user_id: user.id.clone(),
        role: Role::Operator,
        customer_id: None,
        property_id: None,
        valid_from: None,
        valid_until: None,
        granted_by: Some(actor.user_id.clone()),
        created_at: now_ms(),
    };
    database.insert_assignment(&assignment).await?;
    state.identity.forget_user(&user.id);
    Ok(created(assignment))
}

async fn remove_operator(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let database = &state.services.database;
    let operators = database.platform_assignments().await?;
    let assignment = operators.iter().find(|a| a.id == id).ok_or_else(foreign)?;
    if operators.iter().filter(|a| a.user_id != assignment.user_id).count() == 0 {
        return Err(ApiError::conflict("the platform keeps at least one operator"));
    }
    database.delete_assignment(&assignment.id).await?;
    state.identity.forget_user(&assignment.user_id);
    Ok(StatusCode::NO_CONTENT)
}
