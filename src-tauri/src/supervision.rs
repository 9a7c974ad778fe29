//! The app watching itself (`showroom_core::supervise` decides, this acts): the UI's
//! heartbeat command, the heartbeat file, systemd's notifications and watchdog, the web
//! view's reload after its process died or its page went stale, and the nightly restart.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use showroom_core::supervise::{
    self, Backlog, EXIT_NIGHTLY_RESTART, EXIT_WEBVIEW_UNRECOVERABLE, Heartbeat, NightlyRestart,
    Recovery, ReloadReason, SuperviseSettings, UiPulse, Verdict,
};
use tauri::{AppHandle, Manager};
use time::OffsetDateTime;

/// What the UI, the web view's signals and the core tell the supervisor thread.
#[derive(Default)]
pub struct Supervision {
    shared: Mutex<Shared>,
    /// Set by the web process's termination signal, taken by the supervisor.
    web_process_died: AtomicBool,
}

#[derive(Default)]
struct Shared {
    pulse: Option<UiPulse>,
    frame_at: Option<OffsetDateTime>,
    input_at: Option<OffsetDateTime>,
    backlog: Backlog,
    catalog_version: Option<String>,
}

fn from_unix_ms(ms: f64) -> Option<OffsetDateTime> {
    if !ms.is_finite() || ms <= 0.0 {
        return None;
    }
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000).ok()
}

impl Supervision {
    /// The UI drew a frame at `frame_at` and the last input came at `input_at` (Unix
    /// milliseconds of its clock); this call's arrival is the answer to the ping.
    pub fn pulse(&self, frame_at: f64, input_at: Option<f64>) {
        let now = OffsetDateTime::now_utc();
        let answered = Instant::now();
        let frame = from_unix_ms(frame_at);
        let frame_lag = frame
            .map(|f| (now - f).max(time::Duration::ZERO))
            .and_then(|lag| Duration::try_from(lag).ok())
            .unwrap_or(Duration::MAX / 4);
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.pulse = Some(UiPulse {
            answered,
            frame_lag,
        });
        shared.frame_at = frame.map(|f| f.min(now));
        if let Some(input) = input_at.and_then(from_unix_ms) {
            shared.input_at = Some(input.min(now));
        }
    }

    /// The web content process ended other than on the app's own request.
    pub fn web_process_died(&self) {
        self.web_process_died.store(true, Ordering::SeqCst);
    }

    fn set_core_facts(&self, backlog: Option<Backlog>, catalog_version: Option<String>) {
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(backlog) = backlog {
            shared.backlog = backlog;
        }
        if catalog_version.is_some() {
            shared.catalog_version = catalog_version;
        }
    }
}

/// Hooks the web view's "web process terminated" signal (WebKitGTK) to the supervisor.
#[cfg(target_os = "linux")]
pub fn watch_web_process(window: &tauri::WebviewWindow, supervision: Arc<Supervision>) {
    let hooked = window.with_webview(move |webview| {
        use webkit2gtk::{WebProcessTerminationReason, WebViewExt};
        webview
            .inner()
            .connect_web_process_terminated(move |_, reason| {
                // The app's own termination of a hung process is followed by its reload.
                if reason != WebProcessTerminationReason::TerminatedByApi {
                    tracing::error!(?reason, "the web process ended");
                    supervision.web_process_died();
                }
            });
    });
    if let Err(error) = hooked {
        tracing::error!(%error, "cannot watch the web process");
    }
}

/// Hooks WebView2's "process failed" event to the supervisor: the page's renderer exited
/// or stopped answering, or the browser process behind the web view ended.
#[cfg(windows)]
pub fn watch_web_process(window: &tauri::WebviewWindow, supervision: Arc<Supervision>) {
    let hooked = window.with_webview(move |webview| {
        use webview2_com::Microsoft::Web::WebView2::Win32::{
            COREWEBVIEW2_PROCESS_FAILED_KIND,
            COREWEBVIEW2_PROCESS_FAILED_KIND_BROWSER_PROCESS_EXITED,
            COREWEBVIEW2_PROCESS_FAILED_KIND_FRAME_RENDER_PROCESS_EXITED,
            COREWEBVIEW2_PROCESS_FAILED_KIND_RENDER_PROCESS_EXITED,
            COREWEBVIEW2_PROCESS_FAILED_KIND_RENDER_PROCESS_UNRESPONSIVE,
        };
        use webview2_com::ProcessFailedEventHandler;
        let handler = ProcessFailedEventHandler::create(Box::new(move |_, args| {
            let mut kind = COREWEBVIEW2_PROCESS_FAILED_KIND::default();
            if let Some(args) = args {
                // SAFETY: a COM call on the event's own arguments, during the event.
                unsafe { args.ProcessFailedKind(&mut kind)? };
            }
            // The browser process behind the web view is gone: no reload can bring the
            // page back, so the app ends for its supervisor to start it afresh.
            if kind == COREWEBVIEW2_PROCESS_FAILED_KIND_BROWSER_PROCESS_EXITED {
                tracing::error!("the web view's browser process ended");
                std::process::exit(showroom_core::supervise::EXIT_WEBVIEW_UNRECOVERABLE);
            }
            // GPU and utility processes are restarted by WebView2 itself.
            let page_lost = [
                COREWEBVIEW2_PROCESS_FAILED_KIND_RENDER_PROCESS_EXITED,
                COREWEBVIEW2_PROCESS_FAILED_KIND_FRAME_RENDER_PROCESS_EXITED,
                COREWEBVIEW2_PROCESS_FAILED_KIND_RENDER_PROCESS_UNRESPONSIVE,
            ]
            .contains(&kind);
            if page_lost {
                tracing::error!(kind = kind.0, "a web process failed");
                supervision.web_process_died();
            } else {
                tracing::warn!(kind = kind.0, "a helper web process failed");
            }
            Ok(())
        }));
        let mut token = 0i64;
        // SAFETY: COM calls on the web view's own controller, on the thread that owns it.
        let added = unsafe {
            webview
                .controller()
                .CoreWebView2()
                .and_then(|core| core.add_ProcessFailed(&handler, &mut token))
        };
        if let Err(error) = added {
            tracing::error!(%error, "cannot watch the web processes");
        }
    });
    if let Err(error) = hooked {
        tracing::error!(%error, "cannot watch the web process");
    }
}

#[cfg(not(any(target_os = "linux", windows)))]
pub fn watch_web_process(_window: &tauri::WebviewWindow, _supervision: Arc<Supervision>) {}

/// Reloads the page; a hung page's process is ended first (a reload alone would wait on
/// it). Runs on the main thread.
fn reload(app: &AppHandle, reason: ReloadReason) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    #[cfg(target_os = "linux")]
    let done = window.with_webview(move |webview| {
        use webkit2gtk::WebViewExt;
        let view = webview.inner();
        if reason == ReloadReason::Stale {
            view.terminate_web_process();
        }
        view.reload();
    });
    #[cfg(not(target_os = "linux"))]
    let done = {
        let _ = reason;
        window.reload()
    };
    if let Err(error) = done {
        tracing::error!(%error, "cannot reload the web view");
    }
}

/// What the supervisor needs to know at start.
pub struct Plan {
    pub data_dir: PathBuf,
    pub settings: SuperviseSettings,
    /// Kiosk: a stale page is reloaded and the nightly restart applies (a desktop window
    /// that is minimised draws nothing and is left alone).
    pub kiosk: bool,
}

/// Starts the supervisor thread and the task that reads the core's figures.
pub fn start(app: &AppHandle, supervision: Arc<Supervision>, plan: Plan) {
    let facts = supervision.clone();
    let handle = app.clone();
    let interval = plan.settings.heartbeat_interval;
    tauri::async_runtime::spawn(async move {
        let state = handle.state::<crate::AppState>();
        let Ok(api) = state.api().await else {
            return;
        };
        let showroom = api.showroom();
        loop {
            let backlog = showroom.outbox_backlog(OffsetDateTime::now_utc()).await;
            if let Err(error) = &backlog {
                tracing::warn!(%error, "heartbeat: outbox backlog unreadable");
            }
            let version = showroom.catalog_info().await.ok().map(|c| c.version);
            facts.set_core_facts(backlog.ok(), version);
            tokio::time::sleep(interval).await;
        }
    });
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("supervisor".into())
        .spawn(move || supervise(app, supervision, plan));
    if let Err(error) = spawned {
        tracing::error!(%error, "the supervisor cannot start");
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[cfg(unix)]
type Notifier = supervise::Notifier;

/// Where systemd's socket is absent (not `Type=notify`, or not Unix), nothing is sent.
#[cfg(not(unix))]
struct Notifier;
#[cfg(not(unix))]
impl Notifier {
    fn ready(&self, _: &str) -> std::io::Result<()> {
        Ok(())
    }
    fn watchdog(&self) -> std::io::Result<()> {
        Ok(())
    }
    fn status(&self, _: &str) -> std::io::Result<()> {
        Ok(())
    }
    fn stopping(&self, _: &str) -> std::io::Result<()> {
        Ok(())
    }
}

fn notifier() -> Option<Notifier> {
    #[cfg(unix)]
    match supervise::Notifier::from_env(&env) {
        Some(Ok(notifier)) => Some(notifier),
        Some(Err(error)) => {
            tracing::error!(%error, "NOTIFY_SOCKET unusable: systemd is not told anything");
            None
        }
        None => None,
    }
    #[cfg(not(unix))]
    None
}

const TICK: Duration = Duration::from_millis(250);

fn supervise(app: AppHandle, supervision: Arc<Supervision>, plan: Plan) {
    let Plan {
        data_dir,
        settings,
        kiosk,
    } = plan;
    let pid = std::process::id();
    let started = Instant::now();
    let started_at = OffsetDateTime::now_utc();
    let notifier = notifier();
    let watchdog_every = notifier
        .as_ref()
        .and_then(|_| supervise::watchdog_interval(&env, pid));
    let mut recovery = Recovery::new(&settings, started);
    let mut nightly = match settings.nightly_restart {
        Some(at) if kiosk => {
            match NightlyRestart::new(at, settings.nightly_idle, &jiff::ZonedDateTime::now()) {
                Ok(nightly) => Some(nightly),
                Err(error) => {
                    tracing::error!(%error, "no nightly restart");
                    None
                }
            }
        }
        _ => None,
    };
    if let Some(nightly) = &nightly {
        tracing::info!(at = %nightly.due(), "nightly restart planned");
    }
    let path = supervise::heartbeat_path(&data_dir);
    let mut ready = false;
    let mut last_feed: Option<Instant> = None;
    let mut last_write: Option<Instant> = None;
    let mut last_reason = None;
    let mut last_status = String::new();
    loop {
        let now = Instant::now();
        let (pulse, heartbeat) = {
            let shared = supervision.shared.lock().unwrap_or_else(|e| e.into_inner());
            let fresh = supervise::feed_watchdog(shared.pulse.as_ref(), now, settings.stale_after);
            let heartbeat = Heartbeat {
                app_version: env!("CARGO_PKG_VERSION").into(),
                pid,
                started_at,
                last_frame_at: shared.frame_at,
                last_input_at: shared.input_at,
                ui_fresh: fresh,
                outbox: shared.backlog.clone(),
                catalog_version: shared.catalog_version.clone(),
                webview_reloads: recovery.total(),
                last_reload_reason: last_reason,
                watchdog: watchdog_every.is_some(),
                next_nightly_restart: nightly.as_ref().and_then(|n| {
                    OffsetDateTime::from_unix_timestamp(n.due().timestamp().as_second()).ok()
                }),
                written_at: OffsetDateTime::now_utc(),
            };
            (shared.pulse, heartbeat)
        };
        let died = supervision.web_process_died.swap(false, Ordering::SeqCst);
        let mut write_now = last_write.is_none_or(|w| now - w >= settings.heartbeat_interval);
        let mut heartbeat = heartbeat;

        // Ready once the UI has drawn its first frame: that is when the screen is up.
        if !ready && heartbeat.ui_fresh {
            ready = true;
            write_now = true;
            tracing::info!(
                seconds = started.elapsed().as_secs_f64(),
                "the UI is drawing"
            );
            if let Some(n) = &notifier
                && let Err(error) = n.ready("UI drawing")
            {
                tracing::error!(%error, "systemd notification failed");
            }
        }

        match recovery.check(now, pulse.map(|p| p.answered), died, kiosk) {
            Verdict::Healthy => {}
            Verdict::Reload(reason) => {
                tracing::warn!(
                    ?reason,
                    reloads = recovery.total(),
                    "reloading the web view"
                );
                last_reason = Some(reason);
                heartbeat.webview_reloads = recovery.total();
                heartbeat.last_reload_reason = last_reason;
                write_now = true;
                reload(&app, reason);
            }
            Verdict::GiveUp(reason) => {
                tracing::error!(
                    ?reason,
                    cap = settings.reload_cap,
                    window_secs = settings.reload_window.as_secs(),
                    "the web view cannot be recovered: exiting for the supervisor to restart"
                );
                heartbeat.last_reload_reason = Some(reason);
                let _ = supervise::write_heartbeat(&path, &heartbeat);
                if let Some(n) = &notifier {
                    let _ = n.stopping("web view unrecoverable");
                }
                std::process::exit(EXIT_WEBVIEW_UNRECOVERABLE);
            }
        }

        if let (Some(every), Some(n)) = (watchdog_every, &notifier)
            && ready
            && heartbeat.ui_fresh
            && last_feed.is_none_or(|f| now - f >= every)
        {
            match n.watchdog() {
                Ok(()) => last_feed = Some(now),
                Err(error) => tracing::error!(%error, "watchdog notification failed"),
            }
        }

        if let Some(n) = &notifier {
            let status = format!(
                "UI {}; reloads {}; outbox {}",
                if heartbeat.ui_fresh {
                    "drawing"
                } else {
                    "stale"
                },
                heartbeat.webview_reloads,
                heartbeat.outbox.pending
            );
            if status != last_status {
                let _ = n.status(&status);
                last_status = status;
            }
        }

        if write_now {
            if let Err(error) = supervise::write_heartbeat(&path, &heartbeat) {
                tracing::warn!(%error, "heartbeat not written");
            }
            last_write = Some(now);
        }

        if let Some(n) = &mut nightly {
            let idle_from = heartbeat
                .last_input_at
                .unwrap_or(started_at)
                .max(started_at);
            let idle =
                Duration::try_from(OffsetDateTime::now_utc() - idle_from).unwrap_or_default();
            match n.check(&jiff::ZonedDateTime::now(), idle) {
                Ok(true) => {
                    tracing::info!("nightly restart");
                    if let Some(n) = &notifier {
                        let _ = n.stopping("nightly restart");
                    }
                    app.exit(EXIT_NIGHTLY_RESTART);
                    return;
                }
                Ok(false) => {}
                Err(error) => {
                    tracing::error!(%error, "nightly restart abandoned");
                    nightly = None;
                }
            }
        }
        std::thread::sleep(TICK);
    }
}
