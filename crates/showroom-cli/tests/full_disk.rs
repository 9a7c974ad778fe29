//! A full disk, on real files, with the built `showroom` binary: the data directory lives on
//! a 64 MiB tmpfs mounted in a mount namespace of its own (`unshare`), the sample catalog is
//! imported and one inquiry queued, then a filler file takes every free block. With the disk
//! full, a catalog update and a new inquiry fail with the localised "disk full" message and
//! change nothing; the stored catalog (version, count, search results, `verify`) and the
//! queued inquiry stay as they were; a `showroom serve` that was running goes on searching
//! and refuses inquiries with that message (507), and one started on the full disk serves
//! the catalog.
//! Once the filler is gone, the update and the inquiry go through.
//!
//! `full_disk` runs `full_disk_inside` under `unshare --user --map-root-user --mount` (or
//! `unshare --mount` as root). When no namespace can be made or no tmpfs mounted, it fails
//! and says so: a full-disk test that did not run must not pass. Linux only: the mount
//! namespace and tmpfs are Linux's (the same core code answers a full disk on Windows,
//! `ERROR_DISK_FULL` being `ErrorKind::StorageFull` too).

#![cfg(target_os = "linux")]

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

mod common;
use common::{copy_dir, sample};

const INSIDE: &str = "SHOWROOM_FULL_DISK_INSIDE";
const MOUNTED: &str = "full-disk: tmpfs mounted";

#[test]
fn full_disk() {
    let exe = std::env::current_exe().unwrap();
    let mut tried = Vec::new();
    for flags in [
        &["--user", "--map-root-user", "--mount"][..],
        &["--mount"][..],
    ] {
        let run = Command::new("unshare")
            .args(flags)
            .arg("--")
            .arg(&exe)
            .args([
                "full_disk_inside",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(INSIDE, "1")
            .output();
        let out = match run {
            Ok(out) => out,
            Err(e) => {
                tried.push(format!("unshare {}: {e}", flags.join(" ")));
                continue;
            }
        };
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stdout.contains(MOUNTED) {
            assert!(
                out.status.success() && stdout.contains("1 passed"),
                "the full-disk scenario failed:\n{stdout}\n{stderr}"
            );
            return;
        }
        tried.push(format!(
            "unshare {}: {} {}",
            flags.join(" "),
            out.status,
            stderr.trim()
        ));
    }
    panic!(
        "THE FULL-DISK TEST COULD NOT RUN: no tmpfs could be mounted in a mount namespace here. \
         It needs util-linux `unshare` and either unprivileged user namespaces or root.\n{}",
        tried.join("\n")
    );
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_showroom")
}

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("SHOWROOM_DATA_DIR")
        .env_remove("SHOWROOM_PLATFORM_URL")
        .env_remove("SHOWROOM_PLATFORM_TOKEN")
        .env("SHOWROOM_SYNC_INTERVAL_SECS", "0")
        .output()
        .unwrap()
}

fn ok(data: &Path, args: &[&str]) -> String {
    let out = run(data, args);
    assert!(out.status.success(), "showroom {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn json(data: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(data, &all)).unwrap()
}

/// The message id's text in a locale's core.ftl (single-line messages only).
fn message(locale: &str, id: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../locales")
        .join(locale)
        .join("core.ftl");
    let text = fs::read_to_string(&path).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{id} = ")))
        .unwrap_or_else(|| panic!("{id} missing from {}", path.display()))
        .to_string()
}

/// What the stored catalog says about itself: info, stats, and results of three searches.
fn snapshot(data: &Path) -> Value {
    let mut searches = Vec::new();
    for query in ["мёд", "茶", "honey"] {
        let found = json(data, &["search", query, "--limit", "10"]);
        let ids: Vec<Value> = found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].clone())
            .collect();
        assert!(!ids.is_empty(), "{query} finds products");
        searches.push(Value::Array(ids));
    }
    serde_json::json!({
        "stats": json(data, &["catalog", "stats"]),
        "searches": searches,
    })
}

fn outbox(data: &Path) -> Vec<(String, String)> {
    json(data, &["outbox", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["client_ref"].as_str().unwrap().to_string(),
                e["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn inquiry_file(dir: &Path, name: &str) -> PathBuf {
    let body = serde_json::json!({
        "locale": "ru",
        "items": [{"product_id": "ru-altai-mountain-honey-1kg", "quantity": 500, "unit": "kg"}],
        "incoterm": "CIF",
        "destination": {"country": "KZ", "place": "Almaty"},
        "message": format!("{name}: нужна фасовка по 250 г."),
        "buyer": {"name": "Айгерим Садыкова", "phone": "+77011234567"},
        "consent": {"contact": true, "text_version": "2026-11"}
    });
    let path = dir.join(format!("{name}.json"));
    fs::write(&path, body.to_string()).unwrap();
    path
}

/// The sample catalog under a new version, outside the small disk.
fn updated_bundle(dir: &Path) -> PathBuf {
    let bundle = dir.join("bundle-v2");
    copy_dir(&sample(), &bundle);
    let manifest = fs::read_to_string(bundle.join("catalog.toml")).unwrap();
    let updated: String = manifest
        .lines()
        .map(|l| {
            if l.starts_with("version") {
                "version = \"2099.1.1\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(manifest, updated);
    fs::write(bundle.join("catalog.toml"), updated + "\n").unwrap();
    bundle
}

/// Writes `path` until the filesystem has no block left; the error must be "no space".
fn fill(path: &Path) -> u64 {
    let mut file = fs::File::create(path).unwrap();
    let mut written = 0u64;
    for chunk in [1 << 20, 4096, 512, 1] {
        let buf = vec![0x5au8; chunk];
        loop {
            match file.write_all(&buf) {
                Ok(()) => written += chunk as u64,
                Err(e) => {
                    assert_eq!(e.raw_os_error(), Some(28), "the disk filled up: {e}");
                    break;
                }
            }
        }
    }
    let _ = file.sync_all();
    written
}

struct Serve(Child, String);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(data: &Path, ui: &Path) -> Serve {
    let mut child = Command::new(bin())
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--port", "0", "--ui"])
        .arg(ui)
        .env_remove("SHOWROOM_DATA_DIR")
        .env_remove("SHOWROOM_PLATFORM_URL")
        .env_remove("SHOWROOM_PLATFORM_TOKEN")
        .env("SHOWROOM_SYNC_INTERVAL_SECS", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("http://"), "serve started: {line:?}");
    Serve(child, line.trim().to_string())
}

fn get(url: &str) -> Value {
    let rt = tokio_runtime();
    rt.block_on(async {
        let response = reqwest::get(url).await.unwrap();
        assert!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
    })
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
#[ignore = "run by `full_disk` inside a mount namespace of its own"]
fn full_disk_inside() {
    assert!(
        std::env::var_os(INSIDE).is_some(),
        "run through `full_disk`"
    );
    let tmp = tempfile::tempdir().unwrap();
    let disk = tmp.path().join("disk");
    fs::create_dir_all(&disk).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64m", "tmpfs"])
        .arg(&disk)
        .status()
        .unwrap();
    assert!(mounted.success(), "mount -t tmpfs failed");
    println!("{MOUNTED} on {}", disk.display());
    let data = disk.join("data");

    // Before: the sample catalog and one queued inquiry (no platform: it stays queued).
    ok(&data, &["import", sample().to_str().unwrap()]);
    let first = ok(
        &data,
        &[
            "inquiry",
            "submit",
            inquiry_file(tmp.path(), "first").to_str().unwrap(),
        ],
    )
    .trim()
    .to_string();
    let queued = outbox(&data);
    assert_eq!(queued, [(first.clone(), "queued".to_string())]);
    let before = snapshot(&data);
    ok(&data, &["catalog", "verify"]);
    let bundle = updated_bundle(tmp.path());
    let ui = tmp.path().join("ui");
    fs::create_dir_all(&ui).unwrap();
    fs::write(ui.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    let running = serve(&data, &ui);

    let filled = fill(&disk.join("filler"));
    println!("full-disk: {filled} bytes of filler, the disk is full");

    // A server that was running when the disk filled up still searches, and refuses an
    // inquiry with the disk-full error in the visitor's language.
    let found = get(&format!(
        "{}api/search?query=%D0%BC%D1%91%D0%B4&limit=10",
        running.1
    ));
    assert_eq!(
        found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].clone())
            .collect::<Vec<_>>(),
        before["searches"][0].as_array().unwrap().clone()
    );
    let draft = fs::read(inquiry_file(tmp.path(), "refused")).unwrap();
    let (status, body) = tokio_runtime().block_on(async {
        let response = reqwest::Client::new()
            .post(format!("{}api/inquiries?lang=zh", running.1))
            .header("content-type", "application/json")
            .body(draft)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        (status, body)
    });
    assert_eq!(status, 507, "{body}");
    assert_eq!(body["code"], "disk-full", "{body}");
    assert_eq!(body["message"], message("zh-CN", "error-disk-full"));
    drop(running);
    assert_eq!(outbox(&data), queued, "nothing was added to the outbox");

    // Reading works on the full disk: search, stats, verify, and serve from a fresh start.
    assert_eq!(snapshot(&data), before);
    ok(&data, &["catalog", "verify"]);
    {
        let server = serve(&data, &ui);
        let info = get(&format!("{}api/catalog", server.1));
        assert_eq!(info["version"], before["stats"]["version"]);
        let found = get(&format!(
            "{}api/search?query=%D0%BC%D1%91%D0%B4&limit=10",
            server.1
        ));
        assert_eq!(
            found["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["id"].clone())
                .collect::<Vec<_>>(),
            before["searches"][0].as_array().unwrap().clone()
        );
    }

    // A catalog update fails with the disk-full message, in each language, changing nothing.
    for (lang, locale) in [("en", "en-US"), ("ru", "ru-RU"), ("zh", "zh-CN")] {
        let out = run(&data, &["--lang", lang, "import", bundle.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "import on a full disk failed");
        let expected = message(locale, "error-disk-full");
        assert!(
            stderr.contains(&expected),
            "{lang}: {expected:?} in {stderr}"
        );
        assert_eq!(snapshot(&data), before, "the catalog is unchanged");
    }
    ok(&data, &["catalog", "verify"]);

    // A new inquiry fails with the same message; the queued one is intact.
    let out = run(
        &data,
        &[
            "--lang",
            "ru",
            "inquiry",
            "submit",
            inquiry_file(tmp.path(), "second").to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "an inquiry on a full disk is refused"
    );
    assert!(
        stderr.contains(&message("ru-RU", "error-disk-full")),
        "{stderr}"
    );
    assert_eq!(outbox(&data), queued);

    // Space again: the update and the inquiry go through.
    fs::remove_file(disk.join("filler")).unwrap();
    ok(&data, &["import", bundle.to_str().unwrap()]);
    assert_eq!(
        json(&data, &["catalog", "stats"])["version"],
        serde_json::json!("2099.1.1")
    );
    let second = ok(
        &data,
        &[
            "inquiry",
            "submit",
            inquiry_file(tmp.path(), "second").to_str().unwrap(),
        ],
    )
    .trim()
    .to_string();
    let mut refs: Vec<String> = outbox(&data).into_iter().map(|(r, _)| r).collect();
    refs.sort();
    let mut want = vec![first, second];
    want.sort();
    assert_eq!(refs, want);
    ok(&data, &["catalog", "verify"]);
    let _ = Command::new("umount").arg(&disk).status();
}
