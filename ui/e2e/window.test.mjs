// The real app window, driven through tauri-driver and WebKitWebDriver over the W3C
// WebDriver protocol (plain HTTP). Started by `cargo xtask test`, which provides
// SHOWROOM_APP (the built binary), WEBDRIVER_URL and SHOWROOM_SCREENSHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { windowPng } from './shot.mjs';

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.SHOWROOM_APP;
const SHOTS = process.env.SHOWROOM_SCREENSHOTS;
const DATA = process.env.SHOWROOM_DATA_DIR;
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

// The catalog's title in each language, read from the bundle the app imports.
const manifest = readFileSync(new URL('../../catalog/catalog.toml', import.meta.url), 'utf8');
const titleLine = manifest.split('\n').find((l) => l.startsWith('title'));
const title = Object.fromEntries(
  [...titleLine.matchAll(/(zh|ru|en)\s*=\s*"([^"]*)"/g)].map((m) => [m[1], m[2]]),
);

let session;

async function wd(method, path, body) {
  const response = await fetch(`${DRIVER}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

const s = (path) => `/session/${session}${path}`;

async function findAll(css) {
  const found = await wd('POST', s('/elements'), { using: 'css selector', value: css });
  return found.map((e) => e[ELEMENT]);
}

/** Polls `probe` until it returns a truthy value, or fails after `ms`. */
async function eventually(what, probe, ms = 30000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

// Read through the DOM: WebKitWebDriver's "displayed" check fails for some visible
// elements (the ellipsised header title), and its element text is then empty.
async function textOf(testid) {
  return wd('POST', s('/execute/sync'), {
    script: 'const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : "";',
    args: [`[data-testid="${testid}"]`],
  });
}

async function screenshot(name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const png = await windowPng(wd, s(''));
  writeFileSync(join(SHOTS, `window-${name}.png`), Buffer.from(png, 'base64'));
}

before(async () => {
  assert.ok(APP, 'SHOWROOM_APP names the built app');
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: APP } } },
  });
  session = created.sessionId;
});

after(async () => {
  if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
});

test('opens on the bundled catalog with a grid of real products', async () => {
  // The first start imports the bundled catalog into an empty data directory.
  await eventually('the catalog title', async () => (await textOf('app-title')) !== '', 90000);
  const cards = await eventually('product cards', async () => {
    const found = await findAll('[data-testid="product-card"]');
    return found.length >= 12 ? found : null;
  });
  assert.ok(cards.length >= 12);
  await screenshot('home');
});

test('search answers as you type, in Russian, Chinese and English', async () => {
  const [box] = await findAll('[data-testid="search"]');
  for (const query of ['мёд', '蜂蜜', 'honey']) {
    await wd('POST', s(`/element/${box}/clear`), {});
    await wd('POST', s(`/element/${box}/value`), { text: query });
    await eventually(`honey first for ${query}`, async () => {
      const [first] = await findAll('[data-testid="product-card"]');
      if (!first) return false;
      const id = await wd('GET', s(`/element/${first}/attribute/data-product-id`));
      return id && id.includes('honey');
    });
  }
  await screenshot('search-honey');
});

test('a product page opens and goes back', async () => {
  const [first] = await findAll('[data-testid="product-card"]');
  await wd('POST', s(`/element/${first}/click`), {});
  const heading = await eventually('the product title', () => textOf('product-title'));
  assert.match(heading, /honey|мёд|蜜/i);
  await screenshot('product');
  const [back] = await findAll('[data-testid="product-back"]');
  await wd('POST', s(`/element/${back}/click`), {});
  await eventually('the grid again', async () => (await findAll('[data-testid="product-card"]')).length > 0);
});

test('the language switch turns the title', async () => {
  for (const lang of ['ru', 'zh', 'en']) {
    const [button] = await findAll(`[data-testid="lang-${lang}"]`);
    await wd('POST', s(`/element/${button}/click`), {});
    await eventually(`the ${lang} title`, async () => (await textOf('app-title')) === title[lang]);
    await screenshot(`lang-${lang}`);
  }
});

test('navigation away from the app is refused', async () => {
  const before = await wd('GET', s('/url'));
  await wd('POST', s('/execute/sync'), {
    script: `
      const a = document.createElement('a');
      a.href = 'https://example.com/'; a.textContent = 'out'; document.body.append(a); a.click();
      window.open('https://example.com/');
      setTimeout(() => { window.location.href = 'https://example.com/'; }, 0);
      return true;`,
    args: [],
  });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await wd('GET', s('/url')), before);
  const handles = await wd('GET', s('/window/handles'));
  assert.equal(handles.length, 1);
  assert.ok((await textOf('app-title')) !== '');
});

/** Runs `script` in the page with `args`; returns its value. */
function run(script, ...args) {
  return wd('POST', s('/execute/sync'), { script, args });
}

/** Sets a form field's value the way typing does (an input event for Svelte's bindings). */
const SET = `const e = document.querySelector(arguments[0]); e.value = arguments[1];
  e.dispatchEvent(new Event('input', { bubbles: true })); return true;`;
const CLICK = 'document.querySelector(arguments[0]).click(); return true;';

test('an inquiry through the app commands: field errors, a receipt, the history', async () => {
  const id = await run('return document.querySelector(\'[data-testid="product-card"]\').dataset.productId;');
  await run('window.location.hash = arguments[0]; return true;', `#/product/${encodeURIComponent(id)}`);
  await eventually('the shortlist button', async () => (await findAll('[data-testid="shortlist-toggle"]')).length > 0);
  await run(CLICK, '[data-testid="shortlist-toggle"]');
  await run('window.location.hash = "#/inquiry"; return true;');
  await eventually('the form', async () => (await findAll('[data-testid="inquiry-form"]')).length > 0);
  await run(CLICK, '[data-testid="inquiry-submit"]');
  const nameError = await eventually('the name error', () =>
    run('const e = document.querySelector(\'[data-testid="field-error"][data-field="buyer.name"]\'); return e ? e.textContent.trim() : "";'),
  );
  assert.ok(nameError.length > 0);
  await screenshot('inquiry-errors');
  await run(SET, '[data-testid="inquiry-name"]', 'Jane Doe');
  await run(SET, '[data-testid="inquiry-email"]', 'jane@example.com');
  await run(CLICK, '[data-testid="inquiry-consent"]');
  await run(CLICK, '[data-testid="inquiry-submit"]');
  const ref = await eventually('the receipt', () => textOf('receipt-ref'));
  assert.match(ref, /^[0-9a-f-]{36}$/);
  await screenshot('inquiry-receipt');
  // No platform is configured here: it stays queued, and the history says why.
  await run('window.location.hash = "#/inquiries"; return true;');
  const state = await eventually('the history entry', () =>
    run('const e = document.querySelector(`[data-testid="history-entry"][data-ref="${arguments[0]}"]`); return e ? e.dataset.state : "";', ref),
  );
  assert.equal(state, 'queued');
  assert.ok((await textOf('history-no-platform')).length > 0, 'the history says inquiries wait');
  await screenshot('inquiry-history');
  // The web view keeps the shortlist in the app's data directory, not in the user's home.
  if (DATA) assert.ok(existsSync(join(DATA, 'webview', 'localstorage')), 'the web view stores under the data directory');
});
