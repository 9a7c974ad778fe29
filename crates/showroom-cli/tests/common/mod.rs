//! What the CLI's test binaries share: the sample catalog and copies of it to spoil.

use std::fs;
use std::path::{Path, PathBuf};

/// The bundled sample catalog.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog")
}

/// Copies the folder `from` (a bundle) to `to`, recursively.
#[cfg_attr(not(unix), allow(dead_code))]
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
