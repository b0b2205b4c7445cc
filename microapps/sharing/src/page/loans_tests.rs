use courtyard_sdk::calendar::Date;
use courtyard_sdk::lang::Lang;

use super::*;
use crate::asking_for;
use crate::views::tests::{event, loan as stored_loan};

fn handed_over(reader: &str) -> LoanView {
    let events = [event("anna", 2_000, Step::Accept), event("anna", 3_000, Step::HandOver)];
    let mut view = LoanView::new(&stored_loan(), &events, reader, Date::parse("2027-03-11").unwrap());
    view.other_name = Some(if reader == "ben" { "Anna" } else { "Ben" }.into());
    view
}

#[test]
fn the_borrower_sees_the_state_the_due_day_and_the_history() {
    let asking = asking_for("ben", Lang::En, "../");
    let html = loan(&asking, &handed_over("ben"), None);
    let html = html.as_str();
    assert!(html.contains("<h1>Loan of Drill</h1>"), "{html}");
    assert!(html.contains("<dt>State</dt><dd><strong>Handed over</strong></dd>"), "{html}");
    assert!(html.contains("<dt>Due back</dt><dd>2027-03-12</dd>"), "{html}");
    assert!(html.contains("<dt>Borrower</dt><dd>you</dd>") && html.contains("<dt>Lender</dt><dd>Anna</dd>"));
    assert!(html.contains("Asked to borrow · you</li>") && html.contains("Handed over · Lender</li>"), "{html}");
    assert!(!html.contains("<form"), "the borrower has no step now: {html}");
    assert!(html.contains("/apps/neighbors/conversations/with/anna?about=Drill"), "{html}");
}

#[test]
fn the_lender_gets_the_buttons_in_german() {
    let asking = asking_for("anna", Lang::De, "../");
    let html = loan(&asking, &handed_over("anna"), Some("Heute ging schon eine Erinnerung hinaus."));
    let html = html.as_str();
    assert!(html.contains("<html lang=\"de\">") && html.contains("<dd><strong>Übergeben</strong></dd>"), "{html}");
    assert!(html.contains("action=\"l1/return\"><button class=\"secondary\">Ich habe es zurück</button>"), "{html}");
    assert!(html.contains("action=\"l1/remind\"><button class=\"secondary\">Erinnerung senden</button>"), "{html}");
    assert!(html.contains("role=\"alert\""), "{html}");
}

#[test]
fn the_lists_split_current_and_past_loans() {
    let asking = asking_for("ben", Lang::En, "./");
    let mut cancelled = handed_over("ben");
    cancelled.id = "l2".into();
    cancelled.raw = crate::states::State::Cancelled;
    let html = list(&asking, Party::Borrower, &[handed_over("ben"), cancelled], None);
    let html = html.as_str();
    let current = html.find("id=\"current\"").unwrap();
    let past = html.find("id=\"past\"").unwrap();
    let first = html.find("./loans/l1").unwrap();
    let second = html.find("./loans/l2").unwrap();
    assert!(current < first && first < past && past < second, "{html}");
    assert!(html.contains("<h1>I borrow</h1>"), "{html}");
    let empty = list(&asking, Party::Lender, &[], None);
    assert!(empty.as_str().contains("<h1>I lend</h1>") && empty.as_str().contains("Nothing here."));
}
