//! Relevance on the judged query set: the floors of the search issue, on the sample
//! catalog, through the real index. Prints the per-kind table (see it with --nocapture).

use std::path::Path;

use showroom_core::relevance::{self, Report};
use showroom_core::{Config, SearchRequest, Showroom};

fn print(report: &Report) {
    print!("{}", report.table());
    for (kind, query, ndcg) in &report.worst {
        println!("  worst: {kind:<14} {ndcg:.2}  {query}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn judged_queries_meet_the_floors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/relevance/judgments.jsonl")).unwrap();
    let judgments = relevance::parse_judgments(&text).unwrap();
    assert!(judgments.len() >= 200, "{} judged queries", judgments.len());

    let data = tempfile::tempdir().unwrap();
    let showroom = Showroom::open(Config::new(data.path())).await.unwrap();
    showroom
        .import_bundle(&root.join("../../catalog"), false)
        .await
        .unwrap();
    let report = relevance::evaluate(&judgments, |query, lang| {
        let response = showroom.search_blocking(&SearchRequest {
            query: query.into(),
            lang,
            limit: Some(10),
            ..Default::default()
        })?;
        Ok(response.hits.into_iter().map(|h| h.id).collect())
    })
    .unwrap();
    print(&report);

    assert!(
        report.overall.ndcg10 >= 0.95,
        "overall nDCG@10 {:.3}",
        report.overall.ndcg10
    );
    assert!(
        report.overall.recall10 >= 0.95,
        "overall recall@10 {:.3}",
        report.overall.recall10
    );
    for (kind, s) in &report.per_kind {
        assert!(s.ndcg10 >= 0.85, "{kind}: nDCG@10 {:.3}", s.ndcg10);
    }
    // Goods nobody exhibits are judged too (no results; related goods come apart,
    // labelled): their share with no results is their nDCG.
    let absent = &report.per_kind["absent"];
    assert!(absent.queries >= 15);
    assert!(
        absent.ndcg10 >= 0.9,
        "absent goods with no results: {:.3}",
        absent.ndcg10
    );
    assert!(
        report.exact_first >= 0.95,
        "exact names first {:.3}",
        report.exact_first
    );
}
