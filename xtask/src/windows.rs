//! Windows from this Linux machine (docs/packaging.md, "Windows"):
//!
//! - `check`, a step of `test`: clippy of every crate but this one for
//!   `x86_64-pc-windows-gnu`, warnings as errors, so code that only Linux uses or that
//!   does not build on Windows is found at once;
//! - `tests`, a step of `test`: the core's, the reference platform's and the CLI's tests
//!   built for Windows with Debian's mingw-w64 and run under Debian's Wine (`cargo xtask
//!   windows [FILTER…]` runs them alone, passing the filter to each test binary).
//!
//! Wine 8 lacks `ProcessPrng` in `bcryptprimitives.dll`, which Rust's standard library
//! needs on Windows: `xtask/wine/processprng.c`, built here with mingw and put beside the
//! test programs only, forwards it to `RtlGenRandom`. Wine's prefix is `target/wine`,
//! made on first use, offline (no Mono or Gecko).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, cargo, cmd, root, status, step};

pub const TARGET: &str = "x86_64-pc-windows-gnu";

/// The packages whose tests run under Wine.
const TESTED: &[&str] = &["showroom-core", "showroom-platform", "showroom-cli"];

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
    let packages: Vec<&str> = TESTED.iter().flat_map(|p| ["-p", *p]).collect();
    step(&format!(
        "build the core's, the platform's and the CLI's tests for Windows ({TARGET})"
    ));
    let mut build = cargo(&["test", "--target", TARGET, "--no-run"]);
    build.args(&packages);
    status(build)?;
    let out = target_dir.join(TARGET).join("debug");
    // Beside the test programs (deps/) and the CLI they start (debug/).
    shim(&out.join("deps"))?;
    shim(&out)?;

    step("run them under Wine");
    let mut run = cargo(&["test", "--target", TARGET]);
    run.args(&packages).arg("--");
    run.args(filter);
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
