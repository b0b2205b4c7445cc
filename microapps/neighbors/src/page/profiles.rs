//! The neighbours' list, one neighbour's profile, and one's own profile
//! with the form to show oneself, change it, or leave the community.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::fill;
use courtyard_sdk::{Doc, html};

use super::{block_form, field_state, problem_summary, report};
use crate::Asking;
use crate::model::Profile;
use crate::profiles::Sort;
use crate::texts::{self, Texts};
use crate::validate::{MAX_FLOOR, MAX_INTEREST, MAX_INTERESTS, MAX_INTRO, MAX_NAME, Problem, ProfileForm};
use crate::views::ProfileView;

/// One page of the neighbours' list.
pub struct Neighbours<'a> {
    pub items: &'a [ProfileView],
    pub next: Option<&'a str>,
    pub sort: Sort,
    /// Whether this is a later page than the first.
    pub paged: bool,
}

/// The home page: the caller's standing, the ways on, and the neighbours.
pub fn neighbours(asking: &Asking, list: &Neighbours, own: Option<&ProfileView>) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let mut content = html!("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", t.heading, t.lead);
    let standing = match own {
        Some(own) => html!(
            "<p>{}</p>\n<p><a href=\"{}profile\">{}</a></p>\n",
            fill(t.visible_as, &[("name", &own.name)]),
            root,
            t.edit_profile
        ),
        None => html!("<p>{}</p>\n<p><a class=\"button\" href=\"{}profile\">{}</a></p>\n", t.not_visible, root, t.join),
    };
    content.push(html!(
        "<section class=\"card\" aria-labelledby=\"you\">\n<h2 id=\"you\">{}</h2>\n{}\
         <p><a href=\"{}conversations\">{}</a> · <a href=\"{}blocks\">{}</a></p>\n</section>\n",
        t.your_profile,
        standing,
        root,
        t.conversations,
        root,
        t.blocked_link,
    ));
    content.push(html!("<h2 id=\"neighbours\">{}</h2>\n", t.heading));
    let (by_name, newest) = match list.sort {
        Sort::Name => (html!("<strong>{}</strong>", t.by_name), html!("<a href=\"?sort=newest\">{}</a>", t.newest)),
        Sort::Newest => (html!("<a href=\"?sort=name\">{}</a>", t.by_name), html!("<strong>{}</strong>", t.newest)),
    };
    content.push(html!("<p>{}: {} · {}</p>\n", t.sort, by_name, newest));
    if list.items.is_empty() && !list.paged {
        content.push(html!("<p class=\"muted\">{}</p>\n", t.no_neighbours));
    } else {
        let cards: Html = list.items.iter().map(|item| card(t, root, item)).collect();
        content.push(html!("<ul class=\"cards\" aria-labelledby=\"neighbours\">\n{}</ul>\n", cards));
    }
    let first = if list.paged { html!("<a href=\"?sort={}\">{}</a>", list.sort.code(), t.first) } else { Html::new() };
    let more = match list.next {
        Some(cursor) => html!(
            "<a href=\"?sort={}&amp;after={}\" rel=\"next\">{}</a>",
            list.sort.code(),
            crate::encode(cursor),
            t.more
        ),
        None => Html::new(),
    };
    if !first.is_empty() || !more.is_empty() {
        content.push(html!("<nav class=\"pager\" aria-label=\"{}\">{} {}</nav>\n", t.heading, first, more));
    }
    Frame::new(t.app, asking.lang).page(t.heading, content)
}

/// One neighbour in the list.
fn card(t: &Texts, root: &str, item: &ProfileView) -> Html {
    html!(
        "<li class=\"card\">\n<h3><a href=\"{}profiles/{}\">{}</a></h3>\n{}</li>\n",
        root,
        item.id,
        item.name,
        facts(t, item),
    )
}

/// The fields a neighbour chose to show, and nothing for the others.
fn facts(t: &Texts, item: &ProfileView) -> Html {
    let mut facts = Html::new();
    if let Some(floor) = &item.floor {
        facts.push(html!("<dt>{}</dt><dd>{}</dd>\n", t.floor, floor));
    }
    if !item.interests.is_empty() {
        facts.push(html!("<dt>{}</dt><dd>{}</dd>\n", t.interests, item.interests.join(", ")));
    }
    if facts.is_empty() { facts } else { html!("<dl class=\"facts\">\n{}</dl>\n", facts) }
}

/// One neighbour's profile, with the ways to write to them, block them or
/// report the profile; one's own says so instead.
pub fn profile(asking: &Asking, item: &ProfileView) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let mut content = html!("<p><a href=\"{}\">{}</a></p>\n<h1>{}</h1>\n", root, t.all_neighbours, item.name);
    content.push(facts(t, item));
    if let Some(intro) = &item.intro {
        content.push(html!("<h2>{}</h2>\n<p class=\"body\">{}</p>\n", t.intro, intro));
    }
    if item.mine {
        content.push(html!(
            "<p class=\"note\">{}</p>\n<p><a href=\"{}profile\">{}</a></p>\n",
            t.this_is_you,
            root,
            t.edit_profile
        ));
    } else {
        content.push(html!(
            "<p><a class=\"button\" href=\"{}conversations/with/{}\">{}</a></p>\n{}<p>{}</p>\n",
            root,
            crate::encode(&item.subject),
            fill(t.write_to, &[("name", &item.name)]),
            block_form(t, root, &item.subject, &item.name),
            report(t, "profiles", &item.id, &item.name),
        ));
    }
    Frame::new(t.app, asking.lang).page(&item.name, content)
}

/// What the own-profile page says about the last step.
#[derive(Debug, Default)]
pub struct ProfileFlash {
    pub saved: bool,
    pub left: bool,
    pub problem: Option<Problem>,
}

/// One's own profile: the form (filled in with what is shown, or with the
/// suggested name), and leaving the community while visible.
pub fn own_profile(asking: &Asking, own: Option<&Doc<Profile>>, typed: &ProfileForm, flash: &ProfileFlash) -> Html {
    let t = texts::of(asking.lang);
    let lang = asking.lang;
    let root = &asking.root;
    let mut content = html!(
        "<p><a href=\"{}\">{}</a></p>\n<h1>{}</h1>\n<p class=\"lead\">{}</p>\n",
        root,
        t.all_neighbours,
        t.your_profile,
        t.profile_lead
    );
    if flash.saved && own.is_some() {
        content.push(html!("<p class=\"note done\" role=\"status\">{}</p>\n", t.saved));
    }
    if flash.left && own.is_none() {
        content.push(html!("<p class=\"note done\" role=\"status\">{}</p>\n", t.left));
    }
    let problem = flash.problem.as_ref();
    if let Some(problem) = problem {
        content.push(problem_summary(t, problem, lang));
    }
    let status = match own {
        Some(doc) => fill(t.visible_as, &[("name", &doc.data.name)]),
        None => t.not_visible.to_owned(),
    };
    content.push(html!("<p>{}</p>\n", status));
    let [name, intro, interests, floor] =
        ["name", "intro", "interests", "floor"].map(|field| field_state(problem, field, lang));
    content.push(html!(
        "<form class=\"card\" method=\"post\" action=\"{}profile\" aria-label=\"{}\">\n\
         <label for=\"name\">{}</label>\n<span class=\"hint\" id=\"name-hint\">{}</span>\n{}\
         <input id=\"name\" name=\"name\" maxlength=\"{}\" required aria-describedby=\"name-hint{}\"{} value=\"{}\">\n\
         <label for=\"intro\">{}</label>\n<span class=\"hint\" id=\"intro-hint\">{}</span>\n{}\
         <textarea id=\"intro\" name=\"intro\" rows=\"4\" maxlength=\"{}\" aria-describedby=\"intro-hint{}\"{}>{}</textarea>\n\
         <label for=\"interests\">{}</label>\n<span class=\"hint\" id=\"interests-hint\">{}</span>\n{}\
         <input id=\"interests\" name=\"interests\" aria-describedby=\"interests-hint{}\"{} value=\"{}\">\n\
         <label for=\"floor\">{}</label>\n<span class=\"hint\" id=\"floor-hint\">{}</span>\n{}\
         <input id=\"floor\" name=\"floor\" maxlength=\"{}\" aria-describedby=\"floor-hint{}\"{} value=\"{}\">\n\
         <button>{}</button>\n</form>\n",
        root,
        t.your_profile,
        t.name_label,
        fill(t.name_hint, &[("max", &MAX_NAME)]),
        name.message,
        MAX_NAME,
        name.described_by,
        name.invalid,
        typed.name,
        t.intro,
        fill(t.intro_hint, &[("max", &MAX_INTRO)]),
        intro.message,
        MAX_INTRO,
        intro.described_by,
        intro.invalid,
        typed.intro,
        t.interests,
        fill(t.interests_hint, &[("max", &MAX_INTERESTS), ("len", &MAX_INTEREST)]),
        interests.message,
        interests.described_by,
        interests.invalid,
        typed.interests,
        t.floor,
        fill(t.floor_hint, &[("max", &MAX_FLOOR)]),
        floor.message,
        MAX_FLOOR,
        floor.described_by,
        floor.invalid,
        typed.floor,
        t.save,
    ));
    if own.is_some() {
        content.push(html!(
            "<section aria-labelledby=\"leave\">\n<h2 id=\"leave\">{}</h2>\n<p>{}</p>\n\
             <form class=\"inline\" method=\"post\" action=\"{}profile/delete\">\
             <button class=\"danger\">{}</button></form>\n</section>\n",
            t.leave_heading,
            t.leave_lead,
            root,
            t.leave,
        ));
    }
    Frame::new(t.app, lang).page(t.your_profile, content)
}
