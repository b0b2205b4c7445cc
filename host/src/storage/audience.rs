//! Who reads a document, and who may change it: the one rule, as SQL, that
//! every read and every write of `collections` and `files` goes through.
//!
//! The rule is part of the statement that fetches the rows, never a filter
//! applied afterwards: a page's size and its cursor say nothing about
//! documents the reader cannot see.
//!
//! | visibility     | readers besides the owner                                  |
//! |----------------|------------------------------------------------------------|
//! | `private`      | nobody                                                     |
//! | `property`     | everyone using the app in the property                     |
//! | `unit`         | residents whose occupancy of the unit is current; staff    |
//! | `staff`        | the anchor's owner (a reply's parent owner); staff         |
//! | `participants` | the anchor's owner and the named participants; not staff   |
//!
//! Staff change `unit`, `property` and `staff` documents of their property;
//! everyone else changes only their own.
//!
//! A document the property's moderators hid (see `moderation`) has no
//! readers at all, its owner included, until they restore it.

use super::documents::Visibility;
use super::sql::Sql;

/// The person a document call acts for, as the host established it.
#[derive(Debug, Clone, Default)]
pub struct Reader {
    /// The acting person (internal id); `None` is an anonymous request.
    pub subject: Option<String>,
    /// Whether they hold one of the app's staff roles in the property.
    pub staff: bool,
    /// The units of the property where their occupancy is current today.
    pub units: Vec<String>,
}

/// The visibilities staff reach.
const STAFF_REACH: &str = "('unit', 'property', 'staff')";

/// Appends ` AND (…)`: only documents `reader` may read.
pub(super) fn push_readable(sql: &mut Sql, reader: &Reader) {
    sql.push(" AND documents.hidden_at IS NULL");
    let Some(subject) = reader.subject.as_deref() else {
        sql.push(" AND documents.visibility = 'property'");
        return;
    };
    let me = sql.bind_text(subject);
    sql.push(&format!(
        " AND (documents.owner_subject = {me} OR documents.visibility = 'property' \
         OR (documents.visibility IN ('staff', 'participants') \
             AND COALESCE(documents.anchor_owner, documents.owner_subject) = {me}) \
         OR (documents.visibility = 'participants' AND EXISTS (SELECT 1 FROM document_participants dp \
             WHERE dp.document_id = documents.id AND dp.subject = {me}))"
    ));
    if !reader.units.is_empty() {
        let units: Vec<String> = reader.units.iter().map(|unit| sql.bind_text(unit)).collect();
        sql.push(&format!(" OR (documents.visibility = 'unit' AND documents.unit_id IN ({}))", units.join(", ")));
    }
    if reader.staff {
        sql.push(&format!(" OR documents.visibility IN {STAFF_REACH}"));
    }
    sql.push(")");
}

/// Whether `reader` may change a document they can read, owned by `owner`
/// and visible so.
pub fn may_change(reader: &Reader, owner: &str, visibility: Visibility) -> bool {
    let staff_reach = matches!(visibility, Visibility::Unit | Visibility::Property | Visibility::Staff);
    reader.subject.as_deref() == Some(owner) || (reader.staff && staff_reach)
}
