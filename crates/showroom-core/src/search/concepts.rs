//! Kinds of goods named in three languages (`concepts.tsv`), so a query in one language
//! finds goods named only in another: "капуста" finds 白菜 and "cabbage". A product is
//! given every name of each concept its own names, keywords or categories mention, at
//! index time; queries stay plain.

use std::collections::HashSet;
use std::sync::OnceLock;

use tantivy::tokenizer::Language;

use super::analysis::{self, fold};
use super::translit::simplify;

const SOURCE: &str = include_str!("concepts.tsv");

struct Concept {
    /// Raw terms per language: en, ru, zh.
    terms: [Vec<String>; 3],
    /// en and ru terms as stemmed tokens, for matching against a product's tokens.
    stemmed: [Vec<Vec<String>>; 2],
}

pub struct Concepts {
    concepts: Vec<Concept>,
}

/// What a product's own text holds, for matching concepts.
pub struct ProductTerms {
    pub en: HashSet<String>,
    pub ru: HashSet<String>,
    /// Chinese text, simplified, matched by substring.
    pub zh: String,
}

pub fn concepts() -> &'static Concepts {
    static CONCEPTS: OnceLock<Concepts> = OnceLock::new();
    CONCEPTS.get_or_init(|| {
        let mut en = analysis::stemmed(Language::English);
        let mut ru = analysis::stemmed(Language::Russian);
        let concepts = SOURCE
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|line| {
                let columns: Vec<Vec<String>> = line
                    .split('\t')
                    .map(|c| {
                        c.split('|')
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .collect();
                let [en_terms, ru_terms, zh_terms]: [Vec<String>; 3] = columns.try_into().ok()?;
                let stem = |a: &mut tantivy::tokenizer::TextAnalyzer, terms: &[String]| {
                    terms
                        .iter()
                        .map(|t| analysis::analyze(a, t))
                        .filter(|t| !t.is_empty())
                        .collect()
                };
                let stemmed = [stem(&mut en, &en_terms), stem(&mut ru, &ru_terms)];
                let zh_terms = zh_terms.iter().map(|t| simplify(t)).collect();
                Some(Concept {
                    terms: [en_terms, ru_terms, zh_terms],
                    stemmed,
                })
            })
            .collect();
        Concepts { concepts }
    })
}

impl Concepts {
    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// The terms (en, ru, zh) of every concept the product's text mentions.
    pub fn expand(&self, product: &ProductTerms) -> [Vec<&str>; 3] {
        let mut out: [Vec<&str>; 3] = Default::default();
        for concept in &self.concepts {
            let mentioned = concept.stemmed[0]
                .iter()
                .any(|t| t.iter().all(|w| product.en.contains(w)))
                || concept.stemmed[1]
                    .iter()
                    .any(|t| t.iter().all(|w| product.ru.contains(w)))
                || concept.terms[2]
                    .iter()
                    .any(|t| product.zh.contains(t.as_str()));
            if mentioned {
                for (i, terms) in concept.terms.iter().enumerate() {
                    out[i].extend(terms.iter().map(String::as_str));
                }
            }
        }
        out
    }
}

/// Builds the matching view of a product's names, keywords and categories.
pub fn product_terms(en_text: &[&str], ru_text: &[&str], zh_text: &[&str]) -> ProductTerms {
    let mut en = analysis::stemmed(Language::English);
    let mut ru = analysis::stemmed(Language::Russian);
    let tokens = |a: &mut tantivy::tokenizer::TextAnalyzer, parts: &[&str]| {
        parts
            .iter()
            .flat_map(|p| analysis::analyze(a, p))
            .collect::<HashSet<String>>()
    };
    ProductTerms {
        en: tokens(&mut en, en_text),
        ru: tokens(&mut ru, ru_text),
        zh: simplify(&fold(&zh_text.join("\n"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_loads_and_expands_across_languages() {
        let c = concepts();
        assert!(!c.is_empty());
        let honey = product_terms(&[], &["Алтайский мёд"], &[]);
        let [en, _, zh] = c.expand(&honey);
        assert!(
            en.contains(&"honey") && zh.contains(&"蜂蜜"),
            "{en:?} {zh:?}"
        );
        let nothing = product_terms(&["Steel bolts"], &[], &[]);
        assert!(c.expand(&nothing).iter().all(Vec::is_empty));
    }
}
