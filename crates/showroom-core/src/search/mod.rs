//! The full-text catalog: one struct owns the tantivy index, its reader and its field
//! handles. The index is derived data: built from a catalog into a new folder, and
//! rebuilt from SQLite whenever it is missing, broken or of another schema version.
//!
//! A query is plain text, never syntax. It is planned in stages: every word required
//! (as typed, as a prefix, stemmed, segmented, in pinyin or transliterated, with typos
//! tolerated by word length); if nothing matches, the same keys read in the other
//! keyboard layout; if still nothing, any word.

pub mod analysis;
pub mod concepts;
mod highlight;
pub mod places;
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

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::model::{CatalogData, Exhibitor, LocalizedText, Price, Product, pick};
use rayon::prelude::*;

pub use highlight::HighlightSpan;

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
    /// Nothing matched with every word: there are no results, and `related` lists goods
    /// that match some of the words ("blue cheese" finds blue pottery and a hard cheese),
    /// to be shown as related goods, never as what was asked for.
    Related,
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
    /// The text actually searched, when it differs from the query (the other layout).
    pub corrected: Option<String>,
    /// With the `related` reading: goods that match some of the query's words, best first
    /// (one page of them; `hits` is empty and `total` 0).
    pub related: Vec<SearchHit>,
}

/// Written beside the index: what made it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct IndexMeta {
    schema_version: u32,
    catalog_version: String,
    /// Categories that have children: their children are counted as facets too.
    parent_categories: Vec<String>,
    city_names: BTreeMap<String, LocalizedText>,
}

const META_FILE: &str = "showroom-index.json";

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    card: Field,
    name: [Field; 3],
    text: [Field; 3],
    prefix: Field,
    /// Prefixes of the forms typed on another keyboard: pinyin, Cyrillic in Latin.
    alt: Field,
    words: Field,
    zh_gram: Field,
    /// Keys of the shared names a product is found by (see [`Shared`]).
    shared: Field,
    country: Field,
    category: Field,
    city: Field,
    certification: Field,
    storage: Field,
    currency: Field,
    price: Field,
    moq: Field,
    updated: Field,
    order: Field,
}

const LANGS: [Lang; 3] = [Lang::Zh, Lang::Ru, Lang::En];

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, positions: bool| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(if positions {
                    IndexRecordOption::WithFreqsAndPositions
                } else {
                    IndexRecordOption::WithFreqs
                }),
        )
    };
    let tokenizers = [analysis::ZH, analysis::RU, analysis::EN];
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        card: b.add_text_field("card", STORED),
        name: [0, 1, 2].map(|i| {
            b.add_text_field(
                &format!("name_{}", LANGS[i].code()),
                text(tokenizers[i], false),
            )
        }),
        text: [0, 1, 2].map(|i| {
            b.add_text_field(
                &format!("text_{}", LANGS[i].code()),
                text(tokenizers[i], false),
            )
        }),
        prefix: b.add_text_field("prefix", text(analysis::PREFIX, false)),
        alt: b.add_text_field("alt", text(analysis::PREFIX, false)),
        words: b.add_text_field("words", text(analysis::WORDS, false)),
        zh_gram: b.add_text_field("zh_gram", text(analysis::ZH_GRAM, false)),
        shared: b.add_text_field("shared", text("raw", false)),
        country: b.add_facet_field("country", FacetOptions::default()),
        category: b.add_facet_field("category", FacetOptions::default()),
        city: b.add_facet_field("city", FacetOptions::default()),
        certification: b.add_facet_field("certification", FacetOptions::default()),
        storage: b.add_facet_field("storage", FacetOptions::default()),
        currency: b.add_facet_field("currency", FacetOptions::default()),
        price: b.add_f64_field("price", INDEXED | FAST),
        moq: b.add_f64_field("moq", INDEXED | FAST),
        updated: b.add_i64_field("updated", FAST),
        order: b.add_u64_field("order", FAST),
    };
    (b.build(), fields)
}

/// The key a city is counted and filtered under: its English name, else the first.
fn city_key(city: &LocalizedText) -> Option<String> {
    pick(city, Lang::En).map(|(_, name)| name.replace('/', " "))
}

fn facet(path: &str) -> Facet {
    Facet::from_path(path.split('/').filter(|s| !s.is_empty()))
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

/// Search text of one product in each language, the forms its own names are typed as,
/// and the shared names (categories, places, kinds of goods) it is found by.
struct ProductText<'a> {
    text: [String; 3],
    typing: Typing,
    shared: Vec<Shared<'a>>,
}

/// The forms text is matched by while it is typed.
#[derive(Default)]
struct Typing {
    prefix: String,
    alt: String,
    words: String,
    zh_gram: String,
}

/// A name many products share. It is indexed once, in the index's vocabulary, and each
/// product carries only its key: a query word that matches the name matches the key.
enum Shared<'a> {
    Category(&'a str, &'a LocalizedText),
    City(String, &'a LocalizedText),
    Country(&'a str),
    Concept(usize),
}

impl Shared<'_> {
    fn key(&self) -> String {
        match self {
            Shared::Category(id, _) => format!("category:{id}"),
            Shared::City(key, _) => format!("city:{key}"),
            Shared::Country(code) => format!("country:{code}"),
            Shared::Concept(c) => format!("concept:{c}"),
        }
    }

    fn names(&self) -> Vec<String> {
        match self {
            Shared::Category(_, names) | Shared::City(_, names) => {
                names.values().cloned().collect()
            }
            Shared::Country(code) => LANGS
                .iter()
                .filter_map(|l| places::country_name(code, l.code()))
                .map(str::to_string)
                .collect(),
            Shared::Concept(c) => concepts::concepts()
                .terms(*c)
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
        }
    }
}

/// The analyzers making a document needs, one set per indexing thread.
#[derive(Default)]
struct DocAnalyzers {
    zh: Option<TextAnalyzer>,
    stemmers: concepts::Stemmers,
}

impl DocAnalyzers {
    fn zh(&mut self) -> &mut TextAnalyzer {
        self.zh.get_or_insert_with(analysis::zh_analyzer)
    }
}

/// The category `id` and its ancestors, nearest first.
fn category_path(id: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(id), |path| {
        path.rsplit_once('/').map(|(parent, _)| parent)
    })
}

fn product_text<'a>(
    p: &'a Product,
    categories: &HashMap<&'a str, &'a LocalizedText>,
    exhibitor_name: Option<&LocalizedText>,
    exhibitor_city: Option<&'a LocalizedText>,
    analyzers: &mut DocAnalyzers,
) -> ProductText<'a> {
    let mut text: [String; 3] = Default::default();
    for (i, lang) in LANGS.iter().enumerate() {
        let code = lang.code();
        let mut parts = Vec::<&str>::new();
        parts.extend(text_of(&p.description, code));
        if let Some(keywords) = p.keywords.as_ref().and_then(|k| k.get(code)) {
            parts.extend(keywords.iter().map(String::as_str));
        }
        parts.extend(text_of(&p.city, code));
        for path in category_path(&p.category) {
            parts.extend(
                categories
                    .get(path)
                    .and_then(|n| n.get(code))
                    .map(String::as_str),
            );
        }
        parts.extend(exhibitor_name.and_then(|n| n.get(code)).map(String::as_str));
        if p.city.is_none() {
            parts.extend(exhibitor_city.and_then(|c| c.get(code)).map(String::as_str));
        }
        parts.extend(places::country_name(&p.country, code));
        text[i] = parts.join("\n");
    }
    // Typing forms: the product's own names (every language, also those the UI does not
    // show) and keywords; descriptions are too long to type-match well. Category, place
    // and concept names are typed against the vocabulary instead.
    let mut typed = Vec::<&str>::new();
    typed.extend(p.name.values().map(String::as_str));
    if let Some(keywords) = &p.keywords {
        typed.extend(keywords.values().flatten().map(String::as_str));
    }
    let mut shared = Vec::new();
    for path in category_path(&p.category) {
        if let Some((id, names)) = categories.get_key_value(path) {
            shared.push(Shared::Category(id, names));
        }
    }
    for city in [p.city.as_ref(), exhibitor_city].into_iter().flatten() {
        if let Some(key) = city_key(city)
            && !shared
                .iter()
                .any(|s| matches!(s, Shared::City(k, _) if *k == key))
        {
            shared.push(Shared::City(key, city));
        }
    }
    shared.push(Shared::Country(&p.country));
    // Kinds of goods the product's own names, keywords and categories mention (see
    // concepts.rs): their names in every language join the stemmed text, and their key
    // the shared names.
    let own = |code: &str| -> Vec<&str> {
        let mut parts: Vec<&str> = p.name.get(code).map(String::as_str).into_iter().collect();
        if let Some(keywords) = p.keywords.as_ref().and_then(|k| k.get(code)) {
            parts.extend(keywords.iter().map(String::as_str));
        }
        for path in category_path(&p.category) {
            parts.extend(
                categories
                    .get(path)
                    .and_then(|n| n.get(code))
                    .map(String::as_str),
            );
        }
        parts
    };
    let all = concepts::concepts();
    let mentioned = all.mentioned(&concepts::product_terms(
        &mut analyzers.stemmers,
        &own("en"),
        &own("ru"),
        &own("zh"),
    ));
    for &c in &mentioned {
        // concepts.tsv columns are en, ru, zh; LANGS is zh, ru, en.
        for (column, terms) in all.terms(c).into_iter().enumerate() {
            let lang = [2, 1, 0][column];
            for term in terms {
                text[lang].push('\n');
                text[lang].push_str(term);
            }
        }
        shared.push(Shared::Concept(c));
    }
    ProductText {
        text,
        typing: typing_forms(typed, analyzers),
        shared,
    }
}

/// The typing forms of `typed` (names, each as written).
fn typing_forms<'a>(
    typed: impl IntoIterator<Item = &'a str>,
    analyzers: &mut DocAnalyzers,
) -> Typing {
    let mut out = Typing::default();
    let push = |out: &mut String, part: &str| {
        out.push_str(part);
        out.push('\n');
    };
    // A word's forms that begin another of its forms ("feng" of "fengmi") add nothing
    // but repeated prefixes, and are left out of `alt`; `words`, matched with typos and
    // scored as one, takes each word once, as the catalog writes it or as it is typed
    // (pinyin): a typo is not read against a transliteration of a Russian word (one
    // guess on top of another turned "sushi" into сушёный, "sushenyi"). Words repeated
    // across the names and keywords are kept in the prefix fields: how often a product
    // says a word ranks it. Each Chinese word's forms are made once.
    // (every form for `alt`, the usual reading's for `words`)
    let mut forms_of: HashMap<&str, (Vec<String>, Vec<String>)> = HashMap::new();
    let mut all_words: Vec<String> = Vec::new();
    for part in typed {
        push(&mut out.prefix, part);
        let mut chinese_words = 0;
        for (from, to) in analysis::words(part) {
            let word = &part[from..to];
            all_words.push(analysis::fold(word));
            if word.chars().any(analysis::is_cjk) {
                chinese_words += 1;
                push(&mut out.zh_gram, word);
                let (forms, usual) = forms_of.entry(word).or_insert_with(|| {
                    let segments = analysis::analyze(analyzers.zh(), word);
                    let simple = translit::simplify(word);
                    (
                        not_prefixes(translit::pinyin_forms(&simple, &segments)),
                        not_prefixes(translit::usual_pinyin_forms(&simple, &segments)),
                    )
                });
                for form in forms.iter() {
                    push(&mut out.alt, form);
                }
                // Pinyin is how Chinese is typed, so it is written too: a typo in it is a
                // typo ("fengmu" for 蜂蜜).
                all_words.extend(usual.iter().cloned());
            } else if let Some(latin) = translit::cyrillic_to_latin(word) {
                push(&mut out.alt, &latin);
            }
        }
        // A name whose Chinese is broken by quotes, brackets or a number
        // ("“北方小熊”巧克力威化糖") is said, and typed, as one: its whole pinyin and
        // initials too ("bfxxqklwht").
        if chinese_words > 1 {
            let whole: String = part.chars().filter(|c| analysis::is_cjk(*c)).collect();
            for form in translit::usual_pinyin_forms(&translit::simplify(&whole), &[]) {
                push(&mut out.alt, &form);
            }
        }
    }
    all_words.sort_unstable();
    all_words.dedup();
    for word in &all_words {
        push(&mut out.words, word);
    }
    out
}

/// The distinct `words` that begin no other of them: every prefix of the others is a
/// prefix of one of these.
fn not_prefixes(mut words: Vec<String>) -> Vec<String> {
    words.sort_unstable();
    words.dedup();
    let mut out = Vec::with_capacity(words.len());
    let mut words = words.into_iter().peekable();
    while let Some(word) = words.next() {
        if !words
            .peek()
            .is_some_and(|next| next.starts_with(word.as_str()))
        {
            out.push(word);
        }
    }
    out
}

/// At least this many parts, each of at most `PART_PRODUCTS` products, are indexed side
/// by side, then merged in catalog order.
const PART_PRODUCTS: usize = 50_000;
/// The indexing memory of one part; it sizes the part's term table.
const PART_MEMORY: usize = 64 * 1024 * 1024;
/// The most segments an index has. A search runs on its segments side by side, one
/// thread each, so a one-letter search over a million products takes a fraction of the
/// time it takes in one segment; each more segment adds the fixed cost of a search once.
const MAX_SEGMENTS: usize = 4;

/// Merges `parts` (indexes of consecutive products, in order, each with its folder) into
/// `segments` segments of consecutive parts, side by side, and makes them the index in
/// `dir`, in the same order: equal scores rank by document address, which is then catalog
/// order. A group of one part is taken as it is. Returns the number of segments.
fn merge_in_order(dir: &Path, parts: Vec<(PathBuf, Index)>, segments: usize) -> Result<usize> {
    let (schema, _) = schema();
    if parts.is_empty() {
        let directory = MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
        Index::create(directory, schema, tantivy::IndexSettings::default())?;
        return Ok(0);
    }
    let groups_dir = dir.join("groups");
    let group_len = parts.len().div_ceil(segments.max(1));
    let merged = parts
        .chunks(group_len)
        .enumerate()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(
            |(group, parts): (usize, &[(PathBuf, Index)])| -> Result<(PathBuf, Index)> {
                if let [(part_dir, index)] = parts {
                    return Ok((part_dir.clone(), index.clone()));
                }
                let parts: Vec<Index> = parts.iter().map(|(_, index)| index.clone()).collect();
                let group_dir = groups_dir.join(group.to_string());
                fs::create_dir_all(&group_dir).map_err(|e| Error::io(&group_dir, e))?;
                let directory =
                    MmapDirectory::open(&group_dir).map_err(tantivy::TantivyError::from)?;
                let index = tantivy::indexer::merge_indices(&parts, directory)?;
                Ok((group_dir, index))
            },
        )
        .collect::<Result<Vec<_>>>()?;
    drop(parts);
    // Each group's one segment is moved into `dir` (a segment's files are named by its
    // id), and `dir`'s meta.json lists them in order.
    let mut metas = merged[0].1.load_metas()?;
    metas.segments.clear();
    metas.payload = None;
    for (group_dir, index) in &merged {
        for segment in index.searchable_segment_metas()? {
            let stem = format!("{}.", segment.id().uuid_string());
            for entry in fs::read_dir(group_dir).map_err(|e| Error::io(group_dir, e))? {
                let entry = entry.map_err(|e| Error::io(group_dir, e))?;
                if entry.file_name().to_string_lossy().starts_with(&stem) {
                    let to = dir.join(entry.file_name());
                    fs::rename(entry.path(), &to).map_err(|e| Error::io(&to, e))?;
                }
            }
            metas.segments.push(segment);
        }
    }
    let count = metas.segments.len();
    drop(merged);
    let mut json = serde_json::to_vec_pretty(&metas).map_err(|e| Error::Internal(e.to_string()))?;
    json.push(b'\n');
    let meta_path = dir.join("meta.json");
    crate::media::write_atomically(&meta_path, &json).map_err(|e| Error::io(&meta_path, e))?;
    remove_dir_if_there(&groups_dir)?;
    Ok(count)
}

fn add_typing(doc: &mut TantivyDocument, f: &Fields, typing: &Typing) {
    doc.add_text(f.prefix, &typing.prefix);
    doc.add_text(f.alt, &typing.alt);
    doc.add_text(f.words, &typing.words);
    doc.add_text(f.zh_gram, &typing.zh_gram);
}

/// The folder, inside an index's folder, of its vocabulary: one document per shared
/// name (a category, place or kind of goods), keyed as in the `shared` field.
const VOCABULARY_DIR: &str = "vocabulary";

/// Indexes `vocabulary` (keys and their names) in `dir`, with the products' schema and
/// typing forms, so a query word is matched against a name exactly as against a
/// product's own names.
fn build_vocabulary(dir: &Path, vocabulary: &BTreeMap<String, Vec<String>>) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let (schema, f) = schema();
    let tokenizers = TokenizerManager::default();
    analysis::register(&tokenizers);
    let directory = MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
    let mut writer = Index::builder()
        .schema(schema)
        .tokenizers(tokenizers)
        .single_segment_index_writer(directory, PART_MEMORY)?;
    let mut analyzers = DocAnalyzers::default();
    for (key, names) in vocabulary {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, key);
        add_typing(
            &mut doc,
            &f,
            &typing_forms(names.iter().map(String::as_str), &mut analyzers),
        );
        writer.add_document(doc)?;
    }
    writer.finalize()?;
    Ok(())
}

/// Bytes damaged inside a segment pass the opening and make searches fail (or panic)
/// later; the checksums catch them here, once, so the index is rebuilt. Every file of
/// every segment is checked (tantivy's own check covers only the files its writer
/// listed, and the segments here were moved in by the build).
fn check_files(index: &Index, dir: &Path) -> Result<()> {
    let stems: Vec<String> = index
        .searchable_segment_metas()?
        .iter()
        .map(|m| format!("{}.", m.id().uuid_string()))
        .collect();
    let mut damaged = 0;
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let name = entry.map_err(|e| Error::io(dir, e))?.file_name();
        let name = name.to_string_lossy();
        if stems.iter().any(|stem| name.starts_with(stem.as_str()))
            && !index
                .directory()
                .validate_checksum(Path::new(name.as_ref()))
                .map_err(tantivy::TantivyError::from)?
        {
            damaged += 1;
        }
    }
    if damaged > 0 {
        return Err(Error::Internal(format!("index files damaged: {damaged}")));
    }
    Ok(())
}

fn remove_dir_if_there(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(dir, e)),
        _ => Ok(()),
    }
}

/// Where a product lists with no query: featured ones first, each group in catalog order.
fn order_key(position: usize, p: &Product) -> u64 {
    let featured = p.tags.iter().any(|t| t == "featured");
    let group: u64 = if featured { 0 } else { 1 << 32 };
    group + position as u64
}

/// What making one product's document needs from the whole catalog.
struct DocContext<'a> {
    fields: &'a Fields,
    categories: &'a HashMap<&'a str, &'a LocalizedText>,
    exhibitors: &'a HashMap<&'a str, &'a Exhibitor>,
    /// The digest of each product's first image.
    first_images: &'a HashMap<&'a str, &'a str>,
}

impl DocContext<'_> {
    /// The document of the product at `position` in the bundle, and its city facet key
    /// with the city's names. The shared names it is found by are added to `vocabulary`.
    fn document(
        &self,
        position: usize,
        p: &Product,
        analyzers: &mut DocAnalyzers,
        vocabulary: &mut BTreeMap<String, Vec<String>>,
    ) -> Result<(TantivyDocument, Option<(String, LocalizedText)>)> {
        let f = self.fields;
        let exhibitor = self.exhibitors.get(p.exhibitor.as_str());
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &p.id);
        let card = Card {
            id: p.id.clone(),
            name: p.name.clone(),
            country: p.country.clone(),
            category: p.category.clone(),
            exhibitor: p.exhibitor.clone(),
            exhibitor_name: exhibitor.map(|e| e.name.clone()).unwrap_or_default(),
            unit: p.unit.clone(),
            moq: p.moq,
            price: p.price.clone(),
            image: self.first_images.get(p.id.as_str()).map(|d| d.to_string()),
            tags: p.tags.clone(),
        };
        doc.add_text(
            f.card,
            serde_json::to_string(&card).map_err(|e| Error::Internal(e.to_string()))?,
        );
        for (i, lang) in LANGS.iter().enumerate() {
            if let Some(name) = p.name.get(lang.code()) {
                doc.add_text(f.name[i], name);
            }
        }
        let texts = product_text(
            p,
            self.categories,
            exhibitor.map(|e| &e.name),
            exhibitor.and_then(|e| e.city.as_ref()),
            analyzers,
        );
        for (i, text) in texts.text.iter().enumerate() {
            doc.add_text(f.text[i], text);
        }
        add_typing(&mut doc, f, &texts.typing);
        if let Some(booth) = exhibitor
            .and_then(|e| e.booth.as_deref())
            .and_then(booth_key)
        {
            doc.add_text(f.shared, &booth);
        }
        for shared in &texts.shared {
            let key = shared.key();
            doc.add_text(f.shared, &key);
            vocabulary.entry(key).or_insert_with(|| shared.names());
        }

        doc.add_facet(f.country, Facet::from_path([p.country.as_str()]));
        doc.add_facet(f.category, facet(&p.category));
        let city = p
            .city
            .as_ref()
            .or_else(|| exhibitor.and_then(|e| e.city.as_ref()));
        let mut city_name = None;
        if let Some(city) = city
            && let Some(key) = city_key(city)
        {
            doc.add_facet(f.city, Facet::from_path([key.as_str()]));
            city_name = Some((key, city.clone()));
        }
        for cert in &p.certifications {
            doc.add_facet(f.certification, Facet::from_path([cert.as_str()]));
        }
        if let Some(storage) = &p.storage {
            doc.add_facet(f.storage, Facet::from_path([storage.as_str()]));
        }
        if let Some(price) = &p.price
            && let Some(first) = price.tiers.first()
        {
            doc.add_facet(f.currency, Facet::from_path([price.currency.as_str()]));
            doc.add_f64(f.price, first.unit_price);
        }
        if let Some(moq) = p.moq {
            doc.add_f64(f.moq, moq);
        }
        let updated = p
            .updated_at
            .as_deref()
            .and_then(|t| {
                time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
            })
            .map(|t| t.unix_timestamp())
            .unwrap_or(0);
        doc.add_i64(f.updated, updated);
        doc.add_u64(f.order, order_key(position, p));
        Ok((doc, city_name))
    }
}

impl SearchIndex {
    /// Builds the index of `data` in the new folder `dir`.
    pub fn build(
        dir: &Path,
        data: &CatalogData,
        first_images: &HashMap<&str, &str>,
    ) -> Result<SearchIndex> {
        let started = Instant::now();
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (schema, f) = schema();
        let tokenizers = TokenizerManager::default();
        analysis::register(&tokenizers);

        let categories: HashMap<&str, &LocalizedText> = data
            .categories
            .iter()
            .map(|c| (c.id.as_str(), &c.name))
            .collect();
        let exhibitors: HashMap<&str, &Exhibitor> =
            data.exhibitors.iter().map(|e| (e.id.as_str(), e)).collect();
        let context = DocContext {
            fields: &f,
            categories: &categories,
            exhibitors: &exhibitors,
            first_images,
        };
        // The catalog is cut into parts of consecutive products; each part is one segment,
        // made by one thread that both makes and indexes its documents, and the parts are
        // merged in order. Documents thus keep their catalog order, so equal scores rank
        // the same in every build, with no sorting pass.
        // Featured products first, then the rest, each in catalog order: the order of the
        // `order` field, which also lists a catalog with no query.
        let mut ordered: Vec<(usize, &Product)> = data.products.iter().enumerate().collect();
        ordered.sort_by_key(|&(position, p)| order_key(position, p));
        let parts_dir = dir.join("parts");
        let threads = rayon::current_num_threads().max(1);
        let parts = ordered.len().div_ceil(PART_PRODUCTS).max(threads);
        let part_len = ordered.len().div_ceil(parts).max(1);
        let built = ordered
            .chunks(part_len)
            .enumerate()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(
                |(part, products): (usize, &[(usize, &Product)])| -> Result<_> {
                    let part_dir = parts_dir.join(part.to_string());
                    fs::create_dir_all(&part_dir).map_err(|e| Error::io(&part_dir, e))?;
                    let directory =
                        MmapDirectory::open(&part_dir).map_err(tantivy::TantivyError::from)?;
                    let mut writer = Index::builder()
                        .schema(schema.clone())
                        .tokenizers(tokenizers.clone())
                        .single_segment_index_writer(directory, PART_MEMORY)?;
                    let mut analyzers = DocAnalyzers::default();
                    let mut cities = BTreeMap::new();
                    let mut vocabulary = BTreeMap::new();
                    for &(position, p) in products {
                        let (doc, city) =
                            context.document(position, p, &mut analyzers, &mut vocabulary)?;
                        if let Some((key, name)) = city {
                            cities.entry(key).or_insert(name);
                        }
                        writer.add_document(doc)?;
                    }
                    Ok(((part_dir, writer.finalize()?), cities, vocabulary))
                },
            )
            .collect::<Result<Vec<_>>>()?;
        let indexed = started.elapsed();
        let mut city_names = BTreeMap::new();
        let mut vocabulary = BTreeMap::new();
        let mut part_indexes = Vec::with_capacity(built.len());
        for (index, cities, names) in built {
            for (key, name) in cities {
                city_names.entry(key).or_insert(name);
            }
            for (key, names) in names {
                vocabulary.entry(key).or_insert(names);
            }
            part_indexes.push(index);
        }
        build_vocabulary(&dir.join(VOCABULARY_DIR), &vocabulary)?;
        let part_count = part_indexes.len();
        let segments = merge_in_order(dir, part_indexes, threads.min(MAX_SEGMENTS))?;
        tracing::info!(
            products = ordered.len(),
            parts = part_count,
            shared_names = vocabulary.len(),
            segments,
            indexed_s = indexed.as_secs_f64(),
            merged_s = (started.elapsed() - indexed).as_secs_f64(),
            "search index built"
        );
        remove_dir_if_there(&parts_dir)?;

        let mut parents: Vec<String> = data
            .categories
            .iter()
            .filter_map(|c| c.parent().map(str::to_string))
            .collect();
        parents.sort();
        parents.dedup();
        let meta = IndexMeta {
            schema_version: analysis::SCHEMA_VERSION,
            catalog_version: data
                .manifest
                .as_ref()
                .map(|m| m.version.clone())
                .unwrap_or_default(),
            parent_categories: parents,
            city_names,
        };
        let meta_path = dir.join(META_FILE);
        let meta_json = serde_json::to_vec(&meta).map_err(|e| Error::Internal(e.to_string()))?;
        crate::media::write_atomically(&meta_path, &meta_json)
            .map_err(|e| Error::io(&meta_path, e))?;
        Self::open(dir)
    }

    /// Opens an index made by [`SearchIndex::build`]; an error when it is missing, broken
    /// or of another schema version (the caller rebuilds it).
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        let meta_path = dir.join(META_FILE);
        let meta: IndexMeta = fs::read(&meta_path)
            .map_err(|e| Error::io(&meta_path, e))
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| Error::Internal(e.to_string())))?;
        if meta.schema_version != analysis::SCHEMA_VERSION {
            return Err(Error::Internal(format!(
                "index schema {} is not {}",
                meta.schema_version,
                analysis::SCHEMA_VERSION
            )));
        }
        let mut index = Index::open_in_dir(dir)?;
        // The segments are searched side by side, as far as there are cores.
        let segments = index.searchable_segment_metas()?.len();
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        if segments > 1 && cores > 1 {
            index.set_multithread_executor(segments.min(cores))?;
        }
        check_files(&index, dir)?;
        analysis::register(index.tokenizers());
        let (expected, fields) = schema();
        if index.schema() != expected {
            return Err(Error::Internal("index schema differs".into()));
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        // jieba loads its dictionary on first use; pay that here, not on a keystroke.
        analysis::analyze(&mut analysis::zh_analyzer(), "预热");
        let facets = Arc::new(tally::Table::read(&reader.searcher())?);

        let vocabulary_dir = dir.join(VOCABULARY_DIR);
        let vocabulary_index = Index::open_in_dir(&vocabulary_dir)?;
        check_files(&vocabulary_index, &vocabulary_dir)?;
        analysis::register(vocabulary_index.tokenizers());
        if vocabulary_index.schema() != index.schema() {
            return Err(Error::Internal("vocabulary schema differs".into()));
        }
        let vocabulary = vocabulary_index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map(|r: IndexReader| r.searcher())?;
        let mut vocabulary_keys = Vec::new();
        for segment in vocabulary.segment_readers() {
            let store = segment
                .get_store_reader(1)
                .map_err(tantivy::TantivyError::from)?;
            let mut keys = Vec::with_capacity(segment.max_doc() as usize);
            for doc in 0..segment.max_doc() {
                let doc: TantivyDocument = store.get(doc)?;
                let key = doc.get_first(fields.id).and_then(|v| v.as_str());
                keys.push(key.unwrap_or_default().to_string());
            }
            vocabulary_keys.push(keys);
        }
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            meta,
            facets,
            vocabulary,
            vocabulary_keys,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn catalog_version(&self) -> &str {
        &self.meta.catalog_version
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Bytes the index takes on disk, its vocabulary included.
    pub fn size_bytes(&self) -> u64 {
        fn size(dir: &Path) -> u64 {
            fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .flatten()
                        .filter_map(|e| Some((e.path(), e.metadata().ok()?)))
                        .map(|(path, m)| if m.is_dir() { size(&path) } else { m.len() })
                        .sum()
                })
                .unwrap_or(0)
        }
        size(&self.dir)
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let typed: String = request.query.chars().take(MAX_QUERY_CHARS).collect();
        // Read in the compatibility form, as the index's words are: "Ｔｅａ" is tea.
        let query_text = analysis::normalize_words(&typed).into_owned();
        let filters = self.filters(request)?;

        let mut reading = QueryReading::AsTyped;
        let mut corrected = None;
        let mut plan = self.plan(&query_text, true)?;
        let mut outcome = self.run(&searcher, request, plan.query.as_deref(), &filters)?;
        if outcome.total == 0
            && plan.query.is_some()
            && let Some(switched) = translit::switch_layout(&query_text)
        {
            let other = self.plan(&switched, true)?;
            let tried = self.run(&searcher, request, other.query.as_deref(), &filters)?;
            if tried.total > 0 {
                reading = QueryReading::OtherLayout;
                corrected = Some(switched);
                plan = other;
                outcome = tried;
            }
        }
        // Found only through typos, while the same keys in the other layout are the
        // beginnings of catalog words ("kerev" reaches Yerevan by a typo and is "лукум"
        // on a Russian keyboard): the other layout is what was meant.
        if outcome.total > 0
            && reading == QueryReading::AsTyped
            && !self.known_words(&searcher, &plan.folded_words)?
            && let Some(switched) = translit::switch_layout(&query_text)
        {
            let other = self.plan(&switched, true)?;
            if self.known_words(&searcher, &other.folded_words)? {
                let tried = self.run(&searcher, request, other.query.as_deref(), &filters)?;
                if tried.total > 0 {
                    reading = QueryReading::OtherLayout;
                    corrected = Some(switched);
                    plan = other;
                    outcome = tried;
                }
            }
        }
        let mut related = Vec::new();
        if outcome.total == 0 && plan.words > 1 {
            // Goods that match some of the words are not what was asked for: they are
            // given apart, labelled, and the search itself found nothing.
            let relaxed = self.plan(&query_text, false)?;
            let tried = self.run(&searcher, request, relaxed.query.as_deref(), &filters)?;
            if tried.total > 0 {
                reading = QueryReading::Related;
                let needles = highlight::Needles::new(&relaxed.folded_words, &relaxed.zh_tokens);
                related = self.hits(&searcher, tried.top, &needles)?;
            }
        }

        let needles = highlight::Needles::new(&plan.folded_words, &plan.zh_tokens);
        let found: Vec<DocAddress> = outcome.top.iter().map(|(_, addr)| *addr).collect();
        let mut hits = self.hits(&searcher, outcome.top, &needles)?;
        if outcome.total > 0 && plan.query.is_some() && request.offset.unwrap_or(0) == 0 {
            hits.extend(self.same_kind(
                &searcher,
                request,
                &query_text,
                &filters,
                &hits,
                &found,
            )?);
        }
        let mut facets = outcome.facets;
        facets.city_names = facets
            .city
            .keys()
            .filter_map(|k| self.meta.city_names.get(k).map(|n| (k.clone(), n.clone())))
            .collect();
        Ok(SearchResponse {
            total: outcome.total,
            hits,
            facets,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            reading,
            corrected,
            related,
        })
    }

    /// When few goods match every word, the closest others after them, marked `related`:
    /// goods of the same categories as those found that share some of the words (other
    /// honeys of the same mountains after "Altai wildflower honey"), as many as fill the
    /// page and [`MAX_SAME_KIND`] at most.
    fn same_kind(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        query_text: &str,
        filters: &[Box<dyn Query>],
        found: &[SearchHit],
        found_docs: &[DocAddress],
    ) -> Result<Vec<SearchHit>> {
        let limit = request.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let room = limit.saturating_sub(found.len()).min(MAX_SAME_KIND);
        if room == 0 {
            return Ok(Vec::new());
        }
        let relaxed = self.plan(query_text, false)?;
        let categories: std::collections::BTreeSet<&str> =
            found.iter().map(|h| h.category.as_str()).collect();
        let same: Vec<(Occur, Box<dyn Query>)> = categories
            .into_iter()
            .map(|c| {
                let term = Term::from_facet(self.fields.category, &facet(c));
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        let kind: Box<dyn Query> = Box::new(BooleanQuery::new(same));
        let wanted = found_docs.len() + room;
        // Those sharing some of the words first (when there are several words), then the
        // rest of the kind in the catalog's order. No counts or facets: only the few
        // best are wanted.
        let sharing = relaxed.query.filter(|_| relaxed.words > 1);
        let mut top: Vec<(f32, DocAddress)> = Vec::new();
        let mut seen: Vec<DocAddress> = found_docs.to_vec();
        for text_query in [sharing, None] {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, kind.box_clone())];
            clauses.extend(filters.iter().map(|f| (Occur::Must, f.box_clone())));
            let scored = text_query.is_some();
            if let Some(q) = text_query {
                clauses.push((Occur::Must, q));
            }
            let query = BooleanQuery::new(clauses);
            let docs = if scored {
                searcher.search(&query, &TopDocs::with_limit(wanted).order_by_score())?
            } else {
                unscored(searcher.search(
                    &query,
                    &TopDocs::with_limit(wanted).order_by_u64_field("order", Order::Asc),
                )?)
            };
            for (score, addr) in docs {
                if top.len() < room && !seen.contains(&addr) {
                    seen.push(addr);
                    top.push((score, addr));
                }
            }
            if top.len() >= room {
                break;
            }
        }
        let needles = highlight::Needles::new(&relaxed.folded_words, &relaxed.zh_tokens);
        let mut more = self.hits(searcher, top, &needles)?;
        for hit in &mut more {
            hit.related = true;
        }
        Ok(more)
    }

    /// The cards of ranked documents, their names highlighted with `needles`.
    fn hits(
        &self,
        searcher: &Searcher,
        top: Vec<(f32, DocAddress)>,
        needles: &highlight::Needles,
    ) -> Result<Vec<SearchHit>> {
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let card_json = doc
                .get_first(self.fields.card)
                .and_then(|v| v.as_str())
                .unwrap_or("{}");
            let card: Card =
                serde_json::from_str(card_json).map_err(|e| Error::Internal(e.to_string()))?;
            let highlight = card
                .name
                .iter()
                .map(|(lang, text)| (lang.clone(), needles.spans(text)))
                .collect();
            hits.push(SearchHit {
                id: card.id,
                score,
                name: card.name,
                highlight,
                country: card.country,
                category: card.category,
                exhibitor: card.exhibitor,
                exhibitor_name: card.exhibitor_name,
                unit: card.unit,
                moq: card.moq,
                price: card.price,
                has_image: card.image.is_some(),
                image: card.image,
                tags: card.tags,
                related: false,
            });
        }
        Ok(hits)
    }

    /// The filter clauses of a request.
    fn filters(&self, request: &SearchRequest) -> Result<Vec<Box<dyn Query>>> {
        let f = self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let facet_term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_facet(field, &facet(value)),
                IndexRecordOption::Basic,
            ))
        };
        let nonempty = |v: &Option<String>| {
            v.as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
        };
        if let Some(country) = nonempty(&request.country) {
            out.push(facet_term(f.country, &country));
        }
        if let Some(category) = nonempty(&request.category) {
            out.push(facet_term(f.category, &category));
        }
        if let Some(city) = nonempty(&request.city) {
            out.push(Box::new(TermQuery::new(
                Term::from_facet(f.city, &Facet::from_path([city.as_str()])),
                IndexRecordOption::Basic,
            )));
        }
        if let Some(cert) = nonempty(&request.certification) {
            out.push(facet_term(f.certification, &cert));
        }
        if let Some(storage) = nonempty(&request.storage) {
            out.push(facet_term(f.storage, &storage));
        }
        let sort = request.sort.unwrap_or_default();
        let priced = request.price_min.is_some()
            || request.price_max.is_some()
            || matches!(sort, SortOrder::PriceAsc | SortOrder::PriceDesc);
        match nonempty(&request.currency) {
            Some(currency) => out.push(facet_term(f.currency, &currency)),
            None if priced => {
                return Err(Error::BadRequest(
                    "a price filter or sort needs a currency".into(),
                ));
            }
            None => {}
        }
        let range = |field: Field, min: Option<f64>, max: Option<f64>| -> Box<dyn Query> {
            let bound = |v: Option<f64>| match v {
                Some(v) if v.is_finite() => Bound::Included(Term::from_field_f64(field, v)),
                _ => Bound::Unbounded,
            };
            Box::new(RangeQuery::new(bound(min), bound(max)))
        };
        if request.price_min.is_some() || request.price_max.is_some() {
            out.push(range(f.price, request.price_min, request.price_max));
        }
        if request.moq_max.is_some() {
            out.push(range(f.moq, None, request.moq_max));
        }
        Ok(out)
    }

    /// The text query for `text`: `all_words` requires every word; otherwise any will do.
    fn plan(&self, text: &str, all_words: bool) -> Result<Plan> {
        let f = self.fields;
        let spans: Vec<(usize, usize)> = analysis::words(text)
            .into_iter()
            .take(MAX_QUERY_WORDS)
            .collect();
        let folded_words: Vec<String> = spans
            .iter()
            .map(|&(a, b)| translit::fold_pinyin(&analysis::fold(&text[a..b])))
            .collect();
        if folded_words.is_empty() {
            return Ok(Plan {
                query: None,
                folded_words,
                zh_tokens: Vec::new(),
                words: 0,
            });
        }
        let occur = if all_words {
            Occur::Must
        } else {
            Occur::Should
        };
        // Quantities and their units ("100 g", "500克") rank what has them first but are
        // not required, so a size does not cut the goods down to those that print it;
        // unless the query is nothing else.
        let mut optional = quantity_words(&folded_words);
        if optional.iter().all(|o| *o) {
            optional.fill(false);
        }
        let occur_of = |i: usize| if optional[i] { Occur::Should } else { occur };
        let searcher = self.reader.searcher();
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();

        // Every word as typed: a prefix of a name word (scored), or, for longer words,
        // the same word with a typo or two; in the product's own names, or in a shared
        // name (category, place, kind of goods) the product has.
        let last = folded_words.len() - 1;
        let mut word_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (i, w) in folded_words.iter().enumerate() {
            let cut: String = w.chars().take(analysis::MAX_PREFIX_CHARS).collect();
            let term = |field| -> Box<dyn Query> {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &cut),
                    IndexRecordOption::WithFreqs,
                ))
            };
            if one_letter(w) {
                // Among other words a lone letter is mostly a preposition ("сыр с
                // плесенью"): it narrows what every word matches, and alone says nothing.
                if all_words || folded_words.len() == 1 {
                    word_clauses.push((occur_of(i), term(f.prefix)));
                }
                continue;
            }
            // Each way a word matches, and its weight. Native spellings outrank pinyin and
            // transliterations of the same letters ("hon" is honey before it is 红 hong).
            let mut ways: Vec<(Box<dyn Query>, f32)> =
                vec![(term(f.prefix), 1.0), (term(f.alt), 0.6)];
            if let Some(latin) = translit::cyrillic_to_latin(w) {
                let cut: String = latin.chars().take(analysis::MAX_PREFIX_CHARS).collect();
                let term = Term::from_field_text(f.prefix, &cut);
                ways.push((
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    0.5,
                ));
            }
            // A Chinese word whose characters never stand together in the catalog was
            // likely typed with a pinyin input method that picked a homophone (桥麦 for
            // 荞麦): it is also read by its sound, below the readings of its characters.
            if w.chars().all(analysis::is_cjk)
                && let Some(reading) = translit::toneless_pinyin(w)
                && self.unseen_chinese(&searcher, w)?
            {
                let cut: String = reading.chars().take(analysis::MAX_PREFIX_CHARS).collect();
                let term = Term::from_field_text(f.alt, &cut);
                ways.push((
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    0.25,
                ));
            }
            // An English plural in -ves is also read as its singular in -f or -fe
            // ("knives" knife, "leaves" leaf), which no stemmer undoes.
            if let Some(stem) = w
                .strip_suffix("ves")
                .filter(|s| s.len() >= 2 && s.bytes().all(|b| b.is_ascii_lowercase()))
            {
                for singular in [format!("{stem}fe"), format!("{stem}f")] {
                    let term = Term::from_field_text(f.prefix, &singular);
                    ways.push((
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                        0.9,
                    ));
                }
            }
            let len = w.chars().count();
            let distance = match len {
                0..=4 => 0,
                5..=8 => 1,
                _ => 2,
            };
            if distance > 0 && !w.chars().any(analysis::is_cjk) {
                let term = Term::from_field_text(f.words, w);
                let fuzzy = if i == last {
                    FuzzyTermQuery::new_prefix(term, distance, true)
                } else {
                    FuzzyTermQuery::new(term, distance, true)
                };
                ways.push((Box::new(fuzzy), 0.3));
            }
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            if let Some(shared) = self.shared_names(&ways)? {
                alternatives.push((Occur::Should, shared));
            }
            for (query, weight) in ways {
                alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, weight))));
            }
            word_clauses.push((occur_of(i), Box::new(BooleanQuery::new(alternatives))));
        }
        should.push((Occur::Should, Box::new(BooleanQuery::new(word_clauses))));

        // Pinyin typed with spaces between syllables ("feng mi") is also read as one word
        // ("fengmi"): a Chinese word's syllables are not words of their own.
        if (2..=MAX_SYLLABLE_WORDS).contains(&folded_words.len())
            && folded_words
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
        {
            let joined: String = folded_words.concat();
            let cut: String = joined.chars().take(analysis::MAX_PREFIX_CHARS).collect();
            let term = |field| -> Box<dyn Query> {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &cut),
                    IndexRecordOption::WithFreqs,
                ))
            };
            let ways: Vec<(Box<dyn Query>, f32)> = vec![(term(f.alt), 0.6), (term(f.prefix), 0.5)];
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            if let Some(shared) = self.shared_names(&ways)? {
                alternatives.push((Occur::Should, shared));
            }
            for (query, weight) in ways {
                alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, weight))));
            }
            should.push((Occur::Should, Box::new(BooleanQuery::new(alternatives))));
        }

        // Each language's analysis of the whole query: stems, segments.
        let mut zh_tokens = Vec::new();
        let analysed = !(folded_words.len() == 1 && one_letter(&folded_words[0]));
        for (i, lang) in LANGS.iter().enumerate().filter(|_| analysed) {
            let mut analyzer = self.analyzer(*lang);
            let tokens = analysis::analyze(&mut analyzer, text);
            if tokens.is_empty() {
                continue;
            }
            let optional_tokens: Vec<String> = spans
                .iter()
                .zip(&optional)
                .filter(|(_, o)| **o)
                .flat_map(|(&(a, b), _)| analysis::analyze(&mut analyzer, &text[a..b]))
                .collect();
            let terms = |field| {
                tokens
                    .iter()
                    .map(|t| {
                        let occur = if optional_tokens.contains(t) {
                            Occur::Should
                        } else {
                            occur
                        };
                        (Term::from_field_text(field, t), occur)
                    })
                    .collect()
            };
            should.push((Occur::Should, combined(terms(f.name[i]), 4.0)));
            should.push((Occur::Should, combined(terms(f.text[i]), 1.5)));
            if *lang == Lang::Zh {
                zh_tokens = tokens;
            }
        }
        // Chinese by characters and bigrams, for names segmented differently.
        let grams: Vec<(Term, Occur)> = spans
            .iter()
            .zip(&optional)
            .filter(|(_, o)| !**o)
            .map(|(&(a, b), _)| &text[a..b])
            .filter(|w| w.chars().any(analysis::is_cjk))
            .flat_map(analysis::query_grams)
            .map(|g| (Term::from_field_text(f.zh_gram, &g), occur))
            .collect();
        if !grams.is_empty() {
            should.push((Occur::Should, combined(grams, 0.8)));
        }
        // A booth number ("A1-01") finds the goods of the exhibitor standing there.
        if let Some(booth) = booth_key(text) {
            let term = Term::from_field_text(f.shared, &booth);
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                    8.0,
                )),
            ));
        }
        Ok(Plan {
            query: Some(Box::new(BooleanQuery::new(should))),
            words: folded_words.len(),
            folded_words,
            zh_tokens,
        })
    }

    /// Whether some character pair of the Chinese `word` (or the character, when alone)
    /// is in no product's name.
    /// Whether every word (lone letters aside) begins a word of the catalog's names, as
    /// written or in their other readings: found without a typo.
    fn known_words(&self, searcher: &Searcher, words: &[String]) -> Result<bool> {
        for w in words.iter().filter(|w| !one_letter(w)) {
            let cut: String = w.chars().take(analysis::MAX_PREFIX_CHARS).collect();
            let mut known = false;
            for field in [self.fields.prefix, self.fields.alt] {
                if searcher.doc_freq(&Term::from_field_text(field, &cut))? > 0 {
                    known = true;
                    break;
                }
            }
            if !known {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn unseen_chinese(&self, searcher: &Searcher, word: &str) -> Result<bool> {
        for gram in analysis::query_grams(word) {
            if searcher.doc_freq(&Term::from_field_text(self.fields.zh_gram, &gram))? == 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The shared names a query word matches in any of its `ways` (queries on the typing
    /// fields, each with its weight), as one query for the products that have them: each
    /// name weighted as the best way it matched.
    fn shared_names(&self, ways: &[(Box<dyn Query>, f32)]) -> Result<Option<Box<dyn Query>>> {
        let mut weights: HashMap<DocAddress, f32> = HashMap::new();
        for (query, weight) in ways {
            for address in self.vocabulary.search(query.as_ref(), &DocSetCollector)? {
                let best = weights.entry(address).or_insert(0.0);
                *best = best.max(*weight);
            }
        }
        if weights.is_empty() {
            return Ok(None);
        }
        let mut found: Vec<(DocAddress, f32)> = weights.into_iter().collect();
        // The best first, then in vocabulary order, so the same word makes the same query.
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        found.truncate(MAX_SHARED_NAMES);
        let clauses = found
            .into_iter()
            .filter_map(|(address, weight)| {
                let key = self
                    .vocabulary_keys
                    .get(address.segment_ord as usize)?
                    .get(address.doc_id as usize)?;
                let term = Term::from_field_text(self.fields.shared, key);
                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                Some((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(query), weight)) as Box<dyn Query>,
                ))
            })
            .collect();
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }

    fn run(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        text_query: Option<&dyn Query>,
        filters: &[Box<dyn Query>],
    ) -> Result<Outcome> {
        let limit = request.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let offset = request.offset.unwrap_or(0).min(10_000);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(q) = text_query {
            clauses.push((Occur::Must, q.box_clone()));
        }
        for filter in filters {
            clauses.push((Occur::Must, filter.box_clone()));
        }
        let query: Box<dyn Query> = if clauses.is_empty() {
            Box::new(AllQuery)
        } else {
            clauses.push((Occur::Must, Box::new(AllQuery)));
            Box::new(BooleanQuery::new(clauses))
        };

        let facets = tally::Tally(self.facets.clone());
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let sort = request.sort.unwrap_or_default();
        let (top, total, counts): (Vec<(f32, DocAddress)>, usize, _) =
            match (sort, text_query.is_some()) {
                (SortOrder::Relevance, true) => {
                    searcher.search(&query, &(top.order_by_score(), Count, facets))?
                }
                (SortOrder::Relevance, false) => {
                    let (docs, total, counts) = searcher.search(
                        &query,
                        &(top.order_by_u64_field("order", Order::Asc), Count, facets),
                    )?;
                    (unscored(docs), total, counts)
                }
                (SortOrder::PriceAsc | SortOrder::PriceDesc, _) => {
                    let order = if sort == SortOrder::PriceAsc {
                        Order::Asc
                    } else {
                        Order::Desc
                    };
                    let (docs, total, counts) = searcher.search(
                        &query,
                        &(
                            top.order_by_fast_field::<f64>("price", order),
                            Count,
                            facets,
                        ),
                    )?;
                    (unscored(docs), total, counts)
                }
                (SortOrder::Newest, _) => {
                    let (docs, total, counts) = searcher.search(
                        &query,
                        &(
                            top.order_by_fast_field::<i64>("updated", Order::Desc),
                            Count,
                            facets,
                        ),
                    )?;
                    (unscored(docs), total, counts)
                }
            };
        // Top-level categories, and the children of those with children.
        let top_parents: Vec<&String> = self
            .meta
            .parent_categories
            .iter()
            .filter(|p| !p.contains('/'))
            .collect();
        let out = FacetCounts {
            country: self.facets.named(&counts, tally::COUNTRY),
            category: self.facets.categories(&counts, &top_parents),
            city: self.facets.named(&counts, tally::CITY),
            certification: self.facets.named(&counts, tally::CERTIFICATION),
            storage: self.facets.named(&counts, tally::STORAGE),
            city_names: BTreeMap::new(),
        };
        Ok(Outcome {
            top,
            total: total as u64,
            facets: out,
        })
    }

    fn analyzer(&self, lang: Lang) -> TextAnalyzer {
        let name = match lang {
            Lang::Zh => analysis::ZH,
            Lang::Ru => analysis::RU,
            Lang::En => analysis::EN,
        };
        self.index
            .tokenizers()
            .get(name)
            .expect("analyzers are registered when the index is opened")
    }
}

struct Plan {
    query: Option<Box<dyn Query>>,
    folded_words: Vec<String>,
    zh_tokens: Vec<String>,
    words: usize,
}

struct Outcome {
    top: Vec<(f32, DocAddress)>,
    total: u64,
    facets: FacetCounts,
}

fn unscored<T>(docs: Vec<(T, DocAddress)>) -> Vec<(f32, DocAddress)> {
    docs.into_iter().map(|(_, addr)| (1.0, addr)).collect()
}

fn text_of<'a>(text: &'a Option<LocalizedText>, code: &str) -> Option<&'a str> {
    text.as_ref().and_then(|t| t.get(code)).map(String::as_str)
}

/// One letter (not an ideograph) says little: it matches as the beginning of a word of
/// the product's own names and keywords as written, not of a pinyin or transliterated
/// form, a shared name, nor as a word of its own ("g" of "500 g"); those matched most of
/// a catalog and made the first keystroke the slowest.
fn one_letter(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if !analysis::is_cjk(c))
}

/// Terms, each required or not, scored by BM25, weighted by `boost`.
fn combined(terms: Vec<(Term, Occur)>, boost: f32) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .into_iter()
        .map(|(t, occur)| -> (Occur, Box<dyn Query>) {
            (
                occur,
                Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)),
            )
        })
        .collect();
    Box::new(BoostQuery::new(Box::new(BooleanQuery::new(clauses)), boost))
}

/// Units of weight, volume and count, folded, as written after a number.
const UNITS: &[&str] = &[
    "g",
    "gr",
    "gram",
    "grams",
    "kg",
    "kilo",
    "kilos",
    "kilogram",
    "kilograms",
    "mg",
    "ml",
    "l",
    "liter",
    "liters",
    "litre",
    "litres",
    "oz",
    "lb",
    "lbs",
    "pc",
    "pcs",
    "piece",
    "pieces",
    "pack",
    "packs",
    "г",
    "гр",
    "грамм",
    "грамма",
    "граммов",
    "кг",
    "килограмм",
    "килограмма",
    "килограммов",
    "мг",
    "мл",
    "л",
    "литр",
    "литра",
    "литров",
    "шт",
    "штук",
    "штуки",
    "克",
    "千克",
    "公斤",
    "斤",
    "毫升",
    "升",
    "个",
    "片",
    "包",
    "袋",
    "瓶",
    "盒",
    "罐",
    "粒",
    "支",
    "条",
    "块",
];

/// Which of a query's folded words state a quantity: a number ("100", "1kg", "500мл"),
/// or a unit right after one ("100 g", "500 克").
fn quantity_words(words: &[String]) -> Vec<bool> {
    let mut out = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let number = w.starts_with(|c: char| c.is_ascii_digit())
            && w.trim_start_matches(|c: char| c.is_ascii_digit())
                .chars()
                .all(char::is_alphabetic);
        let unit = i > 0 && out[i - 1] && UNITS.contains(&w.as_str());
        out.push(number || unit);
    }
    out
}

/// The key of the booth number `text` is, if it looks like one: letters and digits (and
/// the separators between them), both, at most 12 of them ("A1-01" → "booth:a101").
fn booth_key(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | ' '))
    {
        return None;
    }
    let key: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let has = |f: fn(&char) -> bool| key.chars().any(|c| f(&c));
    (key.len() <= 12 && has(char::is_ascii_digit) && has(char::is_ascii_alphabetic))
        .then(|| format!("booth:{key}"))
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
