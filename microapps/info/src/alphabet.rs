//! The A–Z index and the search, as people of German and English expect
//! them.
//!
//! Titles are compared folded: lower case, accents and umlauts dropped
//! (`Ä` with `A`, `ß` as `ss`), so "Ölheizung" sorts among the O's and
//! "müll" finds "Müllabfuhr". A title whose first character folds to no
//! letter A to Z (a digit, a quote, another script) is listed under `#`,
//! after Z.
//!
//! The contract has no full-text query: the search reads the property's
//! entries page by page (at most [`MAX_ENTRIES`](crate::store::MAX_ENTRIES))
//! and [`matches`] picks them in the app.

use std::cmp::Ordering;

/// The group of titles that start with no letter A to Z.
pub const OTHER: char = '#';

/// `text` folded for comparing: lower case, without accents.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => folded.push('a'),
            'æ' => folded.push_str("ae"),
            'ç' | 'ć' | 'č' => folded.push('c'),
            'ď' | 'đ' => folded.push('d'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => folded.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => folded.push('i'),
            'ł' | 'ľ' | 'ĺ' => folded.push('l'),
            'ñ' | 'ń' | 'ň' => folded.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => folded.push('o'),
            'œ' => folded.push_str("oe"),
            'ŕ' | 'ř' => folded.push('r'),
            'ß' => folded.push_str("ss"),
            'ś' | 'š' | 'ş' => folded.push('s'),
            'ť' | 'ţ' => folded.push('t'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => folded.push('u'),
            'ý' | 'ÿ' => folded.push('y'),
            'ź' | 'ż' | 'ž' => folded.push('z'),
            other => folded.push(other),
        }
    }
    folded
}

/// The letter `title` is listed under: `A` to `Z`, or [`OTHER`].
pub fn letter(title: &str) -> char {
    fold(title.trim_start()).chars().next().filter(char::is_ascii_lowercase).map_or(OTHER, |c| c.to_ascii_uppercase())
}

/// The order of the index: by letter (`#` last), then by folded title,
/// then as written, so the order is the same on every page.
pub fn compare(a: &str, b: &str) -> Ordering {
    let rank = |title: &str| {
        let letter = letter(title);
        (letter == OTHER, letter)
    };
    rank(a).cmp(&rank(b)).then_with(|| fold(a).cmp(&fold(b))).then_with(|| a.cmp(b))
}

/// `items` sorted by their titles and grouped by letter, in index order.
pub fn group<T>(mut items: Vec<T>, title: impl Fn(&T) -> &str) -> Vec<(char, Vec<T>)> {
    items.sort_by(|a, b| compare(title(a), title(b)));
    let mut groups: Vec<(char, Vec<T>)> = Vec::new();
    for item in items {
        let letter = letter(title(&item));
        match groups.last_mut() {
            Some((last, members)) if *last == letter => members.push(item),
            _ => groups.push((letter, vec![item])),
        }
    }
    groups
}

/// A search as typed, folded once; empty matches everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search(String);

impl Search {
    pub fn new(typed: &str) -> Search {
        Search(fold(typed.trim()))
    }

    /// Whether the title or the text holds the search, case and accents
    /// aside.
    pub fn matches(&self, title: &str, body: &str) -> bool {
        self.0.is_empty() || fold(title).contains(&self.0) || fold(body).contains(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umlauts_and_accents_fold_to_their_letter() {
        assert_eq!(fold("Müllabfuhr"), "mullabfuhr");
        assert_eq!(fold("ÄÖÜ äöü ß Œuvre Café"), "aou aou ss oeuvre cafe");
        assert_eq!(fold("WASCHKÜCHE"), "waschkuche");
    }

    #[test]
    fn titles_are_listed_under_their_first_letter_digits_under_hash() {
        assert_eq!(letter("Ölheizung"), 'O');
        assert_eq!(letter("  äußere Türen"), 'A');
        assert_eq!(letter("Übergabe"), 'U');
        assert_eq!(letter("12 March: water off"), OTHER);
        assert_eq!(letter("\"Quiet\" hours"), OTHER);
        assert_eq!(letter("Щит"), OTHER);
        assert_eq!(letter(""), OTHER);
        assert_eq!(letter("zebra"), 'Z');
    }

    #[test]
    fn the_index_sorts_umlauts_with_their_vowel_and_hash_last() {
        let titles =
            vec!["Waschküche", "Ölheizung", "2nd floor plan", "Abfall", "Ofen", "Äpfel", "Müll", "Mieter", "otto"];
        let groups = group(titles, |title| title);
        let letters: Vec<char> = groups.iter().map(|(letter, _)| *letter).collect();
        assert_eq!(letters, ['A', 'M', 'O', 'W', '#']);
        assert_eq!(groups[0].1, ["Abfall", "Äpfel"]);
        assert_eq!(groups[1].1, ["Mieter", "Müll"]);
        assert_eq!(groups[2].1, ["Ofen", "Ölheizung", "otto"]);
        assert_eq!(groups[4].1, ["2nd floor plan"]);
        assert!(group(Vec::<&str>::new(), |title| title).is_empty());
    }

    #[test]
    fn search_ignores_case_and_umlauts_in_title_and_text() {
        let search = Search::new(" müll ");
        assert!(search.matches("Müllabfuhr", ""));
        assert!(Search::new("MULL").matches("Müllabfuhr", ""));
        assert!(Search::new("tuesday").matches("Waste", "Bins go out on Tuesday evening."));
        assert!(!search.matches("Laundry", "Until 22:00."));
        assert!(Search::new("").matches("anything", ""));
        assert!(Search::new("  ").matches("x", ""));
        assert!(!Search::new("<b>").matches("b", "bold"));
    }
}
