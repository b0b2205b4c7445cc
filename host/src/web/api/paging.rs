//! The one shape of every list the platform API answers:
//! `{"items": […], "next": "<cursor>" | null}`, paged with `?after=&limit=`
//! (`after` = the `next` of the page before). A list that is naturally
//! small answers the same shape, with `next` null.
//!
//! Cursors are opaque strings: an id for lists in id order, other keys for
//! lists in another order. Clients pass them back unchanged.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::web::ApiError;

/// Items a page holds when the client does not say.
pub(crate) const DEFAULT_LIMIT: i64 = 50;

/// A page of a list, with the cursor of the next one.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "{T}Page")]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; `null` on the last one.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// A page read from storage with `limit`: a full page may have more after it.
    pub(crate) fn of(items: Vec<T>, limit: i64, cursor: impl Fn(&T) -> String) -> Page<T> {
        let next = (items.len() as i64 >= limit).then(|| items.last().map(&cursor)).flatten();
        Page { items, next }
    }
}

/// `?after=…&limit=…`
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Paging {
    /// The `next` of the previous page; absent for the first page.
    #[serde(default)]
    pub after: String,
    /// How many items a page holds: 1 to 200, 50 if absent.
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<i64>,
}

impl Paging {
    pub(crate) fn limit(&self) -> i64 {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, crate::storage::MAX_PAGE)
    }

    /// One page of a list held whole in memory: ordered by `key` (unique
    /// per item, and the cursor), the items after `after`.
    pub(crate) fn page<T>(&self, mut items: Vec<T>, key: impl Fn(&T) -> String) -> Page<T> {
        let limit = usize::try_from(self.limit()).unwrap_or(1);
        let mut keyed: Vec<(String, T)> = items.drain(..).map(|item| (key(&item), item)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut rest = keyed.into_iter().filter(|(key, _)| self.after.is_empty() || *key > self.after);
        let items: Vec<(String, T)> = rest.by_ref().take(limit).collect();
        let next = if rest.next().is_some() { items.last().map(|(key, _)| key.clone()) } else { None };
        Page { items: items.into_iter().map(|(_, item)| item).collect(), next }
    }
}

/// A numeric cursor, `None` for the first page.
pub(crate) fn after_number(after: &str) -> Result<Option<i64>, ApiError> {
    if after.is_empty() {
        return Ok(None);
    }
    after.parse::<i64>().map(Some).map_err(|_| unknown_cursor())
}

pub(crate) fn unknown_cursor() -> ApiError {
    ApiError::new(
        http::StatusCode::BAD_REQUEST,
        "invalid_query",
        "`after` takes the `next` of the page before, unchanged",
    )
}

/// Milliseconds up to here (the year 2286) keep their order in a
/// [`newest_first`] key.
const LATEST_MS: i64 = 9_999_999_999_999;

/// A key that orders newest first, then by id: the cursor of lists shown
/// newest first.
pub(crate) fn newest_first(at_ms: i64, id: &str) -> String {
    format!("{:013}.{id}", LATEST_MS - at_ms.clamp(0, LATEST_MS))
}

/// The instant and id a [`newest_first`] cursor holds.
pub(crate) fn parse_newest_first(cursor: &str) -> Result<(i64, String), ApiError> {
    let (digits, id) = cursor.split_once('.').ok_or_else(unknown_cursor)?;
    let inverted: i64 = digits.parse().map_err(|_| unknown_cursor())?;
    if digits.len() != 13 || !(0..=LATEST_MS).contains(&inverted) || id.is_empty() {
        return Err(unknown_cursor());
    }
    Ok((LATEST_MS - inverted, id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(after: &str, limit: i64) -> Paging {
        Paging { after: after.to_owned(), limit: Some(limit) }
    }

    #[test]
    fn in_memory_lists_page_by_their_key_and_end_with_a_null_cursor() {
        let items = vec!["d", "b", "a", "c", "e"];
        let first = paging("", 2).page(items.clone(), |s| s.to_string());
        assert_eq!((first.items.as_slice(), first.next.as_deref()), (["a", "b"].as_slice(), Some("b")));
        let second = paging("b", 2).page(items.clone(), |s| s.to_string());
        assert_eq!((second.items.as_slice(), second.next.as_deref()), (["c", "d"].as_slice(), Some("d")));
        let last = paging("d", 2).page(items.clone(), |s| s.to_string());
        assert_eq!((last.items.as_slice(), last.next), (["e"].as_slice(), None));
        // Exactly full: no next page to ask for.
        let whole = paging("", 5).page(items.clone(), |s| s.to_string());
        assert_eq!((whole.items.len(), whole.next), (5, None));
        // An item that went away between pages does not lose the place.
        let gone = paging("bb", 2).page(items, |s| s.to_string());
        assert_eq!(gone.items, ["c", "d"]);
    }

    #[test]
    fn newest_first_keys_order_newest_first_and_round_trip() {
        let older = newest_first(1_000, "b");
        let newer = newest_first(2_000, "a");
        let same_time = newest_first(2_000, "c");
        assert!(newer < same_time && same_time < older);
        assert_eq!(parse_newest_first(&older).unwrap(), (1_000, "b".to_owned()));
        for bad in ["", "12", "x.y", "-000000000001.a", "0000000000001.", "99999999999999.a"] {
            assert!(parse_newest_first(bad).is_err(), "{bad}");
        }
        assert!(after_number("12").unwrap() == Some(12) && after_number("").unwrap().is_none());
        assert_eq!(after_number("twelve").unwrap_err().status, http::StatusCode::BAD_REQUEST);
    }
}
