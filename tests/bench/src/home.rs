//! Case (i) twice: home for a resident whose customer enabled every core
//! app (their tiles, and "Coming up" with the building's next dates from
//! Info A–Z), and home for a resident of a customer that enabled pinboard
//! only. The issue wants the first at least 0.8 times as fast as the
//! second: nine apps must not make home slow.
//!
//! The one-app resident lives in a customer of their own, whose approvals
//! of every other app are recorded as disabled before anyone looks, so the
//! host never enables them; their home lists as many notifications as the
//! bench resident's. The dated entries are written straight into
//! `documents`, as Info A–Z stores them.

use anyhow::Context;
use courtyard::storage::{Address, Approval, Database, new_id, now_ms};
use http::HeaderValue;
use serde_json::json;
use sqlx::Any;

use crate::platform::{NOTIFICATIONS, Platform};

/// Dated entries of the bench property that home lists under "Coming up".
pub const DATED_ENTRIES: usize = 5;

/// Signs in the one-app resident; answers their browser session cookie.
pub async fn one_app_resident(platform: &Platform) -> anyhow::Result<HeaderValue> {
    let database = platform.database();
    let customer = database.insert_customer("Solo Homes", true).await?;
    for app in platform.app_ids().into_iter().filter(|app| app != "pinboard") {
        database
            .save_approval(&Approval {
                customer_id: customer.id.clone(),
                app_id: app,
                version: "0.0.0".to_owned(),
                grants: Default::default(),
                all_properties: true,
                property_ids: Vec::new(),
                enabled: false,
                approved_by: None,
                approved_at: now_ms(),
            })
            .await?;
    }
    let address = Address {
        street: "Solo Street 1".to_owned(),
        postal_code: "8000".to_owned(),
        city: "Zurich".to_owned(),
        country: "CH".to_owned(),
    };
    let property = database.insert_property(&customer.id, None, "Solo Court", &address).await?;
    let unit = database.insert_unit(&property, None, "flat", "1.1", None).await?;
    let occupancy = database.insert_occupancy(&unit, None, "2020-01-01", None).await?;
    let user = database.insert_user("solo@bench.example", "Solo Resident", "en", None, true).await?;
    database.add_occupant(&occupancy.id, &user.id).await?;
    for n in 0..NOTIFICATIONS {
        let title = format!("Notice {n}");
        let body = "The laundry room is closed on Monday morning for maintenance.";
        database
            .insert_notification(&user.id, &customer.id, &property.id, "pinboard", &title, body, Some("/"), 1_000)
            .await?;
    }
    platform.browser_cookie(&user.id).await
}

/// Writes the bench property's dated Info A–Z entries, from tomorrow on.
pub async fn seed_dates(database: &Database) -> anyhow::Result<()> {
    let caller = crate::caller::get();
    let now = now_ms();
    for n in 0..DATED_ENTRIES {
        let day = time_of(now + (n as i64 + 1) * 86_400_000);
        let body = json!({
            "title": format!("Water off in the east wing ({n})"),
            "category": "dates",
            "body": "The plumbers replace the main valve.",
            "date": day,
            "time": "8–12",
        });
        sqlx::query::<Any>(
            "INSERT INTO documents (id, app_id, collection, customer_id, property_id, owner_subject, visibility, \
             body, created_at, updated_at, revision) VALUES (?, 'info', 'entries', ?, ?, ?, 'property', ?, ?, ?, 1)",
        )
        .bind(new_id())
        .bind(caller.customer.clone())
        .bind(caller.property.clone())
        .bind(caller.subject.clone())
        .bind(body.to_string())
        .bind(now)
        .bind(now)
        .execute(database.pool())
        .await
        .context("a dated entry")?;
    }
    Ok(())
}

/// `YYYY-MM-DD` of an instant (UTC).
fn time_of(epoch_ms: i64) -> String {
    courtyard::timestamp::format(epoch_ms)[..10].to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_are_civil_dates() {
        assert_eq!(super::time_of(0), "1970-01-01");
        assert_eq!(super::time_of(1_709_251_200_000), "2024-03-01");
        assert_eq!(super::time_of(1_798_675_200_000), "2026-12-31");
    }
}
