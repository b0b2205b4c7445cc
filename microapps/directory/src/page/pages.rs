//! The pages as a browser gets them, in both languages.

use courtyard_sdk::context::Caller;
use courtyard_sdk::lang::Lang;

use super::*;
use crate::Asking;
use crate::category::Category;
use crate::details::DetailsInput;
use crate::entries::Filters;
use crate::store::{Entry, State, Suggestion};
use crate::views::tests::{bakery, doc};
use crate::views::{EntryView, SuggestionView};

fn asking(staff: bool, lang: Lang, root: &str) -> Asking {
    let caller = Caller {
        subject: Some(if staff { "mia" } else { "anna" }.to_owned()),
        property: Some("p".to_owned()),
        roles: vec![if staff { "property-manager" } else { "resident" }.to_owned()],
        staff,
        unit: (!staff).then(|| "u1".to_owned()),
        locale: lang.code().to_owned(),
        request_id: "r".to_owned(),
    };
    Asking { caller, lang, page: true, root: root.to_owned() }
}

fn entry_view(lang: Lang) -> EntryView {
    EntryView::new(&doc("e1", "mia", Entry::new(bakery(), 0)), lang, 1_796_630_400_000)
}

#[test]
fn the_home_page_lists_entries_escaped_with_search_and_paging() {
    let reader = asking(false, Lang::En, "./");
    let filters = Filters { category: Some(Category::Shop), search: Some("so&nne".into()), after: Some("c1".into()) };
    let items = [entry_view(Lang::En)];
    let html = browse::home(&reader, &Listing { filters: &filters, items: Some(&items), next: Some("c 2") });
    let html = html.as_str();
    assert!(html.contains("<html lang=\"en\">") && html.contains("<h1>Businesses nearby</h1>"), "{html}");
    assert!(html.contains("<a href=\"./entries/e1\">Bäckerei &lt;Sonne&gt;</a>"), "{html}");
    assert!(html.contains("Shops · Open now"), "{html}");
    assert!(html.contains("value=\"so&amp;nne\""), "{html}");
    assert!(html.contains("<option value=\"shop\" selected>Shops</option>"), "{html}");
    assert!(html.contains("href=\"./?category=shop&amp;q=so%26nne&amp;after=c+2\" rel=\"next\""), "{html}");
    assert!(html.contains("href=\"./suggestions\">Suggest a business</a>") && !html.contains("./new"), "{html}");
    let none = browse::home(&reader, &Listing { filters: &filters, items: Some(&[]), next: None });
    assert!(none.as_str().contains("No business here matches."));
    let staff =
        browse::home(&asking(true, Lang::De, "./"), &Listing { filters: &Filters::default(), items: None, next: None });
    let staff = staff.as_str();
    assert!(staff.contains("href=\"./new\">Betrieb hinzufügen</a>") && staff.contains("note error"), "{staff}");
}

#[test]
fn an_entry_page_links_its_website_safely_and_gives_staff_their_buttons() {
    let html = browse::entry(&asking(false, Lang::En, "../"), &entry_view(Lang::En));
    let html = html.as_str();
    assert!(html.contains("<a href=\"https://sonne.example/\" rel=\"noopener noreferrer\">"), "{html}");
    assert!(html.contains("<p class=\"note\">Open now</p>"), "{html}");
    assert!(html.contains("<dt>Monday</dt><dd>06:30–18:30</dd>") && html.contains("<dt>Tuesday</dt><dd>closed</dd>"));
    assert!(html.contains("Europe/Berlin") && !html.contains("/edit"), "{html}");
    let staff = browse::entry(&asking(true, Lang::De, "../"), &entry_view(Lang::De));
    let staff = staff.as_str();
    assert!(staff.contains("href=\"../entries/e1/edit\">Bearbeiten</a>"), "{staff}");
    assert!(staff.contains("action=\"../entries/e1/delete\""), "{staff}");
    assert!(staff.contains("<dt>Dienstag</dt><dd>geschlossen</dd>"), "{staff}");
}

#[test]
fn a_refused_form_shows_the_problem_at_the_top_and_at_its_field() {
    let typed = DetailsInput { name: "x".into(), website: "javascript:alert(1)".into(), ..DetailsInput::default() };
    let html = FormPage::new_entry(&asking(true, Lang::En, "./"), typed, Some(Problem::Website)).render();
    let html = html.as_str();
    assert!(html.contains("role=\"alert\"") && html.contains("<a href=\"#website\">"), "{html}");
    assert!(html.contains("aria-describedby=\"website-hint website-error\" aria-invalid=\"true\""), "{html}");
    assert!(html.contains("value=\"javascript:alert(1)\""), "what was typed stays: {html}");
    assert!(html.contains("action=\"./entries\" enctype=\"multipart/form-data\""), "{html}");
    for day in ["hours_mon", "hours_sun"] {
        assert!(html.contains(&format!("<label for=\"{day}\">")), "{html}");
    }
}

fn suggestion_view(state: State, reader: &str) -> SuggestionView {
    let suggestion = Suggestion {
        details: bakery(),
        state,
        reason: "Closed down.".into(),
        entry: "e9".into(),
        lang: "en".into(),
        decided: 1,
    };
    SuggestionView::new(&doc("s1", "anna", suggestion), reader, Lang::En)
}

#[test]
fn residents_suggest_and_follow_their_suggestions_and_staff_decide() {
    let views = [suggestion_view(State::Rejected, "anna")];
    let html = suggest::list(&asking(false, Lang::En, "./"), Some(&views), &DetailsInput::default(), None, true);
    let html = html.as_str();
    assert!(html.contains("role=\"status\">Thank you!"), "{html}");
    assert!(html.contains("action=\"./suggestions\"") && html.contains("Send the suggestion"), "{html}");
    assert!(html.contains("Declined") && html.contains("Reason: Closed down."), "{html}");
    assert!(!html.contains("type=\"file\""), "suggestions take no files: {html}");

    let open = suggestion_view(State::Open, "mia");
    let staff = asking(true, Lang::De, "../");
    let page = SuggestionPage { asking: &staff, view: &open, typed: DetailsInput::from(&open.details), problem: None };
    let page = page.render();
    let page = page.as_str();
    assert!(page.contains("action=\"../suggestions/s1/accept\"") && page.contains(">Aufnehmen</button>"), "{page}");
    assert!(page.contains("action=\"../suggestions/s1/reject\"") && page.contains("value=\"Bäckerei &lt;Sonne&gt;\""));
    let refused =
        SuggestionPage { asking: &staff, view: &open, typed: DetailsInput::default(), problem: Some(Problem::Reason) };
    let refused = refused.render();
    assert!(refused.as_str().contains("id=\"reason-error\""), "{}", refused.as_str());

    let resident = asking(false, Lang::En, "../");
    let accepted = suggestion_view(State::Accepted, "anna");
    let page = SuggestionPage { asking: &resident, view: &accepted, typed: DetailsInput::default(), problem: None };
    let page = page.render();
    assert!(page.as_str().contains("href=\"../entries/e9\">Open the entry</a>"), "{}", page.as_str());
    assert!(!page.as_str().contains("/accept"));
}
