//! Search quality against graded judgments (`tests/relevance/judgments.jsonl`):
//! nDCG@10, recall@10 and MRR per kind of query, and how often an exact name ranks first.
//! The same measure serves the data-driven test, `showroom eval` and the benchmark's
//! comparison with SQLite FTS5.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::i18n::Lang;

/// One judged query.
#[derive(Clone, Debug, Deserialize)]
pub struct Judgment {
    pub query: String,
    pub lang: Lang,
    pub kind: String,
    /// Product id → grade (3 exactly it, 2 clearly relevant, 1 partly).
    pub relevant: BTreeMap<String, u8>,
}

pub fn parse_judgments(text: &str) -> Result<Vec<Judgment>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .map_err(|e| Error::BadRequest(format!("judgments line {}: {e}", i + 1)))
        })
        .collect()
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Scores {
    pub queries: usize,
    pub ndcg10: f64,
    pub recall10: f64,
    pub mrr: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub overall: Scores,
    pub per_kind: BTreeMap<String, Scores>,
    /// Share of `exact` queries whose product (grade 3) ranks first.
    pub exact_first: f64,
    /// The queries that scored worst, for looking into.
    pub worst: Vec<(String, String, f64)>,
}

impl Report {
    /// The per-kind table people read: n, nDCG@10, recall@10 and MRR, then the overall row
    /// and the share of exact names ranked first.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<16} {:>4} {:>8} {:>9} {:>6}\n",
            "kind", "n", "nDCG@10", "recall@10", "MRR"
        );
        for (kind, s) in self
            .per_kind
            .iter()
            .chain([(&"overall".to_string(), &self.overall)])
        {
            out += &format!(
                "{kind:<16} {:>4} {:>8.3} {:>9.3} {:>6.3}\n",
                s.queries, s.ndcg10, s.recall10, s.mrr
            );
        }
        out += &format!(
            "exact name ranked first: {:.1} %\n",
            self.exact_first * 100.0
        );
        out
    }
}

const K: usize = 10;

/// nDCG@10, recall@10 and reciprocal rank of one ranked list. A query with nothing
/// relevant scores 1 when the list is empty and 0 otherwise.
pub fn score(ranked: &[String], relevant: &BTreeMap<String, u8>) -> (f64, f64, f64) {
    if relevant.is_empty() {
        let ok = if ranked.is_empty() { 1.0 } else { 0.0 };
        return (ok, ok, ok);
    }
    let gain = |g: u8| (2f64.powi(g as i32)) - 1.0;
    let discount = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(K)
        .enumerate()
        .map(|(i, id)| relevant.get(id).map_or(0.0, |g| gain(*g) * discount(i)))
        .sum();
    let mut ideal: Vec<u8> = relevant.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(K)
        .enumerate()
        .map(|(i, g)| gain(*g) * discount(i))
        .sum();
    let found = ranked
        .iter()
        .take(K)
        .filter(|id| relevant.contains_key(*id))
        .count();
    let recall = found as f64 / relevant.len().min(K) as f64;
    let rr = ranked
        .iter()
        .position(|id| relevant.contains_key(id))
        .map_or(0.0, |p| 1.0 / (p + 1) as f64);
    (dcg / idcg, recall, rr)
}

/// Runs every judgment through `search` (query, language → ranked ids) and scores it.
pub fn evaluate(
    judgments: &[Judgment],
    mut search: impl FnMut(&str, Lang) -> Result<Vec<String>>,
) -> Result<Report> {
    let mut per_kind: BTreeMap<String, Scores> = BTreeMap::new();
    let mut overall = Scores::default();
    let (mut exact, mut exact_first) = (0usize, 0usize);
    let mut all = Vec::new();
    for j in judgments {
        let ranked = search(&j.query, j.lang)?;
        let (ndcg, recall, rr) = score(&ranked, &j.relevant);
        for s in [per_kind.entry(j.kind.clone()).or_default(), &mut overall] {
            s.queries += 1;
            s.ndcg10 += ndcg;
            s.recall10 += recall;
            s.mrr += rr;
        }
        if j.kind == "exact" {
            exact += 1;
            if ranked.first().and_then(|id| j.relevant.get(id)) == Some(&3) {
                exact_first += 1;
            }
        }
        all.push((j.kind.clone(), j.query.clone(), ndcg));
    }
    for s in per_kind.values_mut().chain([&mut overall]) {
        let n = s.queries.max(1) as f64;
        s.ndcg10 /= n;
        s.recall10 /= n;
        s.mrr /= n;
    }
    all.sort_by(|a, b| a.2.total_cmp(&b.2));
    all.truncate(15);
    Ok(Report {
        overall,
        per_kind,
        exact_first: if exact == 0 {
            1.0
        } else {
            exact_first as f64 / exact as f64
        },
        worst: all,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grades(pairs: &[(&str, u8)]) -> BTreeMap<String, u8> {
        pairs.iter().map(|(id, g)| (id.to_string(), *g)).collect()
    }

    #[test]
    fn perfect_and_empty_rankings() {
        let rel = grades(&[("a", 3), ("b", 1)]);
        let (ndcg, recall, rr) = score(&["a".into(), "b".into()], &rel);
        assert!((ndcg - 1.0).abs() < 1e-9 && recall == 1.0 && rr == 1.0);
        let (ndcg, recall, rr) = score(&[], &rel);
        assert_eq!((ndcg, recall, rr), (0.0, 0.0, 0.0));
        assert_eq!(score(&[], &BTreeMap::new()), (1.0, 1.0, 1.0));
        assert_eq!(score(&["x".into()], &BTreeMap::new()), (0.0, 0.0, 0.0));
    }

    #[test]
    fn order_matters() {
        let rel = grades(&[("a", 3), ("b", 1)]);
        let (swapped, _, rr) = score(&["x".into(), "b".into(), "a".into()], &rel);
        assert!(swapped < 0.7 && rr == 0.5);
    }
}
