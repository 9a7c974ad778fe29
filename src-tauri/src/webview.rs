//! The web view's memory: WebKitGTK composites the page with OpenGL by default. Without a
//! GPU (most kiosk PCs run Mesa's software rasteriser, llvmpipe) that keeps the page's
//! layers as GL textures in the web process and loads LLVM: measured on the sample catalog,
//! the web process held 246 MiB PSS on the home screen with compositing and 124 MiB
//! without (docs/memory.md). The show's UI has no 3D, video or WebGL, so the page is
//! painted in software, the memory cache is the document viewer's (no back/forward page
//! cache, small resource cache) and WebGL is off. `SHOWROOM_WEBVIEW_GPU=1` keeps
//! WebKit's GPU compositing for a machine with a real GPU.

/// Applies the settings above to the window's web view.
#[cfg(target_os = "linux")]
pub fn lean(window: &tauri::WebviewWindow) {
    let gpu = std::env::var("SHOWROOM_WEBVIEW_GPU").is_ok_and(|v| v == "1");
    let done = window.with_webview(move |webview| {
        use webkit2gtk::{
            CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
        };
        let view = webview.inner();
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_page_cache(false);
            settings.set_enable_webgl(false);
            if !gpu {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        }
    });
    if let Err(error) = done {
        tracing::error!(%error, "cannot set the web view's memory settings");
    }
}

#[cfg(not(target_os = "linux"))]
pub fn lean(_window: &tauri::WebviewWindow) {}

/// A kiosk's web view on Windows: WebView2's browser keys off (print, find, save, the
/// downloads list: Ctrl+P opens a print dialog whose "save as PDF" browses the disk), no
/// default context menu, no developer tools. These hold while the page is hung or loading,
/// when the UI's own key filter does not run. (WebKitGTK has no such browser keys.)
#[cfg(windows)]
pub fn lock_down(window: &tauri::WebviewWindow) {
    let done = window.with_webview(|webview| {
        use webview2_com::Microsoft::Web::WebView2::Win32::ICoreWebView2Settings3;
        use windows_core::Interface;
        // SAFETY: COM calls on the web view's own settings, on the thread that owns it.
        let set = unsafe {
            (|| -> windows_core::Result<()> {
                let settings = webview.controller().CoreWebView2()?.Settings()?;
                settings.SetAreDefaultContextMenusEnabled(false)?;
                settings.SetAreDevToolsEnabled(false)?;
                settings
                    .cast::<ICoreWebView2Settings3>()?
                    .SetAreBrowserAcceleratorKeysEnabled(false)?;
                Ok(())
            })()
        };
        if let Err(error) = set {
            tracing::error!(%error, "cannot lock the kiosk's web view down");
        }
    });
    if let Err(error) = done {
        tracing::error!(%error, "cannot lock the kiosk's web view down");
    }
}

#[cfg(not(windows))]
pub fn lock_down(_window: &tauri::WebviewWindow) {}
