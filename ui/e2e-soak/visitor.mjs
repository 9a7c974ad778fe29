// The soak's scripted visitor: drives the REAL kiosk window (sco-showroom --kiosk, through
// tauri-driver and WebKitWebDriver, as ui/e2e does) in a loop until SOAK_UNTIL (or SOAK_CYCLES
// visitors), one visitor after another, each as quick as a hurried visitor: attract screen →
// touch in a language → language switch → a category from the home screen → (and back to all
// categories) → a search typed on the on-screen keyboard → a product page → shortlist → the
// inquiry form filled and sent → no touch until the idle reset brings the attract screen back.
// Every step is checked on screen (text, elements, counts); a missing result, a blank window or
// a lost session ends the run with exit status 1 and a screenshot. SIGINT or SIGTERM: the
// visitor at the screen finishes, the outbox drains, and the run ends (a second: at once).
//
// Started by `cargo xtask soak`, which provides WEBDRIVER_URL, SHOWROOM_APP (the built app),
// SOAK_OUT (the folder for progress.txt, cycles.csv and screenshots), SOAK_UNTIL (Unix ms),
// SOAK_CYCLES (0: no limit), SOAK_IDLE_SECS and SOAK_WARNING_SECS (the kiosk's idle timers as
// its showroom.toml sets them), SHOWROOM_BIN and SHOWROOM_DATA_DIR (to read the outbox
// through the CLI at the end), SOAK_DRAIN_SECS, and SHOWROOM_PLATFORM_URL/TOKEN (the
// platform's own count of what it stored).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
const CYCLES = Number(process.env.SOAK_CYCLES ?? '0');
const IDLE_MS = Number(process.env.SOAK_IDLE_SECS ?? '30') * 1000;
const WARNING_MS = Number(process.env.SOAK_WARNING_SECS ?? '5') * 1000;
// How often a wait looks again: a WebDriver round trip costs a few milliseconds, so this is
// about as soon as a visitor's eye would notice.
const POLL_MS = 25;
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
const progress = { cycles: 0, submitted: [], step: 'start', error: null, durations: [], idles: [], maxGap: 0, warnings: 0, steps: [] };

// A stop signal lets the visitor at the screen finish and the outbox drain; a second one ends
// the run at once.
let stopping = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) {
      progress.error = `stopped at once by a second ${signal}`;
      save();
      process.exit(1);
    }
    stopping = signal;
    progress.stopped = signal;
    console.error(`visitor: ${signal}: stopping after visitor ${progress.cycles + 1} and the outbox drain`);
  });
}

const seconds = (ms) => (ms / 1000).toFixed(1);
const middle = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** `progress.txt`: one `key=value` a line, read by xtask's sampler; `submitted.txt`: the references. */
function save() {
  const d = progress.durations;
  const lines = {
    cycles: progress.cycles,
    step: progress.step,
    submitted: progress.submitted.length,
    ...(d.length
      ? {
          cycle_s_mean: seconds(d.reduce((a, b) => a + b, 0) / d.length),
          cycle_s_median: seconds(middle(d)),
          cycle_s_max: seconds(Math.max(...d)),
          idle_s_median: seconds(middle(progress.idles)),
          gap_s_max: seconds(progress.maxGap),
          warnings_answered: progress.warnings,
        }
      : {}),
    ...(progress.stopped ? { stopped: progress.stopped } : {}),
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

async function eventually(what, probe, ms = 30000, poll = POLL_MS) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await keepAwake();
    await sleep(poll);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

// The visitor's touches (clicks and keys) and the longest time between two of them within a
// visitor: the kiosk's idle timer must be longer than that, or its warning covers the screen.
// A touch counts from when it is sent: the app's idle timer starts at the pointer or key
// event, and a busy app may take a while to let the WebDriver command return after it.
let lastTouch = 0;
let cycleGap = 0;
async function touch(element, action = 'click', body = {}) {
  await keepAwake(true);
  const sent = Date.now();
  if (lastTouch) cycleGap = Math.max(cycleGap, sent - lastTouch);
  try {
    await wd('POST', s(`/element/${element[ELEMENT]}/${action}`), body);
  } catch (error) {
    // The idle warning came up between the look and the touch (the app was slow to answer
    // the last one): the visitor touches the warning, as it asks, and then what they meant.
    if (!/intercepted/.test(error.message) || !(await answerWarning())) throw error;
    await wd('POST', s(`/element/${element[ELEMENT]}/${action}`), body);
  }
  lastTouch = sent;
}

// When the app was slow to answer and the visitor has not touched the screen for nearly the
// idle time, the idle warning may be up: a visitor touches it to go on, as it asks (else the
// next touch lands on it, or the reset takes the visit away). Counted: many mean the idle
// time is too short for this machine.
// While waiting it looks every 200 ms at most; before a touch, always.
let lookedAt = 0;
async function keepAwake(beforeTouch = false) {
  if (!lastTouch || Date.now() - lastTouch < IDLE_MS - 700) return;
  if (!beforeTouch && Date.now() - lookedAt < 200) return;
  lookedAt = Date.now();
  await answerWarning();
}

/** Touches the idle warning's button if the warning is up; whether it was. */
async function answerWarning() {
  const [button] = await wd('POST', s('/elements'), { using: 'css selector', value: `${tid('idle-warning')} button` });
  if (!button) return false;
  progress.warnings += 1;
  const sent = Date.now();
  cycleGap = Math.max(cycleGap, sent - lastTouch);
  await wd('POST', s(`/element/${button[ELEMENT]}/click`), {});
  lastTouch = sent;
  await eventually('the idle warning gone', async () => !(await has(tid('idle-warning'))), 5000);
  return true;
}

// Several taps in one WebDriver request (W3C actions: a pointer moved to each element's centre,
// pressed and released), as a visitor's fingers tap keys one after another without the
// round trip of a request per key. Each is still a real pointer event that the idle timer sees.
async function touchAll(elements) {
  await keepAwake(true);
  const sent = Date.now();
  if (lastTouch) cycleGap = Math.max(cycleGap, sent - lastTouch);
  const taps = elements.flatMap((element) => [
    { type: 'pointerMove', duration: 0, origin: element, x: 0, y: 0 },
    { type: 'pointerDown', button: 0 },
    { type: 'pointerUp', button: 0 },
  ]);
  // Every press is released in the same request: nothing is left held to release after.
  await wd('POST', s('/actions'), { actions: [{ type: 'pointer', id: 'finger', parameters: { pointerType: 'mouse' }, actions: taps }] });
  lastTouch = sent;
}

/** Clicks the element `css` names (the first one), as a touch would. */
async function click(css) {
  const [found] = await wd('POST', s('/elements'), { using: 'css selector', value: css });
  assert.ok(found, `${css} is on screen`);
  await touch(found);
}
const tid = (id) => `[data-testid="${id}"]`;
const has = (css) => js('return !!document.querySelector(arguments[0])', css);
const text = (css) => js('const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : ""', css);

async function step(name, run) {
  progress.step = `${progress.cycles + 1}: ${name}`;
  const started = Date.now();
  try {
    await run();
  } catch (error) {
    // The idle warning over the screen is the likeliest reason a touch missed: say so.
    const warned = await has(tid('idle-warning')).catch(() => false);
    if (warned && name !== 'idle reset') {
      const since = lastTouch ? Date.now() - lastTouch : 0;
      throw new Error(`${error.message} — the idle warning is on screen, ${seconds(since)} s after the last touch (idle ${seconds(IDLE_MS)} s)`, { cause: error });
    }
    throw error;
  }
  // Not a blank window: the app's root has visible text (asked again while a page is being
  // replaced: a script cannot run in a document that is unloading).
  const shown = await eventually(`text in the window after "${name}"`, async () => {
    const length = await js('return (document.body?.innerText ?? "").trim().length');
    return length > 20 ? length : false;
  }, 10000);
  assert.ok(shown > 20, `the window shows text after "${name}" (${shown} characters)`);
  progress.steps.push(Date.now() - started);
}

async function type(query) {
  // A touch that lands as the idle warning comes up only dismisses the warning (the
  // visitor touched the screen, as it asks): the visitor opens the keyboard again, as a
  // person would when it did not open; looking a second later, so a slow open is not
  // closed again.
  let opened = 0;
  await eventually(
    'the on-screen keyboard',
    async () => {
      if (await has(tid('osk'))) return true;
      if (Date.now() - opened > 1000) {
        await click(tid('osk-open'));
        opened = Date.now();
      }
      return has(tid('osk'));
    },
    30000,
  );
  const want = query.layout === 'cyrillic' ? 'ABC' : 'АБВ';
  if ((await text(tid('osk-layout'))) !== want) await click(tid('osk-layout'));
  await eventually(`the ${query.layout} layout`, async () => (await text(tid('osk-layout'))) === want);
  // Clear what is there, then one key per character.
  // The clear key and the keys of the query, looked up at once (a layout's keys stay while
  // it shows), then tapped in one go.
  const [clearKey, ...keys] = await js(
    'const keys = [...document.querySelectorAll("[data-testid=osk] button")]; return [keys.find((b) => b.classList.contains("wide") && b === b.parentElement.children[3]) ?? null, ...[...arguments[0]].map((ch) => keys.find((b) => b.textContent === ch) ?? null)]',
    query.text,
  );
  assert.ok(clearKey, 'the keyboard has a clear key');
  for (const [i, ch] of [...query.text].entries()) assert.ok(keys[i], `the key ${ch} is on the keyboard`);
  await touchAll([clearKey, ...keys]);
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
    await touch(tile);
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
    // The three fields looked up at once, then each cleared and typed into.
    const ids = ['inquiry-quantity', 'inquiry-name', 'inquiry-phone'];
    const fields = await js('return arguments[0].map((id) => document.querySelector(`[data-testid="${id}"]`))', ids);
    const values = [String(100 + n), NAMES[other], `+7 701 ${String(1000000 + n).slice(-7)}`];
    for (const [i, id] of ids.entries()) {
      assert.ok(fields[i], `${id} is on the form`);
      await wd('POST', s(`/element/${fields[i][ELEMENT]}/clear`), {});
      await touch(fields[i], 'value', { text: values[i] });
    }
    await click(tid('inquiry-consent'));
    await click(tid('inquiry-submit'));
    const ref = await eventually('the receipt', async () => (await has(tid('inquiry-receipt'))) && (await text(tid('receipt-ref'))));
    assert.match(ref, /^[0-9a-f-]{36}$/, 'a reference on the receipt');
    progress.submitted.push(ref);
  });

  await step('idle reset', async () => {
    // No touch: the idle warning, then the attract screen in the default language. Nothing
    // can show before the idle time is up, so the visitor looks again only shortly before.
    const idleFrom = lastTouch;
    lastTouch = 0;
    // The reset loads the page afresh in the app window: a mark on this document tells the
    // new one (where the next visitor starts) from the old one going away.
    await js('window.soakVisitor = true; return true');
    await sleep(Math.max(0, idleFrom + IDLE_MS - 300 - Date.now()));
    await eventually('the idle warning', () => has(tid('idle-warning')), IDLE_MS + 60000);
    await sleep(Math.max(0, WARNING_MS - 300));
    await eventually(
      'the attract screen of a new page after the reset',
      () => js('return !window.soakVisitor && !!document.querySelector(arguments[0])', tid('attract')),
      WARNING_MS + 60000,
    );
    progress.idles.push(Date.now() - idleFrom);
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
  // One line a visitor: its time, each step's (the last is the idle wait), the longest time
  // between two of its touches, and the idle warnings answered so far.
  writeFileSync(
    join(OUT, 'cycles.csv'),
    'cycle,started_unix_ms,seconds,attract_s,language_s,category_s,search_s,product_s,inquiry_s,idle_s,longest_gap_s,warnings_answered\n',
  );
  while (
    !stopping &&
    (!CYCLES || progress.cycles < CYCLES) &&
    Date.now() + (progress.cycles ? (Date.now() - first) / progress.cycles : 0) < UNTIL
  ) {
    const started = Date.now();
    lastTouch = 0;
    cycleGap = 0;
    progress.steps = [];
    await visitor(progress.cycles);
    const took = Date.now() - started;
    progress.cycles += 1;
    progress.durations.push(took);
    progress.maxGap = Math.max(progress.maxGap, cycleGap);
    appendFileSync(
      join(OUT, 'cycles.csv'),
      `${progress.cycles},${started},${seconds(took)},${progress.steps.map(seconds).join(',')},${seconds(cycleGap)},${progress.warnings}\n`,
    );
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
