//! A product as a document: its text in each language, the forms its names are typed
//! as, and the shared names it is found by.

use super::*;

/// Search text of one product in each language, the forms its own names are typed as,
/// and the shared names (categories, places, kinds of goods) it is found by.
pub(super) struct ProductText<'a> {
    pub(super) text: [String; 3],
    pub(super) typing: Typing,
    pub(super) shared: Vec<Shared<'a>>,
    /// The head words of the product's names: what kind of thing it is (see [`heads`]).
    pub(super) heads: Vec<String>,
}

/// The forms text is matched by while it is typed.
#[derive(Default)]
pub(super) struct Typing {
    pub(super) prefix: String,
    pub(super) alt: String,
    pub(super) words: String,
    pub(super) zh_gram: String,
}

/// A name many products share. It is indexed once, in the index's vocabulary, and each
/// product carries only its key: a query word that matches the name matches the key.
pub(super) enum Shared<'a> {
    Category(&'a str, &'a LocalizedText),
    City(String, &'a LocalizedText),
    Country(&'a str),
    Concept(usize),
}

impl Shared<'_> {
    pub(super) fn key(&self) -> String {
        match self {
            Shared::Category(id, _) => format!("category:{id}"),
            Shared::City(key, _) => format!("city:{key}"),
            Shared::Country(code) => format!("country:{code}"),
            Shared::Concept(c) => format!("concept:{c}"),
        }
    }

    pub(super) fn names(&self) -> Vec<String> {
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
pub(super) struct DocAnalyzers {
    pub(super) zh: Option<TextAnalyzer>,
    pub(super) stemmers: concepts::Stemmers,
}

impl DocAnalyzers {
    pub(super) fn zh(&mut self) -> &mut TextAnalyzer {
        self.zh.get_or_insert_with(analysis::zh_analyzer)
    }
}

/// The category `id` and its ancestors, nearest first.
pub(super) fn category_path(id: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(id), |path| {
        path.rsplit_once('/').map(|(parent, _)| parent)
    })
}

pub(super) fn product_text<'a>(
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
        heads: heads(p, analyzers),
    }
}

/// The head words of a product's names, as the name fields' analyzers make them: the
/// word that says what kind of thing it is, and that the others qualify. In Chinese the
/// last word of the name's main part, and that word's last character (红茶 is a 茶, 茶具
/// is not: 具); in English its last word ("porcelain tea *set*"); in Russian its last word
/// that is not shaped as an adjective ("Алтайский горный *мёд*", "*Чай* чёрный"). The main
/// part is what comes before a comma or bracket, without quoted names or numbers.
pub(super) fn heads(p: &Product, analyzers: &mut DocAnalyzers) -> Vec<String> {
    let mut out = Vec::new();
    let main = |name: &str| -> String {
        let cut = name
            .find([',', '，', '(', '（', '[', '【', ';', '；', ':', '：'])
            .unwrap_or(name.len());
        name[..cut].to_string()
    };
    if let Some(name) = p.name.get("zh") {
        let main = main(name);
        // The last run of Chinese characters: quoted brand names and sizes come before.
        let run: String = main
            .rsplit(|c: char| !analysis::is_cjk(c))
            .find(|r| !r.is_empty())
            .unwrap_or("")
            .to_string();
        if let Some(last) = analysis::analyze(analyzers.zh(), &run).pop() {
            let chars: Vec<char> = last.chars().collect();
            if chars.len() > 1 {
                out.push(chars[chars.len() - 1].to_string());
            }
            out.push(last);
        }
    }
    for (code, analyzer) in [
        ("en", &mut analyzers.stemmers.en),
        ("ru", &mut analyzers.stemmers.ru),
    ] {
        let Some(name) = p.name.get(code) else {
            continue;
        };
        let main = main(name);
        // What follows a preposition qualifies the head ("чай *из Ризе*", "set *of six*").
        let words: Vec<&str> = main
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .take_while(|w| !PREPOSITIONS.contains(&w.to_lowercase().as_str()))
            .filter(|w| w.chars().count() > 1)
            .collect();
        let head = words
            .iter()
            .rev()
            .find(|w| code != "ru" || !adjective_shaped(w))
            .or(words.last());
        if let Some(head) = head {
            out.extend(analysis::analyze(analyzer, head));
        }
    }
    out.sort();
    out.dedup();
    out
}

const PREPOSITIONS: &[&str] = &[
    "of", "from", "with", "for", "in", "by", "без", "в", "во", "для", "из", "к", "на", "от", "по",
    "с", "со",
];

/// Whether a Russian word ends as an adjective does ("горный", "чёрная", "сушёные").
fn adjective_shaped(word: &str) -> bool {
    let word = word.to_lowercase();
    [
        "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ых", "их",
    ]
    .iter()
    .any(|e| word.ends_with(e))
}

/// The key a head word is stored under, among the shared names' keys.
pub(super) fn head_key(head: &str) -> String {
    format!("head:{head}")
}

/// The typing forms of `typed` (names, each as written).
pub(super) fn typing_forms<'a>(
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
                    let simple = analysis::simplify(word);
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
            for form in translit::usual_pinyin_forms(&analysis::simplify(&whole), &[]) {
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
pub(super) fn not_prefixes(mut words: Vec<String>) -> Vec<String> {
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

pub(super) fn add_typing(doc: &mut TantivyDocument, f: &Fields, typing: &Typing) {
    doc.add_text(f.prefix, &typing.prefix);
    doc.add_text(f.alt, &typing.alt);
    doc.add_text(f.words, &typing.words);
    doc.add_text(f.zh_gram, &typing.zh_gram);
}

/// Where a product lists with no query: featured ones first, each group in catalog order.
pub(super) fn order_key(position: usize, p: &Product) -> u64 {
    let featured = p.tags.iter().any(|t| t == "featured");
    let group: u64 = if featured { 0 } else { 1 << 32 };
    group + position as u64
}

/// What making one product's document needs from the whole catalog.
pub(super) struct DocContext<'a> {
    pub(super) fields: &'a Fields,
    pub(super) categories: &'a HashMap<&'a str, &'a LocalizedText>,
    pub(super) exhibitors: &'a HashMap<&'a str, &'a Exhibitor>,
    /// The digest of each product's first image.
    pub(super) first_images: &'a HashMap<&'a str, &'a str>,
}

impl DocContext<'_> {
    /// The document of the product at `position` in the bundle, and its city facet key
    /// with the city's names. The shared names it is found by are added to `vocabulary`.
    pub(super) fn document(
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
        doc.add_text(f.card, serde_json::to_string(&card)?);
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
        for (i, lang) in LANGS.iter().enumerate() {
            if let Some(description) = text_of(&p.description, lang.code()) {
                doc.add_text(f.description[i], description);
            }
        }
        add_typing(&mut doc, f, &texts.typing);
        if let Some(booth) = exhibitor
            .and_then(|e| e.booth.as_deref())
            .and_then(booth_key)
        {
            doc.add_text(f.shared, &booth);
        }
        for head in &texts.heads {
            doc.add_text(f.shared, head_key(head));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn product(zh: &str, ru: &str, en: &str) -> Product {
        serde_json::from_value(serde_json::json!({
            "id": "p", "exhibitor": "e", "category": "c", "country": "CN", "unit": "kg",
            "name": {"zh": zh, "ru": ru, "en": en},
        }))
        .unwrap()
    }

    #[test]
    fn the_head_word_says_what_kind_of_thing_it_is() {
        let mut analyzers = DocAnalyzers::default();
        let tea = heads(
            &product(
                "里泽红茶（500克）",
                "Чай чёрный из Ризе",
                "Rize black tea, 500 g",
            ),
            &mut analyzers,
        );
        for head in ["红茶", "茶", "tea", "ча"] {
            assert!(tea.contains(&head.to_string()), "{head} in {tea:?}");
        }
        assert!(!tea.iter().any(|h| h == "ризе" || h == "черн"), "{tea:?}");
        let set = heads(
            &product(
                "“北方”瓷茶具",
                "Фарфоровый чайный сервиз",
                "Porcelain tea set of six",
            ),
            &mut analyzers,
        );
        assert!(set.contains(&"具".to_string()), "{set:?}");
        assert!(!set.iter().any(|h| h == "茶" || h == "tea"), "{set:?}");
        assert!(set.iter().any(|h| h.starts_with("сервиз")), "{set:?}");
    }
}
