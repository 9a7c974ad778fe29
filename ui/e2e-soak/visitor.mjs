// The soak's scripted visitor: drives the REAL kiosk window (sco-showroom --kiosk, through
// tauri-driver and WebKitWebDriver, as ui/e2e does) in a loop until SOAK_UNTIL, one visitor
// after another: attract screen → touch in a language → language switch → a category from the
// home screen → (and back to all categories) → a search typed on the on-screen keyboard → a product page → shortlist → the
// inquiry form filled and sent → no touch until the idle reset brings the attract screen back.
// Every step is checked on screen (text, elements, counts); a missing result, a blank window or
// a lost session ends the run with exit status 1 and a screenshot.
//
// Started by `cargo xtask soak`, which provides WEBDRIVER_URL, SHOWROOM_APP (the built app),
// SOAK_OUT (the folder for progress.txt and screenshots), SOAK_UNTIL (Unix ms), SHOWROOM_BIN
// and SHOWROOM_DATA_DIR (to read the outbox through the CLI at the end), SOAK_DRAIN_SECS, and
// SHOWROOM_PLATFORM_URL/TOKEN (the platform's own count of what it stored).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.SHOWROOM_APP;
const OUT = process.env.SOAK_OUT;
const UNTIL = Number(process.env.SOAK_UNTIL);
const BIN = process.env.SHOWROOM_BIN;
const DATA = process.env.SHOWROOM_DATA_DIR;
const PLATFORM = process.env.SHOWROOM_PLATFORM_URL;
const TOKEN = process.env.SHOWROOM_PLATFORM_TOKEN;
const DRAIN_MS = Number(process.env.SOAK_DRAIN_SECS ?? '180') * 1000;
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
for (const [name, value] of Object.entries({ SHOWROOM_APP: APP, SOAK_OUT: OUT, SHOWROOM_BIN: BIN, SHOWROOM_DATA_DIR: DATA, SHOWROOM_PLATFORM_URL: PLATFORM })) {
  assert.ok(value, `${name} is set`);
}
assert.ok(UNTIL > 0, 'SOAK_UNTIL is a time');
mkdirSync(OUT, { recursive: true });

// The catalog's title in each language, read from the bundle the app imports.
const manifest = readFileSync(new URL('../../catalog/catalog.toml', import.meta.url), 'utf8');
const titleLine = manifest.split('\n').find((l) => l.startsWith('title'));
const TITLE = Object.fromEntries([...titleLine.matchAll(/(zh|ru|en)\s*=\s*"([^"]*)"/g)].map((m) => [m[1], m[2]]));
const LOCALE = { zh: 'zh-CN', ru: 'ru-RU', en: 'en-US' };
const LANGS = ['zh', 'ru', 'en'];
// Typed on the on-screen keyboard; each finds products in the sample catalog.
const QUERIES = [
  { text: 'honey', layout: 'latin' },
  { text: 'мёд', layout: 'cyrillic' },
  { text: 'tea', layout: 'latin' },
  { text: 'чай', layout: 'cyrillic' },
  { text: 'fengmi', layout: 'latin' },
];
const NAMES = { zh: '王芳', ru: 'Айгерим Садыкова', en: 'Jane Doe' };

let session;
const progress = { cycles: 0, submitted: [], step: 'start', error: null };

/** `progress.txt`: one `key=value` a line, read by xtask's sampler; `submitted.txt`: the references. */
function save() {
  const lines = {
    cycles: progress.cycles,
    step: progress.step,
    submitted: progress.submitted.length,
    ...Object.fromEntries(Object.entries(progress.outbox ?? {}).map(([k, v]) => [`outbox_${k}`, v])),
    ...(progress.missing ? { missing: progress.missing.length } : {}),
    ...(progress.platform ? { platform_stored: progress.platform.stored, platform_posts: progress.platform.posts } : {}),
    ...(progress.platform ? { platform_faults: Object.values(progress.platform.faults ?? {}).reduce((a, b) => a + b, 0) } : {}),
    error: (progress.error ?? '').split('\n')[0],
  };
  const file = join(OUT, 'progress.txt');
  writeFileSync(`${file}.tmp`, Object.entries(lines).map(([k, v]) => `${k}=${v}\n`).join(''));
  renameSync(`${file}.tmp`, file);
  writeFileSync(join(OUT, 'submitted.txt'), progress.submitted.map((r) => `${r}\n`).join(''));
}

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
const js = (script, ...args) => wd('POST', s('/execute/sync'), { script, args });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

/** Clicks the element `css` names (the first one), as a touch would. */
async function click(css) {
  const [found] = await wd('POST', s('/elements'), { using: 'css selector', value: css });
  assert.ok(found, `${css} is on screen`);
  await wd('POST', s(`/element/${found[ELEMENT]}/click`), {});
}
const tid = (id) => `[data-testid="${id}"]`;
const has = (css) => js('return !!document.querySelector(arguments[0])', css);
const text = (css) => js('const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : ""', css);

async function step(name, run) {
  progress.step = `${progress.cycles + 1}: ${name}`;
  await run();
  // Not a blank window: the app's root has visible text.
  const shown = await js('return (document.body?.innerText ?? "").trim().length');
  assert.ok(shown > 20, `the window shows text after "${name}" (${shown} characters)`);
}

async function type(query) {
  if (!(await has(tid('osk')))) await click(tid('osk-open'));
  await eventually('the on-screen keyboard', () => has(tid('osk')));
  const want = query.layout === 'cyrillic' ? 'ABC' : 'АБВ';
  if ((await text(tid('osk-layout'))) !== want) await click(tid('osk-layout'));
  await eventually(`the ${query.layout} layout`, async () => (await text(tid('osk-layout'))) === want);
  // Clear what is there, then one key per character.
  const clearKey = await js(
    'return [...document.querySelectorAll("[data-testid=osk] button")].find((b) => b.classList.contains("wide") && b === b.parentElement.children[3]) ?? null',
  );
  assert.ok(clearKey, 'the keyboard has a clear key');
  await wd('POST', s(`/element/${clearKey[ELEMENT]}/click`), {});
  for (const ch of query.text) {
    const key = await js('return [...document.querySelectorAll("[data-testid=osk] button")].find((b) => b.textContent === arguments[0]) ?? null', ch);
    assert.ok(key, `the key ${ch} is on the keyboard`);
    await wd('POST', s(`/element/${key[ELEMENT]}/click`), {});
  }
}

async function visitor(n) {
  const lang = LANGS[n % 3];
  const other = LANGS[(n + 1) % 3];
  const query = QUERIES[n % QUERIES.length];

  await step('attract screen', async () => {
    await eventually('the attract screen', () => has(tid(`attract-${lang}`)), 60000);
    await click(tid(`attract-${lang}`));
    await eventually(`the home screen in ${lang}`, () =>
      js('return document.documentElement.lang === arguments[0] && !!document.querySelector("[data-testid=home] [data-testid=product-card]")', LOCALE[lang]),
    );
    assert.equal(await text(`${tid('nav-shortlist')} .nav-count`), '0', 'the last visitor left an empty shortlist');
    assert.equal(await js('return document.querySelector("[data-testid=search]")?.value ?? ""'), '', 'and no search');
  });

  await step('language switch', async () => {
    await click(tid(`lang-${other}`));
    await eventually(`the ${other} title`, async () => (await text(tid('app-title'))) === TITLE[other]);
    assert.equal(await js('return document.documentElement.lang'), LOCALE[other]);
  });

  await step('a category from the home screen', async () => {
    // Tiles are links (a real address per category) or buttons.
    const tileCss = `${tid('home-categories')} a, ${tid('home-categories')} button`;
    const tiles = await js(`return document.querySelectorAll(${JSON.stringify(tileCss)}).length`);
    assert.ok(tiles > 0, 'category tiles on the home screen');
    const [tile] = (await wd('POST', s('/elements'), { using: 'css selector', value: tileCss })).slice(n % tiles);
    await wd('POST', s(`/element/${tile[ELEMENT]}/click`), {});
    await eventually('category results', () =>
      js('return document.querySelector("[data-testid=results][data-pending=false]") && document.querySelectorAll("[data-testid=results] [data-testid=product-card]").length > 0'),
    );
    // Back to all categories before searching.
    await click(`${tid('facet-category')} button:first-child`);
    await eventually('all categories', () =>
      has(`${tid('facet-category')} button:first-child[aria-pressed="true"]`),
    );
  });

  await step(`search "${query.text}" on the on-screen keyboard`, async () => {
    await type(query);
    await eventually(`results for ${query.text}`, () =>
      js(
        'return !!document.querySelector(`[data-testid=results][data-query="${arguments[0]}"][data-pending=false]`) && document.querySelectorAll("[data-testid=results] [data-testid=product-card]").length > 0',
        query.text,
      ),
    );
    const count = (await text(tid('result-count'))).replace(/[^0-9]/g, '');
    assert.ok(Number(count) > 0, `a result count for ${query.text}: ${count}`);
    await click(`${tid('osk')} .key.wide:last-child`);
    await eventually('the keyboard closed', async () => !(await has(tid('osk'))));
  });

  await step('a product page, on the shortlist', async () => {
    await click(`${tid('results')} ${tid('product-card')}`);
    await eventually('the product title', async () => (await text(tid('product-title'))) !== '');
    await click(tid('shortlist-toggle'));
    await eventually('one product on the shortlist', async () => (await text(`${tid('nav-shortlist')} .nav-count`)) === '1');
    await click(tid('product-back'));
    await eventually('the product page closed', async () => !(await has(tid('product-title'))));
  });

  await step('the inquiry form, sent', async () => {
    await click(tid('nav-shortlist'));
    await eventually('the shortlist', () => has(tid('shortlist-item')));
    await click(tid('send-inquiry'));
    await eventually('the inquiry form', () => has(`${tid('inquiry-form')} ${tid('inquiry-item')}`));
    const fill = async (id, value) => {
      const [field] = await wd('POST', s('/elements'), { using: 'css selector', value: tid(id) });
      assert.ok(field, `${id} is on the form`);
      await wd('POST', s(`/element/${field[ELEMENT]}/clear`), {});
      await wd('POST', s(`/element/${field[ELEMENT]}/value`), { text: value });
    };
    await fill('inquiry-quantity', String(100 + n));
    await fill('inquiry-name', NAMES[other]);
    await fill('inquiry-phone', `+7 701 ${String(1000000 + n).slice(-7)}`);
    await click(tid('inquiry-consent'));
    await click(tid('inquiry-submit'));
    const ref = await eventually('the receipt', async () => (await has(tid('inquiry-receipt'))) && (await text(tid('receipt-ref'))));
    assert.match(ref, /^[0-9a-f-]{36}$/, 'a reference on the receipt');
    progress.submitted.push(ref);
  });

  await step('idle reset', async () => {
    // No touch: the idle warning, then the attract screen in the default language.
    await eventually('the idle warning', () => has(tid('idle-warning')), 60000);
    await eventually('the attract screen after the reset', () => has(tid('attract')), 60000);
  });
}

function outbox() {
  const run = spawnSync(BIN, ['--data-dir', DATA, '--json', 'outbox', 'list'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`showroom outbox list: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

let code = 0;
try {
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: APP, args: ['--kiosk'] } } },
  });
  session = created.sessionId;
  progress.session = session;
  save();
  // No visitor is started who would still be there at the end (a cycle takes about as long
  // as the ones before it).
  const first = Date.now();
  while (Date.now() + (progress.cycles ? (Date.now() - first) / progress.cycles : 0) < UNTIL) {
    await visitor(progress.cycles);
    progress.cycles += 1;
    save();
  }
  // The outbox drains against the flaky platform while the app still runs.
  progress.step = 'outbox drain';
  save();
  const deadline = Date.now() + DRAIN_MS;
  let entries = outbox();
  while (Date.now() < deadline && entries.some((e) => e.state === 'queued' || e.state === 'sending')) {
    await sleep(2000);
    entries = outbox();
  }
  const states = {};
  for (const e of entries) states[e.state] = (states[e.state] ?? 0) + 1;
  const known = new Set(entries.map((e) => e.client_ref));
  progress.outbox = states;
  progress.missing = progress.submitted.filter((r) => !known.has(r));
  const stats = await fetch(new URL('admin/stats', PLATFORM), { headers: { authorization: `Bearer ${TOKEN}` } });
  if (stats.ok) progress.platform = await stats.json();
  progress.step = 'done';
} catch (error) {
  code = 1;
  progress.error = String(error?.stack ?? error);
  console.error(`visitor failed at ${progress.step}: ${error}`);
  try {
    const png = await wd('GET', s('/screenshot'));
    writeFileSync(join(OUT, 'failure.png'), Buffer.from(png, 'base64'));
  } catch {
    // The window may be gone; the error says so.
  }
} finally {
  save();
  if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
}
process.exit(code);
