//! Typed access to the app's documents in host storage.
//!
//! Documents and pages serialise the way the platform's own API answers, so
//! an app can hand them to [`Response::json`](crate::Response::json) as
//! they are: a page is `{"items": […], "next": "<cursor>" | null}` and
//! times are RFC 3339 strings in UTC with milliseconds
//! ([`Timestamp`]). The WIT contract keeps its own shape (`next-cursor`,
//! epoch milliseconds); only this serialisation is the SDK's.
//!
//! ```
//! use courtyard_sdk::time::Timestamp;
//! use courtyard_sdk::{Doc, Page, Visibility};
//!
//! let doc = Doc {
//!     id: "d1".to_owned(),
//!     owner: "ps-1".to_owned(),
//!     visibility: Visibility::Private,
//!     parent: None,
//!     unit: None,
//!     participants: Vec::new(),
//!     keys: Vec::new(),
//!     created_at: Timestamp::from_millis(1_796_408_400_123),
//!     updated_at: Timestamp::from_millis(1_796_408_400_123),
//!     revision: 1,
//!     data: serde_json::json!({ "rooms": 3 }),
//! };
//! let page = Page { items: vec![doc], next: None };
//! assert_eq!(
//!     serde_json::to_value(&page).unwrap(),
//!     serde_json::json!({
//!         "items": [{
//!             "id": "d1", "owner": "ps-1", "visibility": "private",
//!             "created_at": "2026-12-04T18:20:00.123Z", "updated_at": "2026-12-04T18:20:00.123Z",
//!             "revision": 1, "data": { "rooms": 3 }
//!         }],
//!         "next": null
//!     })
//! );
//! ```

use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::bindings::courtyard::platform::collections as wit;
use crate::time::Timestamp;

/// Who may read a document besides its owner. The host enforces it in the
/// storage query itself.
///
/// Staff (the roles the manifest lists in `staff_roles`) read and update
/// `Unit`, `Property` and `Staff` documents of their property, never
/// `Private` or `Participants` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Only its owner.
    Private,
    /// Everyone using the app in the same property.
    Property,
    /// The residents of the document's unit while they live there, and staff.
    Unit,
    /// The owner and staff (for a reply: the parent's owner and staff).
    Staff,
    /// The owner and the named participants; not staff.
    Participants,
}

impl Visibility {
    fn to_wit(self) -> wit::Visibility {
        match self {
            Visibility::Private => wit::Visibility::Private,
            Visibility::Property => wit::Visibility::Property,
            Visibility::Unit => wit::Visibility::Unit,
            Visibility::Staff => wit::Visibility::Staff,
            Visibility::Participants => wit::Visibility::Participants,
        }
    }

    fn from_wit(visibility: wit::Visibility) -> Visibility {
        match visibility {
            wit::Visibility::Private => Visibility::Private,
            wit::Visibility::Property => Visibility::Property,
            wit::Visibility::Unit => Visibility::Unit,
            wit::Visibility::Staff => Visibility::Staff,
            wit::Visibility::Participants => Visibility::Participants,
        }
    }
}

/// A stored document with its host-kept metadata.
#[derive(Debug, Clone, Serialize)]
pub struct Doc<T> {
    pub id: String,
    /// The subject who created it.
    pub owner: String,
    pub visibility: Visibility,
    /// The document it answers, if it is a reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The unit it belongs to (for [`Visibility::Unit`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Who else reads it (for [`Visibility::Participants`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<String>,
    /// The unique keys it holds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
    /// When it was stored; in JSON, RFC 3339.
    pub created_at: Timestamp,
    /// When it was last changed; in JSON, RFC 3339.
    pub updated_at: Timestamp,
    pub revision: u64,
    pub data: T,
}

/// One page of a query.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<Doc<T>>,
    /// Pass to [`QueryBuilder::after`] for the next page; `None` (`null`)
    /// on the last one.
    pub next: Option<String>,
}

/// A named collection of `T`, stored as JSON objects.
///
/// The manifest declares every collection the app uses: `collections.write`
/// for reading and writing, `collections.read` for reading only.
///
/// ```no_run
/// # use courtyard_sdk::{Collection, Visibility};
/// # #[derive(serde::Serialize, serde::Deserialize)] struct Post { title: String }
/// const POSTS: Collection<Post> = Collection::new("posts");
/// # fn demo() -> Result<(), courtyard_sdk::Error> {
/// let mine = POSTS.query().mine_only().limit(10).fetch()?;
/// # Ok(()) }
/// ```
pub struct Collection<T> {
    name: &'static str,
    _type: PhantomData<fn() -> T>,
}

impl<T> Collection<T> {
    /// Another app's collection `name`, read-only: see [`ForeignCollection`].
    pub const fn of_app(app: &'static str, name: &'static str) -> ForeignCollection<T> {
        ForeignCollection { app, name, _type: PhantomData }
    }
}

impl<T: Serialize + DeserializeOwned> Collection<T> {
    /// The collection `name`: 1–64 ASCII letters, digits, `-` or `_`.
    pub const fn new(name: &'static str) -> Self {
        Collection { name, _type: PhantomData }
    }

    /// The document `id`, if the caller may see it.
    pub fn get(&self, id: &str) -> Result<Doc<T>, Error> {
        decode(wit::get(self.name, id)?)
    }

    /// Stores `value` as a new document owned by the caller.
    pub fn insert(&self, value: &T, visibility: Visibility) -> Result<Doc<T>, Error> {
        self.new_document(value, visibility).insert()
    }

    /// A new document to store, with more than a visibility: a parent, the
    /// participants, unique keys. Finish it with [`NewDoc::insert`].
    ///
    /// ```no_run
    /// # use courtyard_sdk::{Collection, Error, Visibility};
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct Booking { slot: String }
    /// const BOOKINGS: Collection<Booking> = Collection::new("bookings");
    /// # fn demo() -> Result<(), Error> {
    /// let booking = Booking { slot: "2027-03-12T08:00".into() };
    /// match BOOKINGS.new_document(&booking, Visibility::Staff).claim("room-1/2027-03-12T08:00").insert() {
    ///     Ok(_) => {}
    ///     Err(Error::Conflict(_)) => { /* a neighbour was faster */ }
    ///     Err(other) => return Err(other),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn new_document<'a>(&'a self, value: &'a T, visibility: Visibility) -> NewDoc<'a, T> {
        NewDoc { collection: self.name, value, visibility, parent: None, participants: Vec::new(), keys: Vec::new() }
    }

    /// Replaces a document the caller owns (or, for staff, may change).
    /// With `expected_revision`, fails with [`Error::Invalid`] when it was
    /// changed in the meantime.
    pub fn update(&self, id: &str, value: &T, expected_revision: Option<u64>) -> Result<Doc<T>, Error> {
        self.update_keys(id, value, expected_revision, None)
    }

    /// As [`Collection::update`], and replaces the unique keys the document
    /// holds with `keys` (all claimed, or nothing changes: [`Error::Conflict`]).
    pub fn update_keys(
        &self,
        id: &str,
        value: &T,
        expected_revision: Option<u64>,
        keys: Option<Vec<String>>,
    ) -> Result<Doc<T>, Error> {
        let changes = wit::Changes { body: encode(value)?, expected_revision, keys };
        decode(wit::update(self.name, id, &changes)?)
    }

    /// Deletes a document the caller owns, with its files and keys.
    pub fn delete(&self, id: &str) -> Result<(), Error> {
        Ok(wit::delete(self.name, id)?)
    }

    /// Starts a query: newest first, 20 per page, everything the caller may see.
    pub fn query(&self) -> QueryBuilder<T> {
        QueryBuilder::new(self.name.to_owned())
    }
}

/// A document about to be stored; see [`Collection::new_document`].
pub struct NewDoc<'a, T> {
    collection: &'static str,
    value: &'a T,
    visibility: Visibility,
    parent: Option<String>,
    participants: Vec<String>,
    keys: Vec<String>,
}

impl<T: Serialize + DeserializeOwned> NewDoc<'_, T> {
    /// Stores it as a reply to the document `parent` (of this app), which
    /// the caller must see. It takes the parent's unit, and its audience is
    /// reckoned from the parent's owner: a staff reply with
    /// [`Visibility::Staff`] reaches the parent's owner and staff.
    pub fn reply_to(mut self, parent: impl Into<String>) -> Self {
        self.parent = Some(parent.into());
        self
    }

    /// For [`Visibility::Participants`]: who else reads it (subjects).
    pub fn participants(mut self, subjects: impl IntoIterator<Item = String>) -> Self {
        self.participants.extend(subjects);
        self
    }

    /// Claims `key`, unique within the collection and the property: two
    /// documents never hold one key, however many requests race for it.
    pub fn claim(mut self, key: impl Into<String>) -> Self {
        self.keys.push(key.into());
        self
    }

    /// Stores it, with every claimed key, or nothing: a taken key fails
    /// with [`Error::Conflict`] naming it.
    pub fn insert(self) -> Result<Doc<T>, Error> {
        let document = wit::NewDocument {
            body: encode(self.value)?,
            visibility: self.visibility.to_wit(),
            parent: self.parent,
            participants: self.participants,
            keys: self.keys,
        };
        decode(wit::insert(self.collection, &document)?)
    }
}

/// Another app's collection, which this app may only read.
///
/// The manifest needs a `collections.read` capability naming the app and the
/// collection, and the customer must approve it. The caller sees the same
/// documents as in the other app: shared with the property or their own.
/// Owners appear as this app's subjects, so [`Doc::owner`] compares with the
/// caller's subject as usual.
///
/// ```no_run
/// # use courtyard_sdk::{Collection, ForeignCollection};
/// # #[derive(serde::Deserialize)] struct Post { title: String }
/// const BOARD: ForeignCollection<Post> = Collection::of_app("pinboard", "posts");
/// # fn demo() -> Result<(), courtyard_sdk::Error> {
/// let latest = BOARD.query().limit(5).fetch()?;
/// # Ok(()) }
/// ```
pub struct ForeignCollection<T> {
    app: &'static str,
    name: &'static str,
    _type: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> ForeignCollection<T> {
    /// The collection `name` of the app with id `app`.
    pub const fn new(app: &'static str, name: &'static str) -> Self {
        ForeignCollection { app, name, _type: PhantomData }
    }

    /// The name the host knows the collection by: `app/name`.
    pub fn path(&self) -> String {
        foreign_path(self.app, self.name)
    }

    /// The document `id`, if the caller may see it.
    pub fn get(&self, id: &str) -> Result<Doc<T>, Error> {
        decode(wit::get(&self.path(), id)?)
    }

    /// Starts a query: newest first, 20 per page, everything the caller may see.
    pub fn query(&self) -> QueryBuilder<T> {
        QueryBuilder::new(self.path())
    }
}

/// A query under construction; finish it with [`QueryBuilder::fetch`].
pub struct QueryBuilder<T> {
    collection: String,
    query: wit::Criteria,
    _type: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> QueryBuilder<T> {
    fn new(collection: String) -> Self {
        QueryBuilder {
            collection,
            query: wit::Criteria {
                filters: Vec::new(),
                mine_only: false,
                parent: None,
                order: wit::Order::NewestFirst,
                limit: 0,
                cursor: None,
            },
            _type: PhantomData,
        }
    }

    /// Only documents whose top-level `field` equals `value`.
    pub fn filter(self, field: &str, value: impl Into<FilterValue>) -> Self {
        self.compare(field, wit::Comparison::Equal, value)
    }

    /// Only documents whose `field` is less than `value`. Ranges work on
    /// fields the manifest declares in an index of the collection.
    pub fn less_than(self, field: &str, value: impl Into<FilterValue>) -> Self {
        self.compare(field, wit::Comparison::Less, value)
    }

    /// Only documents whose `field` is at most `value` (indexed fields).
    pub fn at_most(self, field: &str, value: impl Into<FilterValue>) -> Self {
        self.compare(field, wit::Comparison::LessOrEqual, value)
    }

    /// Only documents whose `field` is greater than `value` (indexed fields).
    pub fn greater_than(self, field: &str, value: impl Into<FilterValue>) -> Self {
        self.compare(field, wit::Comparison::Greater, value)
    }

    /// Only documents whose `field` is at least `value` (indexed fields).
    pub fn at_least(self, field: &str, value: impl Into<FilterValue>) -> Self {
        self.compare(field, wit::Comparison::GreaterOrEqual, value)
    }

    fn compare(mut self, field: &str, comparison: wit::Comparison, value: impl Into<FilterValue>) -> Self {
        self.query.filters.push(wit::Filter { field: field.to_owned(), comparison, value: value.into().0 });
        self
    }

    /// Ordered by `field`, smallest first; documents without it are left
    /// out. The field must be declared in an index of the collection.
    pub fn order_by(mut self, field: &str) -> Self {
        self.query.order = wit::Order::Ascending(field.to_owned());
        self
    }

    /// Ordered by `field`, largest first (indexed fields).
    pub fn order_by_descending(mut self, field: &str) -> Self {
        self.query.order = wit::Order::Descending(field.to_owned());
        self
    }

    /// Only the replies to the document `parent`.
    pub fn replies_to(mut self, parent: impl Into<String>) -> Self {
        self.query.parent = Some(parent.into());
        self
    }

    /// Only documents the caller owns.
    pub fn mine_only(mut self) -> Self {
        self.query.mine_only = true;
        self
    }

    /// Oldest first instead of newest first.
    pub fn oldest_first(mut self) -> Self {
        self.query.order = wit::Order::OldestFirst;
        self
    }

    /// At most `limit` documents (the host caps it at 100).
    pub fn limit(mut self, limit: u32) -> Self {
        self.query.limit = limit;
        self
    }

    /// Continue after the page that returned `cursor`.
    pub fn after(mut self, cursor: Option<String>) -> Self {
        self.query.cursor = cursor;
        self
    }

    /// Runs the query.
    pub fn fetch(self) -> Result<Page<T>, Error> {
        let page = wit::query(&self.collection, &self.query)?;
        let items = page.documents.into_iter().map(decode).collect::<Result<_, _>>()?;
        Ok(Page { items, next: page.next_cursor })
    }
}

/// A value to filter on: text, integer, float or boolean.
pub struct FilterValue(wit::Value);

impl From<&str> for FilterValue {
    fn from(value: &str) -> Self {
        FilterValue(wit::Value::Text(value.to_owned()))
    }
}

impl From<String> for FilterValue {
    fn from(value: String) -> Self {
        FilterValue(wit::Value::Text(value))
    }
}

impl From<i64> for FilterValue {
    fn from(value: i64) -> Self {
        FilterValue(wit::Value::Integer(value))
    }
}

impl From<f64> for FilterValue {
    fn from(value: f64) -> Self {
        FilterValue(wit::Value::Float(value))
    }
}

impl From<bool> for FilterValue {
    fn from(value: bool) -> Self {
        FilterValue(wit::Value::Boolean(value))
    }
}

/// The host's name for collection `name` of app `app`.
fn foreign_path(app: &str, name: &str) -> String {
    format!("{app}/{name}")
}

fn encode<T: Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|err| Error::Invalid(format!("document is not serialisable: {err}")))
}

fn decode<T: DeserializeOwned>(document: wit::Document) -> Result<Doc<T>, Error> {
    let data = serde_json::from_str(&document.body)
        .map_err(|err| Error::Invalid(format!("stored document {} does not match its type: {err}", document.id)))?;
    Ok(Doc {
        id: document.id,
        owner: document.owner,
        visibility: Visibility::from_wit(document.visibility),
        parent: document.parent,
        unit: document.unit,
        participants: document.participants,
        keys: document.keys,
        created_at: Timestamp::from_millis(document.created_at),
        updated_at: Timestamp::from_millis(document.updated_at),
        revision: document.revision,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_apps_collection_is_named_app_slash_name() {
        const BOARD: ForeignCollection<serde_json::Value> = Collection::of_app("pinboard", "posts");
        assert_eq!(BOARD.path(), "pinboard/posts");
        assert_eq!(
            ForeignCollection::<serde_json::Value>::new("moving-service", "quotes").path(),
            "moving-service/quotes"
        );
        assert_eq!(BOARD.query().collection, "pinboard/posts");
    }
}
