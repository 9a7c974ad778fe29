//! Files written the one safe way: private to their owner (they hold personal data, the
//! admin PIN's hash, the platform's token) or whole under their final name.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Creates the data directory (and any missing parent) readable by its owner only (0700 on
/// Unix): it holds inquiries with personal data, the admin PIN's hash and the platform's
/// token. A directory that already exists is left as it is.
pub fn create_data_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

/// Opens `path` for writing, truncated, created readable by its owner only (0600 on Unix).
/// An existing file keeps its mode, so a file made before is replaced: removed first.
pub fn create_private(path: &Path) -> std::io::Result<fs::File> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Writes `bytes` to a new file at `path` readable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    create_private(path)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|e| Error::io(path, e))
}

/// Writes through a temporary file in the same folder, flushed to the disk, and a rename,
/// so a crash or a power loss never leaves half a file under the final name. The
/// temporary name is unique (process, a counter and a random number), so two writers of
/// the same file, in one process or two, never share one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(
        ".{name}.tmp-{}-{}-{:08x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        fastrand::u32(..)
    ));
    let written = (|| {
        let mut file = fs::File::create_new(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        replace(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Renames `from` over `to`. On Windows a rename over a file that another thread or
/// process is reading at that moment can be refused ("access denied", a sharing
/// violation) where Linux never refuses: such a refusal is tried again for up to about a
/// second, as readers here hold a file only while they read it.
fn replace(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(windows)]
    for wait_ms in [1, 2, 5, 10, 20, 50, 100, 200, 300, 300] {
        match fs::rename(from, to) {
            // ERROR_ACCESS_DENIED, or ERROR_SHARING_VIOLATION (32), which std gives no kind.
            Err(e)
                if e.kind() == std::io::ErrorKind::PermissionDenied
                    || e.raw_os_error() == Some(32) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(wait_ms));
            }
            other => return other,
        }
    }
    fs::rename(from, to)
}
