//! The pages as people get them: escaped, in their language, with the
//! forms that fit who they are, and never a resident's internal note.

use courtyard_sdk::files::File;
use courtyard_sdk::lang::Lang;
use courtyard_sdk::time::Timestamp;

use super::Flash;
use super::home::Home;
use crate::categories::Categories;
use crate::queue::Filters;
use crate::states::State;
use crate::validate::{Problem, TicketForm};
use crate::views::tests::{caller, note, ticket_doc};
use crate::views::{Detail, MessageView, TicketView};

fn message(text: &str, by_staff: bool, mine: bool, files: Vec<File>) -> MessageView {
    MessageView {
        id: "m1".into(),
        text: text.into(),
        by_staff,
        mine,
        created_at: Timestamp::from_millis(1_796_408_600_000),
        files,
    }
}

fn photo() -> File {
    File {
        id: "f1".into(),
        collection: "messages".into(),
        document: "m1".into(),
        owner: "mia".into(),
        name: "boiler.png".into(),
        media_type: "image/png".into(),
        size: 100,
        created_at: Timestamp::from_millis(0),
        link: "/.files/f1".into(),
    }
}

fn page(reader: &str, staff: bool, owner: &str, state: State, lang: Lang) -> String {
    let who = caller(reader, staff);
    let doc = ticket_doc(owner, "", state);
    let view = TicketView::new(&doc, &who, &Categories::default(), lang);
    let messages = vec![message("<img src=x onerror=alert(1)>", true, false, vec![photo()])];
    let detail = Detail::assemble(view, Vec::new(), messages, Some(vec![note("tenant is difficult")]), &who);
    super::ticket::render(lang, &who, &detail, &Flash::default()).into_string()
}

#[test]
fn a_resident_never_gets_an_internal_note_and_hostile_text_stays_text() {
    for (reader, owner) in [("anna", "anna"), ("ben", "anna")] {
        let html = page(reader, false, owner, State::Open, Lang::En);
        assert!(!html.contains("difficult") && !html.contains("Internal notes") && !html.contains("/notes"), "{html}");
        assert!(html.contains("<h1>Cold &lt;radiator&gt;</h1>"), "{html}");
        assert!(html.contains("Since &quot;Monday&quot; &amp; more"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;") && !html.contains("<img src=x"), "{html}");
        assert!(html.contains("<a href=\"../.files/f1\"><img src=\"../.files/f1\" alt=\"Photo: boiler.png\"></a>"));
        assert!(html.contains("Property management ·"), "{html}");
        assert!(html.contains("action=\"t1/replies\" enctype=\"multipart/form-data\""), "{html}");
        assert!(!html.contains("t1/assign") && !html.contains("new-state"), "no staff forms: {html}");
        assert!(html.contains("<dd>Someone of the management</dd>") || html.contains("<dd>Nobody yet</dd>"));
    }
    let owner = page("anna", false, "anna", State::Open, Lang::En);
    assert!(owner.contains("name=\"state\" value=\"closed\"><button class=\"secondary\">Close the ticket</button>"));
    let flatmate = page("ben", false, "anna", State::Open, Lang::En);
    assert!(!flatmate.contains("t1/state"), "a flatmate changes nothing: {flatmate}");
}

#[test]
fn a_closed_ticket_is_reopened_before_writing_again() {
    let html = page("anna", false, "anna", State::Closed, Lang::De);
    assert!(html.contains("<html lang=\"de\">"), "{html}");
    assert!(html.contains("value=\"open\"><button class=\"secondary\">Meldung wieder öffnen</button>"), "{html}");
    assert!(html.contains("Öffne sie wieder, um zu schreiben.") && !html.contains("t1/replies"), "{html}");
}

#[test]
fn staff_get_the_notes_the_state_form_and_the_assignment() {
    let html = page("mia", true, "anna", State::WaitingResident, Lang::En);
    assert!(html.contains("<h2 id=\"notes\">Internal notes</h2>") && html.contains("tenant is difficult"), "{html}");
    assert!(html.contains("action=\"t1/notes\"") && html.contains("action=\"t1/state\""), "{html}");
    assert!(!html.contains("value=\"waiting_resident\""), "the state it is in is no choice: {html}");
    assert!(html.contains("<option value=\"closed\">Closed</option>"), "{html}");
    assert!(html.contains("name=\"assignee\" value=\"me\"><button class=\"secondary\">Assign to me</button>"));
    assert!(
        html.contains(
            "<li><time datetime=\"2026-12-04T18:20:00.000Z\">4 Dec 2026, 18:20 UTC</time> · Filed · Resident</li>"
        ),
        "{html}"
    );
    assert!(!html.contains("style=") && !html.contains("<script"), "{html}");
}

#[test]
fn a_refused_reply_keeps_what_was_typed_next_to_its_field() {
    let who = caller("anna", false);
    let doc = ticket_doc("anna", "", State::Open);
    let view = TicketView::new(&doc, &who, &Categories::default(), Lang::En);
    let detail = Detail::assemble(view, Vec::new(), Vec::new(), None, &who);
    let flash = Flash { problem: Some((Problem::Text { count: 0 }, "</textarea><b>".into())), unattached: 2 };
    let html = super::ticket::render(Lang::En, &who, &detail, &flash).into_string();
    assert!(html.contains("<a href=\"#text\">Write 1 to 4000 characters; yours has 0.</a>"), "{html}");
    assert!(
        html.contains("aria-describedby=\"text-error\" aria-invalid=\"true\">&lt;/textarea&gt;&lt;b&gt;</textarea>"),
        "{html}"
    );
    assert!(html.contains("Some files could not be attached (2)."), "{html}");
}

fn home(reader: &str, staff: bool, unit: bool, filters: &Filters, problem: Option<(Problem, &TicketForm)>) -> String {
    let mut who = caller(reader, staff);
    if !unit {
        who.unit = None;
    }
    let categories = Categories::default();
    let home = Home { lang: Lang::En, caller: &who, categories: &categories, filters, problem };
    let doc = ticket_doc("anna", "mia", State::WaitingExternal);
    let tickets = [TicketView::new(&doc, &who, &categories, Lang::En)];
    home.render(Some(&tickets), Some("next&1")).into_string()
}

#[test]
fn residents_get_the_form_with_files_and_their_list() {
    let html = home("anna", false, true, &Filters::default(), None);
    assert!(html.contains("<h1>Your tickets</h1>"), "{html}");
    assert!(html.contains("action=\"tickets\" enctype=\"multipart/form-data\""), "{html}");
    assert!(html.contains("<input type=\"file\" id=\"attachment\" name=\"attachment\" multiple accept=\"image/jpeg,image/png,application/pdf\""), "{html}");
    assert!(html.contains("<option value=\"heating\">Heating</option>"), "{html}");
    assert!(html.contains("value=\"unit\" checked>") && !html.contains("value=\"common_area\" checked"), "{html}");
    assert!(html.contains("<h3><a href=\"tickets/t1\">Cold &lt;radiator&gt;</a></h3>"), "{html}");
    assert!(html.contains("Waiting for a third party · Heating · Last activity"), "{html}");
    assert!(!html.contains("filter-state") && !html.contains("settings/categories"), "{html}");
    assert!(html.contains("href=\"?state=active&amp;assignee=anyone&amp;after=next%261\" rel=\"next\""), "{html}");

    let homeless = home("sven", false, false, &Filters::default(), None);
    assert!(!homeless.contains("value=\"unit\"") && homeless.contains("value=\"common_area\" checked>"), "{homeless}");
}

#[test]
fn a_refused_ticket_opens_the_form_again_with_what_was_typed() {
    let typed = TicketForm {
        category: "heating".into(),
        title: "\"><script>".into(),
        description: String::new(),
        location: "common_area".into(),
        place: "Laundry".into(),
    };
    let html = home("anna", false, true, &Filters::default(), Some((Problem::Description { count: 0 }, &typed)));
    assert!(html.contains("<details class=\"compose\" open>"), "{html}");
    assert!(html.contains("<a href=\"#description\">Describe the problem"), "{html}");
    assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;\"") && !html.contains("\"><script>"), "{html}");
    assert!(html.contains("aria-describedby=\"description-hint description-error\" aria-invalid=\"true\""), "{html}");
    assert!(html.contains("<option value=\"heating\" selected>") && html.contains("value=\"common_area\" checked>"));
    assert!(html.contains("value=\"Laundry\""), "{html}");
}

#[test]
fn staff_get_the_queue_with_its_filters_kept_in_the_pager() {
    let filters = Filters::parse("state=waiting_external&category=heating&assignee=me", true).unwrap();
    let html = home("mia", true, false, &filters, None);
    assert!(html.contains("<h1>Ticket queue</h1>") && !html.contains("enctype"), "{html}");
    assert!(html.contains("<option value=\"waiting_external\" selected>"), "{html}");
    assert!(html.contains("<option value=\"heating\" selected>") && html.contains("<option value=\"me\" selected>"));
    assert!(html.contains("Assigned to: You"), "{html}");
    assert!(html.contains("href=\"?state=waiting_external&amp;assignee=me&amp;category=heating&amp;after=next%261\""));
    assert!(html.contains("<a href=\"settings/categories\">Edit the categories</a>"), "{html}");
}

#[test]
fn the_categories_page_shows_the_lines_and_the_problem() {
    let html = super::settings::render(Lang::De, "a | <A> | A\n", Some(Problem::CategoryLine { line: 1 }), false);
    let html = html.into_string();
    assert!(html.contains("<h1>Kategorien der Meldungen</h1>"), "{html}");
    assert!(html.contains(">a | &lt;A&gt; | A\n</textarea>"), "{html}");
    assert!(html.contains("<a href=\"#categories\">Zeile 1 lautet nicht"), "{html}");
    let saved = super::settings::render(Lang::En, "", None, true).into_string();
    assert!(saved.contains("The categories are saved."), "{saved}");
}
