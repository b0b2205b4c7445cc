//! The host calls that read and change entries.
//!
//! The contract has no full-text query and no locale-aware order, so the
//! index, a category and a search read the property's entries page by page,
//! at most [`MAX_ENTRIES`], and the app sorts and filters them
//! ([`alphabet`](crate::alphabet)). A building's information is a few
//! dozen entries, rarely hundreds; past the cap the pages say that not
//! everything was looked through. Upcoming dates are one ordered query on
//! the declared index of `date`.

use courtyard_sdk::calendar::Date;
use courtyard_sdk::files::{self, File};
use courtyard_sdk::{Doc, Error};

use crate::model::{Category, ENTRIES, Entry, is_document_id};

/// The most entries one page reads.
pub const MAX_ENTRIES: usize = 1_000;
const PAGE: u32 = 100;

/// The entries of the property (of `category`, if given), unsorted, and
/// whether there were more than [`MAX_ENTRIES`].
pub fn all(category: Option<Category>) -> Result<(Vec<Doc<Entry>>, bool), Error> {
    let mut entries = Vec::new();
    let mut cursor = None;
    loop {
        let mut query = ENTRIES.query().oldest_first().limit(PAGE).after(cursor);
        if let Some(category) = category {
            query = query.filter("category", category.key());
        }
        let page = query.fetch()?;
        entries.extend(page.items.into_iter().filter(|doc| !doc.data.retired));
        match page.next {
            Some(next) if entries.len() < MAX_ENTRIES => cursor = Some(next),
            Some(_) => {
                entries.truncate(MAX_ENTRIES);
                return Ok((entries, true));
            }
            None => return Ok((entries, false)),
        }
    }
}

/// Dated entries from `today` on, soonest first, at most `limit` (≤ 100).
pub fn upcoming(today: Date, limit: u32) -> Result<Vec<Doc<Entry>>, Error> {
    let page = ENTRIES.query().at_least("date", today.to_string()).order_by("date").limit(limit).fetch()?;
    Ok(page.items.into_iter().filter(|doc| !doc.data.retired).collect())
}

/// The entry `id`, if the caller reads it and it was not deleted.
pub fn entry(id: &str) -> Result<Doc<Entry>, Error> {
    if !is_document_id(id) {
        return Err(Error::NotFound);
    }
    let doc = ENTRIES.get(id)?;
    if doc.data.retired { Err(Error::NotFound) } else { Ok(doc) }
}

/// The files of entry `id`. An entry whose files cannot be listed right
/// now is still shown, without them.
pub fn files_of(id: &str) -> Vec<File> {
    files::list("entries", id).unwrap_or_else(|error| {
        courtyard_sdk::log::warn(&format!("the files of entry {id} could not be listed: {}", error.code()));
        Vec::new()
    })
}

/// Deletes `doc`. Its author deletes it outright; other staff, whom the
/// host lets change it but not delete it, empty it: its files go, and what
/// is left is marked retired and never shown (see
/// [`Entry::retired`](crate::model::Entry::retired)).
pub fn remove(doc: &Doc<Entry>, caller: &str) -> Result<(), Error> {
    if doc.owner == caller {
        return ENTRIES.delete(&doc.id);
    }
    // The files first: whoever reads the document reads its files.
    for file in files_of(&doc.id) {
        if let Err(error) = files::delete(&file.id) {
            courtyard_sdk::log::warn(&format!("a file of entry {} stays: {}", doc.id, error.code()));
        }
    }
    ENTRIES.update(&doc.id, &Entry::retired(), None)?;
    Ok(())
}
