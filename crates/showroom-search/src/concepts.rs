//! Kinds of goods named in three languages (`concepts.tsv`), so a query in one language
//! finds goods named only in another: "капуста" finds 白菜 and "cabbage". At index time a
//! product's stemmed text is given every name of each concept its own names, keywords or
//! categories mention, and the product carries the concept's key, which typed query
//! words reach through the index's vocabulary; queries stay plain.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use tantivy::tokenizer::{Language, TextAnalyzer};

use super::analysis::{self, fold, simplify};

const SOURCE: &str = include_str!("concepts.tsv");

struct Concept {
    /// Raw terms per language: en, ru, zh.
    terms: [Vec<String>; 3],
    /// en and ru terms as stemmed tokens, for matching against a product's tokens.
    stemmed: [Vec<Vec<String>>; 2],
}

pub struct Concepts {
    concepts: Vec<Concept>,
    /// For en and ru: the first token of each stemmed term, to the (concept, term) pairs
    /// that start with it, so a product is matched by its own few tokens rather than by
    /// asking every concept.
    first_token: [HashMap<String, Vec<(usize, usize)>>; 2],
    /// Every Chinese term, and the concept each belongs to.
    zh: AhoCorasick,
    zh_concept: Vec<usize>,
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
            .collect::<Vec<Concept>>();
        let mut first_token: [HashMap<String, Vec<(usize, usize)>>; 2] = Default::default();
        let mut zh_terms = Vec::new();
        let mut zh_concept = Vec::new();
        for (c, concept) in concepts.iter().enumerate() {
            for (lang, index) in first_token.iter_mut().enumerate() {
                for (t, tokens) in concept.stemmed[lang].iter().enumerate() {
                    index.entry(tokens[0].clone()).or_default().push((c, t));
                }
            }
            for term in concept.terms[2].iter().filter(|t| !t.is_empty()) {
                zh_terms.push(term.as_str());
                zh_concept.push(c);
            }
        }
        let zh = AhoCorasick::new(&zh_terms).expect("the Chinese concept terms make an automaton");
        Concepts {
            concepts,
            first_token,
            zh,
            zh_concept,
        }
    })
}

impl Concepts {
    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// The concepts (by number) the product's text mentions, in order.
    pub fn mentioned(&self, product: &ProductTerms) -> Vec<usize> {
        let mut mentioned = vec![false; self.concepts.len()];
        for (lang, tokens) in [&product.en, &product.ru].into_iter().enumerate() {
            for token in tokens {
                for &(c, t) in self.first_token[lang].get(token).into_iter().flatten() {
                    if !mentioned[c]
                        && self.concepts[c].stemmed[lang][t]
                            .iter()
                            .all(|w| tokens.contains(w))
                    {
                        mentioned[c] = true;
                    }
                }
            }
        }
        for found in self.zh.find_overlapping_iter(&product.zh) {
            mentioned[self.zh_concept[found.pattern().as_usize()]] = true;
        }
        (0..self.concepts.len()).filter(|&c| mentioned[c]).collect()
    }

    /// The terms of concept `c`: en, ru, zh.
    pub fn terms(&self, c: usize) -> [&[String]; 3] {
        let t = &self.concepts[c].terms;
        [&t[0], &t[1], &t[2]]
    }

    /// The terms (en, ru, zh) of every concept the product's text mentions.
    pub fn expand(&self, product: &ProductTerms) -> [Vec<&str>; 3] {
        let mut out: [Vec<&str>; 3] = Default::default();
        for c in self.mentioned(product) {
            for (i, terms) in self.terms(c).into_iter().enumerate() {
                out[i].extend(terms.iter().map(String::as_str));
            }
        }
        out
    }
}

/// The stemming analyzers concept matching uses; made once per thread, not per product.
pub struct Stemmers {
    pub(crate) en: TextAnalyzer,
    pub(crate) ru: TextAnalyzer,
}

impl Default for Stemmers {
    fn default() -> Self {
        Stemmers {
            en: analysis::stemmed(Language::English),
            ru: analysis::stemmed(Language::Russian),
        }
    }
}

/// Builds the matching view of a product's names, keywords and categories.
pub fn product_terms(
    stemmers: &mut Stemmers,
    en_text: &[&str],
    ru_text: &[&str],
    zh_text: &[&str],
) -> ProductTerms {
    let tokens = |a: &mut TextAnalyzer, parts: &[&str]| {
        parts
            .iter()
            .flat_map(|p| analysis::analyze(a, p))
            .collect::<HashSet<String>>()
    };
    ProductTerms {
        en: tokens(&mut stemmers.en, en_text),
        ru: tokens(&mut stemmers.ru, ru_text),
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
        let mut stemmers = Stemmers::default();
        let honey = product_terms(&mut stemmers, &[], &["Алтайский мёд"], &[]);
        let [en, _, zh] = c.expand(&honey);
        assert!(
            en.contains(&"honey") && zh.contains(&"蜂蜜"),
            "{en:?} {zh:?}"
        );
        let nothing = product_terms(&mut stemmers, &["Steel bolts"], &[], &[]);
        assert!(c.expand(&nothing).iter().all(Vec::is_empty));
        // A term of several words needs them all; the Chinese is found inside longer text.
        let tea = product_terms(&mut stemmers, &[], &[], &["新疆红茶礼盒"]);
        assert!(c.expand(&tea)[0].contains(&"tea"));
        let green = product_terms(&mut stemmers, &[], &["Чай зелёный листовой"], &[]);
        assert!(c.expand(&green)[0].contains(&"green tea"));
    }
}
