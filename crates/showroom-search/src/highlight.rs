//! Which parts of a name matched the query, as plain spans. The UI renders them as text
//! with `<mark>` elements it builds itself, so catalog text is never read as markup.

use serde::Serialize;
use ts_rs::TS;

use super::analysis::{fold, is_cjk, words};

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct HighlightSpan {
    pub text: String,
    pub hit: bool,
}

pub struct Needles {
    /// Folded query words in alphabetic scripts: a name word matches when it starts with
    /// one (the word being typed), or one starts with it (an inflected query).
    words: Vec<String>,
    /// CJK query pieces (whole runs and their segments), found anywhere in a name.
    cjk: Vec<String>,
}

impl Needles {
    pub fn new(query_words: &[String], zh_tokens: &[String]) -> Needles {
        let mut words = Vec::new();
        let mut cjk = Vec::new();
        for w in query_words {
            if w.chars().any(is_cjk) {
                cjk.push(w.clone());
            } else {
                words.push(w.clone());
            }
        }
        cjk.extend(zh_tokens.iter().filter(|t| t.chars().any(is_cjk)).cloned());
        cjk.sort_by_key(|t| std::cmp::Reverse(t.len()));
        cjk.dedup();
        Needles { words, cjk }
    }

    pub fn spans(&self, text: &str) -> Vec<HighlightSpan> {
        let mut marks = vec![false; text.len()];
        for (from, to) in words(text) {
            let word = &text[from..to];
            if word.chars().any(is_cjk) {
                for needle in &self.cjk {
                    for (at, _) in word.match_indices(needle.as_str()) {
                        marks[from + at..from + at + needle.len()].fill(true);
                    }
                }
                continue;
            }
            let folded = fold(word);
            let matched = self.words.iter().any(|q| {
                folded.starts_with(q.as_str())
                    || (q.chars().count() >= 4
                        && folded.chars().count() >= 3
                        && q.starts_with(folded.as_str()))
                    || common_stem(&folded, q)
            });
            if matched {
                marks[from..to].fill(true);
            }
        }
        let mut spans: Vec<HighlightSpan> = Vec::new();
        let mut start = 0;
        for (i, _) in text.char_indices().skip(1).chain([(text.len(), ' ')]) {
            if i == text.len() || marks[i] != marks[start] {
                spans.push(HighlightSpan {
                    text: text[start..i].to_string(),
                    hit: marks[start],
                });
                start = i;
            }
        }
        spans
    }
}

/// Inflected forms of one word share all but their last few letters ("мёда" and "мёдом",
/// "cherries" and "cherry").
fn common_stem(a: &str, b: &str) -> bool {
    let shared = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let longest = a.chars().count().max(b.chars().count());
    shared >= 4 && longest - shared <= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(spans: &[HighlightSpan]) -> Vec<&str> {
        spans
            .iter()
            .filter(|s| s.hit)
            .map(|s| s.text.as_str())
            .collect()
    }

    #[test]
    fn marks_prefixes_and_cjk_pieces() {
        let n = Needles::new(&["hon".into()], &[]);
        let spans = n.spans("Altai mountain honey");
        assert_eq!(marked(&spans), ["honey"]);
        assert_eq!(
            spans.iter().map(|s| s.text.as_str()).collect::<String>(),
            "Altai mountain honey"
        );

        let n = Needles::new(&["蜂蜜".into()], &["蜂蜜".into()]);
        assert_eq!(marked(&n.spans("阿尔泰山蜂蜜1kg")), ["蜂蜜"]);

        let n = Needles::new(&["мед".into()], &[]);
        assert_eq!(marked(&n.spans("Алтайский мёд")), ["мёд"]);
    }

    #[test]
    fn markup_stays_text() {
        let n = Needles::new(&["script".into()], &[]);
        let spans = n.spans("<script>alert(1)</script>");
        assert_eq!(
            spans.iter().map(|s| s.text.as_str()).collect::<String>(),
            "<script>alert(1)</script>"
        );
    }
}
