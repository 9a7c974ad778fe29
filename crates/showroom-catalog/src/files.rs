//! Reading a bundle's files without ever leaving the bundle: no `..`, no absolute paths,
//! no symbolic link that points outside, nothing but regular files (a named pipe would
//! block the reader for ever), and a size cap on everything read.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Component, Path, PathBuf};

use showroom_model::problem::ProblemKind;

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

/// What a file that is not a regular file is, in the words of [`ProblemKind::NotRegularFile`].
fn irregular(file_type: fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("fifo");
        }
        if file_type.is_socket() {
            return Some("socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("device");
        }
    }
    Some("other")
}

/// Opens a regular file of the bundle for reading. Anything else (a named pipe, a socket,
/// a device, a folder) is refused from its metadata, before it is opened: opening a named
/// pipe waits for a writer that may never come, and a device may never end.
pub fn open(root: &Path, rel: &str) -> Result<fs::File, ProblemKind> {
    let path = resolve(root, rel)?;
    let metadata = fs::metadata(&path).map_err(|_| ProblemKind::FileMissing)?;
    if let Some(file_type) = irregular(metadata.file_type()) {
        return Err(ProblemKind::NotRegularFile {
            value: rel.to_string(),
            file_type,
        });
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    // Should the file be swapped for a named pipe between the check and the open, opening
    // it still returns at once (non-blocking), and the check below refuses it. Reads of a
    // regular file ignore the flag.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(&path).map_err(|_| ProblemKind::FileMissing)?;
    let metadata = file.metadata().map_err(|_| ProblemKind::FileMissing)?;
    if let Some(file_type) = irregular(metadata.file_type()) {
        return Err(ProblemKind::NotRegularFile {
            value: rel.to_string(),
            file_type,
        });
    }
    Ok(file)
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
    let file = open(root, rel)?;
    if file.metadata().is_ok_and(|m| m.len() > max_bytes) {
        return Err(ProblemKind::FileTooLarge { max_bytes });
    }
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

/// One line as [`Lines`] read it.
#[derive(Debug, PartialEq)]
pub enum Line<'a> {
    /// The line's text, without its `\n` or `\r\n` (nor the BOM, on the first line).
    Text(&'a str),
    /// Longer than the limit: skipped, and never held whole.
    TooLong,
    /// Not UTF-8.
    Encoding,
}

/// The lines of a text file, read with memory bounded by the longest line allowed
/// whatever the size of the file: a longer line is passed over as it streams by.
pub struct Lines<R> {
    reader: R,
    line: Vec<u8>,
    number: usize,
    read: u64,
    max_line: u64,
    max_file: u64,
}

impl Lines<BufReader<fs::File>> {
    /// Opens `rel` in the bundle at `root`: a regular file of at most `max_file` bytes.
    pub fn open(root: &Path, rel: &str, max_file: u64, max_line: u64) -> Result<Self, ProblemKind> {
        let file = open(root, rel)?;
        if file.metadata().is_ok_and(|m| m.len() > max_file) {
            return Err(ProblemKind::FileTooLarge {
                max_bytes: max_file,
            });
        }
        Ok(Lines::new(
            BufReader::with_capacity(64 * 1024, file),
            max_file,
            max_line,
        ))
    }
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R, max_file: u64, max_line: u64) -> Self {
        Lines {
            reader,
            line: Vec::new(),
            number: 0,
            read: 0,
            max_line,
            max_file,
        }
    }

    /// The next line and its 1-based number; `Ok(None)` at the end of the file. `Err`
    /// when the file cannot be read further or grows past its limit: nothing more is read.
    pub fn next_line(&mut self) -> Result<Option<(usize, Line<'_>)>, ProblemKind> {
        self.line.clear();
        // A few bytes more than the limit are kept, for the `\r` of a `\r\n` and a BOM,
        // which do not count.
        let keep = usize::try_from(self.max_line.saturating_add(4)).unwrap_or(usize::MAX);
        let mut too_long = false;
        let mut started = false;
        loop {
            let available = self
                .reader
                .fill_buf()
                .map_err(|_| ProblemKind::FileMissing)?;
            if available.is_empty() {
                if !started {
                    return Ok(None);
                }
                break;
            }
            started = true;
            let (chunk, used, ended) = match memchr::memchr(b'\n', available) {
                Some(at) => (&available[..at], at + 1, true),
                None => (available, available.len(), false),
            };
            if !too_long {
                if self.line.len() + chunk.len() > keep {
                    too_long = true;
                    self.line.clear();
                } else {
                    self.line.extend_from_slice(chunk);
                }
            }
            self.reader.consume(used);
            self.read += used as u64;
            if self.read > self.max_file {
                return Err(ProblemKind::FileTooLarge {
                    max_bytes: self.max_file,
                });
            }
            if ended {
                break;
            }
        }
        self.number += 1;
        if too_long {
            return Ok(Some((self.number, Line::TooLong)));
        }
        let mut bytes = self.line.as_slice();
        if let Some(rest) = bytes.strip_suffix(b"\r") {
            bytes = rest;
        }
        if self.number == 1
            && let Some(rest) = bytes.strip_prefix("\u{feff}".as_bytes())
        {
            bytes = rest;
        }
        if bytes.len() as u64 > self.max_line {
            return Ok(Some((self.number, Line::TooLong)));
        }
        Ok(Some((
            self.number,
            match std::str::from_utf8(bytes) {
                Ok(text) => Line::Text(text),
                Err(_) => Line::Encoding,
            },
        )))
    }
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

    /// Every line of `input` as (number, what was read), or the error that stopped it.
    fn all_lines(input: &[u8], max_file: u64, max_line: u64) -> Vec<(usize, String)> {
        // A tiny buffer, so that lines cross many refills.
        let reader = std::io::BufReader::with_capacity(3, input);
        let mut lines = Lines::new(reader, max_file, max_line);
        let mut out = Vec::new();
        loop {
            match lines.next_line() {
                Ok(None) => return out,
                Ok(Some((n, Line::Text(t)))) => out.push((n, format!("text {t}"))),
                Ok(Some((n, Line::TooLong))) => out.push((n, "too long".into())),
                Ok(Some((n, Line::Encoding))) => out.push((n, "encoding".into())),
                Err(kind) => {
                    out.push((0, format!("{kind:?}")));
                    return out;
                }
            }
        }
    }

    #[test]
    fn lines_are_read_within_their_limit() {
        let input = "\u{feff}abcd\r\n\nabcde\nxyz\r\n0123456789012\n\u{feff}ab\nlast";
        assert_eq!(
            all_lines(input.as_bytes(), 1000, 4),
            [
                (1, "text abcd".to_string()),
                (2, "text ".into()),
                (3, "too long".into()),
                (4, "text xyz".into()),
                (5, "too long".into()),
                // A BOM is only the file's first three bytes.
                (6, "too long".into()),
                (7, "text last".into()),
            ]
        );
        assert_eq!(
            all_lines(b"ok\n\xff\xfe\nok\n", 1000, 10),
            [
                (1, "text ok".to_string()),
                (2, "encoding".into()),
                (3, "text ok".into())
            ]
        );
        // A file that turns out longer than its limit stops there.
        let got = all_lines(b"one\ntwo\nthree\n", 9, 10);
        assert_eq!(
            got[..2],
            [(1, "text one".to_string()), (2, "text two".into())]
        );
        assert!(got[2].1.starts_with("FileTooLarge"), "{got:?}");
        assert_eq!(all_lines(b"", 10, 10), []);
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let fifo = root.join("products.jsonl");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        fs::create_dir(root.join("hall.toml")).unwrap();
        let (done, result) = std::sync::mpsc::channel();
        let opener = root.clone();
        std::thread::spawn(move || {
            let _ = done.send((
                open(&opener, "products.jsonl").err(),
                open(&opener, "hall.toml").err(),
                Lines::open(&opener, "products.jsonl", 100, 10).err(),
            ));
        });
        let got = result
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("opening a named pipe returns at once");
        let fifo = Some(ProblemKind::NotRegularFile {
            value: "products.jsonl".into(),
            file_type: "fifo",
        });
        assert_eq!(got.0, fifo);
        assert_eq!(
            got.1,
            Some(ProblemKind::NotRegularFile {
                value: "hall.toml".into(),
                file_type: "directory"
            })
        );
        assert_eq!(got.2, fifo);
    }
}
