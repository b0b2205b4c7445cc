//! The pages as people get them: escaped, in their language, grouped A to
//! Z, and with staff's forms for staff only.

use courtyard_sdk::context::Caller;
use courtyard_sdk::files::File;
use courtyard_sdk::lang::Lang;
use courtyard_sdk::time::Timestamp;

use super::Flash;
use crate::Asking;
use crate::announce::Announced;
use crate::model::Category;
use crate::validate::{EntryForm, Problem};
use crate::views::EntryView;
use crate::views::tests::doc;

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

fn view(id: &str, title: &str, category: Category, date: Option<&str>, lang: Lang) -> EntryView {
    EntryView::new(&doc(id, title, category, date, if date.is_some() { "8–12" } else { "" }), lang)
}

fn pdf() -> File {
    File {
        id: "f1".into(),
        collection: "entries".into(),
        document: "e1".into(),
        owner: "mia".into(),
        name: "Plan <1>.pdf".into(),
        media_type: "application/pdf".into(),
        size: 100,
        created_at: Timestamp::from_millis(0),
        link: "/.files/f1".into(),
    }
}

#[test]
fn the_index_groups_titles_by_letter_with_umlauts_and_hash_and_escapes_them() {
    let entries = [
        view("e1", "Müllabfuhr", Category::Waste, None, Lang::De),
        view("e2", "<script>Ärger</script>", Category::Other, None, Lang::De),
        view("e3", "12 März: Wasser", Category::Dates, Some("2027-03-12"), Lang::De),
        view("e4", "Mieterwechsel", Category::Contacts, None, Lang::De),
    ];
    let mut sorted = entries.to_vec();
    sorted.sort_by(|a, b| crate::alphabet::compare(&a.title, &b.title));
    let html = super::index::home(&asking(false, Lang::De, "./"), Some((&sorted, false)), &entries[2..3], false);
    let html = html.into_string();
    assert!(html.contains("<html lang=\"de\">") && html.contains("<h1>Informationen zum Haus</h1>"), "{html}");
    let letters: Vec<usize> =
        ["id=\"letter-M\"", "id=\"letter-other\""].iter().map(|id| html.find(id).unwrap()).collect();
    assert!(letters[0] < letters[1], "# comes after the letters: {html}");
    assert!(html.find("Mieterwechsel").unwrap() < html.find("Müllabfuhr").unwrap(), "Mi before Mü: {html}");
    assert!(!html.contains("<h3 id=\"letter-O\">"), "{html}");
    assert!(html.contains("&lt;script&gt;Ärger&lt;/script&gt;") && !html.contains("<script>"), "{html}");
    assert!(html.contains("<a href=\"#letter-M\">M</a>") && html.contains("<a href=\"#letter-other\">#</a>"));
    assert!(html.contains("<a href=\"./entries/e1\">Müllabfuhr</a>"), "{html}");
    assert!(html.contains("Termine · Fr., 12. März 2027, 8–12"), "{html}");
    assert!(html.contains("href=\"./entries?category=floor_plans\">Grundrisse</a>"), "{html}");
    assert!(html.contains("action=\"./entries\" role=\"search\""), "{html}");
    assert!(!html.contains("entries/new"), "no staff link for residents: {html}");
    assert!(!html.contains("style=") && !html.contains("<script"), "{html}");
}

#[test]
fn staff_get_the_link_to_a_new_entry_and_empty_or_failed_lists_say_so() {
    let staff = super::index::home(&asking(true, Lang::En, "./"), Some((&[], false)), &[], true).into_string();
    assert!(staff.contains("<a class=\"button\" href=\"./entries/new\">New entry</a>"), "{staff}");
    assert!(staff.contains("Nothing has been published yet.") && staff.contains("No dates coming up."), "{staff}");
    assert!(staff.contains("The entry is deleted."), "{staff}");
    let failed = super::index::home(&asking(false, Lang::En, "./"), None, &[], false).into_string();
    assert!(failed.contains("cannot be shown right now"), "{failed}");
}

#[test]
fn search_results_keep_the_search_and_say_how_many_were_found() {
    let found = [view("e1", "Müllabfuhr", Category::Waste, None, Lang::En)];
    let html = super::index::results(&asking(false, Lang::En, "./"), "\"müll\"", None, &found, true).into_string();
    assert!(html.contains("<h1>Results for “&quot;müll&quot;”</h1>"), "{html}");
    assert!(html.contains("value=\"&quot;müll&quot;\"") && html.contains("Found: 1"), "{html}");
    assert!(html.contains("Only the first 1000 entries were looked through."), "{html}");
    assert!(html.contains("<h2 id=\"index\">A to Z</h2>") && html.contains("<h3 id=\"letter-M\">M</h3>"), "{html}");
    let none = super::index::results(&asking(false, Lang::De, "./"), "", Some(Category::Waste), &[], false);
    let none = none.into_string();
    assert!(none.contains("<h1>Entsorgung</h1>") && none.contains("Nichts gefunden."), "{none}");
    assert!(none.contains("name=\"category\" value=\"waste\""), "the search stays in the category: {none}");
}

#[test]
fn upcoming_dates_are_listed_in_the_order_given() {
    let dates = [
        view("e1", "Water off", Category::Dates, Some("2027-03-12"), Lang::En),
        view("e2", "Chimney sweep", Category::Dates, Some("2027-04-02"), Lang::En),
    ];
    let html = super::index::upcoming(&asking(false, Lang::En, "./"), &dates).into_string();
    assert!(html.contains("<h1>Upcoming dates</h1>") && html.contains("<ol class=\"cards\""), "{html}");
    assert!(html.find("Water off").unwrap() < html.find("Chimney sweep").unwrap(), "{html}");
    assert!(html.contains("Dates · Fri, 12 Mar 2027, 8–12"), "{html}");
}

#[test]
fn an_entry_shows_paragraphs_files_and_for_staff_only_the_changes() {
    let entry = view("e1", "Water off", Category::Dates, Some("2027-03-12"), Lang::En).with_files(vec![pdf()]);
    let resident = super::entry::render(&asking(false, Lang::En, "../"), &entry, &Flash::default()).into_string();
    assert!(resident.contains("<h1>Water off</h1>"), "{resident}");
    assert!(resident.contains("<p class=\"body\">First &lt;b&gt;paragraph&lt;/b&gt;.\nSame one.</p>"), "{resident}");
    assert!(resident.contains("<p class=\"body\">Second &amp; last, see https://example.org</p>"), "{resident}");
    assert!(!resident.contains("href=\"https://example.org"), "links are not made: {resident}");
    assert!(resident.contains("<a href=\"../.files/f1\" download>Plan &lt;1&gt;.pdf (PDF)</a>"), "{resident}");
    assert!(resident.contains("<time datetime=\"2027-03-12\">Fri, 12 Mar 2027, 8–12</time>"), "{resident}");
    assert!(!resident.contains("/edit") && !resident.contains("/delete"), "{resident}");

    let flash = Flash { announced: Announced::Notified(7), unattached: 1 };
    let staff = super::entry::render(&asking(true, Lang::En, "../"), &entry, &flash).into_string();
    assert!(staff.contains("Notified 7 people.") && staff.contains("Some files could not be attached (1)."));
    assert!(staff.contains("href=\"../entries/e1/edit\">Edit</a>"), "{staff}");
    assert!(staff.contains("action=\"../entries/e1/delete\"><button class=\"danger\">Delete the entry</button>"));
    let limited = Flash { announced: Announced::Limit, unattached: 0 };
    let staff = super::entry::render(&asking(true, Lang::De, "../"), &entry, &limited).into_string();
    assert!(staff.contains("class=\"note error\" role=\"status\">Der Eintrag ist gespeichert"), "{staff}");
}

#[test]
fn the_form_ties_a_problem_to_its_field_and_keeps_what_was_typed() {
    let typed = EntryForm {
        title: "\"><script>".into(),
        category: "dates".into(),
        body: "</textarea><b>".into(),
        date: "12.03.2027".into(),
        time: "8–12".into(),
        notify: "1".into(),
        revision: String::new(),
    };
    let html = super::form::render(&asking(true, Lang::En, "./"), None, &typed, Some(&Problem::Date)).into_string();
    assert!(html.contains("<h1 id=\"form-heading\">New entry</h1>"), "{html}");
    assert!(html.contains("<a href=\"#date\">Give the date as YYYY-MM-DD"), "{html}");
    assert!(html.contains("aria-describedby=\"date-hint date-error\" aria-invalid=\"true\" value=\"12.03.2027\""));
    assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;\"") && !html.contains("\"><script>"), "{html}");
    assert!(html.contains(">&lt;/textarea&gt;&lt;b&gt;</textarea>"), "{html}");
    assert!(html.contains("<option value=\"dates\" selected>Dates</option>"), "{html}");
    assert!(html.contains("name=\"notify\" value=\"1\" aria-describedby=\"notify-hint\" checked>"), "{html}");
    assert!(html.contains("action=\"./entries\" enctype=\"multipart/form-data\""), "{html}");
    assert!(html.contains("accept=\"image/jpeg,image/png,application/pdf\""), "{html}");
    assert!(!html.contains("name=\"revision\""), "{html}");
}

#[test]
fn the_edit_form_carries_the_revision_and_offers_to_remove_files() {
    let entry = view("e1", "Water off", Category::Dates, Some("2027-03-12"), Lang::De).with_files(vec![pdf()]);
    let typed = EntryForm { title: "Water off".into(), revision: "2".into(), ..EntryForm::default() };
    let html = super::form::render(&asking(true, Lang::De, "../../"), Some(&entry), &typed, Some(&Problem::Changed));
    let html = html.into_string();
    assert!(html.contains("<h1 id=\"form-heading\">Eintrag bearbeiten</h1>"), "{html}");
    assert!(html.contains("action=\"../../entries/e1\" enctype"), "{html}");
    assert!(html.contains("<input type=\"hidden\" name=\"revision\" value=\"2\">"), "{html}");
    assert!(html.contains("Jemand anderes hat diesen Eintrag inzwischen geändert."), "{html}");
    assert!(!html.contains("title-error"), "a change in between is no field's fault: {html}");
    assert!(html.contains("action=\"../../entries/e1/files/f1/delete\""), "{html}");
    assert!(html.contains(">Plan &lt;1&gt;.pdf entfernen</button>"), "{html}");
}
