//! Host implementations of the `courtyard:platform` interfaces, one module
//! per WIT interface. Every call first passes [`RequestState::admit`], the
//! single gate that asks the policy and counts the call against the quota.

mod collections;
mod context;
mod log;

use crate::catalog::PlatformInterface;
use crate::policy::Refusal;
use crate::runtime::RequestState;
use crate::runtime::bindings::types;

impl types::Host for RequestState {}

impl RequestState {
    /// Admits one host call on `interface`, or says why not.
    pub(crate) fn admit(&mut self, interface: PlatformInterface) -> Result<(), types::Error> {
        let quota_left = self.count_host_call();
        self.policy.decide(interface, quota_left).map_err(|refusal| {
            tracing::info!(app = %self.app_id, interface = interface.name(), ?refusal, "host call refused");
            match refusal {
                Refusal::Denied(reason) => types::Error::Denied(reason),
                Refusal::QuotaExhausted => types::Error::Limit("host-call quota of this request is used up".to_owned()),
            }
        })
    }
}
