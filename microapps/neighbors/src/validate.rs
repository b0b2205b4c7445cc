//! What people type and post, checked before anything is stored.
//!
//! Every refusal is a [`Problem`]: the API answers it as `invalid` (400)
//! with its sentence, a form shows the sentence at the top of the page and
//! next to the field it names.

use courtyard_sdk::lang::{Lang, fill};
use serde::Deserialize;

use crate::model::Profile;
use crate::texts;

pub const MAX_NAME: usize = 60;
pub const MAX_INTRO: usize = 500;
pub const MAX_INTERESTS: usize = 10;
pub const MAX_INTEREST: usize = 30;
pub const MAX_FLOOR: usize = 20;
pub const MAX_TEXT: usize = 4_000;

/// Why something was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No name, or one too long or with control characters.
    Name,
    /// Too long: it has `count` characters.
    Intro {
        count: usize,
    },
    /// Too many tags, or one too long.
    Interests,
    Floor,
    /// A message that is empty or too long: it has `count` characters.
    Text {
        count: usize,
    },
}

impl Problem {
    /// The form field it is about, for the link from the summary.
    pub fn field(&self) -> &'static str {
        match self {
            Problem::Name => "name",
            Problem::Intro { .. } => "intro",
            Problem::Interests => "interests",
            Problem::Floor => "floor",
            Problem::Text { .. } => "text",
        }
    }

    /// The sentence for the person, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = texts::of(lang);
        match self {
            Problem::Name => fill(t.problem_name, &[("max", &MAX_NAME)]),
            Problem::Intro { count } => fill(t.problem_intro, &[("max", &MAX_INTRO), ("count", count)]),
            Problem::Interests => fill(t.problem_interests, &[("max", &MAX_INTERESTS), ("len", &MAX_INTEREST)]),
            Problem::Floor => fill(t.problem_floor, &[("max", &MAX_FLOOR)]),
            Problem::Text { count } => fill(t.problem_text, &[("max", &MAX_TEXT), ("count", count)]),
        }
    }

    pub fn into_error(self, lang: Lang) -> courtyard_sdk::Error {
        courtyard_sdk::Error::Invalid(self.message(lang))
    }
}

/// A profile sent as JSON: interests are a list.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileJson {
    pub name: String,
    pub intro: Option<String>,
    pub interests: Vec<String>,
    pub floor: Option<String>,
}

/// A profile as typed into the form: interests separated by commas.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    pub name: String,
    pub intro: String,
    pub interests: String,
    pub floor: String,
}

impl From<ProfileJson> for ProfileForm {
    fn from(json: ProfileJson) -> ProfileForm {
        ProfileForm {
            name: json.name,
            intro: json.intro.unwrap_or_default(),
            interests: json.interests.join(", "),
            floor: json.floor.unwrap_or_default(),
        }
    }
}

impl ProfileForm {
    /// The form filled in with a stored profile, to edit it.
    pub fn of(profile: &Profile) -> ProfileForm {
        ProfileForm {
            name: profile.name.clone(),
            intro: profile.intro.clone().unwrap_or_default(),
            interests: profile.interests.join(", "),
            floor: profile.floor.clone().unwrap_or_default(),
        }
    }
}

/// Checks the profile of `subject`: a name is required, every other field
/// is shown only when filled in.
pub fn profile(form: &ProfileForm, subject: &str) -> Result<Profile, Problem> {
    let name = line(&form.name, 1, MAX_NAME).ok_or(Problem::Name)?;
    let intro = match text(&form.intro, MAX_INTRO) {
        Ok(intro) => Some(intro),
        Err(0) => None,
        Err(count) => return Err(Problem::Intro { count }),
    };
    let mut interests: Vec<String> = Vec::new();
    for tag in form.interests.split([',', '\n']) {
        let tag = line(tag, 0, MAX_INTEREST).ok_or(Problem::Interests)?;
        if !tag.is_empty() && !interests.iter().any(|known| known.to_lowercase() == tag.to_lowercase()) {
            interests.push(tag);
        }
    }
    if interests.len() > MAX_INTERESTS {
        return Err(Problem::Interests);
    }
    let floor = line(&form.floor, 0, MAX_FLOOR).ok_or(Problem::Floor)?;
    let sort_name = name.to_lowercase();
    Ok(Profile {
        subject: subject.to_owned(),
        name,
        sort_name,
        intro,
        interests,
        floor: (!floor.is_empty()).then_some(floor),
    })
}

/// A message as typed or sent.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TextForm {
    pub text: String,
}

/// A new conversation: whom to write to, and the first message.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct StartForm {
    pub to: String,
    pub text: String,
}

/// Checks the text of a message.
pub fn message(typed: &str) -> Result<String, Problem> {
    text(typed, MAX_TEXT).map_err(|count| Problem::Text { count })
}

/// The text another app asks to start a message with (`?about=`): plain,
/// on one line, and short enough to leave room for the message itself.
pub fn about(typed: &str) -> String {
    let plain: String = typed.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    plain.trim().chars().take(MAX_NAME * 4).collect()
}

/// One line of text: trimmed, `min..=max` characters, no control characters.
pub fn line(typed: &str, min: usize, max: usize) -> Option<String> {
    let trimmed = typed.trim();
    let count = trimmed.chars().count();
    let plain = !trimmed.chars().any(char::is_control);
    (plain && (min..=max).contains(&count)).then(|| trimmed.to_owned())
}

/// Text of 1 to `max` characters with the line breaks people typed (as
/// `\n`) and tabs, and no other control characters. Refused with the
/// number of characters it has (0 when empty).
pub fn text(typed: &str, max: usize) -> Result<String, usize> {
    let normalised = typed.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = normalised.trim();
    let count = trimmed.chars().count();
    let plain = !trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if plain && (1..=max).contains(&count) { Ok(trimmed.to_owned()) } else { Err(count.max(usize::from(!plain))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile_of(form: &ProfileForm) -> Result<Profile, Problem> {
        profile(form, "anna")
    }

    fn form(name: &str, intro: &str, interests: &str, floor: &str) -> ProfileForm {
        ProfileForm { name: name.into(), intro: intro.into(), interests: interests.into(), floor: floor.into() }
    }

    #[test]
    fn only_the_fields_filled_in_are_kept() {
        let only_name = profile_of(&form("  Anna Keller ", " ", "", "")).unwrap();
        assert_eq!(only_name.name, "Anna Keller");
        assert_eq!(only_name.sort_name, "anna keller");
        assert_eq!((only_name.intro, only_name.interests.len(), only_name.floor), (None, 0, None));
        let full = profile_of(&form("Ben", "Hi!\r\nI bake.", "Baking, chess ,baking,,\nCycling", " 3rd ")).unwrap();
        assert_eq!(full.intro.as_deref(), Some("Hi!\nI bake."));
        assert_eq!(full.interests, ["Baking", "chess", "Cycling"]);
        assert_eq!(full.floor.as_deref(), Some("3rd"));
    }

    #[test]
    fn broken_profiles_are_refused_with_the_field_named() {
        let eleven: Vec<String> = (0..11).map(|n| format!("tag{n}")).collect();
        let cases = [
            (form("", "", "", ""), Problem::Name),
            (form(&"é".repeat(61), "", "", ""), Problem::Name),
            (form("a\u{0}b", "", "", ""), Problem::Name),
            (form("Anna", &"x".repeat(501), "", ""), Problem::Intro { count: 501 }),
            (form("Anna", "bell\u{7}", "", ""), Problem::Intro { count: 5 }),
            (form("Anna", "", &eleven.join(","), ""), Problem::Interests),
            (form("Anna", "", &"x".repeat(31), ""), Problem::Interests),
            (form("Anna", "", "", &"9".repeat(21)), Problem::Floor),
        ];
        for (typed, expected) in cases {
            assert_eq!(profile_of(&typed).unwrap_err(), expected, "{typed:?}");
        }
        assert!(profile_of(&form("Anna", &"x".repeat(500), &eleven[..10].join(","), "")).is_ok());
        let json: ProfileJson =
            serde_json::from_value(serde_json::json!({ "name": "A", "interests": ["x", "y"] })).unwrap();
        assert_eq!(ProfileForm::from(json).interests, "x, y");
        assert!(serde_json::from_value::<ProfileJson>(serde_json::json!({ "name": "A", "email": "a@b" })).is_err());
    }

    #[test]
    fn messages_are_one_to_four_thousand_characters() {
        assert_eq!(message(" hello\r\n\tthere ").unwrap(), "hello\n\tthere");
        assert_eq!(message("  ").unwrap_err(), Problem::Text { count: 0 });
        assert_eq!(message(&"x".repeat(4_001)).unwrap_err(), Problem::Text { count: 4_001 });
        assert!(message(&"x".repeat(4_000)).is_ok());
        let sentence = Problem::Text { count: 4_001 }.message(Lang::En);
        assert!(sentence.contains("4000") && sentence.contains("4001"), "{sentence}");
    }

    #[test]
    fn an_about_text_is_one_plain_line() {
        assert_eq!(about("  Sofa\n<b>for free</b>\u{7} "), "Sofa <b>for free</b>");
        assert_eq!(about(&"x".repeat(1_000)).chars().count(), 240);
    }
}
