//! The pages as people get them: escaped, in their language, with
//! "Report" next to what others wrote and the forms that fit how two
//! neighbours stand.

use courtyard_sdk::context::Caller;
use courtyard_sdk::lang::Lang;
use courtyard_sdk::time::Timestamp;

use super::*;
use crate::blocks::Standing;
use crate::profiles::Sort;
use crate::validate::ProfileForm;
use crate::views::{ConversationView, MessageView, Other, ProfileView};

fn asking(lang: Lang, root: &str) -> Asking {
    let caller = Caller {
        subject: Some("anna".into()),
        property: Some("p".into()),
        roles: vec!["resident".into()],
        staff: false,
        unit: Some("u1".into()),
        locale: lang.code().into(),
        request_id: "r".into(),
    };
    Asking { caller, lang, page: true, root: root.into() }
}

fn ben() -> ProfileView {
    ProfileView {
        id: "p2".into(),
        subject: "ben".into(),
        name: "Ben <b>".into(),
        intro: Some("I bake \"bread\".".into()),
        interests: vec!["Baking".into(), "Chess".into()],
        floor: None,
        mine: false,
        created_at: Timestamp::from_millis(0),
        updated_at: Timestamp::from_millis(0),
    }
}

fn message(id: &str, mine: bool, text: &str) -> MessageView {
    MessageView {
        id: id.into(),
        conversation: "c1".into(),
        from: if mine { "anna" } else { "ben" }.into(),
        mine,
        text: text.into(),
        created_at: Timestamp::from_millis(1_796_408_400_000),
    }
}

#[test]
fn a_neighbours_profile_shows_the_chosen_fields_escaped_with_write_block_and_report() {
    let html = profile(&asking(Lang::En, "../"), &ben()).into_string();
    assert!(html.contains("<h1>Ben &lt;b&gt;</h1>"), "{html}");
    assert!(html.contains("I bake &quot;bread&quot;.") && html.contains("<dd>Baking, Chess</dd>"), "{html}");
    assert!(!html.contains("Floor"), "a field not chosen is not shown: {html}");
    assert!(html.contains("href=\"../conversations/with/ben\">Write to Ben &lt;b&gt;</a>"), "{html}");
    assert!(html.contains("action=\"../blocks\"") && html.contains("name=\"subject\" value=\"ben\""), "{html}");
    assert!(html.contains("href=\"/moderation/report/neighbors/profiles/p2\">Report"), "{html}");
    let own = profile(&asking(Lang::De, "../"), &ProfileView { mine: true, ..ben() }).into_string();
    assert!(own.contains("<html lang=\"de\">") && own.contains("So sehen deine Nachbarn dein Profil."), "{own}");
    assert!(!own.contains("/moderation/report") && !own.contains("blocks"), "{own}");
}

#[test]
fn the_list_offers_both_orders_and_pages_on() {
    let items = [ben()];
    let list = Neighbours { items: &items, next: Some("c/2"), sort: Sort::Newest, paged: true };
    let html = neighbours(&asking(Lang::En, "./"), &list, None).into_string();
    assert!(html.contains("<a href=\"?sort=name\">By name</a> · <strong>Newest first</strong>"), "{html}");
    assert!(html.contains("href=\"?sort=newest&amp;after=c%2F2\" rel=\"next\""), "{html}");
    assert!(html.contains("href=\"./profiles/p2\">Ben &lt;b&gt;</a>"), "{html}");
    assert!(html.contains("You are not visible to your neighbours."), "{html}");
    let empty = Neighbours { items: &[], next: None, sort: Sort::Name, paged: false };
    let html = neighbours(&asking(Lang::De, "./"), &empty, Some(&ProfileView { mine: true, ..ben() })).into_string();
    assert!(html.contains("Deine Nachbarn sehen dich als Ben &lt;b&gt;.") && html.contains("Noch ist kein"));
}

#[test]
fn the_own_profile_form_keeps_what_was_typed_and_ties_the_problem_to_its_field() {
    let typed = ProfileForm { name: String::new(), intro: "<i>hi</i>".into(), ..ProfileForm::default() };
    let flash = ProfileFlash { problem: Some(Problem::Name), ..ProfileFlash::default() };
    let html = own_profile(&asking(Lang::En, "./"), None, &typed, &flash).into_string();
    assert!(html.contains("<a href=\"#name\">Give a name of 1 to 60 characters.</a>"), "{html}");
    assert!(html.contains("aria-describedby=\"name-hint name-error\" aria-invalid=\"true\" value=\"\""), "{html}");
    assert!(html.contains("&lt;i&gt;hi&lt;/i&gt;</textarea>"), "{html}");
    assert!(!html.contains("profile/delete"), "nobody to delete yet: {html}");
}

#[test]
fn a_conversation_reports_only_the_other_persons_messages_and_fits_the_standing() {
    let with = Other { subject: "ben".into(), name: "Ben".into() };
    let items = [message("m2", false, "<script>x</script>"), message("m1", true, "Hallo")];
    let talk = |standing| Talk {
        id: "c1",
        with: &with,
        standing,
        items: &items,
        next: Some("n"),
        paged: false,
        typed: "Sofa",
        problem: None,
    };
    let html = conversation(&asking(Lang::En, "../"), &talk(Standing::Free)).into_string();
    assert!(html.contains("&lt;script&gt;x&lt;/script&gt;") && !html.contains("<script>"), "{html}");
    assert_eq!(html.matches("/moderation/report/neighbors/messages/").count(), 1, "{html}");
    assert!(html.contains("/moderation/report/neighbors/messages/m2"), "{html}");
    assert!(html.contains("action=\"../conversations/c1/messages\"") && html.contains(">Sofa</textarea>"), "{html}");
    assert!(html.contains("href=\"../conversations/c1?after=n\" rel=\"next\">Older messages"), "{html}");
    let blocked = conversation(&asking(Lang::En, "../"), &talk(Standing::Blocked(Timestamp::from_millis(0))));
    let blocked = blocked.into_string();
    assert!(blocked.contains("You blocked this neighbour.") && blocked.contains("blocks/ben/delete"), "{blocked}");
    assert!(!blocked.contains("/messages\""), "{blocked}");
    let by = conversation(&asking(Lang::De, "../"), &talk(Standing::BlockedBy)).into_string();
    assert!(by.contains("Du kannst diesem Nachbarn nicht schreiben.") && !by.contains("<textarea"), "{by}");
    assert!(!by.contains("blockiert"), "who blocked whom is not told: {by}");
}

#[test]
fn the_start_form_is_prefilled_and_the_list_previews_the_newest_message() {
    let with = Other { subject: "ben".into(), name: "Ben".into() };
    let html = start(&asking(Lang::En, "../../"), &with, "About: Sofa \"free\"", None).into_string();
    assert!(html.contains("<h1>Write to Ben</h1>") && html.contains("action=\"../../conversations\""), "{html}");
    assert!(html.contains("name=\"to\" value=\"ben\"") && html.contains(">About: Sofa &quot;free&quot;</textarea>"));
    let items = [ConversationView {
        id: "c1".into(),
        with: with.clone(),
        started_by_me: false,
        last: Some(message("m1", false, &format!("{}\nsecond line", "x".repeat(200)))),
        created_at: Timestamp::from_millis(0),
    }];
    let list = conversations(&asking(Lang::En, "./"), &items, None, false).into_string();
    assert!(list.contains("<a href=\"./conversations/c1\">Ben</a>") && list.contains("…"), "{list}");
    assert!(!list.contains("second line"), "{list}");
}

#[test]
fn a_refusal_is_a_page_in_the_persons_language() {
    let response = refusal(&asking(Lang::De, "../"), &Error::Denied("Nein.".into()));
    let html = String::from_utf8(response.body).unwrap();
    assert_eq!(response.status, 403);
    assert!(html.contains("<h1>Das ging nicht</h1>") && html.contains("Nein.") && html.contains("href=\"../\""));
    assert_eq!(refusal(&asking(Lang::En, "./"), &Error::NotFound).status, 404);
}
