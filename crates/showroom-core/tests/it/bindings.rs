//! The UI's TypeScript types are the ones generated from Rust, and not stale.

use std::path::Path;

#[test]
fn ui_types_are_generated_and_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api/types.ts");
    let generated = showroom_core::bindings::typescript();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/api/types.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p showroom-core --test it bindings`\n\n{generated}"
    );
}
