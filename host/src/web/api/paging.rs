//! The one shape of every list the platform API answers:
//! `{"items": […], "next": "<cursor>" | null}`, paged with `?after=&limit=`
//! (`after` = the `next` of the page before). A list that is naturally
//! small answers the same shape, with `next` null.
//!
//! Cursors are opaque strings: an id for lists in id order, other keys for
//! lists in another order. Clients pass them back unchanged.
//!
//! `next` is null exactly on the last page, a full one too: a list reads
//! one item more than the page holds ([`PageSize::probe`]), and only that
//! item's presence makes a `next`. A `limit` outside what a list allows is
//! refused (400 `invalid_query`), not quietly changed: a client asking for
//! 500 learns that pages hold at most 200 rather than counting wrong.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::web::ApiError;

/// Items a page holds when the client does not say.
pub(crate) const DEFAULT_LIMIT: i64 = 50;

/// How many items a page holds: what the client asked for, checked
/// against what the list allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageSize(i64);

impl PageSize {
    /// `limit`, or `default` when absent; refused outside 1 to `max`.
    pub(crate) fn of(limit: Option<i64>, default: i64, max: i64) -> Result<PageSize, ApiError> {
        match limit.unwrap_or(default) {
            size @ 1.. if size <= max => Ok(PageSize(size)),
            _ => Err(ApiError::new(
                http::StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("`limit` is how many items a page holds: 1 to {max}"),
            )),
        }
    }

    /// The items a page holds.
    pub(crate) fn get(self) -> i64 {
        self.0
    }

    /// How many items to read for the page: one more than it holds, whose
    /// presence says that another page follows.
    pub(crate) fn probe(self) -> i64 {
        self.0 + 1
    }
}

/// A page of a list, with the cursor of the next one.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "{T}Page")]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; `null` on the last one.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// The page of `size` from items read with [`PageSize::probe`]: an item
    /// past the page is left out and makes `next` the cursor of the page's
    /// last item; without one this is the last page.
    pub(crate) fn of(mut items: Vec<T>, size: PageSize, cursor: impl Fn(&T) -> String) -> Page<T> {
        let holds = usize::try_from(size.get()).unwrap_or(usize::MAX);
        let more = items.len() > holds;
        items.truncate(holds);
        let next = if more { items.last().map(&cursor) } else { None };
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
    /// How many items a page holds: 1 to 200, 50 if absent; another
    /// number is refused.
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<i64>,
}

impl Paging {
    /// The page size asked for; outside 1 to 200 it is refused.
    pub(crate) fn size(&self) -> Result<PageSize, ApiError> {
        PageSize::of(self.limit, DEFAULT_LIMIT, crate::storage::MAX_PAGE)
    }

    /// One page of a list held whole in memory: ordered by `key` (unique
    /// per item, and the cursor), the items after `after`.
    pub(crate) fn page<T>(&self, mut items: Vec<T>, key: impl Fn(&T) -> String) -> Result<Page<T>, ApiError> {
        let size = self.size()?;
        let mut keyed: Vec<(String, T)> = items.drain(..).map(|item| (key(&item), item)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let rest = keyed.into_iter().filter(|(key, _)| self.after.is_empty() || *key > self.after);
        let probed: Vec<(String, T)> = rest.take(usize::try_from(size.probe()).unwrap_or(usize::MAX)).collect();
        let page = Page::of(probed, size, |(key, _)| key.clone());
        Ok(Page { items: page.items.into_iter().map(|(_, item)| item).collect(), next: page.next })
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
        let page = |after: &str, limit: i64| paging(after, limit).page(items.clone(), |s| s.to_string()).unwrap();
        let first = page("", 2);
        assert_eq!((first.items.as_slice(), first.next.as_deref()), (["a", "b"].as_slice(), Some("b")));
        let second = page("b", 2);
        assert_eq!((second.items.as_slice(), second.next.as_deref()), (["c", "d"].as_slice(), Some("d")));
        let last = page("d", 2);
        assert_eq!((last.items.as_slice(), last.next), (["e"].as_slice(), None));
        // Exactly full: no next page to ask for.
        let whole = page("", 5);
        assert_eq!((whole.items.len(), whole.next), (5, None));
        let full_last = page("a", 4);
        assert_eq!((full_last.items.as_slice(), full_last.next), (["b", "c", "d", "e"].as_slice(), None));
        // An item that went away between pages does not lose the place.
        assert_eq!(page("bb", 2).items, ["c", "d"]);
    }

    #[test]
    fn a_page_read_with_one_more_item_says_whether_another_follows() {
        let size = PageSize::of(Some(3), DEFAULT_LIMIT, 200).unwrap();
        assert_eq!((size.get(), size.probe()), (3, 4));
        let full_last = Page::of(vec![1, 2, 3], size, i32::to_string);
        assert_eq!((full_last.items, full_last.next), (vec![1, 2, 3], None), "a full last page ends the list");
        let more = Page::of(vec![1, 2, 3, 4], size, i32::to_string);
        assert_eq!((more.items, more.next.as_deref()), (vec![1, 2, 3], Some("3")), "the extra item is not shown");
        let short = Page::of(vec![1], size, i32::to_string);
        assert_eq!((short.items, short.next), (vec![1], None));
        let empty = Page::of(Vec::<i32>::new(), size, i32::to_string);
        assert_eq!((empty.items.len(), empty.next), (0, None));
    }

    #[test]
    fn a_limit_outside_what_the_list_allows_is_refused() {
        assert_eq!(PageSize::of(None, DEFAULT_LIMIT, 200).unwrap().get(), 50);
        assert_eq!(PageSize::of(Some(1), DEFAULT_LIMIT, 200).unwrap().get(), 1);
        assert_eq!(PageSize::of(Some(200), DEFAULT_LIMIT, 200).unwrap().get(), 200);
        assert_eq!(PageSize::of(Some(1000), 100, 1000).unwrap().probe(), 1001);
        for limit in [0, -1, 201, i64::MIN, i64::MAX] {
            let refused = PageSize::of(Some(limit), DEFAULT_LIMIT, 200).unwrap_err();
            assert_eq!((refused.status, refused.code), (http::StatusCode::BAD_REQUEST, "invalid_query"));
            assert!(refused.message.contains("1 to 200"), "{}", refused.message);
            assert!(paging("", limit).page(vec!["a"], |s| s.to_string()).is_err(), "{limit}");
        }
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
