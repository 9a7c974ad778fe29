//! Facet counts over every match. Each document's facet values are read once, when the
//! index opens, into plain arrays of value numbers; counting a match is then a few array
//! reads. tantivy's facet collectors read every facet column for every match instead,
//! which was half the time of a one-letter search (`showroom bench search`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyError};

/// The facet fields counted, in the order of [`Counts`].
const FIELDS: [&str; 5] = ["country", "category", "city", "certification", "storage"];
pub const COUNTRY: usize = 0;
const CATEGORY: usize = 1;
pub const CITY: usize = 2;
pub const CERTIFICATION: usize = 3;
pub const STORAGE: usize = 4;

/// Per field, the count of each value number.
pub type Counts = Vec<Vec<u64>>;

/// The value numbers of one field's documents in one segment: document `d` has
/// `values[starts[d]..starts[d + 1]]`.
struct Column {
    starts: Vec<u32>,
    values: Vec<u32>,
}

/// Every facet value of the index, numbered per field, and each segment's documents.
pub struct Table {
    /// Per field, the value of each number: a facet path without its leading `/`.
    names: Vec<Vec<String>>,
    segments: HashMap<SegmentId, Arc<Vec<Column>>>,
}

impl Table {
    /// Reads the facet values of every document the searcher sees.
    pub fn read(searcher: &Searcher) -> tantivy::Result<Table> {
        let mut names: Vec<Vec<String>> = vec![Vec::new(); FIELDS.len()];
        let mut numbers: Vec<HashMap<String, u32>> = vec![HashMap::new(); FIELDS.len()];
        let mut segments = HashMap::new();
        let mut facet = Facet::root();
        for segment in searcher.segment_readers() {
            let mut columns = Vec::with_capacity(FIELDS.len());
            for (f, field) in FIELDS.iter().enumerate() {
                let reader = segment.facet_reader(field)?;
                // This segment's term ordinals to the index-wide value numbers.
                let mut by_ord = Vec::with_capacity(reader.num_facets());
                for ord in 0..reader.num_facets() as u64 {
                    reader.facet_from_ord(ord, &mut facet)?;
                    let name = facet.to_path().join("/");
                    let next = names[f].len() as u32;
                    let number = *numbers[f].entry(name.clone()).or_insert_with(|| {
                        names[f].push(name);
                        next
                    });
                    by_ord.push(number);
                }
                let max_doc = segment.max_doc();
                let mut starts = Vec::with_capacity(max_doc as usize + 1);
                let mut values = Vec::with_capacity(max_doc as usize);
                for doc in 0..max_doc {
                    starts.push(values.len() as u32);
                    values.extend(reader.facet_ords(doc).map(|ord| by_ord[ord as usize]));
                }
                starts.push(values.len() as u32);
                columns.push(Column { starts, values });
            }
            segments.insert(segment.segment_id(), Arc::new(columns));
        }
        Ok(Table { names, segments })
    }

    /// The counts of field `f` by value, those above zero.
    pub fn named(&self, counts: &Counts, f: usize) -> BTreeMap<String, u64> {
        self.names[f]
            .iter()
            .zip(&counts[f])
            .filter(|(_, n)| **n > 0)
            .map(|(name, n)| (name.clone(), *n))
            .collect()
    }

    /// Category counts: every top-level category, and the children of the `expanded` ones.
    pub fn categories(&self, counts: &Counts, expanded: &[&String]) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for (path, n) in self.named(counts, CATEGORY) {
            let mut parts = path.splitn(3, '/');
            let Some(top) = parts.next() else { continue };
            *out.entry(top.to_string()).or_default() += n;
            if let Some(child) = parts.next()
                && expanded.iter().any(|p| p.as_str() == top)
            {
                *out.entry(format!("{top}/{child}")).or_default() += n;
            }
        }
        out
    }
}

/// Counts the facet values of the matches, with a [`Table`] read from the same searcher.
pub struct Tally(pub Arc<Table>);

impl Collector for Tally {
    type Fruit = Counts;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let columns = self
            .0
            .segments
            .get(&segment.segment_id())
            .cloned()
            .ok_or_else(|| {
                TantivyError::InternalError("a segment the facet table has not read".into())
            })?;
        Ok(SegmentTally {
            counts: self.0.names.iter().map(|n| vec![0; n.len()]).collect(),
            columns,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut total: Counts = self.0.names.iter().map(|n| vec![0; n.len()]).collect();
        for fruit in fruits {
            for (sum, counts) in total.iter_mut().zip(fruit) {
                for (s, n) in sum.iter_mut().zip(counts) {
                    *s += n;
                }
            }
        }
        Ok(total)
    }
}

pub struct SegmentTally {
    counts: Counts,
    columns: Arc<Vec<Column>>,
}

impl SegmentCollector for SegmentTally {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        let d = doc as usize;
        for (column, counts) in self.columns.iter().zip(&mut self.counts) {
            let (from, to) = (column.starts[d] as usize, column.starts[d + 1] as usize);
            for &value in &column.values[from..to] {
                counts[value as usize] += 1;
            }
        }
    }

    fn harvest(self) -> Counts {
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use tantivy::collector::FacetCollector;
    use tantivy::query::{AllQuery, Query};

    use super::*;
    use crate::SearchIndex;
    use showroom_catalog::{self as catalog, Limits};

    /// The table counts what tantivy's own facet collector counts, on the sample catalog.
    #[test]
    fn counts_what_the_facet_collector_counts() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
        let bundle = catalog::load(&sample, &Limits::default(), false);
        assert!(bundle.problems.is_empty());
        let dir = tempfile::tempdir().unwrap();
        let index =
            SearchIndex::build(&dir.path().join("index"), &bundle.data, &HashMap::new()).unwrap();
        let searcher = index.reader.searcher();
        let parents: Vec<&String> = index
            .meta
            .parent_categories
            .iter()
            .filter(|p| !p.contains('/'))
            .collect();
        assert!(!parents.is_empty());
        for text in ["", "мёд", "tea", "s", "蜂蜜", "fm", "nothing-matches-this"] {
            let query: Box<dyn Query> = index
                .plan(text, crate::Stage::SOME_WORDS)
                .unwrap()
                .query
                .unwrap_or_else(|| Box::new(AllQuery));
            for (f, field) in FIELDS.iter().enumerate() {
                let mut collector = FacetCollector::for_field(*field);
                collector.add_facet("/");
                // A facet collector takes no facet inside another: children apart.
                let mut children = FacetCollector::for_field(*field);
                for parent in &parents {
                    children.add_facet(Facet::from_path([parent.as_str()]));
                }
                let (counts, theirs, their_children) = searcher
                    .search(&query, &(Tally(index.facets.clone()), collector, children))
                    .unwrap();
                let mut expected: BTreeMap<String, u64> = theirs
                    .get("/")
                    .map(|(facet, n)| (facet.to_path().join("/"), n))
                    .collect();
                let got = if f == CATEGORY {
                    for parent in &parents {
                        expected.extend(
                            their_children
                                .get(Facet::from_path([parent.as_str()]))
                                .map(|(facet, n)| (facet.to_path().join("/"), n)),
                        );
                    }
                    index.facets.categories(&counts, &parents)
                } else {
                    index.facets.named(&counts, f)
                };
                assert_eq!(got, expected, "{field} for {text:?}");
            }
        }
    }
}
