//! Reading a bundle takes memory for the products it keeps, not for the size of its files,
//! the length of a line or the number of problems: measured with a counting allocator
//! around the system's (its own test binary, so nothing else allocates meanwhile).

use std::alloc::{GlobalAlloc, Layout, System};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use showroom_core::catalog::{self, Limits, MAX_LISTED, ProblemKind};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    CURRENT.fetch_sub(bytes, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            if new_size > layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measurement at a time: the counters are shared by every thread.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// What `work` returns, and the most heap it had in use beyond what was in use before.
fn peak_during<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = work();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    eprintln!("peak heap beyond the start: {peak} bytes");
    (out, peak)
}

/// Far below what holding any of the files below whole would take.
const BOUND: usize = 16 << 20;

const HONEY: &str = r#"{"id": "honey-1", "exhibitor": "bee", "category": "food", "country": "RU", "name": {"en": "Altai honey"}, "unit": "kg"}"#;
const TEA: &str = r#"{"id": "tea-1", "exhibitor": "bee", "category": "food", "country": "RU", "name": {"en": "Ivan tea"}, "unit": "kg"}"#;

/// A valid bundle without products; `products` writes its products file.
fn write_bundle(dir: &Path, products: impl FnOnce(&mut dyn Write)) {
    fs::create_dir_all(dir).unwrap();
    fs::write(
        dir.join("catalog.toml"),
        "format = 1\nid = \"test\"\nversion = \"1\"\ntitle = { en = \"Test\" }\n\
         default_currency = \"CNY\"\npublished_at = \"2026-11-24T09:00:00Z\"\n",
    )
    .unwrap();
    fs::write(
        dir.join("categories.toml"),
        "[[category]]\nid = \"food\"\nname = { en = \"Food\" }\n",
    )
    .unwrap();
    fs::write(
        dir.join("exhibitors.jsonl"),
        "{\"id\": \"bee\", \"name\": {\"en\": \"Bee Farm\"}, \"country\": \"RU\"}\n",
    )
    .unwrap();
    let mut file = BufWriter::new(fs::File::create(dir.join("products.jsonl")).unwrap());
    products(&mut file);
    file.flush().unwrap();
}

#[test]
fn a_line_over_the_limit_is_passed_over_not_held() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits::default();
    let padding = vec![b'x'; 1 << 20];
    write_bundle(dir.path(), |out| {
        writeln!(out, "{HONEY}").unwrap();
        write!(out, "{{\"id\": \"big\", \"padding\": \"").unwrap();
        for _ in 0..64 {
            out.write_all(&padding).unwrap();
        }
        writeln!(out, "\"}}").unwrap();
        writeln!(out, "{TEA}").unwrap();
    });

    let (loaded, peak) = peak_during(|| catalog::load(dir.path(), &limits, false));
    assert_eq!(loaded.problems_total, 1, "{:#?}", loaded.problems);
    let problem = &loaded.problems[0];
    assert_eq!(
        (problem.file.as_str(), problem.line, &problem.kind),
        (
            "products.jsonl",
            Some(2),
            &ProblemKind::LineTooLong {
                max_bytes: limits.max_line_bytes
            }
        )
    );
    assert!(peak < BOUND, "reading a 64 MiB line took {peak} bytes");

    let (loaded, peak) = peak_during(|| catalog::load(dir.path(), &limits, true));
    assert!(loaded.is_valid(), "{:#?}", loaded.problems);
    assert_eq!(loaded.skipped_total, 1);
    let ids: Vec<&str> = loaded.data.products.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["honey-1", "tea-1"]);
    assert!(peak < BOUND, "reading a 64 MiB line took {peak} bytes");
}

#[test]
fn problems_past_the_listed_ones_are_only_counted() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    const BAD: usize = 50_000;
    // Two problems a line: an unknown exhibitor and an unknown unit.
    write_bundle(dir.path(), |out| {
        for i in 0..BAD {
            writeln!(
                out,
                r#"{{"id": "bad-{i}", "exhibitor": "wasp", "category": "food", "country": "RU", "name": {{"en": "Bad {i}"}}, "unit": "bucket"}}"#
            )
            .unwrap();
        }
        writeln!(out, "{HONEY}").unwrap();
    });

    let (loaded, peak) = peak_during(|| catalog::load(dir.path(), &Limits::default(), false));
    assert!(!loaded.is_valid());
    assert_eq!(loaded.problems.len(), MAX_LISTED);
    assert_eq!(loaded.problems_total, 2 * BAD);
    let located: Vec<(Option<usize>, &str)> = loaded
        .problems
        .iter()
        .map(|p| (p.line, p.field.as_str()))
        .collect();
    assert_eq!(located[..2], [(Some(1), "exhibitor"), (Some(1), "unit")]);
    assert_eq!(located[MAX_LISTED - 1], (Some(MAX_LISTED / 2), "unit"));
    assert!(peak < BOUND, "{} problems took {peak} bytes", 2 * BAD);

    let (loaded, peak) = peak_during(|| catalog::load(dir.path(), &Limits::default(), true));
    assert!(loaded.is_valid(), "{:#?}", loaded.problems);
    assert_eq!(loaded.skipped.len(), MAX_LISTED);
    assert_eq!(loaded.skipped_total, 2 * BAD);
    assert_eq!(loaded.data.products.len(), 1);
    assert!(peak < BOUND, "{} problems took {peak} bytes", 2 * BAD);
}
