//! One problem found in a bundle, located by file, line and field, and said in the
//! operator's language.

use serde::Serialize;

use crate::i18n::{self, Lang, n, s};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based line, for `.jsonl` files only.
    pub line: Option<usize>,
    pub field: String,
    #[serde(flatten)]
    pub kind: ProblemKind,
}

/// How many problems are listed at most; the rest are only counted. A bundle with a bad
/// line per product would otherwise list (and hold in memory) millions of them.
pub const MAX_LISTED: usize = 1000;

/// The problems found in a bundle: the first [`MAX_LISTED`] in full, and how many in all.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problems {
    listed: Vec<Problem>,
    total: usize,
}

impl Problems {
    /// Problems listed in full as far as [`MAX_LISTED`], all of them counted.
    pub fn from_all(all: Vec<Problem>) -> Self {
        let mut problems = Problems::default();
        for problem in all {
            problems.push(problem);
        }
        problems
    }

    pub fn push(&mut self, problem: Problem) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED {
            self.listed.push(problem);
        }
    }

    /// Appends `other`'s problems after these, as if each had been pushed here.
    pub fn append(&mut self, other: Problems) {
        let room = MAX_LISTED.saturating_sub(self.listed.len());
        self.listed.extend(other.listed.into_iter().take(room));
        self.total += other.total;
    }

    /// How many problems were found, listed or not.
    pub fn total(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The first problems found, at most [`MAX_LISTED`].
    pub fn listed(&self) -> &[Problem] {
        &self.listed
    }

    /// The listed problems and the total.
    pub fn into_parts(self) -> (Vec<Problem>, usize) {
        (self.listed, self.total)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum ProblemKind {
    NotADirectory,
    FileMissing,
    /// A named pipe (`fifo`), a `socket`, a `device`, a `directory` or `other` where a
    /// regular file belongs, at the bundle's path `value`.
    NotRegularFile {
        value: String,
        file_type: &'static str,
    },
    FileTooLarge {
        max_bytes: u64,
    },
    LineTooLong {
        max_bytes: u64,
    },
    Encoding,
    Json {
        detail: String,
    },
    Toml {
        detail: String,
    },
    Missing,
    Type {
        expected: &'static str,
    },
    Id,
    Duplicate {
        id: String,
    },
    UnknownRef {
        target: &'static str,
        id: String,
    },
    Country {
        value: String,
    },
    Currency {
        value: String,
    },
    Unit {
        value: String,
    },
    Certification {
        value: String,
    },
    Storage {
        value: String,
    },
    HsCode {
        value: String,
    },
    Positive,
    /// A number outside `min..=max`.
    Range {
        min: f64,
        max: f64,
    },
    TiersOrder,
    Empty,
    TooLong {
        max: usize,
    },
    TooMany {
        max: usize,
    },
    LanguageTag {
        value: String,
    },
    FormatVersion {
        value: String,
    },
    Datetime {
        value: String,
    },
    Url {
        value: String,
    },
    PathEscape {
        value: String,
    },
    ImageMissing {
        value: String,
    },
    ImageFormat {
        value: String,
    },
    ImageTooLarge {
        value: String,
        width: u32,
        height: u32,
        max: u32,
    },
    ImageDecode {
        value: String,
        detail: String,
    },
    /// Within the pixel limit per side, but decoding would need more memory than allowed.
    ImageMemory {
        value: String,
        width: u32,
        height: u32,
        megabytes: u64,
        max_megabytes: u64,
    },
    BoothOutside {
        hall: String,
    },
}

impl Problem {
    /// `FILE:LINE: FIELD: message` (cli.md), LINE only for `.jsonl` files.
    pub fn localize(&self, lang: Lang) -> String {
        let location = match self.line {
            Some(line) => format!("{}:{}", self.file, line),
            None => self.file.clone(),
        };
        let field = if self.field.is_empty() {
            "-"
        } else {
            &self.field
        };
        format!("{location}: {field}: {}", self.kind.localize(lang))
    }
}

impl ProblemKind {
    pub fn localize(&self, lang: Lang) -> String {
        use ProblemKind::*;
        let tr = |id: &str, args: &[i18n::Arg<'_>]| i18n::tr(lang, id, args);
        match self {
            NotADirectory => tr("problem-not-a-directory", &[]),
            FileMissing => tr("problem-file-missing", &[]),
            NotRegularFile { value, file_type } => tr(
                "problem-not-regular-file",
                &[s("value", value.as_str()), s("type", *file_type)],
            ),
            FileTooLarge { max_bytes } => {
                tr("problem-file-too-large", &[n("max", *max_bytes as f64)])
            }
            LineTooLong { max_bytes } => {
                tr("problem-line-too-long", &[n("max", *max_bytes as f64)])
            }
            Encoding => tr("problem-encoding", &[]),
            Json { detail } => tr("problem-json", &[s("detail", detail.as_str())]),
            Toml { detail } => tr("problem-toml", &[s("detail", detail.as_str())]),
            Missing => tr("problem-missing", &[]),
            Type { expected } => tr("problem-type", &[s("expected", *expected)]),
            Id => tr("problem-id", &[]),
            Duplicate { id } => tr("problem-duplicate", &[s("id", id.as_str())]),
            UnknownRef { target, id } => tr(
                "problem-unknown-ref",
                &[s("target", *target), s("id", id.as_str())],
            ),
            Country { value } => tr("problem-country", &[s("value", value.as_str())]),
            Currency { value } => tr("problem-currency", &[s("value", value.as_str())]),
            Unit { value } => tr("problem-unit", &[s("value", value.as_str())]),
            Certification { value } => tr("problem-certification", &[s("value", value.as_str())]),
            Storage { value } => tr("problem-storage", &[s("value", value.as_str())]),
            HsCode { value } => tr("problem-hs-code", &[s("value", value.as_str())]),
            Positive => tr("problem-positive", &[]),
            Range { min, max } => tr("problem-range", &[n("min", *min), n("max", *max)]),
            TiersOrder => tr("problem-tiers-order", &[]),
            Empty => tr("problem-empty", &[]),
            TooLong { max } => tr("problem-too-long", &[n("max", *max as f64)]),
            TooMany { max } => tr("problem-too-many", &[n("max", *max as f64)]),
            LanguageTag { value } => tr("problem-language-tag", &[s("value", value.as_str())]),
            FormatVersion { value } => tr("problem-format-version", &[s("value", value.as_str())]),
            Datetime { value } => tr("problem-datetime", &[s("value", value.as_str())]),
            Url { value } => tr("problem-url", &[s("value", value.as_str())]),
            PathEscape { value } => tr("problem-path-escape", &[s("value", value.as_str())]),
            ImageMissing { value } => tr("problem-image-missing", &[s("value", value.as_str())]),
            ImageFormat { value } => tr("problem-image-format", &[s("value", value.as_str())]),
            ImageTooLarge {
                value,
                width,
                height,
                max,
            } => tr(
                "problem-image-too-large",
                &[
                    s("value", value.as_str()),
                    n("width", *width),
                    n("height", *height),
                    n("max", *max),
                ],
            ),
            ImageDecode { value, detail } => tr(
                "problem-image-decode",
                &[s("value", value.as_str()), s("detail", detail.as_str())],
            ),
            ImageMemory {
                value,
                width,
                height,
                megabytes,
                max_megabytes,
            } => tr(
                "problem-image-memory",
                &[
                    s("value", value.as_str()),
                    n("width", *width),
                    n("height", *height),
                    n("megabytes", *megabytes as f64),
                    n("max", *max_megabytes as f64),
                ],
            ),
            BoothOutside { hall } => tr("problem-booth-outside", &[s("hall", hall.as_str())]),
        }
    }
}
