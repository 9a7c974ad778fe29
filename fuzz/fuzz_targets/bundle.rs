//! Bundle reading and validation on arbitrary files: never a panic, and never a product
//! accepted alongside a problem. The input is split on NUL bytes into the four required
//! files (catalog.toml, categories.toml, exhibitors.jsonl, products.jsonl).
#![no_main]

use libfuzzer_sys::fuzz_target;
use showroom_core::catalog::{self, Limits};

const FILES: [&str; 4] = [
    "catalog.toml",
    "categories.toml",
    "exhibitors.jsonl",
    "products.jsonl",
];

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut parts = data.split(|b| *b == 0);
    for name in FILES {
        std::fs::write(dir.path().join(name), parts.next().unwrap_or_default()).expect("write");
    }
    let bundle = catalog::load(dir.path(), &Limits::default(), false);
    assert!(bundle.is_valid() || !bundle.problems.is_empty());
    for problem in &bundle.problems {
        let _ = problem.localize(showroom_core::Lang::Ru);
    }
});
