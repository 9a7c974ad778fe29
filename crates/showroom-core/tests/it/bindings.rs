//! The TypeScript the UI and the inquiry contract use are the files generated from the
//! Rust types, and not stale.

use std::path::Path;

/// `generated` is what the committed file `rel` (from the repository's root) holds;
/// `UPDATE_BINDINGS=1` writes it instead.
fn assert_fresh(rel: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{rel} is stale: run `UPDATE_BINDINGS=1 cargo test -p showroom-core --test it bindings`\n\n{generated}"
    );
}

#[test]
fn ui_types_are_generated_and_fresh() {
    assert_fresh(
        "ui/src/api/types.ts",
        &showroom_core::bindings::typescript(),
    );
}

#[test]
fn inquiry_bindings_are_fresh() {
    assert_fresh(
        "docs/inquiry-types.ts",
        &showroom_core::inquiry::typescript(),
    );
}
