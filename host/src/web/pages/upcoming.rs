//! "Coming up" on home: the next dates of the core apps enabled in the
//! person's property, as their manifests declare them (`[[upcoming]]`).
//!
//! The host reads them itself, as the person looking: the same audience
//! rule as the app's own queries (owner, unit, property, staff,
//! participants; hidden documents left out), from the index the manifest
//! declares for the date field, every section in one statement. No app
//! runs for home.

use std::sync::Arc;

use crate::catalog::{AppKind, LoadedApp};
use crate::identity::Principal;
use crate::storage::DatedSection;
use crate::web::ApiError;
use crate::web::AppState;
use crate::web::pages::Texts;

/// How many dates one section reads, and home shows in all.
const PER_SECTION: u32 = 5;
const SHOWN: usize = 8;

/// One line under "Coming up".
#[derive(Debug, Clone)]
pub(super) struct Upcoming {
    /// `YYYY-MM-DD` (or with `THH:MM`), for the `datetime` attribute.
    pub date: String,
    /// The date as the person reads it.
    pub when: String,
    pub title: String,
    pub app: String,
    pub href: String,
}

/// The next dates of `apps` at `property` that `principal` may read,
/// soonest first.
pub(super) async fn upcoming_of(
    state: &AppState,
    t: &Texts,
    principal: &Principal,
    apps: &[Arc<LoadedApp>],
    customer: &str,
    property: &str,
) -> Result<Vec<Upcoming>, ApiError> {
    let today = crate::identity::today();
    let declared: Vec<(&LoadedApp, &crate::catalog::UpcomingDeclaration)> = apps
        .iter()
        .filter(|app| app.manifest.kind == AppKind::Core)
        .flat_map(|app| app.manifest.upcoming.iter().map(move |section| (app.as_ref(), section)))
        .collect();
    let sections: Vec<DatedSection> = declared
        .iter()
        .map(|(app, section)| DatedSection {
            scope: super::reading_scope(principal, &app.manifest, customer, property),
            collection: section.collection.clone(),
            date: section.date.clone(),
            title: section.title.clone(),
        })
        .collect();
    // One statement for every section: home stays one round trip however
    // many apps declare dates.
    let dated = state.services.database.dated_documents(&sections, &today, PER_SECTION).await?;
    let mut lines = Vec::new();
    for document in dated {
        let Some((app, section)) = declared.get(document.section) else { continue };
        let Some(title) = document.title else { continue };
        let Some(when) = readable_date(t, &document.date) else { continue };
        lines.push(Upcoming {
            when,
            date: document.date,
            title: title.chars().take(120).collect(),
            app: app.manifest.name.clone(),
            href: format!("/apps/{}{}", app.manifest.id, section.link_for(&document.id)),
        });
    }
    lines.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.title.cmp(&b.title)));
    lines.truncate(SHOWN);
    Ok(lines)
}

/// `2027-03-12` as "12 Mar 2027" or "12.03.2027", with ", 08:00" when
/// the value holds a time; `None` for anything that is no such date.
fn readable_date(t: &Texts, value: &str) -> Option<String> {
    let (day, time) = match value.split_once('T') {
        Some((day, time)) => (day, Some(time.get(..5)?)),
        None => (value, None),
    };
    let mut parts = day.splitn(3, '-');
    let (year, month, date) = (parts.next()?, parts.next()?, parts.next()?);
    let month_number: usize = month.parse().ok().filter(|month| (1..=12).contains(month))?;
    let date_number: u32 = date.parse().ok().filter(|date| (1..=31).contains(date))?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) || month.len() != 2 || date.len() != 2 {
        return None;
    }
    let mut readable = match t.code() {
        "de" => format!("{date}.{month}.{year}"),
        _ => format!("{date_number} {} {year}", crate::i18n::MONTHS[0][month_number - 1]),
    };
    if let Some(time) = time {
        if time.len() != 5 || time.as_bytes()[2] != b':' {
            return None;
        }
        readable.push_str(&format!(", {time}"));
    }
    Some(readable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn dates_read_in_the_person_s_language() {
        let en = Texts::new(Lang::En);
        let de = Texts::new(Lang::De);
        assert_eq!(readable_date(&en, "2027-03-12").as_deref(), Some("12 Mar 2027"));
        assert_eq!(readable_date(&de, "2027-03-12").as_deref(), Some("12.03.2027"));
        assert_eq!(readable_date(&de, "2027-03-12T08:00").as_deref(), Some("12.03.2027, 08:00"));
        for broken in ["", "2027-13-01", "2027-3-12", "tomorrow", "2027-03-12T8", "<b>2027-03-12"] {
            assert_eq!(readable_date(&en, broken), None, "{broken}");
        }
    }
}
