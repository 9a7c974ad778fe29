//! Query handling on arbitrary text over the sample catalog's index: any text is a valid
//! query, answered without error or panic.
#![no_main]

use std::collections::HashMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use showroom_core::catalog::{self, Limits};
use showroom_core::search::SearchIndex;
use showroom_core::{Lang, SearchRequest};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../catalog");
            let bundle = catalog::load(std::path::Path::new(sample), &Limits::default(), false);
            let dir = tempfile::tempdir().expect("a temporary folder");
            let index =
                SearchIndex::build(&dir.path().join("index"), &bundle.data, &HashMap::new())
                    .expect("index");
            (dir, index)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for lang in Lang::ALL {
        let response = index()
            .search(&SearchRequest {
                query: text.to_string(),
                lang,
                limit: Some(5),
                ..Default::default()
            })
            .expect("any text is a valid query");
        assert!(response.hits.len() <= 5);
    }
});
