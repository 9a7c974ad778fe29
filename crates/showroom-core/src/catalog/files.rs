//! Reading a bundle's files without ever leaving the bundle: no `..`, no absolute paths,
//! no symbolic link that points outside, and a size cap on everything read.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use super::problem::ProblemKind;

/// Resolves `rel` inside `root` (already canonical). `Err` carries the problem to report.
pub fn resolve(root: &Path, rel: &str) -> Result<PathBuf, ProblemKind> {
    let escape = || ProblemKind::PathEscape {
        value: rel.to_string(),
    };
    if rel.is_empty() || rel.contains('\\') || rel.contains('\0') {
        return Err(escape());
    }
    let path = Path::new(rel);
    if path
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(escape());
    }
    let joined = root.join(path);
    match fs::canonicalize(&joined) {
        Ok(real) if real.starts_with(root) => Ok(real),
        Ok(_) => Err(escape()),
        Err(_) => Err(ProblemKind::FileMissing),
    }
}

/// Reads a whole text file of the bundle, at most `max_bytes`, BOM removed.
pub fn read_text(root: &Path, rel: &str, max_bytes: u64) -> Result<String, ProblemKind> {
    let bytes = read_bytes(root, rel, max_bytes)?;
    let text = String::from_utf8(bytes).map_err(|_| ProblemKind::Encoding)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Reads a whole file of the bundle, at most `max_bytes`.
pub fn read_bytes(root: &Path, rel: &str, max_bytes: u64) -> Result<Vec<u8>, ProblemKind> {
    let path = resolve(root, rel)?;
    let file = fs::File::open(&path).map_err(|_| ProblemKind::FileMissing)?;
    let mut bytes = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| ProblemKind::FileMissing)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ProblemKind::FileTooLarge { max_bytes });
    }
    Ok(bytes)
}

/// Whether the file exists inside the bundle (used for optional files).
pub fn exists(root: &Path, rel: &str) -> bool {
    root.join(rel).symlink_metadata().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        fs::create_dir(root.join("images")).unwrap();
        fs::write(root.join("images/a.jpg"), b"x").unwrap();
        assert!(resolve(&root, "images/a.jpg").is_ok());
        for bad in [
            "../etc/passwd",
            "/etc/passwd",
            "images/../../x",
            "images\\a.jpg",
            "",
        ] {
            assert!(
                matches!(resolve(&root, bad), Err(ProblemKind::PathEscape { .. })),
                "{bad}"
            );
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", root.join("images/link.jpg")).unwrap();
            assert!(matches!(
                resolve(&root, "images/link.jpg"),
                Err(ProblemKind::PathEscape { .. })
            ));
        }
        assert!(matches!(
            resolve(&root, "images/none.jpg"),
            Err(ProblemKind::FileMissing)
        ));
    }
}
