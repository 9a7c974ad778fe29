//! The full-text catalog: one struct owns the tantivy index, its reader and its field
//! handles. The index is derived data: built from a catalog into a new folder, and
//! rebuilt from SQLite whenever it is missing, broken or of another schema version.

pub mod analysis;
mod highlight;
mod places;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Index, IndexReader, Order, ReloadPolicy, TantivyDocument, Term};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::model::{CatalogData, LocalizedText, Price};

pub use highlight::HighlightSpan;

/// Queries longer than this are cut: nobody types more, and it bounds the work.
pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_LIMIT: usize = 200;
const DEFAULT_LIMIT: usize = 24;

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
    has_image: bool,
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
    pub tags: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, TS)]
pub struct FacetCounts {
    pub country: BTreeMap<String, u64>,
    pub category: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct SearchResponse {
    pub total: u64,
    pub hits: Vec<SearchHit>,
    pub facets: FacetCounts,
    pub took_ms: f64,
}

/// Written beside the index: what made it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct IndexMeta {
    schema_version: u32,
    catalog_version: String,
    /// Categories that have children: their children are counted as facets too.
    parent_categories: Vec<String>,
}

const META_FILE: &str = "showroom-index.json";

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    card: Field,
    name: [Field; 3],
    text: [Field; 3],
    prefix: Field,
    country: Field,
    category: Field,
    order: Field,
}

const LANGS: [Lang; 3] = [Lang::Zh, Lang::Ru, Lang::En];

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            options.set_stored()
        } else {
            options
        }
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
        prefix: b.add_text_field(
            "prefix",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analysis::PREFIX)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
        country: b.add_facet_field("country", FacetOptions::default()),
        category: b.add_facet_field("category", FacetOptions::default()),
        order: b.add_u64_field("order", FAST),
    };
    (b.build(), fields)
}

pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    meta: IndexMeta,
}

impl SearchIndex {
    /// Builds the index of `data` in the new folder `dir`.
    pub fn build(
        dir: &Path,
        data: &CatalogData,
        image_counts: &HashMap<&str, u32>,
    ) -> Result<SearchIndex> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (schema, f) = schema();
        let index = Index::create_in_dir(dir, schema)?;
        analysis::register(index.tokenizers());
        let mut writer = index.writer::<TantivyDocument>(64 * 1024 * 1024)?;

        let categories: HashMap<&str, &LocalizedText> = data
            .categories
            .iter()
            .map(|c| (c.id.as_str(), &c.name))
            .collect();
        let exhibitors: HashMap<&str, _> =
            data.exhibitors.iter().map(|e| (e.id.as_str(), e)).collect();

        for (position, p) in data.products.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, &p.id);
            let exhibitor = exhibitors.get(p.exhibitor.as_str());
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
                has_image: image_counts.get(p.id.as_str()).copied().unwrap_or(0) > 0,
                tags: p.tags.clone(),
            };
            doc.add_text(
                f.card,
                serde_json::to_string(&card).map_err(|e| Error::Internal(e.to_string()))?,
            );

            let mut prefix_text = String::new();
            for (i, lang) in LANGS.iter().enumerate() {
                let code = lang.code();
                if let Some(name) = p.name.get(code) {
                    doc.add_text(f.name[i], name);
                }
                // Everything else a visitor may type in this language to mean this product.
                let mut text = Vec::<&str>::new();
                text.extend(text_of(&p.description, code));
                if let Some(words) = p.keywords.as_ref().and_then(|k| k.get(code)) {
                    text.extend(words.iter().map(String::as_str));
                }
                text.extend(text_of(&p.city, code));
                let mut path = p.category.as_str();
                loop {
                    text.extend(
                        categories
                            .get(path)
                            .and_then(|n| n.get(code))
                            .map(String::as_str),
                    );
                    match path.rsplit_once('/') {
                        Some((parent, _)) => path = parent,
                        None => break,
                    }
                }
                if let Some(e) = exhibitor {
                    text.extend(e.name.get(code).map(String::as_str));
                    if p.city.is_none() {
                        text.extend(text_of(&e.city, code));
                    }
                }
                text.extend(places::country_name(&p.country, code));
                let joined = text.join("\n");
                doc.add_text(f.text[i], &joined);
                for part in [p.name.get(code).map(String::as_str).unwrap_or(""), &joined] {
                    prefix_text.push_str(part);
                    prefix_text.push('\n');
                }
            }
            // Names in languages other than the three are still found as typed.
            for (code, name) in &p.name {
                if !LANGS.iter().any(|l| l.code() == code) {
                    prefix_text.push_str(name);
                    prefix_text.push('\n');
                }
            }
            doc.add_text(f.prefix, &prefix_text);
            doc.add_facet(
                f.country,
                tantivy::schema::Facet::from_path([p.country.as_str()]),
            );
            doc.add_facet(
                f.category,
                tantivy::schema::Facet::from_path(p.category.split('/')),
            );
            let featured = p.tags.iter().any(|t| t == "featured");
            doc.add_u64(
                f.order,
                if featured { 0 } else { 1 << 32 } + position as u64,
            );
            writer.add_document(doc)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;

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
        let index = Index::open_in_dir(dir)?;
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
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            meta,
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

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let f = self.fields;
        let query_text: String = request.query.chars().take(MAX_QUERY_CHARS).collect();
        let limit = request.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let offset = request.offset.unwrap_or(0).min(10_000);

        let words: Vec<String> = analysis::words(&query_text)
            .into_iter()
            .map(|(a, b)| analysis::fold(&query_text[a..b]))
            .collect();
        let mut zh_tokens = Vec::new();
        let text_query: Option<Box<dyn Query>> = if words.is_empty() {
            None
        } else {
            let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let prefix_terms = words
                .iter()
                .map(|w| {
                    let cut: String = w.chars().take(analysis::MAX_PREFIX_CHARS).collect();
                    Term::from_field_text(f.prefix, &cut)
                })
                .collect();
            should.push((Occur::Should, all_of(prefix_terms, 1.0)));
            for (i, lang) in LANGS.iter().enumerate() {
                let mut analyzer = self.analyzer(*lang);
                let tokens = analysis::analyze(&mut analyzer, &query_text);
                if tokens.is_empty() {
                    continue;
                }
                let terms = |field| {
                    tokens
                        .iter()
                        .map(|t| Term::from_field_text(field, t))
                        .collect()
                };
                should.push((Occur::Should, all_of(terms(f.name[i]), 4.0)));
                should.push((Occur::Should, all_of(terms(f.text[i]), 1.5)));
                if *lang == Lang::Zh {
                    zh_tokens = tokens;
                }
            }
            Some(Box::new(BooleanQuery::new(should)))
        };

        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(q) = &text_query {
            must.push((Occur::Must, q.box_clone()));
        }
        if let Some(country) = request.country.as_deref().filter(|c| !c.is_empty()) {
            must.push((Occur::Must, facet_term(f.country, [country])));
        }
        if let Some(category) = request.category.as_deref().filter(|c| !c.is_empty()) {
            must.push((Occur::Must, facet_term(f.category, category.split('/'))));
        }
        let query: Box<dyn Query> = if must.is_empty() {
            Box::new(AllQuery)
        } else {
            must.push((Occur::Must, Box::new(AllQuery)));
            Box::new(BooleanQuery::new(must))
        };

        let searcher = self.reader.searcher();
        let mut country_facets = FacetCollector::for_field("country");
        country_facets.add_facet("/");
        // One collector counts top-level categories, another their children: a facet
        // collector refuses facets nested in each other.
        let mut top_categories = FacetCollector::for_field("category");
        top_categories.add_facet("/");
        let mut sub_categories = FacetCollector::for_field("category");
        let top_parents: Vec<&String> = self
            .meta
            .parent_categories
            .iter()
            .filter(|p| !p.contains('/'))
            .collect();
        for parent in &top_parents {
            sub_categories.add_facet(tantivy::schema::Facet::from_path(std::iter::once(
                String::as_str(parent),
            )));
        }
        let categories_collector = (top_categories, sub_categories);
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (scored, total, countries, (top_counts, sub_counts)): (
            Vec<(f32, DocAddress)>,
            usize,
            _,
            _,
        ) = if text_query.is_some() {
            searcher.search(
                &query,
                &(
                    top.order_by_score(),
                    Count,
                    country_facets,
                    categories_collector,
                ),
            )?
        } else {
            let (by_order, total, countries, categories) = searcher.search(
                &query,
                &(
                    top.order_by_u64_field("order", Order::Asc),
                    Count,
                    country_facets,
                    categories_collector,
                ),
            )?;
            let scored = by_order.into_iter().map(|(_, addr)| (1.0, addr)).collect();
            (scored, total, countries, categories)
        };

        let mut facets = FacetCounts::default();
        for (facet, count) in countries.get("/") {
            facets.country.insert(facet.to_path().join("/"), count);
        }
        for (facet, count) in top_counts.get("/") {
            facets.category.insert(facet.to_path().join("/"), count);
        }
        for parent in &top_parents {
            for (facet, count) in sub_counts.get(tantivy::schema::Facet::from_path(
                std::iter::once(String::as_str(parent)),
            )) {
                facets.category.insert(facet.to_path().join("/"), count);
            }
        }

        let needles = highlight::Needles::new(&words, &zh_tokens);
        let mut hits = Vec::with_capacity(scored.len());
        for (score, address) in scored {
            let doc: TantivyDocument = searcher.doc(address)?;
            let card_json = doc
                .get_first(f.card)
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
                has_image: card.has_image,
                tags: card.tags,
            });
        }
        Ok(SearchResponse {
            total: total as u64,
            hits,
            facets,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
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

fn text_of<'a>(text: &'a Option<LocalizedText>, code: &str) -> Option<&'a str> {
    text.as_ref().and_then(|t| t.get(code)).map(String::as_str)
}

/// A query that needs every term, scored by BM25 and weighted by `boost`.
fn all_of(terms: Vec<Term>, boost: f32) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .into_iter()
        .map(|t| -> (Occur, Box<dyn Query>) {
            (
                Occur::Must,
                Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)),
            )
        })
        .collect();
    Box::new(BoostQuery::new(Box::new(BooleanQuery::new(clauses)), boost))
}

fn facet_term<'a>(field: Field, path: impl IntoIterator<Item = &'a str>) -> Box<dyn Query> {
    let facet = tantivy::schema::Facet::from_path(path);
    Box::new(TermQuery::new(
        Term::from_facet(field, &facet),
        IndexRecordOption::Basic,
    ))
}
