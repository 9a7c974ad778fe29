//! Ways one word is typed on another keyboard: pinyin for Chinese (runs and words whole,
//! initials; tones optional), Latin for Cyrillic, and text typed with the wrong keyboard
//! layout (QWERTY ↔ ЙЦУКЕН).

use pinyin::{ToPinyin, ToPinyinMulti};

use super::analysis::{fold, is_cjk, simplify};

/// Tone marks removed and ü written as v, the way pinyin is typed on a Latin keyboard
/// ("lǜchá" → "lvcha").
pub fn fold_pinyin(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'ā' | 'á' | 'ǎ' | 'à' => 'a',
            'ē' | 'é' | 'ě' | 'è' => 'e',
            'ī' | 'í' | 'ǐ' | 'ì' => 'i',
            'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
            'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
            'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'ü' => 'v',
            other => other,
        })
        .collect()
}

/// The Latin-keyboard forms of a run of Chinese text: the whole run's pinyin joined
/// ("fengmi", whose prefixes include "feng") and its initials ("fm"). `segments` are the
/// run's words (from jieba), whose joined pinyin and initials are added too, so a word
/// inside a longer name is found from its start, as a Latin word is; a syllable inside
/// a word is not a start ("mi" of 蜂蜜), as "ney" of "honey" is not. In a word, a
/// character with more than one reading (藏 cáng or zàng, as in 藏红花 zànghónghuā) gives
/// a form with each of its other readings too, one character at a time, at most
/// [`MAX_READINGS`] forms of a word.
pub fn pinyin_forms(run: &str, segments: &[String]) -> Vec<String> {
    forms_with_readings(run, segments, MAX_READINGS)
}

/// [`pinyin_forms`] with each character's usual reading only: what a typo is read against
/// (every reading of every character would be more strings for a typo to land on).
pub fn usual_pinyin_forms(run: &str, segments: &[String]) -> Vec<String> {
    forms_with_readings(run, segments, 1)
}

fn forms_with_readings(run: &str, segments: &[String], readings: usize) -> Vec<String> {
    let mut out = Vec::new();
    // A character's reading is settled by its word: the run whole is read the usual way,
    // its words each way.
    add_readings(run, 1, &mut out);
    for segment in segments {
        if segment.chars().all(is_cjk) {
            add_readings(segment, readings, &mut out);
        }
    }
    out
}

/// The most readings of one word indexed: the usual one and others of its characters.
pub const MAX_READINGS: usize = 4;

/// The joined pinyin and the initials of up to `max` readings of `word` (see
/// [`pinyin_forms`]).
fn add_readings(word: &str, max: usize, out: &mut Vec<String>) {
    // Each character's distinct toneless readings, the usual one first.
    let readings: Vec<Vec<String>> = word
        .to_pinyin_multi()
        .flatten()
        .map(|multi| {
            let mut plain: Vec<String> = Vec::new();
            for p in multi {
                let folded = fold_pinyin(p.plain());
                if !plain.contains(&folded) {
                    plain.push(folded);
                }
            }
            plain
        })
        .filter(|r| !r.is_empty())
        .collect();
    if readings.is_empty() {
        return;
    }
    let usual: Vec<&str> = readings.iter().map(|r| r[0].as_str()).collect();
    let mut variants = vec![usual.clone()];
    'all: for (i, r) in readings.iter().enumerate() {
        for other in &r[1..] {
            if variants.len() >= max {
                break 'all;
            }
            let mut variant = usual.clone();
            variant[i] = other;
            variants.push(variant);
        }
    }
    for syllables in variants {
        let joined: String = syllables.concat();
        let initials: String = syllables.iter().filter_map(|s| s.chars().next()).collect();
        for form in [joined, initials] {
            if !out.contains(&form) {
                out.push(form);
            }
        }
    }
}

/// The toneless pinyin of a Chinese word, its syllables joined ("荞麦" → "qiaomai"), as
/// the word's reading is typed; `None` unless every character has one.
pub fn toneless_pinyin(word: &str) -> Option<String> {
    let mut out = String::new();
    for p in simplify(word).as_str().to_pinyin() {
        out.push_str(&fold_pinyin(p?.plain()));
    }
    (!out.is_empty()).then_some(out)
}

/// A Russian (or other Cyrillic) word in Latin letters, as people type brand names:
/// "Алёнка" → "alenka".
pub fn cyrillic_to_latin(word: &str) -> Option<String> {
    if !word
        .chars()
        .any(|c| matches!(c, 'а'..='я' | 'ё' | 'А'..='Я' | 'Ё'))
    {
        return None;
    }
    let mut out = String::with_capacity(word.len());
    for c in fold(word).chars() {
        let latin = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'э' => "e",
            'ю' => "yu",
            'я' => "ya",
            'қ' => "q",
            'ғ' => "gh",
            'ү' | 'ұ' => "u",
            'ә' => "a",
            'ө' => "o",
            'ң' => "ng",
            'һ' => "h",
            'і' => "i",
            other => {
                out.push(other);
                continue;
            }
        };
        out.push_str(latin);
    }
    Some(out)
}

const LATIN_KEYS: &str = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`";
const CYRILLIC_KEYS: &str = "йцукенгшщзхъфывапролджэячсмитьбюё";

/// The same keys pressed with the other layout: "vtl" → "мед", "Ghbdtn" → "Привет",
/// "руддщ" → "hello". `None` when the text is not mostly one of the two layouts.
pub fn switch_layout(text: &str) -> Option<String> {
    let latin: Vec<char> = LATIN_KEYS.chars().collect();
    let cyrillic: Vec<char> = CYRILLIC_KEYS.chars().collect();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let from_latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let from_cyrillic = text
        .chars()
        .filter(|c| cyrillic.contains(&c.to_lowercase().next().unwrap_or(*c)))
        .count();
    let (from, to) = if letters > 0 && from_latin == letters {
        (&latin, &cyrillic)
    } else if letters > 0 && from_cyrillic == letters {
        (&cyrillic, &latin)
    } else {
        return None;
    };
    let switched = text
        .chars()
        .map(|c| {
            let lower = c.to_lowercase().next().unwrap_or(c);
            match from.iter().position(|k| *k == lower) {
                Some(i) if c != lower => to[i].to_uppercase().next().unwrap_or(to[i]),
                Some(i) => to[i],
                None => c,
            }
        })
        .collect();
    Some(switched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_forms_cover_full_spaced_and_initials() {
        let forms = pinyin_forms("蜂蜜", &["蜂蜜".into()]);
        assert_eq!(forms, ["fengmi", "fm"]);
        let honey = pinyin_forms("阿尔泰山花蜜", &["阿尔泰山".into(), "花蜜".into()]);
        for want in ["aertaishanhuami", "aetshm", "huami", "hm"] {
            assert!(honey.contains(&want.to_string()), "{want} in {honey:?}");
        }
        assert!(!honey.contains(&"mi".to_string()), "{honey:?}");
        let tea = pinyin_forms("绿茶", &[]);
        assert!(tea.contains(&"lvcha".to_string()), "{tea:?}");
        assert_eq!(fold_pinyin("lǜchá"), "lvcha");
    }

    #[test]
    fn a_character_of_several_readings_is_found_by_each() {
        // 藏 is cáng ("to hide") or zàng (Tibet, as in 藏红花, saffron).
        let saffron = pinyin_forms("克什米尔藏红花", &["克什米尔".into(), "藏红花".into()]);
        for want in ["canghonghua", "chh", "zanghonghua", "zhh"] {
            assert!(saffron.contains(&want.to_string()), "{want} in {saffron:?}");
        }
        // The run whole is read the usual way only.
        assert_eq!(pinyin_forms("藏红花", &[]).len(), 2);
        // Two forms (joined, initials) per reading, and no more readings than the cap.
        let long = pinyin_forms("长行重和藏", &["长行重和藏".into()]);
        assert!(long.len() <= 2 * MAX_READINGS, "{long:?}");
    }

    #[test]
    fn a_word_is_read_by_its_toneless_pinyin() {
        assert_eq!(toneless_pinyin("桥麦").as_deref(), Some("qiaomai"));
        assert_eq!(toneless_pinyin("蕎麥").as_deref(), Some("qiaomai"));
        assert_eq!(toneless_pinyin("绿茶").as_deref(), Some("lvcha"));
        assert_eq!(toneless_pinyin("茶1"), None);
    }

    #[test]
    fn transliterates_and_switches_layouts() {
        assert_eq!(cyrillic_to_latin("Алёнка").as_deref(), Some("alenka"));
        assert_eq!(cyrillic_to_latin("honey"), None);
        assert_eq!(switch_layout("vtl").as_deref(), Some("мед"));
        assert_eq!(switch_layout("Ghbdtn").as_deref(), Some("Привет"));
        assert_eq!(switch_layout("руддщ").as_deref(), Some("hello"));
        assert_eq!(switch_layout("蜂蜜"), None);
    }

    #[test]
    fn traditional_reads_as_simplified() {
        assert_eq!(simplify("綠茶"), "绿茶");
        assert_eq!(simplify("honey"), "honey");
    }
}
