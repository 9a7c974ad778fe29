// The real app window in kiosk mode (`sco-showroom --kiosk`), through tauri-driver: it opens on
// the attract screen, a touch starts in the chosen language, the staff PIN pad is there, and
// leaving the app by any link or script is refused. Started by `cargo xtask test` like
// window.test.mjs (same environment).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.SHOWROOM_APP;
const SHOTS = process.env.SHOWROOM_SCREENSHOTS;
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
  const png = await wd('GET', s('/screenshot'));
  writeFileSync(join(SHOTS, `window-kiosk-${name}.png`), Buffer.from(png, 'base64'));
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
