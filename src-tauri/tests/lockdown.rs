//! The app's lock-down, checked from its configuration files: what the web view may call
//! (capabilities, commands, the security section of `tauri.conf.json`) is exactly the
//! list in `capabilities-allowlist.txt`; the content security policy never lets a script
//! come from `eval`, `data:` or `blob:`; and no build of the app enables Tauri's
//! `devtools` feature, which would open the inspector in release builds.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every leaf under `value` as `prefix.path = json`.
fn leaves(prefix: &str, value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                leaves(&format!("{prefix}.{key}"), value, out);
            }
        }
        Value::Array(list) if !list.is_empty() => {
            for (i, value) in list.iter().enumerate() {
                leaves(&format!("{prefix}[{i}]"), value, out);
            }
        }
        other => {
            out.insert(format!("{prefix} = {other}"));
        }
    }
}

/// The CSP as directive name → sources.
fn csp_directives(csp: &str) -> Vec<(String, Vec<String>)> {
    csp.split(';')
        .filter_map(|directive| {
            let mut words = directive.split_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_string).collect()))
        })
        .collect()
}

fn csp(config: &Value) -> String {
    match &config["app"]["security"]["csp"] {
        Value::String(csp) => csp.clone(),
        // Tauri also takes the policy as an object of directive → source or sources.
        Value::Object(map) => map
            .iter()
            .map(|(name, sources)| match sources {
                Value::Array(list) => format!(
                    "{name} {}",
                    list.iter()
                        .map(|s| s.as_str().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                other => format!("{name} {}", other.as_str().unwrap_or_default()),
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => panic!("tauri.conf.json: app.security.csp must be set, found {other}"),
    }
}

/// The commands registered with `generate_handler!` in `src/lib.rs`.
fn commands() -> Vec<String> {
    let source = fs::read_to_string(here().join("src/lib.rs")).expect("src/lib.rs");
    let mut found = Vec::new();
    let mut rest = source.as_str();
    while let Some(at) = rest.find("generate_handler![") {
        rest = &rest[at + "generate_handler![".len()..];
        let end = rest.find(']').expect("generate_handler! is closed");
        found.extend(
            rest[..end]
                .split(',')
                .map(|name| name.split_whitespace().collect::<String>())
                .filter(|name| !name.is_empty()),
        );
        rest = &rest[end..];
    }
    found
}

/// Everything the configuration grants the web view, one line each.
fn granted() -> BTreeSet<String> {
    let mut lines = BTreeSet::new();
    let dir = here().join("capabilities");
    for entry in fs::read_dir(&dir).expect("capabilities/") {
        let path = entry.expect("capabilities entry").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        assert!(
            path.extension().is_some_and(|e| e == "json") && path.is_file(),
            "capabilities/{name}: only JSON files are expected there (Tauri also reads TOML \
             and folders); add it to this test and the allowlist if it is meant to be"
        );
        let mut capability = read_json(&path);
        if let Value::Object(map) = &mut capability {
            // Documentation and editor hints, not grants.
            map.remove("$schema");
            map.remove("description");
        }
        leaves(&format!("capabilities/{name}"), &capability, &mut lines);
    }
    let config = read_json(&here().join("tauri.conf.json"));
    let app = &config["app"];
    lines.insert(format!("app.withGlobalTauri = {}", app["withGlobalTauri"]));
    if let Value::Object(security) = &app["security"] {
        for (key, value) in security {
            if key != "csp" {
                leaves(&format!("app.security.{key}"), value, &mut lines);
            }
        }
    }
    for (name, sources) in csp_directives(&csp(&config)) {
        if sources.is_empty() {
            lines.insert(format!("csp {name}"));
        }
        for source in sources {
            lines.insert(format!("csp {name} {source}"));
        }
    }
    for command in commands() {
        lines.insert(format!("command {command}"));
    }
    lines
}

fn shown(lines: &[&String]) -> String {
    if lines.is_empty() {
        return "(none)".into();
    }
    lines
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("\n  ")
}

#[test]
fn grants_are_exactly_the_allowlist() {
    let path = here().join("capabilities-allowlist.txt");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let allowed: BTreeSet<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect();
    let granted = granted();
    let added: Vec<&String> = granted.difference(&allowed).collect();
    let gone: Vec<&String> = allowed.difference(&granted).collect();
    assert!(
        added.is_empty() && gone.is_empty(),
        "the web view's grants differ from src-tauri/capabilities-allowlist.txt\n\
         granted but not allowed (review, then add to the list if intended):\n  {}\n\
         allowed but no longer granted (remove from the list):\n  {}",
        shown(&added),
        shown(&gone)
    );
}

/// What lets a script in, other than the app's own files, under the directive that
/// governs scripts (`script-src`, else `default-src`).
fn script_problems(csp: &str) -> Vec<String> {
    let directives = csp_directives(csp);
    let find = |name: &str| directives.iter().find(|(n, _)| n == name);
    let Some((name, sources)) = find("script-src").or_else(|| find("default-src")) else {
        return vec!["the CSP has neither script-src nor default-src".into()];
    };
    sources
        .iter()
        .filter(|source| {
            let lower = source.to_ascii_lowercase();
            ["'unsafe-eval'", "'unsafe-inline'", "data:", "blob:", "*"].contains(&lower.as_str())
                || lower.starts_with("http:")
                || lower.starts_with("https:")
        })
        .map(|source| format!("{name} allows scripts from {source}"))
        .collect()
}

#[test]
fn the_script_check_sees_what_it_must() {
    assert!(script_problems("default-src 'self'; script-src 'self'").is_empty());
    assert!(script_problems("default-src 'self'; img-src data:").is_empty());
    for bad in [
        "default-src 'self'; script-src 'self' 'unsafe-eval'",
        "default-src 'self'; script-src 'self' data:",
        "default-src 'self'; script-src blob: 'self'",
        "default-src 'self' 'UNSAFE-EVAL'; style-src 'self'",
        "default-src 'self' blob:",
        "img-src 'self'",
    ] {
        assert!(!script_problems(bad).is_empty(), "{bad}");
    }
}

#[test]
fn scripts_come_only_from_the_app() {
    let config = read_json(&here().join("tauri.conf.json"));
    let problems = script_problems(&csp(&config));
    assert!(problems.is_empty(), "{problems:?}");
    // Tauri adds the hashes of the app's own inline scripts to the policy; turning that
    // off is how 'unsafe-inline' usually comes back, so it stays on.
    let disabled = &config["app"]["security"]["dangerousDisableAssetCspModification"];
    assert!(
        disabled.is_null() || *disabled == Value::Bool(false),
        "dangerousDisableAssetCspModification is {disabled}"
    );
    if let Some(dev) = config["app"]["security"]["devCsp"].as_str() {
        assert!(
            !dev.contains("'unsafe-eval'"),
            "devCsp allows 'unsafe-eval': {dev}"
        );
    }
}

/// Tauri opens the inspector in release builds only with its `devtools` feature; the
/// features of the resolved graph (every workspace member, dev-dependencies included)
/// are a superset of any build's, so its absence there means no build has it.
#[test]
fn no_build_enables_devtools() {
    let manifest = fs::read_to_string(here().join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        !manifest.contains("devtools"),
        "src-tauri/Cargo.toml mentions devtools"
    );
    // Only the packages of this machine's platform are at hand offline.
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-vV")
        .output()
        .expect("rustc -vV");
    let rustc = String::from_utf8_lossy(&rustc.stdout).into_owned();
    let host = rustc
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc -vV names the host");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", host])
        .current_dir(here())
        .output()
        .expect("cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    let tauri_ids: Vec<&str> = packages
        .iter()
        .filter(|p| p["name"] == "tauri")
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert!(
        !tauri_ids.is_empty(),
        "tauri is not in the dependency graph"
    );
    let nodes = metadata["resolve"]["nodes"].as_array().expect("resolve");
    let mut seen = 0;
    for node in nodes {
        if tauri_ids.contains(&node["id"].as_str().unwrap_or_default()) {
            seen += 1;
            let features: Vec<&str> = node["features"]
                .as_array()
                .map(|f| f.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            assert!(
                !features.contains(&"devtools"),
                "tauri is built with the devtools feature: {features:?}"
            );
        }
    }
    assert!(seen > 0, "tauri has no resolved features");
}
