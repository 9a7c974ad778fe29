//! Windows from this Linux machine (docs/packaging.md, "Windows"):
//!
//! - `check`, a step of `test`: clippy of every crate but this one for
//!   `x86_64-pc-windows-gnu`, warnings as errors, so code that only Linux uses or that
//!   does not build on Windows is found at once;
//! - `tests`, a step of `test`: the core crates', the reference platform's and the CLI's tests
//!   built for Windows with Debian's mingw-w64 and run under Debian's Wine (`cargo xtask
//!   windows [FILTER…]` runs them alone, passing the filter to each test binary). Tests
//!   of what only Linux has are `cfg(unix)` or `cfg(target_os = "linux")`: the online
//!   show's `serve` suite (served from Linux behind nginx, its pages checked with `tidy`),
//!   the tmpfs full disk, file modes, named pipes.
//!
//! - `package` (`./x package --windows`): the release app and CLI cross-built, and an
//!   NSIS installer made from `packaging/windows/installer.nsi` by Debian's makensis, then
//!   installed silently under Wine, where the installed `showroom.exe` imports the
//!   installed catalog and searches it, and removed again. (The Tauri bundler's NSIS path
//!   downloads its plugin DLL from GitHub on every new machine, which this network cannot
//!   reach: the script is ours.)
//!
//! Wine 8 lacks `ProcessPrng` in `bcryptprimitives.dll`, which Rust's standard library
//! needs on Windows: `xtask/wine/processprng.c`, built here with mingw and put beside the
//! test programs only, forwards it to `RtlGenRandom`. Wine's prefix is `target/wine`,
//! made on first use, offline (no Mono or Gecko).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{Result, cargo, cmd, root, status, step};

pub const TARGET: &str = "x86_64-pc-windows-gnu";

/// What runs under Wine, in one cargo run (one resolution of features, one build).
const TESTED: &[&str] = &[
    "-p",
    "showroom-model",
    "-p",
    "showroom-catalog",
    "-p",
    "showroom-search",
    "-p",
    "showroom-trade",
    "-p",
    "showroom-kiosk",
    "-p",
    "showroom-core",
    "-p",
    "showroom-platform",
    "-p",
    "showroom-cli",
];

/// The Rust standard library for the target (rustup says "up to date" when it is there).
fn ensure_target() -> Result {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup: {e}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == TARGET)
    {
        return Ok(());
    }
    step(&format!("rustup target add {TARGET}"));
    status(cmd("rustup", &["target", "add", TARGET], &root()))
}

/// `cargo clippy` of the workspace (but xtask, a Linux developer's tool) for Windows.
pub fn check() -> Result {
    ensure_target()?;
    step(&format!("cargo clippy for Windows ({TARGET})"));
    status(cargo(&[
        "clippy",
        "--target",
        TARGET,
        "--workspace",
        "--exclude",
        "xtask",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

/// Wine's 64-bit loader: Debian's `wine` wrapper asks for the 32-bit one as well.
fn wine() -> Result<PathBuf> {
    ["/usr/lib/wine/wine64", "/usr/bin/wine64", "/usr/bin/wine"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .ok_or_else(|| "Wine is not installed (scripts/setup-system.sh installs wine64)".into())
}

/// The environment every Wine run gets: its own prefix under target/, quiet, and no
/// download of Mono or Gecko (neither is needed by a console program).
fn wine_env(command: &mut Command, prefix: &Path) {
    command
        .env("WINEPREFIX", prefix)
        .env("WINEDEBUG", "-all")
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
}

/// Builds the `ProcessPrng` shim into `dir`.
fn shim(dir: &Path) -> Result {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let out = dir.join("bcryptprimitives.dll");
    let source = root().join("xtask/wine/processprng.c");
    status(cmd(
        "x86_64-w64-mingw32-gcc",
        &[
            "-shared",
            "-O2",
            "-o",
            out.to_str().ok_or("target path is not UTF-8")?,
            source.to_str().ok_or("source path is not UTF-8")?,
            "-ladvapi32",
        ],
        &root(),
    ))
}

/// Builds the tests for Windows and runs them under Wine; `filter` goes to every test
/// binary.
pub fn tests(filter: &[String]) -> Result {
    ensure_target()?;
    let wine = wine()?;
    let target_dir = root().join("target");
    let prefix = target_dir.join("wine");
    if !prefix.join("system.reg").exists() {
        step("a Wine prefix for the Windows tests (target/wine)");
        let mut boot = Command::new(&wine);
        boot.args(["wineboot", "--init"]);
        wine_env(&mut boot, &prefix);
        status(boot)?;
    }
    step(&format!(
        "build the core crates', the platform's and the CLI's tests for Windows ({TARGET})"
    ));
    let mut build = cargo(&["test", "--target", TARGET, "--no-run"]);
    build.args(TESTED);
    status(build)?;
    let out = target_dir.join(TARGET).join("debug");
    // Beside the test programs (deps/) and the CLI they start (debug/).
    shim(&out.join("deps"))?;
    shim(&out)?;

    step("run them under Wine");
    let mut run = cargo(&["test", "--target", TARGET]);
    run.args(TESTED).arg("--").args(filter);
    run.env(
        format!(
            "CARGO_TARGET_{}_RUNNER",
            TARGET.to_uppercase().replace('-', "_")
        ),
        &wine,
    );
    wine_env(&mut run, &prefix);
    let result = status(run);
    // wineserver lingers a few seconds after the last program; end it with the run.
    let mut kill = Command::new(wine.with_file_name("wineserver"));
    kill.arg("-k");
    wine_env(&mut kill, &prefix);
    let _ = kill.status();
    result
}

/// The version of the workspace, from the app's manifest.
fn version() -> Result<String> {
    let manifest =
        fs::read_to_string(root().join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    manifest
        .lines()
        .skip_while(|l| l.trim() != "[workspace.package]")
        .find_map(|l| {
            let (key, value) = l.split_once('=')?;
            (key.trim() == "version").then(|| value.trim().trim_matches('"').to_string())
        })
        .ok_or_else(|| "no version in [workspace.package] of Cargo.toml".into())
}

/// Runs a Windows program under Wine in the prefix, returning its stdout.
fn under_wine(wine: &Path, prefix: &Path, args: &[&str]) -> Result<String> {
    let mut command = Command::new(wine);
    command.args(args);
    wine_env(&mut command, prefix);
    let shown = format!("wine {}", args.join(" "));
    let out = command.output().map_err(|e| format!("{shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{shown} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `./x package --windows`: the release programs for Windows, the installer, and the
/// installer tried under Wine.
pub fn package() -> Result {
    ensure_target()?;
    crate::ui()?;
    let version = version()?;
    step(&format!(
        "release build of the app and the CLI for Windows ({TARGET})"
    ));
    let started = Instant::now();
    let mut build = cargo(&["build", "--release", "--target", TARGET]);
    build.args(["-p", "sco-showroom", "-p", "showroom-cli"]);
    status(build)?;
    let built = started.elapsed().as_secs_f64();
    let release = root().join("target").join(TARGET).join("release");
    // webview2-com-sys's build script puts the loader beside the programs it links.
    let loader = release.join("WebView2Loader.dll");
    if !loader.exists() {
        return Err(format!("{} is missing after the build", loader.display()));
    }

    step("the installer (makensis packaging/windows/installer.nsi)");
    let out_dir = release.join("bundle/nsis");
    fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let installer = out_dir.join(format!("SCO-Showroom-{version}-x64-setup.exe"));
    let _ = fs::remove_file(&installer);
    let started = Instant::now();
    let utf8 = |p: &Path| p.to_str().map(String::from).ok_or("path is not UTF-8");
    status(cmd(
        "makensis",
        &[
            "-WX",
            "-V2",
            &format!("-DVERSION={version}"),
            &format!("-DAPP={}", utf8(&release)?),
            &format!("-DROOT={}", utf8(&root())?),
            &format!("-DOUTFILE={}", utf8(&installer)?),
            "packaging/windows/installer.nsi",
        ],
        &root(),
    ))?;
    let made = started.elapsed().as_secs_f64();

    step("the installer under Wine: install, import the installed catalog, search, remove");
    let wine = wine()?;
    let prefix = root().join("target/wine-package");
    let _ = fs::remove_dir_all(&prefix);
    under_wine(&wine, &prefix, &["wineboot", "--init"])?;
    let installed = prefix.join("drive_c/Program Files/SCO Showroom");
    // The installed CLI is a release build of Rust 1.78 or later: it needs ProcessPrng too.
    under_wine(&wine, &prefix, &[&utf8(&installer)?, "/S"])?;
    for file in [
        "sco-showroom.exe",
        "showroom.exe",
        "WebView2Loader.dll",
        "uninstall.exe",
        "catalog/catalog.toml",
        "catalog/products.jsonl",
        "docs/kiosk-supervision.md",
    ] {
        if !installed.join(file).exists() {
            return Err(format!("the installer did not install {file}"));
        }
    }
    shim(&installed)?;
    // The installed CLI on the kiosk's data folder, as an operator would run it.
    let installed_cli = |args: &[&str]| {
        let mut all = vec![
            r"C:\Program Files\SCO Showroom\showroom.exe",
            "--data-dir",
            r"C:\ProgramData\SCO Showroom\data",
            "--json",
        ];
        all.extend_from_slice(args);
        under_wine(&wine, &prefix, &all)
    };
    let imported = installed_cli(&["import", r"C:\Program Files\SCO Showroom\catalog"])?;
    if !imported.contains("\"products\": 165") {
        return Err(format!("the installed catalog did not import: {imported}"));
    }
    let found = installed_cli(&["search", "мёд", "--limit", "3"])?;
    if !found.contains("honey") {
        return Err(format!("the installed CLI found no honey: {found}"));
    }
    fs::remove_file(installed.join("bcryptprimitives.dll")).map_err(|e| e.to_string())?;
    under_wine(
        &wine,
        &prefix,
        &[r"C:\Program Files\SCO Showroom\uninstall.exe", "/S"],
    )?;
    // The uninstaller runs from a copy in the temporary folder and returns at once.
    let deadline = Instant::now() + std::time::Duration::from_secs(30);
    while installed.join("showroom.exe").exists() && Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    if installed.join("showroom.exe").exists() {
        return Err("the uninstaller left the programs behind".into());
    }
    if !prefix
        .join("drive_c/ProgramData/SCO Showroom/data/showroom.db")
        .exists()
    {
        return Err("the uninstaller removed the kiosk's data".into());
    }
    let mut kill = Command::new(wine.with_file_name("wineserver"));
    kill.arg("-k");
    wine_env(&mut kill, &prefix);
    let _ = kill.status();

    eprintln!("\nrelease build for Windows in {built:.0} s, installer in {made:.0} s");
    for path in [
        release.join("sco-showroom.exe"),
        release.join("showroom.exe"),
        installer,
    ] {
        eprintln!(
            "  {:6.1} MB  {}",
            crate::package::megabytes(&path),
            path.display()
        );
    }
    Ok(())
}
