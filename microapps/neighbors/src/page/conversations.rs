//! The caller's conversations, one conversation, and the form to start
//! one.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::{attributes, html};

use super::{block_form, field_state, problem_summary, report, unblock_form};
use crate::Asking;
use crate::blocks::Standing;
use crate::texts::{self, Texts};
use crate::validate::{MAX_TEXT, Problem};
use crate::views::{ConversationView, MessageView, Other};

/// How much of the newest message the list shows.
const PREVIEW: usize = 120;

/// The caller's conversations, each with the other person and the newest
/// message.
pub fn conversations(asking: &Asking, items: &[ConversationView], next: Option<&str>, paged: bool) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let mut content = html!(
        "<p><a href=\"{}\">{}</a></p>\n<h1>{}</h1>\n<p class=\"lead\">{}</p>\n",
        root,
        t.all_neighbours,
        t.conversations,
        t.conversations_lead
    );
    if items.is_empty() && !paged {
        content.push(html!("<p class=\"muted\">{}</p>\n", t.no_conversations));
    } else {
        let cards: Html = items
            .iter()
            .map(|item| {
                let last = match &item.last {
                    Some(message) => {
                        let who = if message.mine { t.you.to_owned() } else { item.with.name.clone() };
                        html!(
                            "<p class=\"body\">{}: {}</p>\n<p class=\"meta\">{}</p>\n",
                            who,
                            preview(&message.text),
                            message.created_at.html(asking.lang)
                        )
                    }
                    None => html!("<p class=\"muted\">{}</p>\n", t.no_messages_yet),
                };
                html!(
                    "<li class=\"card\">\n<h2><a href=\"{}conversations/{}\">{}</a></h2>\n{}</li>\n",
                    root,
                    item.id,
                    item.with.name,
                    last
                )
            })
            .collect();
        content.push(html!("<ul class=\"cards\" aria-label=\"{}\">\n{}</ul>\n", t.conversations, cards));
    }
    let first =
        if paged { html!("<a href=\"{}conversations\">{}</a>", root, t.all_conversations) } else { Html::new() };
    let more = match next {
        Some(cursor) => html!(
            "<a href=\"{}conversations?after={}\" rel=\"next\">{}</a>",
            root,
            crate::encode(cursor),
            t.more_conversations
        ),
        None => Html::new(),
    };
    if !first.is_empty() || !more.is_empty() {
        content.push(html!("<nav class=\"pager\" aria-label=\"{}\">{} {}</nav>\n", t.conversations, first, more));
    }
    Frame::new(t.app, asking.lang).page(t.conversations, content)
}

/// The first line of a message, cut short for the list.
fn preview(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= PREVIEW && !text.contains('\n') {
        return line.to_owned();
    }
    let mut cut: String = line.chars().take(PREVIEW).collect();
    cut.push('…');
    cut
}

/// One conversation as its page shows it.
pub struct Talk<'a> {
    pub id: &'a str,
    pub with: &'a Other,
    pub standing: Standing,
    /// The page of messages, newest first.
    pub items: &'a [MessageView],
    pub next: Option<&'a str>,
    pub paged: bool,
    /// What the form holds: a refused message, or `?about=`.
    pub typed: &'a str,
    pub problem: Option<&'a Problem>,
}

/// A conversation: the form to write first (or why one cannot), then the
/// newest messages, newest first, with "Older messages".
pub fn conversation(asking: &Asking, talk: &Talk) -> Html {
    let t = texts::of(asking.lang);
    let lang = asking.lang;
    let root = &asking.root;
    let heading = fill(t.conversation_with, &[("name", &talk.with.name)]);
    let mut content =
        html!("<p><a href=\"{}conversations\">{}</a></p>\n<h1>{}</h1>\n", root, t.all_conversations, heading);
    match talk.standing {
        Standing::Free => {
            let action = format!("{root}conversations/{}/messages", talk.id);
            content.push(message_form(t, lang, &action, None, talk.typed, talk.problem));
            content.push(block_form(t, root, &talk.with.subject, &talk.with.name));
        }
        Standing::Blocked(_) => {
            content.push(html!("<p class=\"note\">{}</p>\n", t.you_blocked));
            content.push(unblock_form(t, root, &talk.with.subject, &talk.with.name));
        }
        Standing::BlockedBy => content.push(html!("<p class=\"note\">{}</p>\n", t.cannot_message)),
    }
    content.push(html!("<h2 id=\"messages\">{}</h2>\n", t.messages));
    if talk.items.is_empty() && !talk.paged {
        content.push(html!("<p class=\"muted\">{}</p>\n", t.no_messages_yet));
    } else {
        let cards: Html = talk.items.iter().map(|message| item(t, lang, talk.with, message)).collect();
        content.push(html!("<ol class=\"cards\" aria-labelledby=\"messages\">\n{}</ol>\n", cards));
    }
    let here = format!("{root}conversations/{}", talk.id);
    let newest = if talk.paged { html!("<a href=\"{}\">{}</a>", here, t.newest_messages) } else { Html::new() };
    let older = match talk.next {
        Some(cursor) => html!("<a href=\"{}?after={}\" rel=\"next\">{}</a>", here, crate::encode(cursor), t.older),
        None => Html::new(),
    };
    if !newest.is_empty() || !older.is_empty() {
        content.push(html!("<nav class=\"pager\" aria-label=\"{}\">{} {}</nav>\n", t.messages, newest, older));
    }
    Frame::new(t.app, lang).page(&heading, content)
}

/// One message: who wrote it and when; the other person's can be reported.
fn item(t: &Texts, lang: Lang, with: &Other, message: &MessageView) -> Html {
    let (who, report) = if message.mine {
        (t.you.to_owned(), Html::new())
    } else {
        (with.name.clone(), html!(" · {}", report(t, "messages", &message.id, &with.name)))
    };
    html!(
        "<li class=\"card\">\n<p class=\"meta\">{} · {}{}</p>\n<p class=\"body\">{}</p>\n</li>\n",
        who,
        message.created_at.html(lang),
        report,
        message.text,
    )
}

/// The form to write: in a conversation, or (with `to`) the first message.
fn message_form(t: &Texts, lang: Lang, action: &str, to: Option<&str>, typed: &str, problem: Option<&Problem>) -> Html {
    let state = field_state(problem, "text", lang);
    let summary = problem.map(|problem| problem_summary(t, problem, lang)).unwrap_or_default();
    let to = match to {
        Some(to) => html!("<input type=\"hidden\" name=\"to\" value=\"{}\">\n", to),
        None => Html::new(),
    };
    html!(
        "{}<form class=\"card\" method=\"post\" action=\"{}\">\n{}\
         <label for=\"text\">{}</label>\n{}\
         <textarea id=\"text\" name=\"text\" rows=\"4\" maxlength=\"{}\" required{}{}>{}</textarea>\n\
         <button>{}</button>\n</form>\n",
        summary,
        action,
        to,
        t.your_message,
        state.message,
        MAX_TEXT,
        described(&state.described_by),
        state.invalid,
        typed,
        t.send,
    )
}

/// `aria-describedby` for a field with a problem, or nothing.
fn described(ids: &str) -> Attributes {
    if ids.is_empty() { Attributes::new() } else { attributes!(" aria-describedby=\"{}\"", ids.trim()) }
}

/// The form to start a conversation with a neighbour, prefilled with what
/// another app asked (`?about=`).
pub fn start(asking: &Asking, with: &Other, typed: &str, problem: Option<&Problem>) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let heading = fill(t.write_to, &[("name", &with.name)]);
    let mut content = html!(
        "<p><a href=\"{}conversations\">{}</a></p>\n<h1>{}</h1>\n<p class=\"lead\">{}</p>\n",
        root,
        t.all_conversations,
        heading,
        t.conversations_lead
    );
    let action = format!("{root}conversations");
    content.push(message_form(t, asking.lang, &action, Some(&with.subject), typed, problem));
    content.push(block_form(t, root, &with.subject, &with.name));
    Frame::new(t.app, asking.lang).page(&heading, content)
}
