//! The catalogues are complete: both languages name the same texts, and
//! every text a template or page names exists.

use std::collections::BTreeSet;
use std::path::Path;

use crate::i18n::{Lang, Texts, names};

/// The text names used in `source`: every `.t("…")` and `.f("…"`.
fn used_in(source: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for opener in [".t(\"", ".f(\""] {
        let mut rest = source;
        while let Some(at) = rest.find(opener) {
            let after = &rest[at + opener.len()..];
            if let Some(end) = after.find('"') {
                let name = &after[..end];
                if name.contains('.') && !name.contains(' ') {
                    used.insert(name.to_owned());
                }
            }
            rest = after;
        }
    }
    used
}

fn sources(dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "html" || ext == "rs") {
            found.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn english_and_german_name_the_same_texts() {
    let english = names(Lang::En);
    let german = names(Lang::De);
    let only_english: Vec<_> = english.difference(&german).collect();
    let only_german: Vec<_> = german.difference(&english).collect();
    assert!(
        only_english.is_empty() && only_german.is_empty(),
        "missing in de: {only_english:?}; in en: {only_german:?}"
    );
}

/// The `{placeholders}` a text has, by name.
fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                found.insert(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    found
}

#[test]
fn english_and_german_fill_in_the_same_placeholders() {
    let (english, german) = (Texts::new(Lang::En), Texts::new(Lang::De));
    let mut compared = 0;
    for name in names(Lang::En) {
        let (en, de) = (placeholders(english.t(&name)), placeholders(german.t(&name)));
        assert_eq!(en, de, "`{name}`: English fills in {en:?}, German {de:?}");
        compared += usize::from(!en.is_empty());
    }
    assert!(compared > 20, "the texts with placeholders were compared: {compared}");
    assert_eq!(placeholders("{app} by {vendor}, {not a name}"), BTreeSet::from(["app", "vendor"]));
}

#[test]
fn every_text_a_page_uses_is_translated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    sources(&root.join("templates"), &mut found);
    sources(&root.join("src"), &mut found);
    let used: BTreeSet<String> = found.iter().flat_map(|source| used_in(source)).collect();
    assert!(used.len() > 40, "the scan found the texts pages use: {used:?}");
    for lang in Lang::ALL {
        let known = names(lang);
        let missing: Vec<_> = used.iter().filter(|name| !known.contains(*name)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
    }
    // Texts looked up by a computed name.
    for field in crate::grant::ProfileField::ALL {
        let name = super::consent_screen::profile_key(field.as_str());
        for lang in Lang::ALL {
            assert!(names(lang).contains(&name), "{} lacks {name}", lang.code());
        }
    }
}

#[test]
fn a_local_target_never_leaves_the_site() {
    use super::local_target;
    assert_eq!(local_target(Some("/apps/pinboard/")), "/apps/pinboard/");
    for hostile in ["//evil.example", "https://evil.example", "/\\evil.example", "evil", "/a\nb"] {
        assert_eq!(local_target(Some(hostile)), "/", "{hostile}");
    }
    assert_eq!(local_target(None), "/");
}
