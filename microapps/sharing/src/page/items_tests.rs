use courtyard_sdk::lang::Lang;

use super::*;
use crate::asking_for;
use crate::views::tests::doc;

fn drill(owner: &str) -> ItemView {
    let item = crate::model::Item {
        name: "Drill <Bosch>".into(),
        description: "With bits.".into(),
        category: "tools".into(),
        max_days: 3,
        available: true,
        withdrawn: false,
    };
    let mut view = ItemView::new(&doc("i1", owner, 0, item), "ben");
    view.owner_name = Some("Anna".into());
    view.photo = Some("/.files/f1".into());
    view
}

#[test]
fn a_neighbour_sees_the_thing_the_request_form_message_and_report() {
    let asking = asking_for("ben", Lang::En, "../");
    let html = item(&asking, &drill("anna"), &Flash::default());
    let html = html.as_str();
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert!(html.contains("<h1>Drill &lt;Bosch&gt;</h1>"), "{html}");
    assert!(html.contains("<img src=\"../.files/f1\" alt=\"Photo of Drill &lt;Bosch&gt;\">"), "{html}");
    assert!(html.contains("action=\"i1/loans\""), "{html}");
    assert!(
        html.contains("<label for=\"from\">From</label>") && html.contains("<label for=\"due\">Due back on</label>")
    );
    assert!(html.contains("href=\"/apps/neighbors/conversations/with/anna?about=Drill+%3CBosch%3E\">Message Anna</a>"));
    assert!(html.contains("href=\"/moderation/report/sharing/items/i1\">Report</a>"), "{html}");
    assert!(!html.contains("withdraw"), "{html}");
}

#[test]
fn the_owner_changes_and_withdraws_it_in_german() {
    let asking = asking_for("ben", Lang::De, "../");
    let html = item(&asking, &drill("ben"), &Flash::default());
    let html = html.as_str();
    assert!(html.contains("<html lang=\"de\">") && html.contains("Du verleihst das."), "{html}");
    assert!(html.contains("action=\"i1/withdraw\"") && html.contains(">Zurückziehen</button>"), "{html}");
    assert!(html.contains("value=\"Drill &lt;Bosch&gt;\""), "{html}");
    assert!(!html.contains("Melden") && !html.contains("/loans\""), "{html}");
}

#[test]
fn a_refused_request_names_the_field() {
    let asking = asking_for("ben", Lang::En, "../");
    let typed = LoanForm { from: "2020-01-01".into(), due: "2020-01-02".into(), note: String::new() };
    let flash = Flash { loan: Some((&Problem::Past, &typed)), ..Flash::default() };
    let html = item(&asking, &drill("anna"), &flash);
    let html = html.as_str();
    assert!(html.contains("role=\"alert\"") && html.contains("<a href=\"#from\">That day is over."), "{html}");
    assert!(html.contains("value=\"2020-01-01\" required aria-invalid=\"true\" aria-describedby=\"from-error\""));
}

#[test]
fn browsing_lists_things_with_a_filter_and_the_offer_form() {
    let asking = asking_for("ben", Lang::En, "./");
    let items = [drill("anna")];
    let page = Browse {
        asking: &asking,
        items: Some(&items),
        next: Some("c2"),
        category: Some("tools"),
        typed: &ItemForm::default(),
        problem: None,
    };
    let html = page.render();
    let html = html.as_str();
    assert!(html.contains("<a href=\"./items/i1\">Drill &lt;Bosch&gt;</a>"), "{html}");
    assert!(html.contains("Tools · Lent by Anna"), "{html}");
    assert!(html.contains("<option value=\"tools\" selected>Tools</option>"), "{html}");
    assert!(html.contains("href=\"./?after=c2&amp;category=tools\""), "{html}");
    assert!(html.contains("action=\"./items\" enctype=\"multipart/form-data\""), "{html}");
    assert!(!html.contains("<details class=\"card\" open>"), "{html}");
    let empty = Browse { items: Some(&[]), next: None, ..page };
    assert!(empty.render().as_str().contains("Nothing to borrow here yet."));
}
