//! The form for a resource's rules: to add one, and to change one.

use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::Lang;
use courtyard_sdk::{attributes, html};

use crate::clock::ZONES;
use crate::resource::{MAX_DESCRIPTION, MAX_NAME, ResourceForm, SettingProblem};
use crate::texts;

/// `form` in a `details` that opens like a button, open when `open`.
pub fn details(summary: &str, open: bool, form: Html) -> Html {
    let open = if open { attributes!(" open") } else { Attributes::new() };
    html!("<details{}>\n<summary class=\"button\">{}</summary>\n{}</details>\n", open, summary, form)
}

/// The fields of a resource, filled with `typed`, posting to `action`.
pub fn form(lang: Lang, typed: &ResourceForm, problem: Option<SettingProblem>, action: &str, button: &str) -> Html {
    let t = texts::of(lang);
    let s = &t.settings;
    let summary = match problem {
        Some(problem) => html!(
            "<div class=\"note error\" role=\"alert\"><strong>{}</strong>\n<p><a href=\"#{}\">{}</a></p></div>\n",
            t.problem_heading,
            problem.field(),
            problem.message(lang),
        ),
        None => Html::new(),
    };
    let field = |name: &str, label: &str, value: &str, kind: &str| -> Html {
        let wrong = problem.filter(|problem| problem.field() == name);
        let (message, invalid) = match wrong {
            Some(problem) => (
                html!("<span class=\"error-text\" id=\"{}-error\">{}</span>\n", name, problem.message(lang)),
                attributes!(" aria-invalid=\"true\" aria-describedby=\"{}-error\"", name),
            ),
            None => (Html::new(), Attributes::new()),
        };
        let limits = match kind {
            "number" => attributes!(" type=\"number\" inputmode=\"numeric\" min=\"0\""),
            "name" => attributes!(" required maxlength=\"{}\"", MAX_NAME),
            _ => Attributes::new(),
        };
        html!(
            "<label for=\"{}\">{}</label>\n{}<input id=\"{}\" name=\"{}\"{}{} value=\"{}\">\n",
            name,
            label,
            message,
            name,
            name,
            limits,
            invalid,
            value
        )
    };
    let mut fields = field("name", s.name, &typed.name, "name");
    fields.push(html!(
        "<label for=\"description\">{}</label>\n<textarea id=\"description\" name=\"description\" rows=\"3\" maxlength=\"{}\">{}</textarea>\n",
        s.description,
        MAX_DESCRIPTION,
        typed.description
    ));
    let names = ["hours_mon", "hours_tue", "hours_wed", "hours_thu", "hours_fri", "hours_sat", "hours_sun"];
    let hours: Html = names
        .iter()
        .zip(typed.hours())
        .zip(t.weekdays)
        .map(|((name, value), weekday)| field(name, weekday, value, "text"))
        .collect();
    fields.push(html!(
        "<fieldset>\n<legend>{}</legend>\n<p class=\"hint\">{}</p>\n{}</fieldset>\n",
        s.hours,
        s.hours_hint,
        hours
    ));
    fields.push(field("slot_minutes", s.slot_minutes, &typed.slot_minutes, "number"));
    fields.push(field("max_slots", s.max_slots, &typed.max_slots, "number"));
    fields.push(field("horizon_days", s.horizon_days, &typed.horizon_days, "number"));
    fields.push(field("quota", s.quota, &typed.quota, "number"));
    fields.push(field("cancel_hours", s.cancel_hours, &typed.cancel_hours, "number"));
    let zones: Html = ZONES
        .iter()
        .map(|zone| {
            let selected = if zone.name() == typed.time_zone { attributes!(" selected") } else { Attributes::new() };
            html!("<option value=\"{}\"{}>{}</option>", zone.name(), selected, zone.name())
        })
        .collect();
    fields.push(html!(
        "<label for=\"time_zone\">{}</label>\n<select id=\"time_zone\" name=\"time_zone\">{}</select>\n",
        s.time_zone,
        zones
    ));
    let archived = if typed.archived.is_empty() { Attributes::new() } else { attributes!(" checked") };
    fields.push(html!(
        "<p><input type=\"checkbox\" id=\"archived\" name=\"archived\" value=\"on\"{}> <label for=\"archived\">{}</label></p>\n",
        archived,
        s.archived
    ));
    html!(
        "<form class=\"card\" method=\"post\" action=\"{}\" aria-label=\"{}\">\n{}{}<button>{}</button>\n</form>\n",
        action,
        button,
        summary,
        fields,
        button
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_shows_what_was_typed_escaped_and_ties_the_problem_to_its_field() {
        let typed =
            ResourceForm { name: "\"><script>x</script>".into(), hours_wed: "nope".into(), ..ResourceForm::blank() };
        let html = form(Lang::En, &typed, Some(SettingProblem::Hours(2)), "resources", "Add");
        let html = html.as_str();
        assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("<a href=\"#hours_wed\">Write the hours of Wednesday"), "{html}");
        assert!(html.contains("id=\"hours_wed\" name=\"hours_wed\" aria-invalid=\"true\" aria-describedby=\"hours_wed-error\" value=\"nope\""), "{html}");
        assert!(html.contains("<option value=\"Europe/Berlin\" selected>"), "{html}");
        assert!(html.contains("<label for=\"hours_mon\">Monday</label>"), "{html}");
    }
}
