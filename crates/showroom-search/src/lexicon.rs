//! Real words of Russian and English (Hunspell dictionaries in `dict/`), so search can
//! tell a word someone meant from a slip of the keys: "водка" is a word, and no catalog
//! name holds it, so it is not read as a typo of "вода"; "шоколодка" is no word, so it is.
//!
//! Each dictionary is parsed on first use (in a release build about 60 ms and 13 MB for
//! Russian, 25 ms and 5 MB for English) and kept for the life of the process; search asks
//! only about words that begin no word of the catalog.

use std::sync::OnceLock;

use spellbook::Dictionary;

static RUSSIAN: OnceLock<Option<Dictionary>> = OnceLock::new();
static ENGLISH: OnceLock<Option<Dictionary>> = OnceLock::new();

fn russian() -> Option<&'static Dictionary> {
    RUSSIAN
        .get_or_init(|| {
            load(
                include_str!("../dict/ru_RU.aff"),
                include_str!("../dict/ru_RU.dic"),
            )
        })
        .as_ref()
}

fn english() -> Option<&'static Dictionary> {
    ENGLISH
        .get_or_init(|| {
            load(
                include_str!("../dict/en_US.aff"),
                include_str!("../dict/en_US.dic"),
            )
        })
        .as_ref()
}

fn load(aff: &str, dic: &str) -> Option<Dictionary> {
    match Dictionary::new(aff, dic) {
        Ok(d) => Some(d),
        Err(e) => {
            // Built into the binary and checked by the tests below: this is a build
            // gone wrong, and search then only loses the distinction.
            tracing::error!("word list: {e}");
            None
        }
    }
}

/// Whether the folded (lower-case) `word` is a real word of Russian (in Cyrillic) or
/// English (in Latin letters), as written or capitalised (names of places and peoples:
/// "kazan", "kyrgyz"). Words of other scripts, of mixed scripts or with digits are not.
pub fn is_real_word(word: &str) -> bool {
    let dictionary = if word.chars().all(is_cyrillic) {
        russian()
    } else if word.chars().all(|c| c.is_ascii_lowercase() || c == '\'') {
        english()
    } else {
        None
    };
    let Some(dictionary) = dictionary.filter(|_| !word.is_empty()) else {
        return false;
    };
    if dictionary.check(word) {
        return true;
    }
    let mut chars = word.chars();
    let capitalised: String = chars
        .next()
        .into_iter()
        .flat_map(char::to_uppercase)
        .chain(chars)
        .collect();
    dictionary.check(&capitalised)
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_words_and_slips() {
        for word in [
            "водка",
            "вода",
            "мороженое",
            "шоколадка",
            "шелковый",
            "шёлковый",
            "vodka",
            "coffee",
            "sushi",
            "carpet",
            "cherries",
            "kazan",
        ] {
            assert!(is_real_word(word), "{word} is a word");
        }
        for word in [
            "шоколодка",
            "шафрн",
            "кашемер",
            "saffran",
            "cashmeer",
            "caspet",
            "fengmi",
            "ifahfy",
            "蜂蜜",
            "чайtea",
            "100g",
            "",
        ] {
            assert!(!is_real_word(word), "{word} is no word");
        }
    }
}
