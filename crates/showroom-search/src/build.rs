//! Building an index from a catalog (in parts on all cores, merged in catalog order),
//! its vocabulary of shared names, and opening one with its files checked.

use super::*;

/// At least this many parts, each of at most `PART_PRODUCTS` products, are indexed side
/// by side, then merged in catalog order.
pub(super) const PART_PRODUCTS: usize = 50_000;
/// The indexing memory of one part; it sizes the part's term table.
pub(super) const PART_MEMORY: usize = 64 * 1024 * 1024;
/// The most segments an index has. A search runs on its segments side by side, one
/// thread each, so a one-letter search over a million products takes a fraction of the
/// time it takes in one segment; each more segment adds the fixed cost of a search once.
pub(super) const MAX_SEGMENTS: usize = 4;

/// Merges `parts` (indexes of consecutive products, in order, each with its folder) into
/// `segments` segments of consecutive parts, side by side, and makes them the index in
/// `dir`, in the same order: equal scores rank by document address, which is then catalog
/// order. A group of one part is taken as it is. Returns the number of segments.
pub(super) fn merge_in_order(
    dir: &Path,
    parts: Vec<(PathBuf, Index)>,
    segments: usize,
) -> Result<usize> {
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
    let mut json = serde_json::to_vec_pretty(&metas)?;
    json.push(b'\n');
    let meta_path = dir.join("meta.json");
    showroom_model::disk::write_atomically(&meta_path, &json)
        .map_err(|e| Error::io(&meta_path, e))?;
    remove_dir_if_there(&groups_dir)?;
    Ok(count)
}

/// The folder, inside an index's folder, of its vocabulary: one document per shared
/// name (a category, place or kind of goods), keyed as in the `shared` field.
pub(super) const VOCABULARY_DIR: &str = "vocabulary";

/// Indexes `vocabulary` (keys and their names) in `dir`, with the products' schema and
/// typing forms, so a query word is matched against a name exactly as against a
/// product's own names.
pub(super) fn build_vocabulary(
    dir: &Path,
    vocabulary: &BTreeMap<String, Vec<String>>,
) -> Result<()> {
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
pub(super) fn check_files(index: &Index, dir: &Path) -> Result<()> {
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
        return Err(Error::IndexUnusable(format!("{damaged} file(s) damaged")));
    }
    Ok(())
}

pub(super) fn remove_dir_if_there(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(dir, e)),
        _ => Ok(()),
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
        let meta_json = serde_json::to_vec(&meta)?;
        showroom_model::disk::write_atomically(&meta_path, &meta_json)
            .map_err(|e| Error::io(&meta_path, e))?;
        Self::open(dir)
    }

    /// Opens an index made by [`SearchIndex::build`]; an error when it is missing, broken
    /// or of another schema version (the caller rebuilds it).
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        let meta_path = dir.join(META_FILE);
        let meta: IndexMeta = fs::read(&meta_path)
            .map_err(|e| Error::io(&meta_path, e))
            .and_then(|b| serde_json::from_slice(&b).map_err(Error::from))?;
        if meta.schema_version != analysis::SCHEMA_VERSION {
            return Err(Error::IndexUnusable(format!(
                "schema {} is not {}",
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
            return Err(Error::IndexUnusable("its fields differ".into()));
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
            return Err(Error::IndexUnusable(
                "its vocabulary's fields differ".into(),
            ));
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
}
