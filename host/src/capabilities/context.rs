//! `courtyard:platform/context`: who is calling.

use crate::catalog::PlatformInterface;
use crate::runtime::RequestState;
use crate::runtime::bindings::context::{Caller, Host};

impl Host for RequestState {
    fn current(&mut self) -> Caller {
        // The caller is the app's own request context; refusing it would only
        // make the app guess. The call still counts against the quota.
        let _ = self.admit(PlatformInterface::Context);
        Caller {
            subject: self.caller.subject.clone(),
            property: self.caller.property.clone(),
            roles: self.caller.roles.clone(),
            locale: self.caller.locale.clone(),
            request_id: self.caller.request_id.clone(),
        }
    }
}
