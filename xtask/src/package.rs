//! Linux packages, made by the Tauri bundler (the `tauri` command of `ui/`'s npm packages):
//!
//! - `package`: builds the release app and bundles it as a .deb with the sample catalog
//!   as a resource, then tries the AppImage (see `appimage`);
//! - `install_check`, a step of `test`: bundles the debug build that `test` has just made
//!   as a .deb (no second compilation), installs it with apt, starts the installed
//!   program under its own Xvfb on a fresh data directory, checks that it imported the
//!   catalog from its installed resources and drew its window, and removes the package.

use std::env;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::{Result, Services, cmd, root, status, step, ui, xvfb};

/// `productName` in tauri.conf.json: the bundle installs its resources in /usr/lib/<it>.
const PRODUCT: &str = "SCO Showroom";
/// `mainBinaryName` in tauri.conf.json: installed as /usr/bin/<it>.
const BINARY: &str = "sco-showroom";
/// What `apt-get install ./the.deb` must pull in: the web view, GTK, and the fonts the UI
/// names (Noto Sans, Noto Sans CJK SC for Chinese, DejaVu Sans Mono).
const DEPENDS: &[&str] = &[
    "libwebkit2gtk-4.1-0",
    "libgtk-3-0",
    "fonts-noto-cjk",
    "fonts-noto-core",
    "fonts-dejavu-core",
];
/// The sample catalog's files that must be inside the package.
const CATALOG_FILES: &[&str] = &[
    "catalog.toml",
    "categories.toml",
    "exhibitors.jsonl",
    "hall.toml",
    "products.jsonl",
];

/// The Tauri CLI, run in `src-tauri`. It calls cargo for `build`; like every other cargo
/// run of the tasks, without incremental compilation unless asked.
fn tauri(args: &[&str]) -> Command {
    let cli = root().join("ui/node_modules/.bin/tauri");
    let mut command = cmd(
        cli.to_str().unwrap_or_default(),
        args,
        &root().join("src-tauri"),
    );
    command.env(
        "CARGO_INCREMENTAL",
        env::var("CARGO_INCREMENTAL").unwrap_or_else(|_| "0".into()),
    );
    command
}

pub(crate) fn megabytes(path: &Path) -> f64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1_000_000.0
}

/// `cargo xtask package [--appimage]`: the release .deb, and the AppImage when it can be
/// made (with `--appimage`, failing to make it fails the task).
pub fn package(args: &[String]) -> Result {
    let mut require_appimage = false;
    for arg in args {
        match arg.as_str() {
            "--appimage" => require_appimage = true,
            "--windows" => return crate::windows::package(),
            other => {
                return Err(format!(
                    "package: unknown option {other} \
                     (usage: cargo xtask package [--appimage | --windows])"
                ));
            }
        }
    }
    // Also installs the npm packages, the Tauri CLI among them.
    ui()?;
    step("release build and .deb (tauri build --bundles deb)");
    let bundles = root().join("target/release/bundle");
    let _ = fs::remove_dir_all(bundles.join("deb"));
    let started = Instant::now();
    status(tauri(&["build", "--ci", "--bundles", "deb"]))?;
    let built = started.elapsed().as_secs_f64();
    let deb = only_file(&bundles.join("deb"), "deb")?;
    check_deb(&deb)?;

    step("AppImage (tauri bundle --bundles appimage)");
    let appimage = match appimage(&bundles) {
        Ok(path) => Some(path),
        Err(why) if !require_appimage => {
            eprintln!(
                "AppImage skipped: {why}\nOn a machine that reaches GitHub, \
                 `cargo xtask package --appimage` makes it (docs/packaging.md)."
            );
            None
        }
        Err(why) => return Err(why),
    };

    eprintln!("\nrelease build and .deb in {built:.0} s");
    for path in std::iter::once(deb).chain(appimage) {
        eprintln!("  {:6.1} MB  {}", megabytes(&path), path.display());
    }
    Ok(())
}

/// The AppImage by the Tauri bundler from the release build just made. The bundler
/// downloads linuxdeploy, its plugins and AppRun from GitHub into `~/.cache/tauri` the
/// first time; where GitHub cannot be reached it fails, and this says why.
fn appimage(bundles: &Path) -> Result<PathBuf> {
    let out = bundles.join("appimage");
    let _ = fs::remove_dir_all(&out);
    let mut bundle = tauri(&["bundle", "--ci", "--bundles", "appimage"]);
    bundle.stdout(Stdio::piped()).stderr(Stdio::piped());
    let shown = format!("{bundle:?}");
    let output = bundle.output().map_err(|e| format!("{shown}: {e}"))?;
    if !output.status.success() {
        let text = String::from_utf8_lossy(&output.stderr).into_owned()
            + &String::from_utf8_lossy(&output.stdout);
        let tail: Vec<&str> = text.lines().rev().take(6).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "the Tauri bundler failed ({}): it needs linuxdeploy and AppRun, which it downloads \
             from GitHub into ~/.cache/tauri the first time. Its last lines:\n    {}",
            output.status,
            tail.join("\n    ")
        ));
    }
    only_file(&out, "AppImage")
}

/// The one file named `*.{ext}` in `dir`.
fn only_file(dir: &Path, ext: &str) -> Result<PathBuf> {
    let found: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == ext))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "expected one .{ext} in {}, found {}",
            dir.display(),
            found.len()
        )),
    }
}

fn output(mut command: Command) -> Result<String> {
    let shown = format!("{command:?}");
    let out = command.output().map_err(|e| format!("{shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{shown} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn deb_field(deb: &Path, field: &str) -> Result<String> {
    let mut command = Command::new("dpkg-deb");
    command.arg("--field").arg(deb).arg(field);
    Ok(output(command)?.trim().to_string())
}

/// The .deb declares its runtime dependencies and holds the program, the desktop entry
/// and the whole sample catalog where the installed program looks for it.
fn check_deb(deb: &Path) -> Result {
    let depends = deb_field(deb, "Depends")?;
    let declared: Vec<&str> = depends
        .split(',')
        .filter_map(|d| d.split_whitespace().next())
        .collect();
    let missing: Vec<&str> = DEPENDS
        .iter()
        .copied()
        .filter(|d| !declared.contains(d))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{}: Depends ({depends}) lacks {}",
            deb.display(),
            missing.join(", ")
        ));
    }
    let mut command = Command::new("dpkg-deb");
    command.arg("--contents").arg(deb);
    let listing = output(command)?;
    let listed: Vec<String> = listing.lines().filter_map(listed_path).collect();
    let paths: Vec<&str> = listed.iter().map(String::as_str).collect();
    let catalog = format!("/usr/lib/{PRODUCT}/catalog");
    let mut wanted = vec![
        format!("/usr/bin/{BINARY}"),
        format!("/usr/share/applications/{PRODUCT}.desktop"),
        // The kiosk service and its user (docs/kiosk-supervision.md), not enabled.
        "/usr/lib/systemd/system/sco-showroom-kiosk.service".into(),
        "/usr/lib/sysusers.d/sco-showroom.conf".into(),
        "/usr/share/doc/sco-showroom/kiosk-supervision.md".into(),
        // The notices of the word lists built into the binary (crates/showroom-search/dict).
        "/usr/share/doc/sco-showroom/word-lists/LICENSE-ru_RU.txt".into(),
        "/usr/share/doc/sco-showroom/word-lists/LICENSE-en_US.txt".into(),
    ];
    wanted.extend(CATALOG_FILES.iter().map(|f| format!("{catalog}/{f}")));
    for path in &wanted {
        if !paths.contains(&path.as_str()) {
            return Err(format!("{} does not contain {path}", deb.display()));
        }
    }
    let repo_images = fs::read_dir(root().join("catalog/images"))
        .map_err(|e| format!("catalog/images: {e}"))?
        .count();
    let images = paths
        .iter()
        .filter(|p| {
            p.strip_prefix(&format!("{catalog}/images/"))
                .is_some_and(|name| !name.is_empty())
        })
        .count();
    if images != repo_images {
        return Err(format!(
            "{} holds {images} catalog images, catalog/images has {repo_images}",
            deb.display()
        ));
    }
    eprintln!(
        "{}: {:.1} MB, Depends: {depends}; catalog with {images} images in {catalog}",
        deb.display(),
        megabytes(deb)
    );
    Ok(())
}

/// The installed path of a `dpkg-deb --contents` line (`MODE OWNER SIZE DATE TIME PATH`,
/// the path relative, with or without `./`, and possibly with spaces).
fn listed_path(line: &str) -> Option<String> {
    let mut rest = line;
    for _ in 0..5 {
        rest = rest.trim_start();
        rest = &rest[rest.find(char::is_whitespace)?..];
    }
    let path = rest.trim_start();
    let path = path.strip_prefix("./").unwrap_or(path);
    (!path.is_empty()).then(|| format!("/{}", path.trim_end_matches('/')))
}

fn is_root() -> bool {
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// `program args` as root: directly when root already, else through sudo.
fn as_root(program: &str, args: &[&str]) -> Command {
    let mut command = if is_root() {
        Command::new(program)
    } else {
        let mut sudo = Command::new("sudo");
        sudo.arg(program);
        sudo
    };
    command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    command
}

/// Removes the installed package when dropped, also after a failed check.
struct Installed(String);

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = as_root("dpkg", &["--remove", &self.0])
            .stdout(Stdio::null())
            .status();
    }
}

/// The number of distinct colours of a screenshot of the whole screen (ImageMagick; the
/// Debian binaries, since /usr/local/bin may hold stand-ins).
fn screen_colours(display: &str, shot: &Path) -> Result<u64> {
    let path = shot.to_str().ok_or("screenshot path is not UTF-8")?;
    status(cmd(
        "/usr/bin/import",
        &["-display", display, "-window", "root", path],
        &root(),
    ))?;
    let colours = output(cmd(
        "/usr/bin/convert",
        &[path, "-format", "%k", "info:"],
        &root(),
    ))?;
    colours
        .trim()
        .parse()
        .map_err(|e| format!("colour count {colours:?}: {e}"))
}

/// The CI check of the .deb: see the module's documentation.
pub fn install_check() -> Result {
    step("package: the debug build as a .deb, installed, started under Xvfb, removed");
    let started = Instant::now();
    let out = root().join("target/debug/bundle/deb");
    let _ = fs::remove_dir_all(&out);
    // `bundle` packs the binary `cargo build -p sco-showroom` made; it compiles nothing.
    status(tauri(&["bundle", "--ci", "--debug", "--bundles", "deb"]))?;
    let deb = only_file(&out, "deb")?;
    check_deb(&deb)?;
    let bundled = started.elapsed().as_secs_f64();

    let package = deb_field(&deb, "Package")?;
    let installing = Instant::now();
    let deb_path = deb.to_str().ok_or("package path is not UTF-8")?;
    let installed = Installed(package.clone());
    status(as_root(
        "apt-get",
        &[
            "-o",
            "DPkg::Lock::Timeout=600",
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            "--reinstall",
            deb_path,
        ],
    ))?;
    let program = PathBuf::from(format!("/usr/bin/{BINARY}"));
    let catalog = PathBuf::from(format!("/usr/lib/{PRODUCT}/catalog"));
    for path in [program.clone(), catalog.join("catalog.toml")] {
        if !path.is_file() {
            return Err(format!(
                "{package} installed, but {} is missing",
                path.display()
            ));
        }
    }

    let data = env::temp_dir().join(format!("showroom-package-{}", std::process::id()));
    let _ = fs::remove_dir_all(&data);
    let result = start_installed(&program, &catalog, &data);
    let _ = fs::remove_dir_all(&data);
    let started_in = installing.elapsed().as_secs_f64();
    result?;

    drop(installed);
    if program.exists() {
        return Err(format!(
            "dpkg --remove {package} left {}",
            program.display()
        ));
    }
    eprintln!(
        "package check passed in {:.0} s (bundling {bundled:.0} s, install and start {started_in:.0} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Starts the installed program the way a desktop or kiosk session would (no
/// `SHOWROOM_CATALOG`, working directory `/`) and waits for three signals: its log says it
/// imported the catalog from the installed resources, with products; the screen shows a
/// drawn page, not an empty window; and the program is still running after both.
fn start_installed(program: &Path, catalog: &Path, data: &Path) -> Result {
    let (server, display) = xvfb("1280x800x24")?;
    // Dropped in reverse order: the app is killed before its X server.
    let _server = Services(vec![server]);
    fs::create_dir_all(data).map_err(|e| format!("{}: {e}", data.display()))?;
    let log_path = data.join("app.log");
    let log = fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    let app = Command::new(program)
        .current_dir("/")
        .env("DISPLAY", &display)
        .env("SHOWROOM_DATA_DIR", data)
        .env("SHOWROOM_LOG", "info")
        .env("NO_COLOR", "1")
        .env_remove("SHOWROOM_CATALOG")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    let mut app = Services(vec![app]);
    let read_log = || fs::read_to_string(&log_path).unwrap_or_default();
    let failed = |why: String, log: &str| {
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(format!("{why}; the app's log ends:\n{}", tail.join("\n")))
    };

    // The import of the sample catalog on a fresh data directory.
    let deadline = Instant::now() + Duration::from_secs(180);
    let imported = loop {
        let log = read_log();
        if let Some(line) = log.lines().find(|l| l.contains("bundled catalog imported")) {
            break line.to_string();
        }
        if let Ok(Some(exit)) = app.0[0].try_wait() {
            return failed(format!("the installed app exited ({exit})"), &log);
        }
        if Instant::now() > deadline {
            return failed("no catalog import within 180 s".into(), &log);
        }
        sleep(Duration::from_millis(250));
    };
    let log = read_log();
    let expected = format!("catalog={}", catalog.display());
    if !log
        .lines()
        .any(|l| l.contains(" starting ") && l.contains(&expected))
    {
        return failed(
            format!(
                "the app did not take its catalog from {}",
                catalog.display()
            ),
            &log,
        );
    }
    let products: u64 = imported
        .split_whitespace()
        .find_map(|word| word.strip_prefix("products="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if products == 0 {
        return failed(format!("import without products: {imported}"), &log);
    }
    if !data.join("showroom.db").is_file() || !data.join("index").is_dir() {
        return failed(
            format!("{} holds no showroom.db and index/", data.display()),
            &log,
        );
    }

    // The window with a drawn page: an empty window or a bare screen has one or two colours,
    // a page with text and pictures thousands.
    let shots = root().join("target/screenshots");
    fs::create_dir_all(&shots).map_err(|e| format!("{}: {e}", shots.display()))?;
    let shot = shots.join("package-installed.png");
    // Drawn, and settled: the same count on two screenshots a second apart (the page
    // fills in once the UI has its first answers).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut before = 0;
    let colours = loop {
        let colours = screen_colours(&display, &shot)?;
        if colours >= 256 && colours == before {
            break colours;
        }
        before = colours;
        if let Ok(Some(exit)) = app.0[0].try_wait() {
            return failed(format!("the installed app exited ({exit})"), &read_log());
        }
        if Instant::now() > deadline {
            return failed(
                format!(
                    "the screen still shows {colours} colours after 60 s ({})",
                    shot.display()
                ),
                &read_log(),
            );
        }
        sleep(Duration::from_secs(1));
    };
    if let Ok(Some(exit)) = app.0[0].try_wait() {
        return failed(format!("the installed app exited ({exit})"), &read_log());
    }
    eprintln!(
        "installed app: imported {products} products from {}, drew its window ({colours} colours, {})",
        catalog.display(),
        shot.display()
    );
    Ok(())
}
