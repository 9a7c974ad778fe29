// What the browser suites share: headless Debian Chromium, pages that collect their errors,
// and the show's JSON API.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

/** Debian's Chromium, headless; nginx.mjs's self-signed certificate accepted when it serves. */
export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      ...(process.env.SHOWROOM_INSECURE_TLS === '1' ? ['--ignore-certificate-errors'] : []),
    ],
  });
}

/** A page in a context of its own, `width` × `height`; `problems` collects its errors. */
export async function openPage(browser, { width = 1280, height = 800, ...options } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  return { page, context, problems };
}

/** `GET base + path` of the show's API, which must answer 200 with JSON. */
export async function getJson(base, path) {
  const r = await fetch(new URL(path, base));
  assert.equal(r.status, 200, path);
  return r.json();
}
