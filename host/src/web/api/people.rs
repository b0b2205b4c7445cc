//! Residents and staff: who is linked to a customer, staff accounts, role
//! assignments, and residents inviting the people they live with.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::record::Listing;
use super::tenancy::{customer_for, foreign, property_for};
use super::{Actor, Body, Page, Paging, Path, Query, Routes, created, date, email, route, text};
use crate::i18n::Texts;
use crate::identity::{Permission as P, Principal, PropertyReach, Role, Scope, Target, digest, random_token};
use crate::storage::{RoleAssignment, TokenPurpose, User, now_ms};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(Method::GET, "/api/customers/{customer}/people", P::PeopleRead, "List a customer's residents and staff")
            .id("listCustomerPeople")
            .query::<Paging>()
            .returns::<Page<User>>(),
        list_people,
    );
    routes.add(
        route(Method::GET, "/api/users/{user}", P::PeopleRead, "Read a resident or staff member")
            .id("getUser")
            .returns::<User>()
            .about_person("user"),
        get_user,
    );
    routes.add(
        route(
            Method::PATCH,
            "/api/users/{user}",
            P::PeopleWrite,
            "Correct a resident's or staff member's name or locale",
        )
        .id("updateUser")
        .takes::<UserPatch>()
        .returns::<User>(),
        update_user,
    );
    routes.add(
        route(Method::POST, "/api/customers/{customer}/staff", P::RolesAssign, "Add a staff member with a role")
            .id("addStaffMember")
            .takes::<NewStaff>()
            .returns::<StaffAdded>(),
        add_staff,
    );
    routes.add(
        route(
            Method::GET,
            "/api/customers/{customer}/role-assignments",
            P::RolesAssign,
            "List a customer's role assignments",
        )
        .id("listRoleAssignments")
        .query::<Paging>()
        .returns::<Page<RoleAssignment>>(),
        list_assignments,
    );
    routes.add(
        route(Method::POST, "/api/customers/{customer}/role-assignments", P::RolesAssign, "Give a role to a user")
            .id("assignRole")
            .takes::<NewAssignment>()
            .returns::<RoleAssignment>(),
        assign_role,
    );
    routes.add(
        route(Method::DELETE, "/api/role-assignments/{assignment}", P::RolesAssign, "Take a role away")
            .id("revokeRole"),
        revoke_role,
    );
    routes.add(
        route(Method::POST, "/api/me/invitations", P::ResidentsInvite, "Invite someone who lives with you")
            .id("inviteHousemate")
            .takes::<Invitation>()
            .status(202),
        invite,
    );
}

/// A user, if the actor holds `permission` where that user is linked.
async fn user_for(state: &AppState, actor: &Principal, permission: P, id: &str) -> Result<User, ApiError> {
    let database = &state.services.database;
    let user = database.user(id).await?.ok_or_else(foreign)?;
    let mut customers: Vec<&str> = Vec::new();
    for assignment in actor.active_assignments().filter(|a| a.role.grants(permission)) {
        match &assignment.scope {
            Scope::Platform => return Ok(user),
            Scope::Customer(customer) | Scope::Property { customer, .. } => customers.push(customer),
        }
    }
    customers.sort_unstable();
    customers.dedup();
    for customer in customers {
        for via in database.links_to_customer(&user.id, customer).await? {
            let target = match &via {
                Some(property) => Target::property(customer, property),
                None => Target::customer(customer),
            };
            if actor.may(permission, target) {
                return Ok(user);
            }
        }
    }
    Err(foreign())
}

async fn list_people(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(customer): Path<String>,
    Query(paging): Query<Paging>,
    headers: HeaderMap,
) -> Result<Json<Page<User>>, ApiError> {
    let customer = customer_for(&state, &actor, P::PeopleRead, &customer).await?;
    let size = paging.size()?;
    let reach = match actor.property_reach(P::PeopleRead, &customer.id) {
        PropertyReach::All => None,
        PropertyReach::Some(properties) => Some(properties),
    };
    let people = state.services.database.people(&customer.id, reach.as_deref(), &paging.after, size.probe()).await?;
    let page = Page::of(people, size, |person| person.id.clone());
    let listed: Vec<&str> = page.items.iter().map(|person| person.id.as_str()).collect();
    let listing = Listing {
        customer_id: Some(&customer.id),
        action: "GET /api/customers/{customer}/people",
        purpose: "Staff listing people of the customer",
    };
    super::record::people_listed(&state, &actor, listing, &listed, &headers).await?;
    Ok(Json(page))
}

async fn get_user(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(user_for(&state, &actor, P::PeopleRead, &id).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UserPatch {
    name: Option<String>,
    locale: Option<String>,
}

async fn update_user(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    Body(patch): Body<UserPatch>,
) -> Result<Json<User>, ApiError> {
    let mut user = user_for(&state, &actor, P::PeopleWrite, &id).await?;
    if let Some(name) = &patch.name {
        user.name = text("name", name, 200)?;
    }
    if let Some(locale) = &patch.locale {
        user.locale = super::accounts::locale(locale)?;
    }
    let saved = state.services.database.save_user_profile(&user).await?;
    state.identity.forget_user(&saved.id);
    Ok(Json(saved))
}

/// A role for the customer, or for one property of it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewStaff {
    email: String,
    name: String,
    role: Role,
    property_id: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewAssignment {
    user_id: String,
    role: Role,
    property_id: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
}

/// The role part of a request to give one.
struct RoleGrant<'a> {
    role: Role,
    property_id: Option<&'a str>,
    valid_from: Option<&'a str>,
    valid_until: Option<&'a str>,
}

/// Builds an assignment the actor may give: a staff role, for this customer
/// or one of its properties, with no permission the actor lacks there.
async fn grantable(
    state: &AppState,
    actor: &Principal,
    customer: &str,
    user_id: &str,
    grant: RoleGrant<'_>,
) -> Result<RoleAssignment, ApiError> {
    let RoleGrant { role, property_id, valid_from, valid_until } = grant;
    if !role.is_staff() {
        return Err(ApiError::invalid("only staff roles are assigned; residents come from occupancies"));
    }
    let property = match property_id {
        Some(id) => {
            let property = property_for(state, actor, P::RolesAssign, id).await?;
            if property.customer_id != customer {
                return Err(foreign());
            }
            Some(property.id)
        }
        None => None,
    };
    let target = match &property {
        Some(p) => Target::property(customer, p),
        None => Target::customer(customer),
    };
    if !actor.may(P::RolesAssign, target) {
        return Err(ApiError::forbidden("you may not assign roles here"));
    }
    if let Some(missing) = role.permissions().iter().find(|p| !actor.may(**p, target)) {
        return Err(ApiError::forbidden(format!(
            "the role `{}` carries `{}`, which you do not hold here",
            role.name(),
            missing.name()
        )));
    }
    let valid_from = valid_from.map(|d| date("valid_from", d)).transpose()?;
    let valid_until = valid_until.map(|d| date("valid_until", d)).transpose()?;
    if let (Some(from), Some(until)) = (&valid_from, &valid_until)
        && until <= from
    {
        return Err(ApiError::invalid("`valid_until` must be after `valid_from`"));
    }
    Ok(RoleAssignment {
        id: crate::storage::new_id(),
        user_id: user_id.to_owned(),
        role,
        customer_id: Some(customer.to_owned()),
        property_id: property,
        valid_from,
        valid_until,
        granted_by: Some(actor.user_id.clone()),
        created_at: now_ms(),
    })
}

#[derive(Debug, Serialize, JsonSchema)]
struct StaffAdded {
    user_id: String,
    assignment: RoleAssignment,
    /// Whether a new account was created (and a set-password mail sent).
    new_account: bool,
}

async fn add_staff(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(customer): Path<String>,
    Body(body): Body<NewStaff>,
) -> Result<Response, ApiError> {
    let customer = customer_for(&state, &actor, P::RolesAssign, &customer).await?;
    let address = email(&body.email)?;
    let name = text("name", &body.name, 200)?;
    let database = &state.services.database;
    // Validate the grant before creating anything.
    let mut assignment = grantable(
        &state,
        &actor,
        &customer.id,
        "",
        RoleGrant {
            role: body.role,
            property_id: body.property_id.as_deref(),
            valid_from: body.valid_from.as_deref(),
            valid_until: body.valid_until.as_deref(),
        },
    )
    .await?;
    let (user, new_account) = match database.user_by_email(&address).await? {
        Some(user) => (user, false),
        None => (database.insert_user(&address, &name, "en", None, false).await?, true),
    };
    assignment.user_id = user.id.clone();
    database.insert_assignment(&assignment).await?;
    state.identity.forget_user(&user.id);
    if new_account {
        send_welcome(&state, &user, &customer.name).await?;
    }
    Ok(created(StaffAdded { user_id: user.id, assignment, new_account }))
}

/// Mails a new account its set-password link.
pub(crate) async fn send_welcome(state: &AppState, user: &User, customer_name: &str) -> Result<(), ApiError> {
    crate::mail::welcome(&state.mailer, &state.services.database, user, customer_name, &state.public_url).await?;
    Ok(())
}

async fn list_assignments(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(customer): Path<String>,
    Query(paging): Query<Paging>,
    headers: HeaderMap,
) -> Result<Json<Page<RoleAssignment>>, ApiError> {
    let customer = customer_for(&state, &actor, P::RolesAssign, &customer).await?;
    let mut assignments = state.services.database.assignments_of_customer(&customer.id).await?;
    assignments.retain(|a| match &a.property_id {
        Some(p) => actor.may(P::RolesAssign, Target::property(&customer.id, p)),
        None => actor.may(P::RolesAssign, Target::customer(&customer.id)),
    });
    let page = paging.page(assignments, |a| a.id.clone())?;
    let holders: Vec<&str> = page.items.iter().map(|a| a.user_id.as_str()).collect();
    let listing = Listing {
        customer_id: Some(&customer.id),
        action: "GET /api/customers/{customer}/role-assignments",
        purpose: "Staff listing who holds which role",
    };
    super::record::people_listed(&state, &actor, listing, &holders, &headers).await?;
    Ok(Json(page))
}

async fn assign_role(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(customer): Path<String>,
    Body(body): Body<NewAssignment>,
) -> Result<Response, ApiError> {
    let customer = customer_for(&state, &actor, P::RolesAssign, &customer).await?;
    let user = user_for(&state, &actor, P::PeopleRead, &body.user_id).await?;
    let assignment = grantable(
        &state,
        &actor,
        &customer.id,
        &user.id,
        RoleGrant {
            role: body.role,
            property_id: body.property_id.as_deref(),
            valid_from: body.valid_from.as_deref(),
            valid_until: body.valid_until.as_deref(),
        },
    )
    .await?;
    state.services.database.insert_assignment(&assignment).await?;
    state.identity.forget_user(&user.id);
    Ok(created(assignment))
}

async fn revoke_role(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let database = &state.services.database;
    let assignment = database.assignment(&id).await?.ok_or_else(foreign)?;
    let Some(customer) = assignment.customer_id.as_deref() else {
        return Err(foreign()); // platform roles are managed from the command line
    };
    let target = match &assignment.property_id {
        Some(p) => Target::property(customer, p),
        None => Target::customer(customer),
    };
    if !actor.may(P::RolesAssign, target) {
        return Err(foreign());
    }
    if assignment.role.permissions().iter().any(|p| !actor.may(*p, target)) {
        return Err(ApiError::forbidden("this role carries permissions you do not hold"));
    }
    database.delete_assignment(&assignment.id).await?;
    state.identity.forget_user(&assignment.user_id);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Invitation {
    email: String,
    /// Which of your occupancies they join; needed only if you have several.
    occupancy_id: Option<String>,
}

async fn invite(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Body(body): Body<Invitation>,
) -> Result<StatusCode, ApiError> {
    let address = email(&body.email)?;
    let residences: Vec<_> = actor
        .active_residences()
        .filter(|r| body.occupancy_id.as_deref().is_none_or(|id| id == r.occupancy_id))
        .collect();
    let residence = match residences.as_slice() {
        [one] => *one,
        [] => return Err(ApiError::not_found("no such occupancy of yours")),
        _ => return Err(ApiError::invalid("you live in several units: name the `occupancy_id`")),
    };
    let database = &state.services.database;
    let customer = database.customer(&residence.customer_id).await?.ok_or_else(foreign)?;
    if !customer.resident_invites {
        return Err(ApiError::forbidden(format!("{} has switched resident invitations off", customer.name)));
    }
    let token = random_token();
    let expires = now_ms() + 7 * 86_400_000;
    database
        .insert_email_token(
            &digest(&token),
            TokenPurpose::Invitation,
            None,
            &address,
            Some(&residence.occupancy_id),
            Some(&actor.user_id),
            expires,
        )
        .await?;
    // The invited person has no language of their own here yet: the
    // inviting neighbour's is the best guess.
    let t = Texts::for_mail(&actor.locale);
    let link = format!("{}/account/signup?invitation={token}", state.public_url);
    let body = t.f("mail.invitation_body", &[("inviter", &actor.name), ("link", &link), ("token", &token)]);
    state.mailer.send(&address, t.t("mail.invitation_subject"), &body).await?;
    Ok(StatusCode::ACCEPTED)
}

#[cfg(test)]
mod tests {
    #[test]
    fn staff_roles_are_the_assignable_ones() {
        use crate::identity::Role;
        assert!(!Role::Operator.is_staff());
        assert!(!Role::Resident.is_staff());
    }
}
