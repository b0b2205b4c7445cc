//! The routes about things: browse, offer, show, change, withdraw.
//!
//! Each route answers JSON, or for a browser a page, and after a form a
//! `303` (or the page with the problem, `400`). Who reads what is the
//! host's decision: a thing of another building answers `404`.

use std::collections::BTreeMap;

use courtyard_sdk::files::{self, Upload};
use courtyard_sdk::{Doc, Error, Params, Request, Response, Visibility};

use crate::model::{self, CATEGORIES, ITEMS, Item};
use crate::page::{self, items::Browse, items::Flash};
use crate::validate::{self, ItemForm, PHOTO_FIELD, Problem};
use crate::views::ItemView;
use crate::{Asking, notify, texts};

/// Views of `docs` for the asker, with their owners' names and photos.
pub fn views(asking: &Asking, docs: &[Doc<Item>]) -> Vec<ItemView> {
    let mut names: BTreeMap<&str, Option<String>> = BTreeMap::new();
    docs.iter()
        .map(|doc| {
            let mut view = ItemView::new(doc, asking.subject());
            view.owner_name = names.entry(doc.owner.as_str()).or_insert_with(|| notify::name_of(&doc.owner)).clone();
            view.photo = files::list("items", &doc.id).ok().and_then(|files| files.into_iter().next()).map(|f| f.link);
            view
        })
        .collect()
}

/// A page of things: the caller's own (withdrawn ones too), or those
/// listed, of `category` if given.
fn read(
    asking: &Asking,
    mine: bool,
    category: Option<&str>,
    after: Option<String>,
) -> Result<(Vec<ItemView>, Option<String>), Error> {
    let mut query = ITEMS.query();
    query = if mine { query.mine_only() } else { query.filter("withdrawn", false) };
    if let Some(category) = category {
        query = query.filter("category", category);
    }
    let page = query.limit(20).after(after).fetch()?;
    Ok((views(asking, &page.items), page.next))
}

/// The category asked for: a known one, or none.
fn category_of(request: &Request) -> Option<&'static str> {
    let asked = request.query_param("category")?;
    CATEGORIES.iter().find(|key| **key == asked.trim()).copied()
}

pub fn home(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    browse(&asking, request, &ItemForm::default(), None, 200)
}

fn browse(
    asking: &Asking,
    request: &Request,
    typed: &ItemForm,
    problem: Option<&Problem>,
    status: u16,
) -> Result<Response, Error> {
    let category = category_of(request);
    let read = read(asking, false, category, request.query_param("after"));
    let (items, next, status) = match &read {
        Ok((items, next)) => (Some(items.as_slice()), next.as_deref(), status),
        Err(error) => (None, None, if status == 200 { error.status() } else { status }),
    };
    let page = Browse { asking, items, next, category, typed, problem };
    Ok(Response::html(status, page.render()))
}

pub fn list(request: &Request, params: &Params) -> Result<Response, Error> {
    if request.wants_html() {
        return home(request, params);
    }
    let asking = Asking::of(request)?;
    let mine = request.query_param("mine").is_some_and(|mine| mine == "true");
    let (items, next) = read(&asking, mine, category_of(request), request.query_param("after"))?;
    Ok(Response::json(200, &serde_json::json!({ "items": items, "next": next })))
}

pub fn mine(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let (items, _) = read(&asking, true, None, None)?;
    if !request.wants_html() {
        return Ok(Response::json(200, &serde_json::json!({ "items": items })));
    }
    Ok(Response::html(200, page::items::mine(&asking, &items)))
}

/// What an offer or a change sent, and its photo.
fn typed(request: &Request) -> Result<ItemForm, Error> {
    if request.is_form() { request.form() } else { request.json() }
}

fn checked<'a>(request: &'a Request, typed: &ItemForm) -> Result<(Item, Option<&'a Upload>), Problem> {
    let item = validate::item(typed, request.is_form())?;
    Ok((item, validate::photo(request.uploads_in(PHOTO_FIELD))?))
}

/// Keeps `upload` as the photo of item `id`, in place of any it had.
fn keep_photo(upload: Option<&Upload>, id: &str) {
    let Some(upload) = upload else { return };
    for old in files::list("items", id).unwrap_or_default() {
        if let Err(error) = files::delete(&old.id) {
            courtyard_sdk::log::warn(&format!("an old photo of item {id} stays: {}", error.code()));
        }
    }
    if let Err(error) = files::attach(upload, "items", id) {
        courtyard_sdk::log::warn(&format!("a photo was not attached to item {id}: {}", error.code()));
    }
}

pub fn create(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let typed = typed(request)?;
    let (item, photo) = match checked(request, &typed) {
        Ok(checked) => checked,
        Err(problem) if asking.page => return browse(&asking, request, &typed, Some(&problem), 400),
        Err(problem) => return Err(problem.into_error(asking.lang)),
    };
    let stored = ITEMS.insert(&item, Visibility::Property)?;
    courtyard_sdk::log::info(&format!("item {} offered", stored.id));
    keep_photo(photo, &stored.id);
    if asking.page {
        return Ok(Response::see_other(&format!("{}items/{}", asking.root, stored.id)));
    }
    Ok(Response::json(201, &views(&asking, std::slice::from_ref(&stored))[0]))
}

/// The thing the route names, if the caller reads it.
pub fn item(params: &Params) -> Result<Doc<Item>, Error> {
    let id = params.require("id")?;
    if !model::is_document_id(id) {
        return Err(Error::NotFound);
    }
    ITEMS.get(id)
}

pub fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = match item(params) {
        Err(Error::NotFound) if asking.page => return Ok(page::gone(asking.lang, &asking.root)),
        other => other?,
    };
    let view = views(&asking, std::slice::from_ref(&doc)).remove(0);
    if asking.page {
        return Ok(Response::html(200, page::items::item(&asking, &view, &Flash::default())));
    }
    Ok(Response::json(200, &view))
}

/// The thing, if the caller owns it: else `403`.
fn owned(asking: &Asking, params: &Params) -> Result<Doc<Item>, Error> {
    let doc = item(params)?;
    if doc.owner != asking.subject() {
        return Err(Error::Denied(texts::of(asking.lang).refusals.not_yours.to_owned()));
    }
    Ok(doc)
}

pub fn change(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = owned(&asking, params)?;
    let typed = typed(request)?;
    let (mut item, photo) = match checked(request, &typed) {
        Ok(checked) => checked,
        Err(problem) if asking.page => {
            let view = views(&asking, std::slice::from_ref(&doc)).remove(0);
            let flash = Flash { item: Some((&problem, &typed)), ..Flash::default() };
            return Ok(Response::html(400, page::items::item(&asking, &view, &flash)));
        }
        Err(problem) => return Err(problem.into_error(asking.lang)),
    };
    item.withdrawn = doc.data.withdrawn;
    let stored = ITEMS.update(&doc.id, &item, Some(doc.revision))?;
    keep_photo(photo, &stored.id);
    if asking.page {
        return Ok(Response::see_other(&format!("{}items/{}", asking.root, stored.id)));
    }
    Ok(Response::json(200, &views(&asking, std::slice::from_ref(&stored))[0]))
}

pub fn withdraw(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = owned(&asking, params)?;
    let item = Item { withdrawn: true, available: false, ..doc.data.clone() };
    let stored = ITEMS.update(&doc.id, &item, None)?;
    if asking.page {
        return Ok(Response::see_other(&format!("{}mine", asking.root)));
    }
    Ok(Response::json(200, &views(&asking, std::slice::from_ref(&stored))[0]))
}
