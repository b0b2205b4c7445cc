//! The pages about loans: the lists "I borrow" and "I lend", and one loan
//! with its state, its steps and its history.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::fill;

use super::{alert, message_link};
use crate::Asking;
use crate::states::{Party, Step};
use crate::texts::{self, Texts};
use crate::views::LoanView;

/// A list of the caller's loans on one side, current ones first.
pub fn list(asking: &Asking, role: Party, loans: &[LoanView], next: Option<&str>) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let heading = match role {
        Party::Borrower => t.i_borrow,
        Party::Lender => t.i_lend,
    };
    let mut content = html!(
        "<p><a href=\"{}\">{}</a></p>\n<h1>{}</h1>\n<nav class=\"actions\" aria-label=\"{}\">\
         <a href=\"{}loans\">{}</a> <a href=\"{}loans?role=lender\">{}</a></nav>\n",
        root,
        t.back,
        heading,
        t.app,
        root,
        t.i_borrow,
        root,
        t.i_lend,
    );
    for (id, title, over) in [("current", t.current, false), ("past", t.past, true)] {
        let cards: Html =
            loans.iter().filter(|loan| loan.is_over() == over).map(|loan| card(asking, t, loan)).collect();
        let list = if cards.is_empty() {
            html!("<p class=\"muted\">{}</p>\n", t.no_loans)
        } else {
            html!("<ul class=\"cards\" aria-labelledby=\"{}\">\n{}</ul>\n", id, cards)
        };
        content.push(html!("<h2 id=\"{}\">{}</h2>\n{}", id, title, list));
    }
    if let Some(cursor) = next {
        let role = if role == Party::Lender { "lender" } else { "borrower" };
        let query = serde_urlencoded::to_string([("role", role), ("after", cursor)]).unwrap_or_default();
        content.push(html!(
            "<nav class=\"pager\" aria-label=\"{}\"><a href=\"{}loans?{}\" rel=\"next\">{}</a></nav>\n",
            heading,
            root,
            query,
            t.more
        ));
    }
    Frame::new(t.app, asking.lang).page(heading, content)
}

fn card(asking: &Asking, t: &Texts, loan: &LoanView) -> Html {
    let other = loan.other_name.as_deref().unwrap_or(t.neighbour);
    html!(
        "<li class=\"card\">\n<h3><a href=\"{}loans/{}\">{}</a></h3>\n<p>{} – {}</p>\n<p class=\"meta\">{} · {}</p>\n</li>\n",
        asking.root,
        loan.id,
        item_name(t, loan),
        loan.from,
        loan.due,
        t.shown(loan.state),
        other,
    )
}

fn item_name<'a>(t: &'a Texts, loan: &'a LoanView) -> &'a str {
    if loan.item_name.is_empty() { t.states.ended } else { &loan.item_name }
}

/// One loan for one of its sides; `refusal` says why the last step was not taken.
pub fn loan(asking: &Asking, loan: &LoanView, refusal: Option<&str>) -> Html {
    let (lang, t) = (asking.lang, texts::of(asking.lang));
    let root = &asking.root;
    let heading = fill(t.loan_heading, &[("item", &item_name(t, loan))]);
    let mut content = html!(
        "<p><a href=\"{}loans{}\">{}</a></p>\n<h1>{}</h1>\n",
        root,
        if loan.role == Party::Lender { "?role=lender" } else { "" },
        if loan.role == Party::Lender { t.i_lend } else { t.i_borrow },
        heading
    );
    if let Some(refusal) = refusal {
        content.push(alert(t, refusal));
    }
    let other = loan.other_name.as_deref().unwrap_or(t.neighbour);
    let (borrower, lender) = match loan.role {
        Party::Borrower => (t.you, other),
        Party::Lender => (other, t.you),
    };
    content.push(html!(
        "<dl class=\"facts\">\n<dt>{}</dt><dd><strong>{}</strong></dd>\n<dt>{}</dt><dd>{} – {}</dd>\n\
         <dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n</dl>\n",
        t.state,
        t.shown(loan.state),
        t.period,
        loan.from,
        loan.due,
        t.due_back,
        loan.due,
        t.borrower,
        borrower,
        t.lender,
        lender,
    ));
    if !loan.note.is_empty() {
        content.push(html!("<p class=\"body\">{}</p>\n", loan.note));
    }
    let buttons: Html = loan
        .steps
        .iter()
        .map(|step| {
            let class = if matches!(step, Step::Decline | Step::Cancel) { "danger" } else { "secondary" };
            html!(
                "<form class=\"inline\" method=\"post\" action=\"{}/{}\"><button class=\"{}\">{}</button></form>\n",
                loan.id,
                step.code(),
                class,
                t.step(*step, false)
            )
        })
        .collect();
    content.push(html!(
        "<div class=\"actions\">\n{}{}\n</div>\n",
        buttons,
        message_link(t, &loan.other, other, &loan.item_name)
    ));
    let lines: Html = loan
        .history
        .iter()
        .map(|line| {
            let what = line.step.map_or(t.asked, |step| t.step(step, true));
            let who = match (line.by_me, line.by) {
                (true, _) => t.you,
                (false, Party::Borrower) => t.borrower,
                (false, Party::Lender) => t.lender,
            };
            html!("<li>{} · {} · {}</li>\n", line.at.html(lang), what, who)
        })
        .collect();
    content.push(html!("<h2 id=\"history\">{}</h2>\n<ol aria-labelledby=\"history\">\n{}</ol>\n", t.history, lines));
    Frame::new(t.app, lang).page(&heading, content)
}

#[cfg(test)]
#[path = "loans_tests.rs"]
mod tests;
