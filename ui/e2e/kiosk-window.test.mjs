// The real app window in kiosk mode (`sco-showroom --kiosk`), through tauri-driver: it opens on
// the attract screen, a touch starts in the chosen language, the staff PIN pad is there,
// leaving the app by any link or script is refused, and the idle reset closes an unlocked
// staff panel. Started by `cargo xtask test` like window.test.mjs (same environment, plus
// SHOWROOM_DATA_DIR: the app's data directory, where the test puts an admin PIN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { windowPng } from './shot.mjs';

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.SHOWROOM_APP;
const SHOTS = process.env.SHOWROOM_SCREENSHOTS;
const DATA = process.env.SHOWROOM_DATA_DIR;
// The Argon2id hash of the PIN 2468, as `echo 2468 | showroom kiosk set-pin` writes it.
const PIN = '2468';
const PIN_HASH = '$argon2id$v=19$m=19456,t=2,p=1$Oa06z0b3r5EIQ48MweEfhQ$kj2N0orRYGz7iYfO0UVj61E7cWITSfF8jU7nr3Lqb3I';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
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
const js = (script, ...args) => wd('POST', s('/execute/sync'), { script, args });

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

async function click(testid) {
  const [found] = await wd('POST', s('/elements'), { using: 'css selector', value: `[data-testid="${testid}"]` });
  assert.ok(found, `${testid} is on screen`);
  await wd('POST', s(`/element/${found[ELEMENT]}/click`), {});
}

async function screenshot(name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, `window-kiosk-${name}.png`);
  // The kiosk's window fills the screen, and WebKitWebDriver's picture of a full-screen web
  // view comes back black: the screen itself is taken instead (what a visitor sees), after
  // the web view has painted what the page says.
  if (process.env.DISPLAY) {
    await wd('POST', s('/execute/async'), {
      script: 'const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
      args: [],
    });
    await new Promise((r) => setTimeout(r, 300));
    const taken = spawnSync('import', ['-window', 'root', file], { stdio: 'ignore' });
    if (taken.status === 0) return;
  }
  const png = await windowPng(wd, s(''));
  writeFileSync(file, Buffer.from(png, 'base64'));
}

before(async () => {
  assert.ok(APP, 'SHOWROOM_APP names the built app');
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: APP, args: ['--kiosk'] } } },
  });
  session = created.sessionId;
});

after(async () => {
  if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
});

test('kiosk: attract screen, start in Russian, staff PIN pad', async () => {
  await eventually('the attract screen', () => js('return !!document.querySelector("[data-testid=attract-ru]")'), 90000);
  assert.ok(await js('return document.documentElement.classList.contains("kiosk")'));
  await screenshot('attract');
  await click('attract-ru');
  await eventually('the home screen in Russian', () =>
    js('return document.documentElement.lang === "ru-RU" && !!document.querySelector("[data-testid=home] [data-testid=product-card]")'),
  );
  await click('admin-open');
  await eventually('the PIN pad', () => js('return !!document.querySelector("[data-testid=admin-dialog]")'));
  await screenshot('admin');
});

test('kiosk: links, window.open and location changes do not leave the app', async () => {
  const before = await wd('GET', s('/url'));
  await js(`
    const a = document.createElement('a');
    a.href = 'https://example.com/'; a.textContent = 'out'; document.body.append(a); a.click();
    window.open('https://example.com/');
    setTimeout(() => { window.location.href = 'https://example.com/'; }, 0);
    return true;`);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await wd('GET', s('/url')), before);
  assert.equal((await wd('GET', s('/window/handles'))).length, 1);
  assert.ok(await js('return !!document.querySelector("[data-testid=admin-dialog]")'));
});

test('kiosk: the idle reset closes the unlocked staff panel and forgets the PIN', async () => {
  assert.ok(DATA, 'SHOWROOM_DATA_DIR names the app data directory');
  const pinFile = join(DATA, 'kiosk-pin.toml');
  writeFileSync(pinFile, `hash = "${PIN_HASH}"\nfailures = 0\nlockouts = 0\nlocked_until = 0\n`);
  try {
    // The same page with a short idle time (4 s, then a 2 s warning): `idle=` and `warn=`
    // shorten a kiosk's timers in the app as in a browser.
    await js('window.location.replace(window.location.pathname + "?idle=4&warn=2#/attract"); return true;');
    await eventually('the attract screen with short timers', () =>
      js('return window.location.search === "?idle=4&warn=2" && !!document.querySelector("[data-testid=attract-ru]")'),
    );
    await click('attract-ru');
    await eventually('the home screen', () => js('return !!document.querySelector("[data-testid=home]")'));
    await click('admin-open');
    await eventually('the PIN pad', () => js('return !!document.querySelector("[data-testid=admin-key-2]")'));
    for (const digit of PIN) await click(`admin-key-${digit}`);
    await click('admin-unlock');
    await eventually('the unlocked staff panel', () => js('return !!document.querySelector("[data-testid=admin-exit]")'));
    // Staff see how many inquiries wait to leave (a number), and no token alert while the
    // platform takes this kiosk's token.
    await eventually('the outbox count', () => js('return /^\\d+$/.test(document.querySelector("[data-testid=admin-outbox]")?.textContent.trim() ?? "")'));
    assert.equal(await js('return document.querySelector("[data-testid=admin-auth-failing]") === null'), true, 'no token alert');
    await screenshot('admin-unlocked');
    // Nobody touches the screen: the warning, then the reset back to the attract screen with
    // the panel closed.
    await eventually('the idle warning', () => js('return !!document.querySelector("[data-testid=idle-warning]")'), 15000);
    await eventually(
      'the reset, with the staff panel closed',
      () => js('return !!document.querySelector("[data-testid=attract]") && !document.querySelector("[data-testid=admin-dialog]")'),
      15000,
    );
    // The next visitor who opens the corner finds a locked, empty PIN pad: no Exit button.
    // The reset may still be loading its page: the corner is tapped (again) until the pad
    // is open.
    await eventually('the PIN pad again', async () => {
      const open = () => js('return !!document.querySelector("[data-testid=admin-pin]")');
      if (!(await open())) await click('admin-open');
      return open();
    });
    assert.equal(await js('return document.querySelector("[data-testid=admin-exit]") === null'), true, 'no Exit for the next visitor');
    const shown = await js('return document.querySelector("[data-testid=admin-pin]").textContent');
    assert.ok(!shown.includes('•'), `no digits left on the pad: ${shown}`);
    await click('admin-close');
  } finally {
    rmSync(pinFile, { force: true });
  }
});

async function type(testid, text) {
  const [found] = await wd('POST', s('/elements'), { using: 'css selector', value: `[data-testid="${testid}"]` });
  assert.ok(found, `${testid} is on screen`);
  await wd('POST', s(`/element/${found[ELEMENT]}/value`), { text });
}

test('kiosk: a visitor searches for goods nobody has; the staff panel opens the demand report with the PIN', async () => {
  assert.ok(DATA, 'SHOWROOM_DATA_DIR names the app data directory');
  const pinFile = join(DATA, 'kiosk-pin.toml');
  writeFileSync(pinFile, `hash = "${PIN_HASH}"\nfailures = 0\nlockouts = 0\nlocked_until = 0\n`);
  try {
    await js('window.location.replace(window.location.pathname + "#/attract"); return true;');
    await eventually('the attract screen', () => js('return !!document.querySelector("[data-testid=attract-ru]")'));
    await click('attract-ru');
    await eventually('the home screen', () => js('return !!document.querySelector("[data-testid=home]")'));
    await click('search');
    await type('search', 'водка');
    await eventually('no results for водка', () => js('return !!document.querySelector("[data-testid=empty-results]")'));
    // The visitor stays with it: one settled search.
    await new Promise((r) => setTimeout(r, 2200));
    await click('admin-open');
    await eventually('the PIN pad', () => js('return !!document.querySelector("[data-testid=admin-key-2]")'));
    for (const digit of PIN) await click(`admin-key-${digit}`);
    await click('admin-unlock');
    await eventually('the unlocked staff panel', () => js('return !!document.querySelector("[data-testid=admin-insights]")'));
    await click('admin-insights');
    await eventually('the report', () => js('return !!document.querySelector("[data-testid=insights-funnel]")'));
    const missing = await js('return document.querySelector("[data-testid=insights-missing]").textContent');
    assert.ok(missing.includes('водка'), `the missing goods name водка: ${missing}`);
    const visits = await js('return Number(document.querySelector("[data-testid=insights-stage-sessions]").textContent.trim().split(" ")[0])');
    assert.ok(visits >= 1, `visits counted: ${visits}`);
    assert.equal(await js('return document.querySelector("[data-testid=admin-dialog]") === null'), true, 'the PIN pad is closed');
    await screenshot('insights');
  } finally {
    rmSync(pinFile, { force: true });
  }
});
