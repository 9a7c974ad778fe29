//! Catalog bundles (`catalog-format.md`, version 1): reading, validating every rule, and
//! reporting every problem at once with its file, line and field (the first
//! [`MAX_LISTED`] in full, all of them counted).
//!
//! Nothing here writes: a bundle is read into [`CatalogData`] and a list of problems; the
//! facade decides whether and how to apply it. Beside the rules: the thumbnails of a
//! bundle's photos (`media`) and generated catalogs of any size (`generate`).

mod files;
pub mod generate;
pub(crate) mod images;
pub mod media;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Map, Value};

pub use showroom_model::codes;
pub use showroom_model::problem::{MAX_LISTED, Problem, ProblemKind, Problems};
use showroom_model::{self as model, Lang, error};

use crate::model::{Booth, CatalogData, Category, Exhibitor, Hall, Manifest, Product};

/// Limits on what a bundle may make us read or decode.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_manifest_bytes: u64,
    pub max_table_bytes: u64,
    pub max_jsonl_bytes: u64,
    pub max_line_bytes: u64,
    pub max_image_bytes: u64,
    pub max_image_side: u32,
    pub max_image_alloc: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_manifest_bytes: 64 * 1024,
            max_table_bytes: 8 * 1024 * 1024,
            max_jsonl_bytes: 1024 * 1024 * 1024,
            max_line_bytes: 1024 * 1024,
            max_image_bytes: 32 * 1024 * 1024,
            max_image_side: 8192,
            max_image_alloc: 256 * 1024 * 1024,
        }
    }
}

/// A bundle as read from disk.
#[derive(Debug)]
pub struct Bundle {
    /// The bundle's folder, canonical.
    pub root: PathBuf,
    pub data: CatalogData,
    /// Problems that make the bundle unusable as it is: the first [`MAX_LISTED`].
    pub problems: Vec<Problem>,
    /// How many such problems were found, listed or not.
    pub problems_total: usize,
    /// With `skip_invalid`: the problems of the products left out, the first
    /// [`MAX_LISTED`].
    pub skipped: Vec<Problem>,
    /// How many problems the products left out had, listed or not.
    pub skipped_total: usize,
}

impl Bundle {
    pub fn is_valid(&self) -> bool {
        self.problems_total == 0
    }
}

const MANIFEST: &str = "catalog.toml";
/// More partner cities than a map can show are a mistake.
const MAX_PARTNER_CITIES: usize = 100;
const CATEGORIES: &str = "categories.toml";
const EXHIBITORS: &str = "exhibitors.jsonl";
const PRODUCTS: &str = "products.jsonl";
const HALL: &str = "hall.toml";

const NAME_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 5000;
const SHORT_MAX: usize = 200;
const KEYWORD_MAX: usize = 100;
const KEYWORDS_PER_LANG: usize = 50;
const TAG_MAX: usize = 50;
const TAGS_MAX: usize = 20;
const IMAGES_MAX: usize = 20;
const TIERS_MAX: usize = 20;
const CERTS_MAX: usize = 10;

/// Reads and validates the bundle at `root`. With `skip_invalid`, invalid products are
/// left out and listed in [`Bundle::skipped`] instead of making the bundle invalid.
///
/// `.jsonl` files are read a line at a time: memory grows with the products kept, not
/// with the size of the file, the length of its lines or the number of its problems.
pub fn load(root: &Path, limits: &Limits, skip_invalid: bool) -> Bundle {
    let mut problems = Problems::default();
    let root = match root.canonicalize() {
        Ok(root) if root.is_dir() => root,
        _ => {
            return Bundle {
                root: root.to_path_buf(),
                data: CatalogData::default(),
                problems: vec![file_problem(
                    &root.display().to_string(),
                    ProblemKind::NotADirectory,
                )],
                problems_total: 1,
                skipped: Vec::new(),
                skipped_total: 0,
            };
        }
    };

    let manifest = read_toml(
        &root,
        MANIFEST,
        limits.max_manifest_bytes,
        true,
        &mut problems,
    )
    .and_then(|table| check_manifest(&table, &mut problems));
    let categories = read_toml(
        &root,
        CATEGORIES,
        limits.max_table_bytes,
        true,
        &mut problems,
    )
    .map(|table| check_categories(&table, &mut problems))
    .unwrap_or_default();
    let (halls, booths, booth_ids) =
        read_toml(&root, HALL, limits.max_table_bytes, false, &mut problems)
            .map(|table| check_hall(&table, &mut problems))
            .unwrap_or_default();
    let hall_present = files::exists(&root, HALL);

    let mut exhibitors = Exhibitors {
        booths: hall_present.then_some(&booth_ids),
        seen: HashSet::new(),
        out: Vec::new(),
    };
    if let Err(problem) = read_jsonl(
        &root,
        EXHIBITORS,
        limits,
        &mut problems,
        |line, obj, problems| exhibitors.check(line, obj, problems),
    ) {
        problems.push(problem);
    }
    let Exhibitors {
        seen: exhibitor_ids,
        out: exhibitors,
        ..
    } = exhibitors;

    let category_ids: HashSet<&str> = categories.iter().map(|c| c.id.as_str()).collect();
    let exhibitor_ids: HashSet<&str> = exhibitor_ids.iter().map(String::as_str).collect();
    let refs = Refs {
        categories: &category_ids,
        exhibitors: &exhibitor_ids,
    };

    // Problems of single products; with `skip_invalid` they leave those products out.
    let mut product_problems = Problems::default();
    let mut products = Products {
        refs: &refs,
        seen: HashSet::new(),
        out: Vec::new(),
        lines: Vec::new(),
    };
    let read = read_jsonl(
        &root,
        PRODUCTS,
        limits,
        &mut product_problems,
        |line, obj, problems| products.check(line, obj, problems),
    );
    let Products {
        out: mut products,
        lines,
        ..
    } = products;
    check_images(&mut products, &lines, &root, limits, &mut product_problems);
    drop(lines);
    let skipped = if skip_invalid {
        product_problems
    } else {
        problems.append(product_problems);
        Problems::default()
    };
    // A problem of the file itself refuses the bundle, whatever `skip_invalid` says.
    if let Err(problem) = read {
        problems.push(problem);
    }

    let (problems, problems_total) = problems.into_parts();
    let (skipped, skipped_total) = skipped.into_parts();
    Bundle {
        root,
        data: CatalogData {
            manifest,
            categories,
            exhibitors,
            products,
            halls,
            booths,
        },
        problems,
        problems_total,
        skipped,
        skipped_total,
    }
}

struct Refs<'a> {
    categories: &'a HashSet<&'a str>,
    exhibitors: &'a HashSet<&'a str>,
}

fn file_problem(file: &str, kind: ProblemKind) -> Problem {
    Problem {
        file: file.to_string(),
        line: None,
        field: String::new(),
        kind,
    }
}

fn read_toml(
    root: &Path,
    file: &str,
    max: u64,
    required: bool,
    problems: &mut Problems,
) -> Option<Map<String, Value>> {
    if !required && !files::exists(root, file) {
        return None;
    }
    let text = match files::read_text(root, file, max) {
        Ok(text) => text,
        Err(kind) => {
            problems.push(file_problem(file, kind));
            return None;
        }
    };
    match text.parse::<toml::Table>() {
        Ok(table) => match toml_to_json(toml::Value::Table(table)) {
            Value::Object(map) => Some(map),
            _ => None,
        },
        Err(error) => {
            let line = error
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            let detail = match line {
                Some(line) => format!("line {line}: {}", error.message()),
                None => error.message().to_string(),
            };
            problems.push(file_problem(file, ProblemKind::Toml { detail }));
            None
        }
    }
}

/// TOML to JSON values, with TOML datetimes as their RFC 3339 text.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

/// Hands each non-blank line of a `.jsonl` file, parsed, to `each` with its 1-based
/// number, one line at a time; problems of single lines go to `problems`. `Err` is a
/// problem of the file itself (missing, not a regular file, too large, unreadable), which
/// may come after some lines were read.
fn read_jsonl(
    root: &Path,
    file: &str,
    limits: &Limits,
    problems: &mut Problems,
    mut each: impl FnMut(usize, Map<String, Value>, &mut Problems),
) -> Result<(), Problem> {
    let mut lines = files::Lines::open(root, file, limits.max_jsonl_bytes, limits.max_line_bytes)
        .map_err(|kind| file_problem(file, kind))?;
    while let Some((number, line)) = lines.next_line().map_err(|kind| file_problem(file, kind))? {
        let located = |kind| Problem {
            file: file.to_string(),
            line: Some(number),
            field: String::new(),
            kind,
        };
        let text = match line {
            files::Line::Text(text) => text,
            files::Line::TooLong => {
                problems.push(located(ProblemKind::LineTooLong {
                    max_bytes: limits.max_line_bytes,
                }));
                continue;
            }
            files::Line::Encoding => {
                problems.push(located(ProblemKind::Encoding));
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => each(number, map, problems),
            Ok(_) => problems.push(located(ProblemKind::Type { expected: "object" })),
            Err(error) => problems.push(located(ProblemKind::Json {
                detail: error.to_string(),
            })),
        }
    }
    Ok(())
}

/// Field checks on one JSON object, reporting into a shared list.
struct Check<'p> {
    file: &'static str,
    line: Option<usize>,
    prefix: String,
    problems: &'p mut Problems,
}

impl<'p> Check<'p> {
    fn new(
        file: &'static str,
        line: Option<usize>,
        prefix: String,
        problems: &'p mut Problems,
    ) -> Self {
        Check {
            file,
            line,
            prefix,
            problems,
        }
    }

    fn field(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    fn report(&mut self, field: String, kind: ProblemKind) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line: self.line,
            field,
            kind,
        });
    }

    /// The value at `key`, treating `null` as absent; reports a missing required field.
    fn get<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        required: bool,
    ) -> Option<&'v Value> {
        match obj.get(key) {
            Some(Value::Null) | None => {
                if required {
                    let field = self.field(key);
                    self.report(field, ProblemKind::Missing);
                }
                None
            }
            Some(value) => Some(value),
        }
    }

    fn string<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        required: bool,
    ) -> Option<&'v str> {
        match self.get(obj, key, required)? {
            Value::String(s) => Some(s.as_str()),
            _ => {
                let field = self.field(key);
                self.report(field, ProblemKind::Type { expected: "string" });
                None
            }
        }
    }

    fn id<'v>(&mut self, obj: &'v Map<String, Value>, key: &str, max: usize) -> Option<&'v str> {
        let id = self.string(obj, key, true)?;
        if codes::is_id(id, max) {
            Some(id)
        } else {
            let field = self.field(key);
            self.report(field, ProblemKind::Id);
            None
        }
    }

    /// Hall and booth ids: 1 to 64 letters, digits, `-` or `_` (the format's examples use
    /// upper case, as halls are signposted), unique within `seen`.
    fn place_id(&mut self, obj: &Map<String, Value>, seen: &mut HashSet<String>) {
        let Some(id) = self.string(obj, "id", true) else {
            return;
        };
        let field = self.field("id");
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            self.report(field, ProblemKind::Id);
        } else if !seen.insert(id.to_string()) {
            self.report(field, ProblemKind::Duplicate { id: id.into() });
        }
    }

    fn number(&mut self, obj: &Map<String, Value>, key: &str, required: bool) -> Option<f64> {
        match self.get(obj, key, required)? {
            Value::Number(n) => n.as_f64(),
            _ => {
                let field = self.field(key);
                self.report(field, ProblemKind::Type { expected: "number" });
                None
            }
        }
    }

    /// A required number from `-limit` to `limit`.
    fn within(&mut self, obj: &Map<String, Value>, key: &str, limit: f64) {
        if let Some(v) = self.number(obj, key, true)
            && !(-limit..=limit).contains(&v)
        {
            let field = self.field(key);
            self.report(
                field,
                ProblemKind::Range {
                    min: -limit,
                    max: limit,
                },
            );
        }
    }

    fn positive(&mut self, obj: &Map<String, Value>, key: &str, required: bool) -> Option<f64> {
        let value = self.number(obj, key, required)?;
        if value > 0.0 && value.is_finite() {
            Some(value)
        } else {
            let field = self.field(key);
            self.report(field, ProblemKind::Positive);
            None
        }
    }

    fn country(&mut self, obj: &Map<String, Value>, key: &str, required: bool) {
        if let Some(code) = self.string(obj, key, required)
            && !codes::is_country(code)
        {
            let field = self.field(key);
            self.report(
                field,
                ProblemKind::Country {
                    value: code.to_string(),
                },
            );
        }
    }

    fn datetime(&mut self, obj: &Map<String, Value>, key: &str, required: bool) {
        use time::format_description::well_known::Rfc3339;
        if let Some(text) = self.string(obj, key, required)
            && time::OffsetDateTime::parse(text, &Rfc3339).is_err()
        {
            let field = self.field(key);
            self.report(
                field,
                ProblemKind::Datetime {
                    value: text.to_string(),
                },
            );
        }
    }

    /// A localised text map: an object of language tag → non-empty text of at most `max`
    /// characters, with at least one entry.
    fn text(&mut self, obj: &Map<String, Value>, key: &str, required: bool, max: usize) {
        let Some(value) = self.get(obj, key, required) else {
            return;
        };
        let field = self.field(key);
        let Value::Object(map) = value else {
            self.report(field, ProblemKind::Type { expected: "object" });
            return;
        };
        if map.is_empty() {
            self.report(field.clone(), ProblemKind::Empty);
        }
        for (lang, text) in map {
            let sub = format!("{field}.{lang}");
            if !codes::is_language_tag(lang) {
                self.report(
                    sub.clone(),
                    ProblemKind::LanguageTag {
                        value: lang.clone(),
                    },
                );
            }
            match text {
                Value::String(t) if t.trim().is_empty() => self.report(sub, ProblemKind::Empty),
                Value::String(t) if t.chars().count() > max => {
                    self.report(sub, ProblemKind::TooLong { max })
                }
                Value::String(_) => {}
                _ => self.report(sub, ProblemKind::Type { expected: "string" }),
            }
        }
    }

    /// A list of strings, each checked by `each`, at most `max` long.
    fn strings(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        max: usize,
        mut each: impl FnMut(&mut Self, String, &str),
    ) {
        let Some(value) = self.get(obj, key, false) else {
            return;
        };
        let field = self.field(key);
        let Value::Array(items) = value else {
            self.report(field, ProblemKind::Type { expected: "array" });
            return;
        };
        if items.len() > max {
            self.report(field.clone(), ProblemKind::TooMany { max });
        }
        for (i, item) in items.iter().enumerate() {
            let sub = format!("{field}[{i}]");
            match item {
                Value::String(s) => each(self, sub, s),
                _ => self.report(sub, ProblemKind::Type { expected: "string" }),
            }
        }
    }
}

fn check_manifest(table: &Map<String, Value>, problems: &mut Problems) -> Option<Manifest> {
    let before = problems.total();
    let mut c = Check::new(MANIFEST, None, String::new(), problems);
    match c.get(table, "format", true) {
        Some(Value::Number(n)) if n.as_i64() == Some(1) => {}
        Some(other) => c.report(
            "format".into(),
            ProblemKind::FormatVersion {
                value: other.to_string(),
            },
        ),
        None => {}
    }
    c.id(table, "id", 64);
    if let Some(version) = c.string(table, "version", true)
        && (version.trim().is_empty() || version.len() > 64)
    {
        c.report("version".into(), ProblemKind::TooLong { max: 64 });
    }
    c.text(table, "title", true, SHORT_MAX);
    if let Some(currency) = c.string(table, "default_currency", true)
        && !codes::is_currency(currency)
    {
        c.report(
            "default_currency".into(),
            ProblemKind::Currency {
                value: currency.into(),
            },
        );
    }
    c.datetime(table, "published_at", true);
    let mut seen: Vec<(&str, crate::model::LocalizedText)> = Vec::new();
    for (i, city) in array_of_tables(table, MANIFEST, "partner_city", problems)
        .into_iter()
        .enumerate()
    {
        if i == MAX_PARTNER_CITIES {
            let mut c = Check::new(MANIFEST, None, String::new(), problems);
            c.report(
                "partner_city".into(),
                ProblemKind::TooMany {
                    max: MAX_PARTNER_CITIES,
                },
            );
            break;
        }
        let mut c = Check::new(MANIFEST, None, format!("partner_city[{i}]"), problems);
        c.text(city, "name", true, SHORT_MAX);
        c.country(city, "country", true);
        c.within(city, "lat", 90.0);
        c.within(city, "lon", 180.0);
        // The same city twice would be marked and counted twice.
        let country = city
            .get("country")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let name: crate::model::LocalizedText = city
            .get("name")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        if seen
            .iter()
            .any(|(c, n)| *c == country && crate::model::same_place(n, &name))
        {
            let field = c.field("name");
            let id = crate::model::pick(&name, crate::Lang::En)
                .map(|(_, text)| text.to_string())
                .unwrap_or_default();
            c.report(field, ProblemKind::Duplicate { id });
        }
        seen.push((country, name));
    }
    if problems.total() > before {
        return None;
    }
    serde_json::from_value(Value::Object(table.clone())).ok()
}

fn array_of_tables<'t>(
    table: &'t Map<String, Value>,
    file: &'static str,
    key: &str,
    problems: &mut Problems,
) -> Vec<&'t Map<String, Value>> {
    match table.get(key) {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item {
                Value::Object(map) => Some(map),
                _ => {
                    problems.push(Problem {
                        file: file.into(),
                        line: None,
                        field: format!("{key}[{i}]"),
                        kind: ProblemKind::Type { expected: "table" },
                    });
                    None
                }
            })
            .collect(),
        Some(_) => {
            problems.push(Problem {
                file: file.into(),
                line: None,
                field: key.into(),
                kind: ProblemKind::Type {
                    expected: "array of tables",
                },
            });
            Vec::new()
        }
    }
}

fn check_categories(table: &Map<String, Value>, problems: &mut Problems) -> Vec<Category> {
    let entries = array_of_tables(table, CATEGORIES, "category", problems);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let before = problems.total();
        let mut c = Check::new(CATEGORIES, None, format!("category[{i}]"), problems);
        if let Some(id) = c.string(entry, "id", true) {
            if !codes::is_category_id(id) {
                let field = c.field("id");
                c.report(field, ProblemKind::Id);
            } else if !seen.insert(id.to_string()) {
                let field = c.field("id");
                c.report(field, ProblemKind::Duplicate { id: id.into() });
            }
        }
        c.text(entry, "name", true, SHORT_MAX);
        if problems.total() == before
            && let Ok(category) =
                serde_json::from_value::<Category>(Value::Object((*entry).clone()))
        {
            out.push(category);
        }
    }
    // Parents are checked once every id is known, so order in the file does not matter.
    for (i, category) in out.iter().enumerate() {
        if let Some(parent) = category.parent()
            && !seen.contains(parent)
        {
            problems.push(Problem {
                file: CATEGORIES.into(),
                line: None,
                field: format!("category[{i}].id"),
                kind: ProblemKind::UnknownRef {
                    target: "category",
                    id: parent.into(),
                },
            });
        }
    }
    out
}

/// Halls and booths; the booth ids include those of invalid booths, so that one bad booth
/// is reported once and not again by every exhibitor standing in it.
fn check_hall(
    table: &Map<String, Value>,
    problems: &mut Problems,
) -> (Vec<Hall>, Vec<Booth>, HashSet<String>) {
    let mut halls = Vec::new();
    let mut seen_halls = HashSet::new();
    for (i, entry) in array_of_tables(table, HALL, "hall", problems)
        .iter()
        .enumerate()
    {
        let before = problems.total();
        let mut c = Check::new(HALL, None, format!("hall[{i}]"), problems);
        c.place_id(entry, &mut seen_halls);
        c.text(entry, "name", true, SHORT_MAX);
        c.positive(entry, "width", true);
        c.positive(entry, "height", true);
        if problems.total() == before
            && let Ok(hall) = serde_json::from_value::<Hall>(Value::Object((*entry).clone()))
        {
            halls.push(hall);
        }
    }
    let mut booths = Vec::new();
    let mut seen_booths = HashSet::new();
    for (i, entry) in array_of_tables(table, HALL, "booth", problems)
        .iter()
        .enumerate()
    {
        let before = problems.total();
        let mut c = Check::new(HALL, None, format!("booth[{i}]"), problems);
        c.place_id(entry, &mut seen_booths);
        let hall = c.string(entry, "hall", true);
        let x = c.number(entry, "x", true);
        let y = c.number(entry, "y", true);
        let w = c.positive(entry, "w", true);
        let h = c.positive(entry, "h", true);
        if let Some(hall_id) = hall {
            match halls.iter().find(|h| h.id == hall_id) {
                None if seen_halls.contains(hall_id) => {}
                None => {
                    let field = c.field("hall");
                    c.report(
                        field,
                        ProblemKind::UnknownRef {
                            target: "hall",
                            id: hall_id.into(),
                        },
                    )
                }
                Some(hall) => {
                    if let (Some(x), Some(y), Some(w), Some(h)) = (x, y, w, h)
                        && (x < 0.0 || y < 0.0 || x + w > hall.width || y + h > hall.height)
                    {
                        let field = c.field("x");
                        c.report(
                            field,
                            ProblemKind::BoothOutside {
                                hall: hall.id.clone(),
                            },
                        );
                    }
                }
            }
        }
        if problems.total() == before
            && let Ok(booth) = serde_json::from_value::<Booth>(Value::Object((*entry).clone()))
        {
            booths.push(booth);
        }
    }
    (halls, booths, seen_booths)
}

/// Exhibitors as they are read, and the ids of all of them, valid or not (see
/// [`check_hall`]).
struct Exhibitors<'b> {
    /// The booths of the hall map, when there is one.
    booths: Option<&'b HashSet<String>>,
    seen: HashSet<String>,
    out: Vec<Exhibitor>,
}

impl Exhibitors<'_> {
    fn check(&mut self, line: usize, obj: Map<String, Value>, problems: &mut Problems) {
        let before = problems.total();
        let mut c = Check::new(EXHIBITORS, Some(line), String::new(), problems);
        if let Some(id) = c.id(&obj, "id", 64)
            && !self.seen.insert(id.to_string())
        {
            c.report("id".into(), ProblemKind::Duplicate { id: id.into() });
        }
        c.text(&obj, "name", true, NAME_MAX);
        c.country(&obj, "country", true);
        c.text(&obj, "city", false, SHORT_MAX);
        c.text(&obj, "description", false, DESCRIPTION_MAX);
        if let Some(booth) = c.string(&obj, "booth", false)
            && let Some(booths) = self.booths
            && !booths.contains(booth)
        {
            c.report(
                "booth".into(),
                ProblemKind::UnknownRef {
                    target: "booth",
                    id: booth.into(),
                },
            );
        }
        if let Some(url) = c.string(&obj, "website", false)
            && (!(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 500)
        {
            c.report("website".into(), ProblemKind::Url { value: url.into() });
        }
        if problems.total() == before
            && let Ok(exhibitor) = serde_json::from_value::<Exhibitor>(Value::Object(obj))
        {
            self.out.push(exhibitor);
        }
    }
}

/// Products as they are read: the valid ones, with their line numbers.
struct Products<'r> {
    refs: &'r Refs<'r>,
    seen: HashSet<String>,
    out: Vec<Product>,
    /// The line of each product in `out`.
    lines: Vec<usize>,
}

impl Products<'_> {
    fn check(&mut self, line: usize, obj: Map<String, Value>, problems: &mut Problems) {
        let before = problems.total();
        check_product(&obj, line, self.refs, &mut self.seen, problems);
        if problems.total() != before {
            return;
        }
        match serde_json::from_value::<Product>(Value::Object(obj)) {
            Ok(product) => {
                self.out.push(product);
                self.lines.push(line);
            }
            Err(error) => problems.push(Problem {
                file: PRODUCTS.into(),
                line: Some(line),
                field: String::new(),
                kind: ProblemKind::Json {
                    detail: error.to_string(),
                },
            }),
        }
    }
}

/// Leaves out the products with an image that cannot be read or is beyond the limits,
/// reporting it; `lines` are the products' lines.
fn check_images(
    products: &mut Vec<Product>,
    lines: &[usize],
    root: &Path,
    limits: &Limits,
    problems: &mut Problems,
) {
    // Image files are probed in parallel, reading headers dominates on large bundles; a
    // batch at a time, so that the problems of a bundle whose every image is broken are
    // counted, not all held.
    const BATCH: usize = 4096;
    let mut keep = vec![true; products.len()];
    let batches = products.chunks(BATCH).zip(lines.chunks(BATCH));
    for (start, (batch, lines)) in batches.enumerate() {
        let found: Vec<(usize, Vec<Problem>)> = batch
            .par_iter()
            .zip(lines)
            .enumerate()
            .filter_map(|(i, (product, line))| {
                let found: Vec<Problem> = product
                    .images
                    .iter()
                    .enumerate()
                    .filter_map(|(n, rel)| {
                        images::probe(root, rel, limits).err().map(|kind| Problem {
                            file: PRODUCTS.into(),
                            line: Some(*line),
                            field: format!("images[{n}]"),
                            kind,
                        })
                    })
                    .collect();
                (!found.is_empty()).then_some((start * BATCH + i, found))
            })
            .collect();
        for (index, found) in found {
            keep[index] = false;
            for problem in found {
                problems.push(problem);
            }
        }
    }
    // In place: a second list of every product would double the memory they take.
    let mut kept = keep.into_iter();
    products.retain(|_| kept.next().unwrap_or(true));
}

fn check_product(
    obj: &Map<String, Value>,
    line: usize,
    refs: &Refs<'_>,
    seen: &mut HashSet<String>,
    problems: &mut Problems,
) {
    let mut c = Check::new(PRODUCTS, Some(line), String::new(), problems);
    if let Some(id) = c.id(obj, "id", 64)
        && !seen.insert(id.to_string())
    {
        c.report("id".into(), ProblemKind::Duplicate { id: id.into() });
    }
    if let Some(exhibitor) = c.string(obj, "exhibitor", true)
        && !refs.exhibitors.contains(exhibitor)
    {
        c.report(
            "exhibitor".into(),
            ProblemKind::UnknownRef {
                target: "exhibitor",
                id: exhibitor.into(),
            },
        );
    }
    if let Some(category) = c.string(obj, "category", true)
        && !refs.categories.contains(category)
    {
        c.report(
            "category".into(),
            ProblemKind::UnknownRef {
                target: "category",
                id: category.into(),
            },
        );
    }
    c.country(obj, "country", true);
    c.text(obj, "city", false, SHORT_MAX);
    c.text(obj, "name", true, NAME_MAX);
    c.text(obj, "description", false, DESCRIPTION_MAX);
    if let Some(value) = c.get(obj, "keywords", false) {
        match value {
            Value::Object(map) => {
                for (lang, words) in map {
                    let field = format!("keywords.{lang}");
                    if !codes::is_language_tag(lang) {
                        c.report(
                            field.clone(),
                            ProblemKind::LanguageTag {
                                value: lang.clone(),
                            },
                        );
                    }
                    let as_obj: Map<String, Value> =
                        [(field.clone(), words.clone())].into_iter().collect();
                    c.strings(&as_obj, &field, KEYWORDS_PER_LANG, |c, sub, word| {
                        if word.trim().is_empty() {
                            c.report(sub, ProblemKind::Empty);
                        } else if word.chars().count() > KEYWORD_MAX {
                            c.report(sub, ProblemKind::TooLong { max: KEYWORD_MAX });
                        }
                    });
                }
            }
            _ => c.report("keywords".into(), ProblemKind::Type { expected: "object" }),
        }
    }
    if let Some(code) = c.string(obj, "hs_code", false)
        && !codes::is_hs_code(code)
    {
        c.report("hs_code".into(), ProblemKind::HsCode { value: code.into() });
    }
    if let Some(unit) = c.string(obj, "unit", true)
        && !codes::UNITS.contains(&unit)
    {
        c.report("unit".into(), ProblemKind::Unit { value: unit.into() });
    }
    c.positive(obj, "moq", false);
    if let Some(price) = c.get(obj, "price", false) {
        match price {
            Value::Object(price) => check_price(&mut c, price),
            _ => c.report("price".into(), ProblemKind::Type { expected: "object" }),
        }
    }
    c.strings(obj, "certifications", CERTS_MAX, |c, sub, cert| {
        if !codes::CERTIFICATIONS.contains(&cert) {
            c.report(sub, ProblemKind::Certification { value: cert.into() });
        }
    });
    if let Some(storage) = c.string(obj, "storage", false)
        && !codes::STORAGE.contains(&storage)
    {
        c.report(
            "storage".into(),
            ProblemKind::Storage {
                value: storage.into(),
            },
        );
    }
    match c.get(obj, "shelf_life_days", false) {
        Some(Value::Number(n)) if n.as_u64().is_some_and(|d| d > 0 && d <= u32::MAX as u64) => {}
        Some(Value::Number(_)) => c.report("shelf_life_days".into(), ProblemKind::Positive),
        Some(_) => c.report(
            "shelf_life_days".into(),
            ProblemKind::Type {
                expected: "integer",
            },
        ),
        None => {}
    }
    c.strings(obj, "images", IMAGES_MAX, |c, sub, path| {
        if !path.starts_with("images/") {
            c.report(sub, ProblemKind::PathEscape { value: path.into() });
        }
    });
    c.strings(obj, "tags", TAGS_MAX, |c, sub, tag| {
        if tag.trim().is_empty() {
            c.report(sub, ProblemKind::Empty);
        } else if tag.chars().count() > TAG_MAX {
            c.report(sub, ProblemKind::TooLong { max: TAG_MAX });
        }
    });
    c.datetime(obj, "updated_at", false);
}

fn check_price(c: &mut Check<'_>, price: &Map<String, Value>) {
    c.prefix = "price".into();
    if let Some(currency) = c.string(price, "currency", true)
        && !codes::is_currency(currency)
    {
        c.report(
            "price.currency".into(),
            ProblemKind::Currency {
                value: currency.into(),
            },
        );
    }
    match c.get(price, "tiers", true) {
        Some(Value::Array(tiers)) if tiers.is_empty() => {
            c.report("price.tiers".into(), ProblemKind::Empty)
        }
        Some(Value::Array(tiers)) if tiers.len() > TIERS_MAX => c.report(
            "price.tiers".into(),
            ProblemKind::TooMany { max: TIERS_MAX },
        ),
        Some(Value::Array(tiers)) => {
            let mut last: Option<f64> = None;
            for (i, tier) in tiers.iter().enumerate() {
                let Value::Object(tier) = tier else {
                    c.report(
                        format!("price.tiers[{i}]"),
                        ProblemKind::Type { expected: "object" },
                    );
                    continue;
                };
                c.prefix = format!("price.tiers[{i}]");
                let min_qty = c.positive(tier, "min_qty", true);
                c.positive(tier, "unit_price", true);
                if let (Some(prev), Some(now)) = (last, min_qty)
                    && now <= prev
                {
                    c.report(format!("price.tiers[{i}].min_qty"), ProblemKind::TiersOrder);
                }
                last = min_qty.or(last);
            }
        }
        Some(_) => c.report(
            "price.tiers".into(),
            ProblemKind::Type { expected: "array" },
        ),
        None => {}
    }
    c.prefix.clear();
}

/// Counts of name languages, used by stats and by tests of the sample catalog.
pub fn name_languages(products: &[Product]) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    for product in products {
        for lang in product.name.keys() {
            *out.entry(lang.clone()).or_insert(0) += 1;
        }
    }
    out
}

/// Reads a file of the bundle at `root` (canonical) without leaving the bundle.
pub fn read_bundle_bytes(root: &Path, rel: &str, max_bytes: u64) -> Result<Vec<u8>, ProblemKind> {
    files::read_bytes(root, rel, max_bytes)
}
