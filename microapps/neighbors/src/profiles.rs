//! The routes about profiles: browsing the neighbours who opted in, one
//! neighbour's profile, and one's own — showing it, changing it, leaving.
//!
//! One profile per resident: saving updates the one there is. Two saves
//! racing may both insert; the next save (or the one that lost) keeps the
//! oldest and deletes the rest, and lists never show a duplicate for long.

use courtyard_sdk::{Doc, Error, Params, Request, Response, Visibility};

use crate::model::{PROFILES, Profile, is_document_id};
use crate::page::{self, Neighbours, ProfileFlash};
use crate::validate::{self, ProfileForm, ProfileJson};
use crate::views::ProfileView;
use crate::{blocks, people, run};

/// How the list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Name,
    Newest,
}

impl Sort {
    pub fn parse(value: Option<&str>) -> Option<Sort> {
        match value.unwrap_or("name") {
            "name" | "" => Some(Sort::Name),
            "newest" => Some(Sort::Newest),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::Newest => "newest",
        }
    }
}

/// `GET /`, `GET /profiles`: the neighbours who opted in, without the ones
/// the caller blocked.
pub fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        let me = asking.resident()?;
        let sort = match Sort::parse(request.query_param("sort").as_deref()) {
            Some(sort) => sort,
            None if asking.page => Sort::Name,
            None => return Err(Error::Invalid("sort by `name` or `newest`".to_owned())),
        };
        let after = request.query_param("after").filter(|cursor| !cursor.is_empty());
        let query = PROFILES.query().limit(20).after(after.clone());
        let query = match sort {
            Sort::Name => query.order_by("sort_name"),
            Sort::Newest => query,
        };
        let page = query.fetch()?;
        let blocked: Vec<String> = blocks::mine()?.into_iter().map(|block| block.data.blocked).collect();
        let items: Vec<ProfileView> = page
            .items
            .iter()
            .filter(|doc| !blocked.contains(&doc.owner))
            .map(|doc| ProfileView::new(doc, me))
            .collect();
        if asking.page {
            let own = own()?.map(|doc| ProfileView::new(&doc, me));
            let view = Neighbours { items: &items, next: page.next.as_deref(), sort, paged: after.is_some() };
            return Ok(Response::html(200, page::neighbours(asking, &view, own.as_ref())));
        }
        Ok(Response::json(200, &serde_json::json!({ "items": items, "next": page.next })))
    })
}

/// `GET /profiles/{id}`: one neighbour's profile; one the caller blocked
/// is absent.
pub fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        let me = asking.resident()?;
        let id = params.require("id")?;
        if !is_document_id(id) {
            return Err(Error::NotFound);
        }
        let doc = PROFILES.get(id)?;
        if doc.owner != me && blocks::mine()?.iter().any(|block| block.data.blocked == doc.owner) {
            return Err(Error::NotFound);
        }
        let view = ProfileView::new(&doc, me);
        if asking.page {
            return Ok(Response::html(200, page::profile(asking, &view)));
        }
        Ok(Response::json(200, &view))
    })
}

/// `GET /profile`: the caller's own profile (JSON: 404 while they are not
/// visible), or the page with the form.
pub fn mine(request: &Request, _: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        let me = asking.resident()?;
        let own = own()?;
        if !asking.page {
            let doc = own.ok_or(Error::NotFound)?;
            return Ok(Response::json(200, &ProfileView::new(&doc, me)));
        }
        let typed = match &own {
            Some(doc) => ProfileForm::of(&doc.data),
            None => ProfileForm { name: people::my_name().unwrap_or_default(), ..ProfileForm::default() },
        };
        let flash = ProfileFlash {
            saved: request.query_param("saved").is_some(),
            left: request.query_param("left").is_some(),
            problem: None,
        };
        Ok(Response::html(200, page::own_profile(asking, own.as_ref(), &typed, &flash)))
    })
}

/// `PUT /profile` (JSON) and `POST /profile` (a form, or JSON): shows the
/// caller to their neighbours with the fields given, and only those.
pub fn save(request: &Request, _: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        let me = asking.resident()?;
        let typed: ProfileForm =
            if request.is_form() { request.form()? } else { ProfileForm::from(request.json::<ProfileJson>()?) };
        let profile = match validate::profile(&typed, me) {
            Ok(profile) => profile,
            Err(problem) if asking.page => {
                let own = own()?;
                let flash = ProfileFlash { problem: Some(problem), ..ProfileFlash::default() };
                return Ok(Response::html(400, page::own_profile(asking, own.as_ref(), &typed, &flash)));
            }
            Err(problem) => return Err(problem.into_error(asking.lang)),
        };
        let (status, doc) = store(&profile)?;
        if asking.page {
            return Ok(Response::see_other(&format!("{}profile?saved=1", asking.root)));
        }
        Ok(Response::json(status, &ProfileView::new(&doc, me)))
    })
}

/// `DELETE /profile`, `POST /profile/delete`: leaves the community. The
/// profile is deleted, so no list shows it from now on.
pub fn leave(request: &Request, _: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        asking.resident()?;
        for doc in PROFILES.query().mine_only().limit(100).fetch()?.items {
            PROFILES.delete(&doc.id)?;
        }
        if asking.page {
            return Ok(Response::see_other(&format!("{}profile?left=1", asking.root)));
        }
        Ok(Response::empty(204))
    })
}

/// The caller's profile, if they are visible.
fn own() -> Result<Option<Doc<Profile>>, Error> {
    Ok(PROFILES.query().mine_only().oldest_first().limit(1).fetch()?.items.into_iter().next())
}

/// Stores `profile` as the caller's one profile: `201` for a new one,
/// `200` for a change.
fn store(profile: &Profile) -> Result<(u16, Doc<Profile>), Error> {
    let existing = PROFILES.query().mine_only().oldest_first().limit(10).fetch()?.items;
    let (status, kept) = match existing.first() {
        Some(doc) => (200, PROFILES.update(&doc.id, profile, None)?),
        None => (201, PROFILES.insert(profile, Visibility::Property)?),
    };
    // A save racing this one may have stored a second profile: keep the
    // oldest, with this save's fields.
    let all = PROFILES.query().mine_only().oldest_first().limit(10).fetch()?.items;
    match all.split_first() {
        Some((oldest, rest)) if !rest.is_empty() => {
            for extra in rest {
                PROFILES.delete(&extra.id)?;
            }
            let kept = if oldest.id == kept.id { kept } else { PROFILES.update(&oldest.id, profile, None)? };
            Ok((status, kept))
        }
        _ => Ok((status, kept)),
    }
}
