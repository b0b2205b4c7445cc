//! The routes: browsing, one listing, the seller's own, publishing,
//! changing, moving through the states, renewing and deleting.
//!
//! Each route answers JSON, or for a browser a page, and after a browser's
//! form a `303` to the page to see next (or the form again with its
//! problem, `400`). Who reads what is the host's decision: a listing the
//! caller cannot read answers `404`, whether it exists elsewhere or not.
//! Who changes what is the app's: only the seller, whatever the host would
//! let staff do.

use courtyard_sdk::files::{self, File, Upload};
use courtyard_sdk::profile::{self, Field};
use courtyard_sdk::{Doc, Error, Params, Request, Response, Visibility};
use serde::Deserialize;

use crate::Asking;
use crate::browse::{self, Filters};
use crate::model::{self, CURRENCY, LISTINGS, Listing, Refusal, State};
use crate::page;
use crate::texts;
use crate::validate::{self, Checked, ListingForm, ListingInput, PHOTO_FIELD, Problem};
use crate::views::{COLLECTION, ListingView};

/// `GET /` and `GET /listings`: the market, a page or JSON.
pub fn browse(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let page_wanted = asking.page || request.path == "/";
    let filters = match Filters::parse(&request.query) {
        Ok(filters) => filters,
        // A hand-edited address shows the whole market rather than an error.
        Err(_) if page_wanted => Filters::default(),
        Err(error) => return Err(error),
    };
    let found = filters.query(asking.now).fetch();
    if !page_wanted {
        let page = found?;
        let items: Vec<ListingView> =
            page.items.iter().map(|doc| ListingView::new(doc, Some(asking.subject()), asking.now)).collect();
        return Ok(Response::json(200, &serde_json::json!({ "items": items, "next": page.next })));
    }
    match found {
        Ok(page) => {
            let cards: Vec<(ListingView, Option<File>)> = page
                .items
                .iter()
                .map(|doc| (ListingView::new(doc, Some(asking.subject()), asking.now), thumbnail(doc)))
                .collect();
            Ok(Response::html(200, page::browse::render(asking.lang, &filters, Some(&cards), page.next.as_deref())))
        }
        Err(error) => {
            courtyard_sdk::log::warn(&format!("the listings could not be read: {}", error.code()));
            Ok(Response::html(error.status(), page::browse::render(asking.lang, &filters, None, None)))
        }
    }
}

/// `GET /mine`: the caller's listings, expired and gone ones too.
pub fn mine(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let after = request.query_param("after").filter(|cursor| !cursor.is_empty() && cursor.len() <= 512);
    let found = browse::mine(after.clone()).fetch();
    if !asking.page {
        let page = found?;
        let items: Vec<ListingView> =
            page.items.iter().map(|doc| ListingView::new(doc, Some(asking.subject()), asking.now)).collect();
        return Ok(Response::json(200, &serde_json::json!({ "items": items, "next": page.next })));
    }
    let (status, views, next) = match found {
        Ok(page) => {
            let views: Vec<ListingView> =
                page.items.iter().map(|doc| ListingView::new(doc, Some(asking.subject()), asking.now)).collect();
            (200, Some(views), page.next)
        }
        Err(error) => (error.status(), None, None),
    };
    let html = page::mine::render(asking.lang, views.as_deref(), after.is_some(), next.as_deref());
    Ok(Response::html(status, html))
}

/// `GET /new`: the form to publish a listing.
pub fn new_form(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let empty = ListingForm { kind: "sell".to_owned(), ..ListingForm::default() };
    Ok(Response::html(200, page::form::render(asking.lang, None, &empty, None)))
}

/// `POST /listings`: publishes a listing, with up to five photos from a form.
pub fn create(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let (typed, input) = read_input(request)?;
    let checked = input.and_then(|input| validate::listing(&input)).and_then(|checked| {
        let photos = validate::photos(request.uploads_in(PHOTO_FIELD), 0)?;
        Ok((checked, photos))
    });
    let (checked, photos) = match checked {
        Ok(checked) => checked,
        Err(problem) => return refuse(&asking, None, typed, problem),
    };
    let mut listing = Listing {
        title: String::new(),
        description: String::new(),
        kind: checked.kind,
        price: None,
        currency: CURRENCY.to_owned(),
        state: State::Available,
        listed: true,
        published: asking.now,
        expires: model::expiry(asking.now),
        photos: count(photos.len()),
    };
    apply(&mut listing, checked);
    let doc = LISTINGS.insert(&listing, Visibility::Property)?;
    courtyard_sdk::log::info(&format!("listing {} published", doc.id));
    let doc = attach_photos(doc, &photos)?;
    if asking.page {
        return Ok(Response::see_other(&with_unattached(format!("listings/{}", doc.id), photos.len(), &doc)));
    }
    Ok(Response::json(201, &detail(&doc, &asking)))
}

/// `GET /listings/{id}`: one listing, with its photos and its seller's
/// name. Someone else's expired listing is off the market: `404`.
pub fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let found = listing(params).and_then(|doc| {
        if doc.owner != asking.subject() && doc.data.is_expired(asking.now) { Err(Error::NotFound) } else { Ok(doc) }
    });
    let doc = match found {
        Err(Error::NotFound) if asking.page => return Ok(page::listing::missing(asking.lang)),
        other => other?,
    };
    let view = detail(&doc, &asking);
    if asking.page {
        let unattached = request.query_param("unattached").and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
        return Ok(Response::html(
            200,
            page::listing::render(asking.lang, &view, unattached.min(validate::MAX_PHOTOS)),
        ));
    }
    Ok(Response::json(200, &view))
}

/// `GET /listings/{id}/edit`: the form to change a listing, for its seller.
pub fn edit_form(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = owned(params, &asking)?;
    let typed = ListingForm::of(&doc.data);
    Ok(Response::html(200, page::form::render(asking.lang, Some(&doc.id), &typed, None)))
}

/// `PUT /listings/{id}` (JSON) and `POST /listings/{id}` (a form, which may
/// add photos): the seller changes the listing. Its state and expiry stay.
pub fn edit(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = owned(params, &asking)?;
    let (typed, input) = read_input(request)?;
    let attached = usize::try_from(doc.data.photos).unwrap_or(usize::MAX);
    let checked = input.and_then(|input| validate::listing(&input)).and_then(|checked| {
        let photos = validate::photos(request.uploads_in(PHOTO_FIELD), attached)?;
        Ok((checked, photos))
    });
    let (checked, photos) = match checked {
        Ok(checked) => checked,
        Err(problem) => return refuse(&asking, Some(&doc.id), typed, problem),
    };
    let mut listing = doc.data.clone();
    apply(&mut listing, checked);
    listing.photos = count(attached + photos.len());
    let updated = LISTINGS.update(&doc.id, &listing, Some(doc.revision))?;
    let updated = attach_photos(updated, &photos)?;
    if asking.page {
        return Ok(Response::see_other(&with_unattached(updated.id.clone(), attached + photos.len(), &updated)));
    }
    Ok(Response::json(200, &detail(&updated, &asking)))
}

/// What a change of state asks for.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StateForm {
    state: String,
}

/// `POST /listings/{id}/state`: available and reserved back and forth,
/// gone for good; the seller only.
pub fn set_state(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = owned(params, &asking)?;
    let typed: StateForm = if request.is_form() { request.form()? } else { request.json()? };
    let t = texts::of(asking.lang);
    let wanted = State::parse(typed.state.trim()).ok_or_else(|| Error::Invalid(t.state_unknown.to_owned()))?;
    model::check_state(doc.data.state, wanted).map_err(|refusal| match refusal {
        Refusal::Unchanged => Error::Invalid(t.state_unchanged.to_owned()),
        Refusal::Final => Error::Invalid(t.state_final.to_owned()),
    })?;
    let mut listing = doc.data.clone();
    listing.set_state(wanted);
    let updated = LISTINGS.update(&doc.id, &listing, Some(doc.revision))?;
    respond_changed(&updated, &asking)
}

/// `POST /listings/{id}/renew`: another 30 days on the market from now.
pub fn renew(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = owned(params, &asking)?;
    let mut listing = doc.data.clone();
    listing.renew(asking.now);
    let updated = LISTINGS.update(&doc.id, &listing, Some(doc.revision))?;
    respond_changed(&updated, &asking)
}

/// `DELETE /listings/{id}` and `POST /listings/{id}/delete`: the seller
/// deletes the listing; the host deletes its photos with it.
pub fn delete(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = owned(params, &asking)?;
    LISTINGS.delete(&doc.id)?;
    courtyard_sdk::log::info(&format!("listing {} deleted", doc.id));
    if asking.page {
        return Ok(Response::see_other("../../mine"));
    }
    Ok(Response::empty(204))
}

/// The form or JSON body of a request: what was typed (to show a form
/// again) and what it asks for, or the problem with its price.
fn read_input(request: &Request) -> Result<(ListingForm, Result<ListingInput, Problem>), Error> {
    if request.is_form() {
        let typed: ListingForm = request.form()?;
        let input = typed.input();
        return Ok((typed, input));
    }
    let input: ListingInput = request.json()?;
    let typed = ListingForm {
        title: input.title.clone(),
        description: input.description.clone(),
        kind: input.kind.clone(),
        price: input.price_cents.map(validate::format_amount).unwrap_or_default(),
    };
    Ok((typed, Ok(input)))
}

/// A refused listing: the form again with its problem for a browser, a
/// `400` for the API. Nothing was stored.
fn refuse(asking: &Asking, editing: Option<&str>, typed: ListingForm, problem: Problem) -> Result<Response, Error> {
    if asking.page {
        return Ok(Response::html(400, page::form::render(asking.lang, editing, &typed, Some(&problem))));
    }
    Err(problem.into_error(asking.lang))
}

fn apply(listing: &mut Listing, checked: Checked) {
    listing.title = checked.title;
    listing.description = checked.description;
    listing.kind = checked.kind;
    listing.price = checked.price;
}

/// The listing the route names, if the caller reads it.
fn listing(params: &Params) -> Result<Doc<Listing>, Error> {
    let id = params.require("id")?;
    if !model::is_document_id(id) {
        return Err(Error::NotFound);
    }
    LISTINGS.get(id)
}

/// The listing the route names, if the caller published it: a neighbour,
/// and staff too, are refused (`403`) in their language.
fn owned(params: &Params, asking: &Asking) -> Result<Doc<Listing>, Error> {
    let doc = listing(params)?;
    if doc.owner != asking.subject() {
        return Err(Error::Denied(texts::of(asking.lang).not_yours.to_owned()));
    }
    Ok(doc)
}

/// Attaches each photo to the listing `doc`; when the host refuses some,
/// the listing's count of photos is corrected. The listing stays either way.
fn attach_photos(doc: Doc<Listing>, photos: &[&Upload]) -> Result<Doc<Listing>, Error> {
    let refused = photos
        .iter()
        .filter(|upload| match files::attach(upload, COLLECTION, &doc.id) {
            Ok(_) => false,
            Err(error) => {
                courtyard_sdk::log::warn(&format!("a photo was not attached to listing {}: {}", doc.id, error.code()));
                true
            }
        })
        .count();
    if refused == 0 {
        return Ok(doc);
    }
    let mut listing = doc.data.clone();
    listing.photos = listing.photos.saturating_sub(count(refused));
    LISTINGS.update(&doc.id, &listing, Some(doc.revision))
}

/// `path`, telling the page how many of the `expected` photos were refused.
fn with_unattached(path: String, expected: usize, doc: &Doc<Listing>) -> String {
    let refused = expected.saturating_sub(usize::try_from(doc.data.photos).unwrap_or(0));
    if refused == 0 { path } else { format!("{path}?unattached={refused}") }
}

/// The view of a listing with its photos and its seller's display name.
fn detail(doc: &Doc<Listing>, asking: &Asking) -> ListingView {
    let mut view = ListingView::new(doc, Some(asking.subject()), asking.now);
    view.photos = Some(if doc.data.photos > 0 { photos_of(&doc.id) } else { Vec::new() });
    view.seller_name = profile::read(Some(&doc.owner), &[Field::DisplayName])
        .ok()
        .and_then(|found| found.display_name().map(str::to_owned));
    view
}

/// The first photo of a listing, for the market's card.
fn thumbnail(doc: &Doc<Listing>) -> Option<File> {
    if doc.data.photos == 0 {
        return None;
    }
    photos_of(&doc.id).into_iter().find(File::is_image)
}

/// The photos of listing `id`. A listing whose photos cannot be listed
/// right now is still shown, without them.
fn photos_of(id: &str) -> Vec<File> {
    files::list(COLLECTION, id).unwrap_or_else(|error| {
        courtyard_sdk::log::warn(&format!("the photos of listing {id} could not be listed: {}", error.code()));
        Vec::new()
    })
}

fn respond_changed(doc: &Doc<Listing>, asking: &Asking) -> Result<Response, Error> {
    if asking.page {
        return Ok(Response::see_other(&format!("../{}", doc.id)));
    }
    Ok(Response::json(200, &detail(doc, asking)))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::bike;
    use crate::views::tests::doc;

    #[test]
    fn refused_photos_are_counted_for_the_page() {
        let mut listing = bike();
        listing.photos = 1;
        let stored = doc("anna", listing);
        assert_eq!(with_unattached("listings/l1".into(), 3, &stored), "listings/l1?unattached=2");
        assert_eq!(with_unattached("l1".into(), 1, &stored), "l1");
        assert!(crate::now_ms() > 1_735_689_600_000);
    }
}
