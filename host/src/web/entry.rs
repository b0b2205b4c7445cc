//! Entering an app: is it enabled here, which version runs for this
//! customer, and has the resident consented?
//!
//! A customer's approval names the version it approved. A newer version that
//! asks for nothing more runs under the same approval; one that asks for more
//! waits for a new approval while the approved version keeps serving. A
//! third-party app needs the resident's consent before first use; grants the
//! customer approves later are offered on the next visit. Whatever the
//! resident declined is offered again, unticked, whenever they come to
//! decide on purpose: a decline is never final.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{ApiError, AppState};
use crate::audit::{ActorKind, AuditEntry};
use crate::catalog::{AppKind, LoadedApp, RequestedGrant};
use crate::policy::{Approval, Standing};
use crate::runtime::HostServices;
use crate::storage::PolicyChange;

/// What the resident is asked to agree to.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConsentRequest {
    pub app_id: String,
    pub app_name: String,
    pub version: String,
    /// Always `third-party`: core apps need no consent.
    pub kind: String,
    pub vendor: String,
    pub description: String,
    pub privacy_policy: Option<String>,
    /// `EU/EEA` or a named third country.
    pub processing_location: String,
    /// The legal basis of a transfer outside the EU/EEA.
    pub transfer_basis: Option<String>,
    /// What the app would get, each with its purpose: everything approved
    /// that the resident has not allowed yet, what they declined before
    /// marked so.
    pub asks: Vec<ConsentItem>,
    /// Already consented to.
    pub given: Vec<ConsentItem>,
    /// SHA-256 over what `asks` shows; send it back with the decision.
    pub purposes_hash: String,
    /// Whether the resident has consented to anything yet (if not, the app
    /// cannot be used until they do).
    pub has_consent: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConsentItem {
    pub grant: String,
    /// What it gets, in plain words.
    pub what: String,
    /// Why, in the vendor's words.
    pub why: String,
    /// Declined before: a screen offers it again, unticked.
    pub declined: bool,
}

/// An app ready to take the caller's request.
pub(crate) struct Entered {
    pub app: Arc<LoadedApp>,
    pub approval: Arc<Approval>,
    /// The consent request when new grants await the resident's decision
    /// (only ever for third-party apps).
    pub pending: Option<ConsentRequest>,
    pub standing: Option<Arc<Standing>>,
}

/// The apps enabled at `property` of `customer`, as home lists them: every
/// installed app the customer's approval covers there (core apps are
/// approved for every customer by default).
pub(crate) async fn enabled_here(
    state: &AppState,
    customer: &str,
    property: &str,
) -> Result<Vec<Arc<LoadedApp>>, ApiError> {
    let policy = &state.services.policy;
    let mut enabled = Vec::new();
    for app in state.catalog.list() {
        let mut approval = policy.approval(customer, &app.manifest.id).await?;
        if approval.is_none() && app.manifest.kind == AppKind::Core {
            reconcile_core_app(&state.services, &app).await.map_err(ApiError::internal)?;
            approval = approval_after_reconciling(state, customer, &app.manifest.id).await?;
        }
        if approval.is_some_and(|approval| approval.enabled && approval.covers(property)) {
            enabled.push(app);
        }
    }
    Ok(enabled)
}

/// The approval as the database holds it once core apps were reconciled.
/// What this node remembered is dropped first: it may be the absence it
/// read while another request was recording the approval, and keeping it
/// would turn that request's race into "not enabled here".
async fn approval_after_reconciling(
    state: &AppState,
    customer: &str,
    app_id: &str,
) -> Result<Option<Arc<Approval>>, ApiError> {
    let policy = &state.services.policy;
    policy.apply(&PolicyChange::Approval { customer: customer.to_owned(), app: app_id.to_owned() });
    Ok(policy.approval(customer, app_id).await?)
}

/// Why the caller cannot use the app now.
pub(crate) enum Barrier {
    /// Not installed, or not enabled for this property: 404.
    Unavailable(ApiError),
    /// The resident has not consented yet.
    Consent(Box<ConsentRequest>),
}

impl From<ApiError> for Barrier {
    fn from(err: ApiError) -> Barrier {
        Barrier::Unavailable(err)
    }
}

/// Decides whether `user_id` may use `app_id` in `property` now.
pub(crate) async fn enter(
    state: &AppState,
    app_id: &str,
    customer: &str,
    property: &str,
    user_id: &str,
) -> Result<Entered, Barrier> {
    let not_here = || ApiError::not_found(format!("no app `{}` is enabled for this property", truncate(app_id, 64)));
    let current = state.catalog.get(app_id).ok_or_else(not_here)?;
    let policy = &state.services.policy;
    let mut approval = policy.approval(customer, app_id).await.map_err(ApiError::from)?;
    if approval.is_none() && current.manifest.kind == AppKind::Core {
        reconcile_core_app(&state.services, &current).await.map_err(ApiError::internal)?;
        approval = approval_after_reconciling(state, customer, app_id).await?;
    }
    let approval = approval.filter(|approval| approval.covers(property)).ok_or_else(not_here)?;
    let app = serving_version(state, &current, &approval).await?;
    if app.manifest.kind == AppKind::Core {
        return Ok(Entered { app, approval, pending: None, standing: None });
    }
    let standing = policy.standing(user_id, app_id).await.map_err(ApiError::from)?;
    if !standing.has_consent() {
        return Err(Barrier::Consent(Box::new(consent_request(&app, &approval, &standing))));
    }
    // Checked without building the request: this runs on every call.
    let undecided = approval.grants.iter().any(|grant| {
        app.policy.requests(grant) && !standing.consented.contains(grant) && !standing.declined.contains(grant)
    });
    let pending = undecided.then(|| consent_request(&app, &approval, &standing));
    Ok(Entered { app, approval, pending, standing: Some(standing) })
}

/// The version this customer runs: the current one, unless it asks for
/// grants the approved version did not, in which case the approved one.
async fn serving_version(
    state: &AppState,
    current: &Arc<LoadedApp>,
    approval: &Approval,
) -> Result<Arc<LoadedApp>, ApiError> {
    if current.manifest.version == approval.version {
        return Ok(Arc::clone(current));
    }
    let approved = state.catalog.version(&current.manifest.id, &approval.version).await.map_err(ApiError::internal)?;
    let Some(approved) = approved else {
        return Ok(Arc::clone(current));
    };
    let asks_more = current.policy.requested_keys().difference(&approved.policy.requested_keys()).next().is_some();
    Ok(if asks_more { approved } else { Arc::clone(current) })
}

/// What the resident is asked: approved grants the app asks for that they
/// have not given, those they declined before marked `declined`.
pub(crate) fn consent_request(app: &LoadedApp, approval: &Approval, standing: &Standing) -> ConsentRequest {
    let manifest = &app.manifest;
    let approved: Vec<RequestedGrant> =
        manifest.requested_grants().into_iter().filter(|grant| approval.grants.contains(&grant.key)).collect();
    let item = |grant: &RequestedGrant| ConsentItem {
        grant: grant.key.clone(),
        what: grant.label.clone(),
        why: grant.purpose.clone(),
        declined: standing.declined.contains(&grant.key),
    };
    let asks: Vec<ConsentItem> =
        approved.iter().filter(|grant| !standing.consented.contains(&grant.key)).map(item).collect();
    let given: Vec<ConsentItem> =
        approved.iter().filter(|grant| standing.consented.contains(&grant.key)).map(item).collect();
    ConsentRequest {
        app_id: manifest.id.clone(),
        app_name: manifest.name.clone(),
        version: manifest.version.clone(),
        kind: manifest.kind.as_str().to_owned(),
        vendor: manifest.vendor.clone(),
        description: manifest.description.clone(),
        privacy_policy: manifest.privacy_policy.clone(),
        processing_location: manifest.processing.location.clone(),
        transfer_basis: manifest.processing.legal_basis.clone(),
        purposes_hash: purposes_hash(&manifest.version, &asks),
        asks,
        given,
        has_consent: standing.has_consent(),
    }
}

/// The hash of exactly what a consent screen showed.
fn purposes_hash(version: &str, asks: &[ConsentItem]) -> String {
    let shown: Vec<[&str; 3]> =
        asks.iter().map(|item| [item.grant.as_str(), item.what.as_str(), item.why.as_str()]).collect();
    let text = serde_json::json!({ "version": version, "asks": shown }).to_string();
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Makes sure every customer has an approval of the core app `app`, and
/// that platform-default approvals follow its current version. Each new or
/// changed approval is audited as the platform's own action.
pub async fn reconcile_core_app(services: &HostServices, app: &LoadedApp) -> anyhow::Result<()> {
    let grants: BTreeSet<String> = app.policy.requested_keys();
    let database = &services.database;
    let (id, version) = (&app.manifest.id, &app.manifest.version);
    let created = database.approve_core_app_everywhere(id, version, &grants).await?;
    let followed = database.follow_core_app(id, version, &grants).await?;
    for (customer, action) in
        created.iter().map(|c| (c, "approval.create")).chain(followed.iter().map(|c| (c, "approval.update")))
    {
        services.policy.apply(&PolicyChange::Approval { customer: customer.clone(), app: id.clone() });
        let mut entry = AuditEntry::new(ActorKind::System, "core-apps", action, "app-approval");
        entry.customer_id = Some(customer.clone());
        entry.resource_id = Some(format!("{id}@{version}"));
        entry.fields = Some(grants.iter().cloned().collect::<Vec<_>>().join(","));
        entry.purpose = Some("Core apps are part of the platform and enabled for every property".to_owned());
        entry.legal_basis = Some("contract".to_owned());
        services.auditor.write(entry).await?;
    }
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
