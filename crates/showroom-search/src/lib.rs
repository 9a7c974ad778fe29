//! The full-text catalog: one struct owns the tantivy index, its reader and its field
//! handles. The index is derived data: built from a catalog into a new folder, and
//! rebuilt from SQLite whenever it is missing, broken or of another schema version.
//!
//! A query is plain text, never syntax. It is planned in stages: every word required
//! (as typed, as a prefix, stemmed, segmented, in pinyin or transliterated, with typos
//! tolerated by word length unless it is a real word, [`lexicon`]), in names, keywords
//! and shared names but not descriptions; if nothing matches, the same keys read in the
//! other keyboard layout; if still nothing, no results, and apart, as related goods,
//! what the real words reach with typos, or descriptions mentioning every word, or any
//! word.
//!
//! Beside the index: search quality against graded judgments (`relevance`) and the
//! benchmark against a plain SQLite scan (`bench`).

pub mod analysis;
pub mod bench;
mod build;
pub mod concepts;
mod document;
mod highlight;
pub mod lexicon;
pub mod places;
mod query;
pub mod relevance;
mod schema;
mod tally;
pub mod translit;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};
use tantivy::{
    DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};
use ts_rs::TS;

use showroom_model::{self as model, error, i18n};

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::model::{CatalogData, Exhibitor, LocalizedText, Price, Product, pick};
use rayon::prelude::*;

use document::*;
pub use highlight::HighlightSpan;
use query::*;
use schema::*;

/// Queries longer than this are cut: nobody types more, and it bounds the work.
pub const MAX_QUERY_CHARS: usize = 200;
/// At most this many words of a query are used.
pub const MAX_QUERY_WORDS: usize = 12;
pub const MAX_LIMIT: usize = 200;
/// A query of at most this many Latin words is also read as one word of pinyin.
const MAX_SYLLABLE_WORDS: usize = 4;
/// A query word is matched in at most this many shared names (the best matches).
const MAX_SHARED_NAMES: usize = 64;
const DEFAULT_LIMIT: usize = 24;
/// The most related goods listed after a few matches.
const MAX_SAME_KIND: usize = 12;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    #[default]
    Relevance,
    /// Lowest first price; only products priced in the request's `currency`.
    PriceAsc,
    PriceDesc,
    Newest,
}

#[derive(Clone, Debug, Default, Deserialize, TS)]
pub struct SearchRequest {
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub lang: Lang,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<usize>,
    #[serde(default)]
    #[ts(optional)]
    pub offset: Option<usize>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub country: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub category: Option<String>,
    /// A city facet key (as returned in `facets.city`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub city: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub certification: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub storage: Option<String>,
    /// Prices are compared only within one currency: with a price filter or a price sort,
    /// only products priced in this currency are listed.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub currency: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub price_min: Option<f64>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub price_max: Option<f64>,
    /// Only products whose minimum order is at most this (in the product's unit).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub moq_max: Option<f64>,
    #[serde(default)]
    #[ts(optional)]
    pub sort: Option<SortOrder>,
}

/// What a result card needs, stored in the index so a keystroke never touches SQLite.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Card {
    id: String,
    name: LocalizedText,
    country: String,
    category: String,
    exhibitor: String,
    exhibitor_name: LocalizedText,
    unit: String,
    moq: Option<f64>,
    price: Option<Price>,
    /// The digest of the first photo.
    image: Option<String>,
    tags: Vec<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct SearchHit {
    pub id: String,
    pub score: f32,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    pub highlight: BTreeMap<String, Vec<HighlightSpan>>,
    pub country: String,
    pub category: String,
    pub exhibitor: String,
    #[ts(type = "Record<string, string>")]
    pub exhibitor_name: LocalizedText,
    pub unit: String,
    pub moq: Option<f64>,
    pub price: Option<Price>,
    pub has_image: bool,
    /// The digest of the first photo, when there is one: its thumbnails are
    /// `/media/{digest}/{size}` in the online show.
    pub image: Option<String>,
    pub tags: Vec<String>,
    /// Not a match for every word: one of the closest other goods, listed after the
    /// matches (see [`SearchResponse::hits`]) and shown apart as related goods.
    pub related: bool,
}

/// Counts over all matches (not only the page shown).
#[derive(Clone, Debug, Default, Serialize, TS)]
pub struct FacetCounts {
    pub country: BTreeMap<String, u64>,
    pub category: BTreeMap<String, u64>,
    pub city: BTreeMap<String, u64>,
    pub certification: BTreeMap<String, u64>,
    pub storage: BTreeMap<String, u64>,
    /// The names of the cities in `city`, by key.
    #[ts(type = "Record<string, Record<string, string>>")]
    pub city_names: BTreeMap<String, LocalizedText>,
}

/// How the query was read when it was not read as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum QueryReading {
    /// Every word matched.
    AsTyped,
    /// Nothing matched as typed; the keys were read in the other keyboard layout.
    OtherLayout,
    /// Chinese characters no name has together were read by their sound, as a pinyin
    /// input method's homophone (桥麦 for 荞麦); `corrected` holds the words so read.
    Sound,
    /// Nothing matched with every word: there are no results, and `related` lists goods
    /// near the query (see [`RelatedBy`]), to be shown as related goods, never as what was
    /// asked for.
    Related,
}

/// Why the goods in `related` are near a query that found nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RelatedBy {
    /// A real word no name holds is one or two letters from their words ("водка", water).
    Spelling,
    /// Their descriptions mention every word ("咖啡", a dark beer with coffee notes).
    Description,
    /// They match some of the words ("blue cheese": blue pottery, a hard cheese).
    SomeWords,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct SearchResponse {
    /// How many goods match (related goods are not counted).
    pub total: u64,
    /// This page's matches, best first. On the first page, when they are fewer than a
    /// page, the closest other goods follow them, marked `related` (at most 12: goods of
    /// the same categories, those sharing some of the words first).
    pub hits: Vec<SearchHit>,
    pub facets: FacetCounts,
    pub took_ms: f64,
    pub reading: QueryReading,
    /// The text actually searched, when it differs from the query (the other layout); with
    /// the `sound` reading, the query's words that were read by their sound.
    pub corrected: Option<String>,
    /// With the `related` reading: goods near the query, best first (one page of them;
    /// `hits` is empty and `total` 0).
    pub related: Vec<SearchHit>,
    /// With the `related` reading: why those goods are near it.
    pub related_by: Option<RelatedBy>,
}

pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    meta: IndexMeta,
    /// Every document's facet values, read once (the reader is never reloaded).
    facets: Arc<tally::Table>,
    /// The shared names, searched for each query word.
    vocabulary: Searcher,
    /// The key of each vocabulary document, by segment and document.
    vocabulary_keys: Vec<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_and_their_units_are_found() {
        let words = |q: &str| q.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(quantity_words(&words("tea 100 g")), [false, true, true]);
        assert_eq!(quantity_words(&words("мед 500г")), [false, true]);
        assert_eq!(quantity_words(&words("蜂蜜 500 克")), [false, true, true]);
        // A unit's letters mean something else away from a number.
        assert_eq!(quantity_words(&words("l tea")), [false, false]);
        assert_eq!(quantity_words(&words("a1 01")), [false, true]);
    }

    #[test]
    fn booth_numbers_are_read_as_one_key() {
        assert_eq!(booth_key(" A1-01 ").as_deref(), Some("booth:a101"));
        assert_eq!(booth_key("b2 14").as_deref(), Some("booth:b214"));
        assert_eq!(booth_key("tea"), None);
        assert_eq!(booth_key("100"), None);
        assert_eq!(booth_key("мед 1"), None);
    }

    #[test]
    fn forms_that_begin_another_are_left_out() {
        let forms = ["fengmi", "fm", "feng", "mi", "fengmi", "f"].map(String::from);
        assert_eq!(not_prefixes(forms.to_vec()), ["fengmi", "fm", "mi"]);
        assert!(not_prefixes(Vec::new()).is_empty());
    }

    #[test]
    fn one_letter_is_a_latin_or_cyrillic_letter_or_a_digit() {
        assert!(one_letter("g") && one_letter("м") && one_letter("5"));
        assert!(!one_letter("茶") && !one_letter("go") && !one_letter(""));
    }
}
