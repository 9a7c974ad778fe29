// A screenshot of the app window through WebDriver, shared by the window tests.
//
// The app paints its web view in software (src-tauri/src/webview.rs). WebKitWebDriver takes a
// screenshot at the web view's next paint, and a page where nothing changes (no caret blinking,
// no animation: the inquiry receipt) is not painted again, so the request would wait for ever.
// While the screenshot is taken, a 1×1 pixel in the bottom-right corner changes between two
// nearly transparent shades, which gives WebKit a paint to take it at; it is gone afterwards.

const TICK_START = `
  const dot = document.createElement('div');
  dot.id = 'webdriver-paint-tick';
  dot.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647;background:rgba(0,0,0,0.01)';
  document.body.append(dot);
  let odd = false;
  window.__webdriverPaintTick = setInterval(() => {
    odd = !odd;
    dot.style.background = odd ? 'rgba(0,0,0,0.02)' : 'rgba(0,0,0,0.01)';
  }, 50);
  return true;`;

const TICK_STOP = `
  clearInterval(window.__webdriverPaintTick);
  document.getElementById('webdriver-paint-tick')?.remove();
  return true;`;

/** The window's PNG (base64), with `wd(method, path, body)` and the session's `prefix`. */
export async function windowPng(wd, prefix) {
  // Let the web view paint what the DOM already says.
  await wd('POST', `${prefix}/execute/async`, {
    script: 'const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
    args: [],
  });
  await wd('POST', `${prefix}/execute/sync`, { script: TICK_START, args: [] });
  try {
    return await wd('GET', `${prefix}/screenshot`);
  } finally {
    await wd('POST', `${prefix}/execute/sync`, { script: TICK_STOP, args: [] });
  }
}
