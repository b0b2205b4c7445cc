//! The pages as people get them: in their language, with markup typed by
//! neighbours shown as text, links relative to where each page lives, and
//! the right actions for the seller and for a neighbour.

use courtyard_sdk::lang::Lang;

use super::tests::file;
use super::{browse, form, listing, mine};
use crate::browse::Filters;
use crate::model::tests::{NOW, bike};
use crate::model::{Kind, State};
use crate::validate::{ListingForm, Problem};
use crate::views::ListingView;
use crate::views::tests::doc;

fn view(reader: &str) -> ListingView {
    let mut listing = bike();
    listing.title = "Bike <script>".to_owned();
    listing.description = "Red & \"fast\"".to_owned();
    let mut view = ListingView::new(&doc("anna", listing), Some(reader), NOW);
    view.photos = Some(vec![file("bike.jpg", "image/jpeg", "/.files/f1")]);
    view.seller_name = Some("Anna <A.>".to_owned());
    view
}

#[test]
fn a_neighbour_sees_the_price_the_seller_and_a_way_to_write_and_report_but_no_email() {
    let html = listing::render(Lang::En, &view("ben"), 0).into_string();
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert!(html.contains("<h1>Bike &lt;script&gt;</h1>") && !html.contains("<script"), "{html}");
    assert!(html.contains("<dd>CHF 80.00</dd>") && html.contains("<dd>Anna &lt;A.&gt;</dd>"), "{html}");
    assert!(html.contains("<p class=\"body\">Red &amp; &quot;fast&quot;</p>"), "{html}");
    assert!(
        html.contains(
            "<a class=\"button contact\" href=\"/apps/neighbors/conversations/with/anna?about=Bike+%3Cscript%3E\""
        ),
        "{html}"
    );
    assert!(html.contains("href=\"/moderation/report/marketplace/listings/l1\">Report</a>"), "{html}");
    assert!(
        html.contains("<a href=\"../.files/f1\"><img src=\"../.files/f1\" alt=\"Photo 1 of Bike &lt;script&gt;\">")
    );
    assert!(!html.contains("/state") && !html.contains("/edit") && !html.contains("@"), "{html}");
}

#[test]
fn the_seller_gets_the_states_edit_renew_and_delete_but_no_contact_or_report_in_german() {
    let html = listing::render(Lang::De, &view("anna"), 2).into_string();
    assert!(html.contains("<html lang=\"de\">") && html.contains("<dd>Du</dd>"), "{html}");
    assert!(html.contains("action=\"l1/state\"><input type=\"hidden\" name=\"state\" value=\"reserved\">"), "{html}");
    assert!(html.contains("value=\"gone\"><button class=\"\">Als verkauft markieren</button>"), "{html}");
    assert!(!html.contains("value=\"available\""), "{html}");
    assert!(html.contains("action=\"l1/renew\"") && html.contains("action=\"l1/delete\""), "{html}");
    assert!(html.contains("href=\"l1/edit\">Bearbeiten</a>"), "{html}");
    assert!(!html.contains("neighbors") && !html.contains("moderation"), "{html}");
    assert!(html.contains("Einige Fotos konnten nicht angehängt werden (2)"), "{html}");
}

#[test]
fn a_gone_listing_offers_no_contact_and_no_more_states() {
    let mut theirs = view("ben");
    theirs.state = State::Gone;
    let html = listing::render(Lang::En, &theirs, 0).into_string();
    assert!(html.contains("<dd>Sold</dd>") && !html.contains("Contact the seller"), "{html}");
    let mut mine = view("anna");
    mine.state = State::Gone;
    let html = listing::render(Lang::En, &mine, 0).into_string();
    assert!(!html.contains("/state"), "{html}");
}

#[test]
fn the_market_lists_cards_with_a_thumbnail_and_the_filter_keeps_the_kind() {
    let card = (view("ben"), Some(file("bike.jpg", "image/jpeg", "/.files/f1")));
    let mut free = view("ben");
    free.kind = Kind::Free;
    free.price_cents = None;
    free.id = "l2".to_owned();
    let filters = Filters { kind: Some(Kind::Free), after: None };
    let html = browse::render(Lang::En, &filters, Some(&[card, (free, None)]), Some("c&1")).into_string();
    assert!(html.contains("<h3><a href=\"listings/l1\">Bike &lt;script&gt;</a></h3>"), "{html}");
    assert!(html.contains("<img src=\".files/f1\" alt=\"Photo 1 of Bike &lt;script&gt;\">"), "{html}");
    assert!(html.contains("For sale · CHF 80.00 · Available") && html.contains("Free to give away · Free"), "{html}");
    assert!(html.contains("<option value=\"free\" selected>Free to give away</option>"), "{html}");
    assert!(html.contains("href=\"?kind=free&amp;after=c%261\" rel=\"next\""), "{html}");
    assert!(html.contains("href=\"new\">New listing</a>") && html.contains("href=\"mine\">My listings</a>"));
    let empty = browse::render(Lang::De, &Filters::default(), Some(&[]), None).into_string();
    assert!(empty.contains("Gerade ist nichts inseriert.") && empty.contains("<h1>Marktplatz</h1>"), "{empty}");
    let broken = browse::render(Lang::En, &Filters::default(), None, None).into_string();
    assert!(broken.contains("cannot be shown right now"), "{broken}");
}

#[test]
fn my_listings_mark_the_expired_ones_and_offer_to_renew_them() {
    let fresh = view("anna");
    let mut old = view("anna");
    old.id = "l0".to_owned();
    old.expired = true;
    let html = mine::render(Lang::En, Some(&[fresh, old]), false, None).into_string();
    assert!(html.contains("action=\"listings/l0/renew\"") && !html.contains("listings/l1/renew"), "{html}");
    assert!(html.contains("action=\"listings/l1/delete\"") && html.contains("action=\"listings/l0/delete\""));
    assert!(html.contains("· Expired ·") || html.contains("Expired <time"), "{html}");
    let none = mine::render(Lang::De, Some(&[]), false, None).into_string();
    assert!(none.contains("Du hast noch nichts inseriert."), "{none}");
}

#[test]
fn a_refused_form_keeps_what_was_typed_and_names_the_field() {
    let typed =
        ListingForm { title: "Bike \"x\"".into(), description: "<b>".into(), kind: "sell".into(), price: "abc".into() };
    let html = form::render(Lang::En, None, &typed, Some(&Problem::Price)).into_string();
    assert!(html.contains("role=\"alert\"") && html.contains("<a href=\"#price\">Write the price"), "{html}");
    assert!(html.contains("value=\"Bike &quot;x&quot;\"") && html.contains(">&lt;b&gt;</textarea>"), "{html}");
    assert!(html.contains("aria-describedby=\"price-hint price-error\" aria-invalid=\"true\" value=\"abc\""));
    assert!(html.contains("action=\"listings\" enctype=\"multipart/form-data\""), "{html}");
    assert!(html.contains("<option value=\"sell\" selected>For sale</option>"), "{html}");
    assert!(html.contains("<label for=\"price\">Price in CHF</label>"), "{html}");
    let edit = form::render(Lang::De, Some("l1"), &typed, Some(&Problem::Kind)).into_string();
    assert!(edit.contains("action=\"../l1\"") && edit.contains("<h1>Inserat bearbeiten</h1>"), "{edit}");
    assert!(edit.contains("aria-describedby=\"kind-error\" aria-invalid=\"true\""), "{edit}");
}

#[test]
fn a_missing_listing_is_a_404_page() {
    let response = listing::missing(Lang::De);
    assert_eq!(response.status, 404);
    assert!(String::from_utf8(response.body).unwrap().contains("Dieses Inserat gibt es nicht"));
}
