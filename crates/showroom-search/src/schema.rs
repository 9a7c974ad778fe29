//! The index's schema: its fields and how they are analysed, the facets, and the
//! file written beside an index that says what made it.

use super::*;

/// Written beside the index: what made it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(super) struct IndexMeta {
    pub(super) schema_version: u32,
    pub(super) catalog_version: String,
    /// Categories that have children: their children are counted as facets too.
    pub(super) parent_categories: Vec<String>,
    pub(super) city_names: BTreeMap<String, LocalizedText>,
}

pub(super) const META_FILE: &str = "showroom-index.json";

#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub(super) id: Field,
    pub(super) card: Field,
    pub(super) name: [Field; 3],
    pub(super) text: [Field; 3],
    /// Descriptions, apart: goods that only mention a word there are related, not found.
    pub(super) description: [Field; 3],
    pub(super) prefix: Field,
    /// Prefixes of the forms typed on another keyboard: pinyin, Cyrillic in Latin.
    pub(super) alt: Field,
    pub(super) words: Field,
    pub(super) zh_gram: Field,
    /// Keys of the shared names a product is found by (see [`Shared`]).
    pub(super) shared: Field,
    pub(super) country: Field,
    pub(super) category: Field,
    pub(super) city: Field,
    pub(super) certification: Field,
    pub(super) storage: Field,
    pub(super) currency: Field,
    pub(super) price: Field,
    pub(super) moq: Field,
    pub(super) updated: Field,
    pub(super) order: Field,
}

pub(super) const LANGS: [Lang; 3] = [Lang::Zh, Lang::Ru, Lang::En];

pub(super) fn schema() -> (Schema, Fields) {
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
        description: [0, 1, 2].map(|i| {
            b.add_text_field(
                &format!("description_{}", LANGS[i].code()),
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
pub(super) fn city_key(city: &LocalizedText) -> Option<String> {
    pick(city, Lang::En).map(|(_, name)| name.replace('/', " "))
}

pub(super) fn facet(path: &str) -> Facet {
    Facet::from_path(path.split('/').filter(|s| !s.is_empty()))
}
