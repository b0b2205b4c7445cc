//! Bookings: common rooms and other shared resources.

use courtyard_sdk::{App, Router};

struct Bookings;

impl App for Bookings {
    fn router() -> Router {
        Router::new()
    }
}

courtyard_sdk::export!(Bookings);
