//! Names a third-party app may not take: the platform's own and its core
//! apps', also when spelt with look-alike letters, and any text carrying
//! invisible format characters (bidi overrides, zero-width joiners, …) that
//! would reorder or hide what the consent screen shows.

/// What core apps are called, in the languages the platform speaks, and
/// what residents would take for them.
const CORE_NAMES: &[&str] = &[
    "pinboard",
    "pinnwand",
    "schwarzes brett",
    "service center",
    "service centre",
    "servicecenter",
    "tickets",
    "info",
    "info a-z",
    "building info",
    "hausinfo",
    "my flat",
    "meine wohnung",
    "directory",
    "business directory",
    "branchenverzeichnis",
    "bookings",
    "buchungen",
    "neighbors",
    "neighbours",
    "my neighbors",
    "nachbarn",
    "marketplace",
    "marktplatz",
    "sharing",
    "item sharing",
    "teilen",
];

/// The platform's own name, which no vendor or third-party app may carry.
const PLATFORM: &str = "courtyard";

/// Whether `c` is an invisible format character (Unicode category Cf, and
/// the variation selectors): text with one can display differently from
/// what it says.
/// Whether `link` is a path below an app's mount point that stays there: it
/// starts with one `/`, is at most `max` bytes, and has no backslash, no
/// control or white-space character and no `.` or `..` segment, which a
/// browser would resolve (`/apps/{app}/../other/` leads into another app;
/// a browser takes `%2e` for a dot too).
pub fn is_path_below_app(link: &str, max: usize) -> bool {
    let path = link.split(['?', '#']).next().unwrap_or_default();
    let dot_segment = path.split('/').any(|segment| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    });
    link.starts_with('/')
        && !link.starts_with("//")
        && link.len() <= max
        && !link.contains('\\')
        && !link.chars().any(|c| c.is_control() || c.is_whitespace())
        && !dot_segment
}

pub fn is_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Why a third-party app may not be called `name` by `vendor`, if it may
/// not: the manifest field at fault, and the reason.
pub fn impersonation(name: &str, vendor: &str) -> Option<(&'static str, String)> {
    let vendor_skeleton = skeleton(vendor);
    if vendor_skeleton.contains(PLATFORM) {
        return Some(("vendor", format!("the vendor `{vendor}` is reserved for the platform's own apps")));
    }
    let name_skeleton = skeleton(name);
    if name_skeleton.contains(PLATFORM) {
        return Some(("name", format!("the name `{name}` is reserved for the platform")));
    }
    CORE_NAMES
        .iter()
        .find(|core| skeleton(core) == name_skeleton)
        .map(|core| ("name", format!("the name `{name}` is the name of a core app (`{core}`) or looks like it")))
}

/// `text` reduced to what it looks like: lower case, look-alike letters of
/// other scripts and digits folded to the Latin letter they resemble, and
/// everything but letters dropped.
fn skeleton(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let latin = match c {
            'а' | 'α' | 'ɑ' | '@' | 'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'в' | 'β' | 'ь' => 'b',
            'с' | 'ϲ' | 'ç' | '¢' => 'c',
            'ԁ' | 'ɗ' => 'd',
            'е' | 'ε' | 'ё' | 'è' | 'é' | 'ê' | 'ë' | '3' => 'e',
            'һ' => 'h',
            'і' | 'ι' | 'ї' | 'í' | 'ì' | 'î' | 'ï' | '1' | '!' | '|' | 'ӏ' | 'l' => 'i',
            'ј' => 'j',
            'к' | 'κ' => 'k',
            'м' => 'm',
            'п' | 'η' | 'ո' => 'n',
            'о' | 'ο' | 'σ' | 'ö' | 'ó' | 'ò' | 'ô' | 'õ' | 'ø' | '0' => 'o',
            'р' | 'ρ' => 'p',
            'ԛ' => 'q',
            'г' => 'r',
            'ѕ' | '$' | '5' => 's',
            'т' | 'τ' | '7' => 't',
            'υ' | 'ս' | 'ü' | 'ú' | 'ù' | 'û' => 'u',
            'ν' | 'ѵ' => 'v',
            'ѡ' | 'ω' => 'w',
            'х' | 'χ' => 'x',
            'у' | 'γ' | 'ý' | 'ÿ' => 'y',
            'ᴢ' | '2' => 'z',
            c if c.is_ascii_lowercase() => c,
            _ => continue,
        };
        folded.push(latin);
    }
    // Pairs that read as one letter.
    folded.replace("rn", "m").replace("vv", "w").replace("cl", "d")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platforms_names_and_their_look_alikes_are_reserved() {
        for (name, vendor) in [
            ("Pinboard", "Acme Apps"),
            ("Pinbоard", "Acme Apps"),  // Cyrillic о
            ("P1nboard", "Acme Apps"),  // a digit for the i
            ("PIN-BOARD", "Acme Apps"), // case and punctuation
            ("Marketplace", "Acme Apps"),
            ("MarketpIace", "Acme Apps"), // capital I for the l
            ("Bookings", "Acme Apps"),
            ("Nachbarn", "Acme Apps"),
            ("Movers", "Courtyard"),
            ("Movers", "Courtyard GmbH"),
            ("Movers", "Cоurtyard"), // Cyrillic о
            ("Courtyard Pay", "Acme Apps"),
        ] {
            assert!(impersonation(name, vendor).is_some(), "{name} by {vendor}");
        }
        for (name, vendor) in
            [("Meier Removals", "Meier AG"), ("Pinboard Pro Stats", "Acme Apps"), ("Bikes", "Yard Ltd")]
        {
            assert_eq!(impersonation(name, vendor), None, "{name} by {vendor}");
        }
    }

    #[test]
    fn invisible_format_characters_are_recognised() {
        for c in ['\u{202E}', '\u{200B}', '\u{2066}', '\u{FEFF}', '\u{E0041}', '\u{00AD}'] {
            assert!(is_format_char(c), "{:04X}", c as u32);
        }
        for c in ['a', 'ä', ' ', '-', '中'] {
            assert!(!is_format_char(c));
        }
    }
}
