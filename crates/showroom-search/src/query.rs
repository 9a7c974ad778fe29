//! A search: the query planned in stages, run with its filters, facets and sort, and
//! its hits made into cards.

use super::*;

impl SearchIndex {
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let typed: String = request.query.chars().take(MAX_QUERY_CHARS).collect();
        // Read in the compatibility form, as the index's words are: "Ｔｅａ" is tea.
        let query_text = analysis::normalize_words(&typed).into_owned();
        let filters = self.filters(request)?;

        let mut reading = QueryReading::AsTyped;
        let mut corrected = None;
        let mut plan = self.plan(&query_text, Stage::AS_TYPED)?;
        let mut outcome = self.run(&searcher, request, plan.query.as_deref(), &filters)?;
        // Real words are meant as typed; keys in the wrong layout make none.
        let layout_slip = !plan.real_words;
        if outcome.total == 0
            && plan.query.is_some()
            && layout_slip
            && let Some(switched) = translit::switch_layout(&query_text)
        {
            let other = self.plan(&switched, Stage::AS_TYPED)?;
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
            && layout_slip
            && !self.known_words(&searcher, &plan.folded_words)?
            && let Some(switched) = translit::switch_layout(&query_text)
        {
            let other = self.plan(&switched, Stage::AS_TYPED)?;
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
        // Found, and some Chinese word could match only by its sound: say so.
        if outcome.total > 0 && reading == QueryReading::AsTyped && !plan.by_sound.is_empty() {
            reading = QueryReading::Sound;
            corrected = Some(plan.by_sound.join(" "));
        }
        let mut related = Vec::new();
        // When nothing is found, goods near it are given apart, labelled: those a real
        // word no name holds would reach as a typo ("водка" is not "вода"), those whose
        // descriptions mention every word, those that match some of several words.
        let mut tries = Vec::new();
        let mut related_by = None;
        if outcome.total == 0 && plan.query.is_some() {
            if plan.typos_withheld {
                tries.push((Stage::ANY_TYPOS, RelatedBy::Spelling));
            }
            tries.push((Stage::DESCRIPTIONS, RelatedBy::Description));
            if plan.words > 1 {
                tries.push((Stage::SOME_WORDS, RelatedBy::SomeWords));
            }
        }
        for (stage, why) in tries {
            let relaxed = self.plan(&query_text, stage)?;
            let tried = self.run(&searcher, request, relaxed.query.as_deref(), &filters)?;
            if tried.total > 0 {
                reading = QueryReading::Related;
                let needles = highlight::Needles::new(&relaxed.folded_words, &relaxed.zh_tokens);
                related = self.hits(&searcher, tried.top, &needles)?;
                related_by = Some(why);
                break;
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
            related_by,
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
        let relaxed = self.plan(query_text, Stage::SOME_WORDS)?;
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
            let card: Card = serde_json::from_str(card_json)?;
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
    pub(super) fn plan(&self, text: &str, stage: Stage) -> Result<Plan> {
        let Stage {
            all_words,
            typos,
            descriptions,
        } = stage;
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
                real_words: false,
                typos_withheld: false,
                by_sound: Vec::new(),
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
        // Which words begin no word of the catalog and are real Russian or English words:
        // those are meant as typed, not read as typos. Only such words are looked up, so
        // the word lists are loaded once someone types one.
        let mut real = Vec::with_capacity(folded_words.len());
        let mut slips = Vec::with_capacity(folded_words.len());
        let mut real_words = true;
        for (w, optional) in folded_words.iter().zip(&optional) {
            let known = self.known_word(&searcher, w)?;
            let is_real = !known && !w.chars().any(analysis::is_cjk) && lexicon::is_real_word(w);
            real.push(is_real);
            // Letters that begin no catalog word and make no real word: a slip of the
            // keys, whatever the word's length.
            slips.push(!known && !is_real && w.chars().all(char::is_alphabetic));
            if !one_letter(w) && !optional && !known && !is_real {
                real_words = false;
            }
        }
        let mut typos_withheld = false;
        let mut by_sound = Vec::new();
        let mut ru = self.analyzer(Lang::Ru);

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
                by_sound.push(text[spans[i].0..spans[i].1].to_string());
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
            // A Russian diminutive is read by its stem ("шоколадка" chocolate, "конфетка"
            // sweets), when a stem of some length is left.
            let stem = diminutive_stem(w);
            if let Some(stem) = stem {
                let cut: String = stem.chars().take(analysis::MAX_PREFIX_CHARS).collect();
                let term = Term::from_field_text(f.prefix, &cut);
                ways.push((
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    0.8,
                ));
            }
            // A Russian word whose stem lost a fleeting vowel ("перца" of "перец",
            // "ковров" of "ковёр") is also read with it back.
            if w.chars().all(|c| matches!(c, 'а'..='я')) {
                for form in analysis::analyze(&mut ru, w)
                    .first()
                    .map(|stem| fleeting_vowel_forms(stem))
                    .unwrap_or_default()
                {
                    let term = Term::from_field_text(f.prefix, &form);
                    ways.push((
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                        0.8,
                    ));
                }
            }
            // A typo or two by the word's length; a real word is meant as typed ("водка"
            // is not a slip for "вода"), unless it is long, where two real words one
            // letter apart are rare and a variant spelling likely ("cardamon").
            // A four-letter slip gets one typo too ("hony" honey, "mlik" milk).
            let full = if slips[i] && w.chars().count() == 4 {
                1
            } else {
                typo_distance(w)
            };
            let own = if real[i] && typos == Typos::NotRealWords {
                full.min(u8::from(w.chars().count() >= 8))
            } else {
                full
            };
            typos_withheld |= own < full && !w.chars().any(analysis::is_cjk);
            for (typed, distance, last_word) in [
                (w.as_str(), own, i == last),
                (
                    stem.unwrap_or(""),
                    typo_distance(stem.unwrap_or("")).min(own),
                    true,
                ),
            ] {
                if distance > 0 && !typed.chars().any(analysis::is_cjk) {
                    let term = Term::from_field_text(f.words, typed);
                    let fuzzy = if last_word {
                        FuzzyTermQuery::new_prefix(term, distance, true)
                    } else {
                        FuzzyTermQuery::new(term, distance, true)
                    };
                    ways.push((Box::new(fuzzy), 0.3));
                }
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
        let mut heads: Vec<String> = Vec::new();
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
            if descriptions {
                should.push((Occur::Should, combined(terms(f.description[i]), 1.0)));
            }
            heads.extend(
                tokens
                    .iter()
                    .filter(|t| !optional_tokens.contains(t))
                    .cloned(),
            );
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
        // Goods whose names' head word is a word of the query rank first: "茶" is the
        // teas before the tea sets, "tea" too. The head ranks, it never matches alone.
        heads.sort();
        heads.dedup();
        let mut query: Box<dyn Query> = Box::new(BooleanQuery::new(should));
        if !heads.is_empty() {
            let terms = heads
                .iter()
                .map(|h| (Term::from_field_text(f.shared, &head_key(h)), Occur::Should))
                .collect();
            query = Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (Occur::Should, combined(terms, 2.0)),
            ]));
        }
        Ok(Plan {
            query: Some(query),
            words: folded_words.len(),
            folded_words,
            zh_tokens,
            real_words,
            typos_withheld,
            by_sound,
        })
    }

    /// Whether some character pair of the Chinese `word` (or the character, when alone)
    /// is in no product's name.
    /// Whether every word (lone letters aside) begins a word of the catalog's names, as
    /// written or in their other readings: found without a typo.
    fn known_words(&self, searcher: &Searcher, words: &[String]) -> Result<bool> {
        for w in words.iter().filter(|w| !one_letter(w)) {
            if !self.known_word(searcher, w)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether `word` begins a word of the catalog's names, as written or in their other
    /// readings.
    fn known_word(&self, searcher: &Searcher, word: &str) -> Result<bool> {
        let cut: String = word.chars().take(analysis::MAX_PREFIX_CHARS).collect();
        for field in [self.fields.prefix, self.fields.alt] {
            if searcher.doc_freq(&Term::from_field_text(field, &cut))? > 0 {
                return Ok(true);
            }
        }
        Ok(false)
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

pub(super) struct Plan {
    pub(super) query: Option<Box<dyn Query>>,
    pub(super) folded_words: Vec<String>,
    pub(super) zh_tokens: Vec<String>,
    pub(super) words: usize,
    /// Every word that says what is sought begins a catalog word or is a real Russian or
    /// English word: none is keys pressed in the other layout.
    pub(super) real_words: bool,
    /// Some real word would have been read with a typo under [`Typos::Any`].
    pub(super) typos_withheld: bool,
    /// The Chinese words, as typed, whose characters never stand together in a name:
    /// they match only by their sound.
    pub(super) by_sound: Vec<String>,
}

/// How a query is read: the first reading ([`Stage::AS_TYPED`]), then, when it finds
/// nothing, the wider ones whose goods are only related.
#[derive(Clone, Copy, Debug)]
pub(super) struct Stage {
    /// Every word must match (else any).
    pub(super) all_words: bool,
    pub(super) typos: Typos,
    /// Words may match in descriptions too.
    pub(super) descriptions: bool,
}

impl Stage {
    pub(super) const AS_TYPED: Stage = Stage {
        all_words: true,
        typos: Typos::NotRealWords,
        descriptions: false,
    };
    pub(super) const ANY_TYPOS: Stage = Stage {
        typos: Typos::Any,
        ..Stage::AS_TYPED
    };
    pub(super) const DESCRIPTIONS: Stage = Stage {
        descriptions: true,
        ..Stage::AS_TYPED
    };
    pub(super) const SOME_WORDS: Stage = Stage {
        all_words: false,
        ..Stage::AS_TYPED
    };
}

/// Which words of a query may be read with a typo.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Typos {
    /// Those that are no real word: a real word no name holds is meant as typed.
    NotRealWords,
    /// Every word long enough (the second, labelled reading).
    Any,
}

/// How many typos a word of this length is read with: none up to four letters, one up
/// to eight, two beyond.
fn typo_distance(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// A Russian stem ending in two consonants, the last of a suffix that drops its vowel,
/// with that vowel back between them: "перц" → "перец", "ковр" → "ковер", "куск" → "кусок".
pub(super) fn fleeting_vowel_forms(stem: &str) -> Vec<String> {
    let chars: Vec<char> = stem.chars().collect();
    let consonant = |c: char| "бвгджзклмнпрстфхцчшщ".contains(c);
    match chars.as_slice() {
        // The suffixes that drop one: -ок, -ек, -ец, -ер, -ел, -ен ("угол", "сон").
        [.., a, b, c] if !consonant(*a) && consonant(*b) && "кцрлн".contains(*c) => {
            let head: String = chars[..chars.len() - 1].iter().collect();
            ["е", "о"].iter().map(|v| format!("{head}{v}{c}")).collect()
        }
        _ => Vec::new(),
    }
}

/// The stem of a Russian diminutive in -ка (any case: -ки, -ку, -кой...), when at least
/// five letters are left: "шоколадка" → "шоколад", "конфетки" → "конфет"; "водка" and
/// "куртка" keep too little to be one.
pub(super) fn diminutive_stem(word: &str) -> Option<&str> {
    const ENDINGS: &[&str] = &["ками", "кам", "ках", "кой", "ка", "ки", "ку", "ке"];
    let stem = ENDINGS.iter().find_map(|e| word.strip_suffix(e))?;
    let letters = stem.chars().count();
    (letters >= 5 && stem.chars().all(|c| matches!(c, 'а'..='я' | 'ё'))).then_some(stem)
}

pub(super) struct Outcome {
    pub(super) top: Vec<(f32, DocAddress)>,
    pub(super) total: u64,
    pub(super) facets: FacetCounts,
}

pub(super) fn unscored<T>(docs: Vec<(T, DocAddress)>) -> Vec<(f32, DocAddress)> {
    docs.into_iter().map(|(_, addr)| (1.0, addr)).collect()
}

pub(super) fn text_of<'a>(text: &'a Option<LocalizedText>, code: &str) -> Option<&'a str> {
    text.as_ref().and_then(|t| t.get(code)).map(String::as_str)
}

/// One letter (not an ideograph) says little: it matches as the beginning of a word of
/// the product's own names and keywords as written, not of a pinyin or transliterated
/// form, a shared name, nor as a word of its own ("g" of "500 g"); those matched most of
/// a catalog and made the first keystroke the slowest.
pub(super) fn one_letter(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if !analysis::is_cjk(c))
}

/// Terms, each required or not, scored by BM25, weighted by `boost`.
pub(super) fn combined(terms: Vec<(Term, Occur)>, boost: f32) -> Box<dyn Query> {
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
pub(super) const UNITS: &[&str] = &[
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
pub(super) fn quantity_words(words: &[String]) -> Vec<bool> {
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
pub(super) fn booth_key(text: &str) -> Option<String> {
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
    fn fleeting_vowels_come_back() {
        assert_eq!(fleeting_vowel_forms("перц"), ["перец", "пероц"]);
        assert!(fleeting_vowel_forms("ковр").contains(&"ковер".to_string()));
        assert!(fleeting_vowel_forms("куск").contains(&"кусок".to_string()));
        for stem in ["мед", "чай", "сухофрукт", "шерст", "пр"] {
            assert!(fleeting_vowel_forms(stem).is_empty(), "{stem}");
        }
    }

    #[test]
    fn diminutives_keep_a_stem_of_five_letters() {
        assert_eq!(diminutive_stem("шоколадка"), Some("шоколад"));
        assert_eq!(diminutive_stem("конфетки"), Some("конфет"));
        assert_eq!(diminutive_stem("шоколадкой"), Some("шоколад"));
        for word in ["водка", "куртка", "шоколад", "chocolate", "чай"] {
            assert_eq!(diminutive_stem(word), None, "{word}");
        }
    }
}
