//! `courtyard:platform/context`: who is calling.

use super::{CallContext, CallError};
use crate::capabilities::bindings::context::{Caller, Host};
use crate::grant::{AppKind, PlatformInterface};

impl Host for CallContext {
    fn current(&mut self) -> wasmtime::Result<Caller> {
        // The caller is the app's own request context; refusing it would only
        // make the app guess. The call still counts against the quota, and
        // the one past it ends the request.
        if let Err(CallError::QuotaSpent) = self.admit(PlatformInterface::Context) {
            return Err(wasmtime::Error::new(super::QuotaSpent));
        }
        // A third-party app sees the property by an id of its own.
        let property = self.caller.property.as_deref().map(|property| match self.policy.kind {
            AppKind::Core => property.to_owned(),
            AppKind::ThirdParty => self.services.policy.ids.property_for_app(&self.app_id, property),
        });
        let unit = self.caller.units.first().map(|unit| self.unit_for_app(unit));
        Ok(Caller {
            subject: self.caller.subject.clone(),
            property,
            roles: self.caller.roles.clone(),
            staff: self.caller.staff,
            unit,
            locale: self.caller.locale.clone(),
            request_id: self.caller.request_id.clone(),
        })
    }
}

impl CallContext {
    /// How this app sees the unit `id`.
    pub(crate) fn unit_for_app(&self, id: &str) -> String {
        match self.policy.kind {
            AppKind::Core => id.to_owned(),
            AppKind::ThirdParty => self.services.policy.ids.unit_for_app(&self.app_id, id),
        }
    }
}
