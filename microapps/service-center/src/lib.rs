//! Service center: tickets to the property management.

use courtyard_sdk::{App, Router};

struct ServiceCenter;

impl App for ServiceCenter {
    fn router() -> Router {
        Router::new()
    }
}

courtyard_sdk::export!(ServiceCenter);
