// The online show's addresses in headless Chromium against the real `showroom serve` (run.mjs,
// or nginx.mjs in front of two replicas): every kind of page opens by its path in each language,
// with one <main> once the app has replaced the server's text, and no axe violation; links are
// path routes followed inside the app; the server page's search box works before the app and
// hands its text, focus and reply over; Back restores the list and the focus; the search's query
// lives in the address; old #/ links and a kiosk's own parameters; sharing and the QR codes;
// thumbnails in two sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { getJson, launch, openPage } from './browser.mjs';

const URL_ = process.env.SHOWROOM_URL;
const ROOT = process.env.SHOWROOM_ROOT;
const ORIGIN = URL_ ? new URL(URL_).origin : '';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LANGS = ['zh', 'ru', 'en'];
const LOCALE = { zh: 'zh-CN', ru: 'ru-RU', en: 'en-US' };

/** Message ids and their text per locale, from the ui.ftl files the UI bundles. */
function messages(locale) {
  const text = readFileSync(join(ROOT, 'locales', locale, 'ui.ftl'), 'utf8');
  const out = {};
  for (const m of text.matchAll(/^([a-z][a-z0-9-]*) = (.*)$/gm)) out[m[1]] = m[2];
  return out;
}
const MSG = Object.fromEntries(LANGS.map((l) => [l, messages(LOCALE[l])]));

let browser;
before(async () => {
  assert.ok(URL_, 'SHOWROOM_URL is set by run.mjs or nginx.mjs');
  browser = await launch();
});
after(async () => browser?.close());

function newPage(options = {}) {
  return openPage(browser, options);
}

function api(path) {
  return getJson(URL_, path);
}

/** An address of the show, from its path (`/ru/products/x`). */
const at = (path) => new URL(path, URL_).href;
/** The path, query and hash of the page's address. */
const here = (page) => {
  const u = new URL(page.url());
  return u.pathname + u.search + u.hash;
};

async function axe(page, screen) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  assert.deepEqual(result, [], `axe on ${screen}: ${JSON.stringify(result)}`);
}

/** The app has replaced the server's text: one <main>, no #prerender. */
async function assertOneMain(page, screen) {
  const found = await page.evaluate(() => ({
    mains: document.querySelectorAll('main').length,
    prerender: document.getElementById('prerender') !== null,
  }));
  assert.deepEqual(found, { mains: 1, prerender: false }, `${screen}: one <main>, the server's text gone`);
}

/** The ids of the result cards on screen, in order. */
const cardIds = (page) =>
  page.$$eval('[data-testid="results"] [data-testid="product-card"]', (cards) => cards.map((c) => c.getAttribute('data-product-id')));

/** What the pages below are about: a product with a photo and a price, its exhibitor and category. */
let sample;
async function pages() {
  if (sample) return sample;
  const found = await api('/api/search?query=&lang=en&limit=200');
  const hit = found.hits.find((h) => h.has_image && h.price && LANGS.every((l) => h.name[l]));
  assert.ok(hit, 'a product with a photo, a price and a name in every language');
  const product = await api(`/api/products/${encodeURIComponent(hit.id)}`);
  sample = { hit, product, exhibitor: product.exhibitor, category: product.category };
  return sample;
}

test('every kind of page opens by its path in each language, one <main>, accessible', async () => {
  const { hit, product, exhibitor, category } = await pages();
  // The server's page holds its own text in <main id="prerender"> (so the check below that the
  // app removed it is not vacuous).
  const served = await fetch(at(`/en/products/${encodeURIComponent(hit.id)}`)).then((r) => r.text());
  assert.match(served, /<main id="prerender"/);
  for (const lang of LANGS) {
    const { page, context, problems } = await newPage();
    const open = async (path, selector, screen) => {
      await page.goto(at(path));
      await page.waitForSelector(selector, { timeout: 15000 });
      assert.equal(await page.evaluate(() => document.documentElement.lang), LOCALE[lang], `${screen} ${lang}: html lang`);
      assert.equal(new URL(page.url()).pathname, path.split('?')[0], `${screen} ${lang}: the address stays`);
      await assertOneMain(page, `${screen} ${lang}`);
    };

    await open(`/${lang}/products/${encodeURIComponent(hit.id)}`, '[data-testid="product-title"]', 'product');
    assert.equal((await page.textContent('[data-testid="product-title"]')).trim(), hit.name[lang]);
    assert.ok((await page.title()).startsWith(hit.name[lang]), 'the window title names the product');
    // A product reached directly opens over the home screen.
    assert.equal(await page.locator('[data-testid="home"]').count(), 1);
    await axe(page, `product ${lang}`);

    await open(`/${lang}/exhibitors/${encodeURIComponent(exhibitor.id)}`, '[data-testid="exhibitor"] [data-testid="product-card"]', 'exhibitor');
    assert.equal((await page.textContent('[data-testid="exhibitor-title"]')).trim(), exhibitor.name[lang]);
    await axe(page, `exhibitor ${lang}`);

    const path = `/${lang}/categories/${category.id.split('/').map(encodeURIComponent).join('/')}`;
    await open(path, '[data-testid="results"][data-pending="false"] [data-testid="product-card"]', 'category');
    const inCategory = await api(`/api/search?query=&lang=${lang}&limit=48&category=${encodeURIComponent(category.id)}`);
    assert.deepEqual(await cardIds(page), inCategory.hits.map((h) => h.id), `category ${lang}: its products`);
    assert.equal(await page.getAttribute('[data-testid="nav-search"]', 'aria-current'), 'page');
    await axe(page, `category ${lang}`);

    await open(`/${lang}/search?q=${encodeURIComponent(hit.name[lang])}`, '[data-testid="results"][data-pending="false"]', 'search');
    assert.equal(await page.inputValue('[data-testid="search"]'), hit.name[lang]);
    assert.ok((await cardIds(page)).includes(hit.id), `search ${lang}: the product is found by its name`);

    await open(`/${lang}/hall`, '[data-testid="hall"]', 'hall');
    assert.equal(await page.getAttribute('[data-testid="nav-hall"]', 'aria-current'), 'page');
    await open(`/${lang}/shortlist`, '[data-testid="shortlist"]', 'shortlist');
    await open(`/${lang}/`, '[data-testid="home"]', 'home');
    assert.equal(await page.getAttribute('[data-testid="nav-home"]', 'aria-current'), 'page');
    assert.equal((await page.textContent('[data-testid="nav-home"]')).trim(), MSG[lang]['nav-home']);
    assert.deepEqual(problems, [], `${lang}: no errors in the page`);
    await context.close();
  }
  // An unknown page is the app's, with one <main> as well.
  const { page, context } = await newPage();
  const missing = await page.goto(at(`/ru/products/no-such-product-${product.id.length}`));
  assert.equal(missing.status(), 404);
  await page.waitForSelector('[data-testid="product-back"]');
  await assertOneMain(page, 'a missing product');
  await context.close();
});

test("the page's search box searches before the app has arrived, and the app takes over its text, focus and reply", async () => {
  const { hit } = await pages();
  const { page, context, problems } = await newPage();
  // The app's script is held back, as a slow link would.
  let release;
  const held = new Promise((r) => (release = r));
  await page.route('**/assets/*.js', async (route) => {
    await held;
    await route.continue();
  });
  const searched = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/search') searched.push(u.searchParams.get('query'));
  });
  await page.goto(at(`/en/products/${encodeURIComponent(hit.id)}`), { waitUntil: 'commit' });
  await page.waitForSelector('#prerender-q');
  assert.equal(await page.getAttribute('#prerender-q', 'data-testid'), 'search');
  await page.click('#prerender-q');
  await page.keyboard.type('tea');
  // Sent by boot.js while the app's script is still on its way.
  await page.waitForFunction(() => window.showroomEarlySearch?.url.includes('query=tea'));
  assert.equal(searched.at(-1), 'tea');
  assert.equal(await page.locator('[data-testid="results"]').count(), 0, 'the app has not started');
  release();
  await page.waitForSelector('[data-testid="results"][data-query="tea"][data-pending="false"] [data-testid="product-card"]');
  await assertOneMain(page, 'after the early search');
  assert.equal(await page.inputValue('[data-testid="search"]'), 'tea');
  assert.deepEqual(
    await page.evaluate(() => {
      const el = document.activeElement;
      return [el?.getAttribute('data-testid'), el?.selectionStart, el?.selectionEnd];
    }),
    ['search', 3, 3],
    'the focus and the caret carried over',
  );
  assert.equal(searched.filter((q) => q === 'tea').length, 1, 'the app took the early reply');
  const expected = await api('/api/search?query=tea&lang=en&limit=48');
  assert.deepEqual(await cardIds(page), expected.hits.map((h) => h.id));
  await page.waitForURL((u) => u.pathname === '/en/search' && u.search === '?q=tea');
  // As typing in the app's box over a product: Back is the screen under it.
  await page.goBack();
  await page.waitForSelector('[data-testid="home"]');
  assert.equal(here(page), '/en/');
  assert.deepEqual(problems, []);
  await context.close();
});

test('cards link to their path routes; a step back restores the list and the focus', async () => {
  const { page, context, problems } = await newPage();
  await page.goto(at('/en/search?q=honey'));
  await page.waitForSelector('[data-testid="results"][data-query="honey"][data-pending="false"] [data-testid="product-card"]');
  const ids = await cardIds(page);
  assert.ok(ids.length >= 3, 'a few honey products');
  const hrefs = await page.$$eval('[data-testid="results"] [data-testid="product-card"]', (cards) => cards.map((c) => c.getAttribute('href')));
  assert.deepEqual(hrefs, ids.map((id) => `/en/products/${encodeURIComponent(id)}`));
  // Followed inside the app: the page is not loaded again.
  await page.evaluate(() => (window.__samePage = true));
  const third = ids[2];
  await page.focus(`[data-testid="product-card"][data-product-id="${third}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="product-title"]');
  assert.equal(here(page), `/en/products/${encodeURIComponent(third)}`);
  assert.equal(await page.evaluate(() => window.__samePage), true, 'no page load');
  await page.goBack();
  await page.waitForSelector('[data-testid="product-back"]', { state: 'detached' });
  assert.equal(here(page), '/en/search?q=honey');
  assert.deepEqual(await cardIds(page), ids, 'the same list');
  await page.waitForFunction((id) => document.activeElement?.getAttribute('data-product-id') === id, third);
  // Forward opens it again, and the product's own Back button is the same history step.
  await page.goForward();
  await page.waitForSelector('[data-testid="product-title"]');
  await page.click('[data-testid="product-back"]');
  await page.waitForURL((u) => u.pathname === '/en/search' && u.search === '?q=honey');
  await page.waitForFunction((id) => document.activeElement?.getAttribute('data-product-id') === id, third);
  assert.equal(await page.evaluate(() => window.__samePage), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a product opened by its address: its Back shows the home screen, the browser Back the page before', async () => {
  const { hit } = await pages();
  const product = `/ru/products/${encodeURIComponent(hit.id)}`;
  const { page, context, problems } = await newPage();
  await page.goto(at(product));
  await page.waitForSelector('[data-testid="product-title"]');
  await page.click('[data-testid="product-back"]');
  await page.waitForSelector('[data-testid="product-back"]', { state: 'detached' });
  assert.equal(here(page), '/ru/');
  await page.waitForSelector('[data-testid="home"]');

  await page.goto(at('/ru/search?q=%D1%87%D0%B0%D0%B9'));
  await page.waitForSelector('[data-testid="results"][data-pending="false"]');
  await page.goto(at(product));
  await page.waitForSelector('[data-testid="product-title"]');
  await page.goBack();
  await page.waitForSelector('[data-testid="results"][data-query="чай"][data-pending="false"]');
  assert.equal(here(page), '/ru/search?q=%D1%87%D0%B0%D0%B9');
  assert.equal(await page.inputValue('[data-testid="search"]'), 'чай');
  assert.equal(await page.locator('[data-testid="product-title"]').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the search's query and filters are in the address, and a reload restores them", async () => {
  const { page, context } = await newPage();
  await page.goto(at('/en/search'));
  await page.waitForSelector('[data-testid="results"][data-pending="false"]');
  await page.fill('[data-testid="search"]', 'tea');
  await page.waitForURL((u) => u.pathname === '/en/search' && u.search === '?q=tea');
  await page.waitForSelector('[data-testid="results"][data-query="tea"][data-pending="false"]');
  const code = await page.getAttribute('[data-testid="facet-country"] button[data-value] >> nth=0', 'data-value');
  await page.click(`[data-testid="facet-country"] button[data-value="${code}"]`);
  await page.waitForURL((u) => u.pathname === '/en/search' && u.search === `?q=tea&country=${code}`);
  await page.waitForSelector('[data-testid="results"][data-pending="false"]');
  const shown = await cardIds(page);
  await page.reload();
  await page.waitForSelector('[data-testid="results"][data-query="tea"][data-pending="false"]');
  assert.equal(await page.inputValue('[data-testid="search"]'), 'tea');
  assert.deepEqual(await cardIds(page), shown);
  const expected = await api(`/api/search?query=tea&lang=en&limit=48&country=${code}`);
  assert.deepEqual(shown, expected.hits.map((h) => h.id), 'filtered by the country of the address');
  assert.equal(await page.getAttribute(`[data-testid="facet-country"] button[data-value="${code}"]`, 'aria-pressed'), 'true');
  // The language switch keeps the query and rewrites the address.
  await page.click('[data-testid="lang-ru"]');
  await page.waitForURL((u) => u.pathname === '/ru/search' && new URLSearchParams(u.search).get('q') === 'tea');
  await context.close();
});

test('an old #/ link is rewritten to its path route', async () => {
  const { hit, exhibitor } = await pages();
  const { page, context } = await newPage();
  await page.goto(at(`/en/#/product/${encodeURIComponent(hit.id)}`));
  await page.waitForSelector('[data-testid="product-title"]');
  await page.waitForURL((u) => u.pathname === `/en/products/${encodeURIComponent(hit.id)}` && u.hash === '');
  // The root with ?lang= (the form of the first QR codes) lands on the language's path.
  await page.goto(at(`/?lang=ru#/exhibitor/${encodeURIComponent(exhibitor.id)}`));
  await page.waitForSelector('[data-testid="exhibitor-title"]');
  await page.waitForURL((u) => u.pathname === `/ru/exhibitors/${encodeURIComponent(exhibitor.id)}` && u.hash === '' && u.search === '');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru-RU');
  await context.close();
});

test("a kiosk keeps its own parameters on every address", async () => {
  const { page, context } = await newPage({ width: 1080, height: 1920 });
  const kept = 'kiosk=1&idle=120&warn=10';
  await page.goto(at(`/ru/?${kept}`));
  await page.waitForSelector('[data-testid="attract"]');
  await page.waitForURL((u) => u.pathname === '/ru/attract' && u.search === `?${kept}`);
  await page.click('[data-testid="attract-en"]');
  await page.waitForSelector('[data-testid="home"] [data-testid="product-card"]');
  assert.equal(here(page), `/en/?${kept}`);
  const id = await page.getAttribute('[data-testid="home"] [data-testid="product-card"]', 'data-product-id');
  await page.click(`[data-testid="home"] [data-testid="product-card"][data-product-id="${id}"]`);
  await page.waitForSelector('[data-testid="product-title"]');
  assert.equal(here(page), `/en/products/${encodeURIComponent(id)}?${kept}`);
  await page.fill('[data-testid="search"]', 'honey');
  await page.waitForURL((u) => u.pathname === '/en/search' && u.search === `?q=honey&${kept}`);
  await context.close();
});

test('the share button copies the page address, or shows it to copy; a kiosk shows its QR code', async () => {
  const { hit, exhibitor } = await pages();
  const product = `/ru/products/${encodeURIComponent(hit.id)}`;
  // No share sheet here (a desktop browser): the clipboard.
  {
    const { page, context } = await newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ORIGIN });
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'share', { value: undefined, configurable: true }));
    await page.goto(at(product));
    await page.waitForSelector('[data-testid="product-qr"] path');
    assert.equal(await page.getAttribute('[data-testid="product-qr"]', 'data-url'), `${ORIGIN}${product}`);
    assert.equal((await page.textContent('[data-testid="share-status"]')).trim(), '');
    await page.click('[data-testid="share"]');
    await page.waitForFunction((text) => document.querySelector('[data-testid="share-status"]')?.textContent.trim() === text, MSG.ru['share-copied']);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${ORIGIN}${product}`);
    assert.equal(await page.getAttribute('[data-testid="share-status"]', 'role'), 'status');
    // In another language, the address of that language.
    await page.click('[data-testid="lang-zh"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="share-status"]')?.textContent.trim() === '');
    await page.click('[data-testid="share"]');
    await page.waitForFunction((text) => document.querySelector('[data-testid="share-status"]')?.textContent.trim() === text, MSG.zh['share-copied']);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${ORIGIN}/zh/products/${encodeURIComponent(hit.id)}`);
    await context.close();
  }
  // The clipboard refuses: the address is shown, selected, to copy by hand.
  {
    const { page, context } = await newPage();
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'share', { value: undefined, configurable: true });
      Object.defineProperty(Navigator.prototype, 'clipboard', {
        value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
        configurable: true,
      });
    });
    await page.goto(at(`/en/exhibitors/${encodeURIComponent(exhibitor.id)}`));
    await page.click('[data-testid="share"]');
    await page.waitForSelector('[data-testid="share-url"]');
    assert.equal(await page.inputValue('[data-testid="share-url"]'), `${ORIGIN}/en/exhibitors/${encodeURIComponent(exhibitor.id)}`);
    await axe(page, 'the address to copy by hand');
    await context.close();
  }
  // A kiosk cannot send anything: the button shows the page's QR code for a phone.
  {
    const { page, context } = await newPage({ width: 1080, height: 1920 });
    await page.goto(at('/ru/?kiosk=1&idle=120&warn=10'));
    await page.click('[data-testid="attract-ru"]');
    await page.waitForSelector('[data-testid="home"] [data-testid="product-card"]');
    await page.click('[data-testid="home"] [data-testid="product-card"]');
    await page.click('[data-testid="exhibitor-link"]');
    await page.waitForSelector('[data-testid="exhibitor-title"]');
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    assert.equal((await page.textContent('[data-testid="share"]')).trim(), MSG.ru['share-phone']);
    assert.equal(await page.getAttribute('[data-testid="share"]', 'aria-expanded'), 'false');
    await page.click('[data-testid="share"]');
    await page.waitForSelector('[data-testid="share-qr"] path');
    assert.equal(await page.getAttribute('[data-testid="share"]', 'aria-expanded'), 'true');
    assert.equal(await page.getAttribute('[data-testid="share-qr"]', 'data-url'), `${ORIGIN}/ru/exhibitors/${encodeURIComponent(id)}`);
    await page.click('[data-testid="share"]');
    await page.waitForSelector('[data-testid="share-qr"]', { state: 'detached' });
    await context.close();
  }
});

test("the receipt's QR code is the inquiry's path route, which opens it on another device", async () => {
  const { hit } = await pages();
  const { page, context, problems } = await newPage();
  await page.goto(at(`/en/products/${encodeURIComponent(hit.id)}`));
  await page.click('[data-testid="shortlist-toggle"]');
  await page.click('[data-testid="nav-shortlist"]');
  await page.waitForURL((u) => u.pathname === '/en/shortlist');
  assert.equal(await page.getAttribute('[data-testid="shortlist-item"] img', 'src'), `/media/${hit.image}/grid`);
  await page.click('[data-testid="send-inquiry"]');
  await page.waitForURL((u) => u.pathname === '/en/inquiry');
  await page.waitForSelector('[data-testid="inquiry-form"] [data-testid="inquiry-item"]');
  await page.fill('[data-testid="inquiry-quantity"] >> nth=0', '100');
  await page.fill('[data-testid="inquiry-name"]', 'Route Test');
  await page.fill('[data-testid="inquiry-email"]', 'route.test@example.kz');
  await page.check('[data-testid="inquiry-consent"]');
  await page.click('[data-testid="inquiry-submit"]');
  await page.waitForSelector('[data-testid="receipt-qr"] path');
  const ref = (await page.textContent('[data-testid="receipt-ref"]')).trim();
  assert.equal(await page.getAttribute('[data-testid="receipt-qr"]', 'data-url'), `${ORIGIN}/en/inquiries/${ref}`);
  assert.deepEqual(problems, []);
  await context.close();
  // The address the QR code holds, on a phone that never saw the inquiry.
  const phone = await newPage({ width: 390, height: 844 });
  await phone.page.goto(at(`/en/inquiries/${ref}`));
  await phone.page.waitForSelector(`[data-testid="history-entry"][data-ref="${ref}"]`);
  assert.equal(await phone.page.locator('[data-testid="history-entry"]').count(), 1);
  await assertOneMain(phone.page, 'inquiries');
  await phone.context.close();
});

test('thumbnails by digest offer the grid and the detail size, kept for good', async () => {
  const { hit, product } = await pages();
  const { page, context } = await newPage();
  await page.goto(at(`/en/search?q=${encodeURIComponent(hit.name.en)}`));
  const card = `[data-testid="results"] [data-testid="product-card"][data-product-id="${hit.id}"] img`;
  await page.waitForSelector(card);
  const img = await page.$eval(card, (i) => ({ src: i.getAttribute('src'), srcset: i.getAttribute('srcset'), sizes: i.getAttribute('sizes'), current: i.currentSrc }));
  const candidates = img.srcset.split(',').map((c) => c.trim().split(/\s+/));
  // By the photo's digest: addresses whose bytes never change, kept for good.
  assert.match(hit.image, /^[0-9a-f]{64}$/);
  assert.deepEqual(candidates, [
    [`/media/${hit.image}/grid`, '360w'],
    [`/media/${hit.image}/detail`, '1080w'],
  ]);
  assert.equal(img.src, candidates[0][0], 'src is the grid size');
  assert.ok(img.sizes, 'sizes tells the browser the width on screen');
  for (const [url] of candidates) {
    const r = await fetch(new URL(url, URL_));
    assert.equal(r.status, 200, url);
    assert.equal(r.headers.get('content-type'), 'image/jpeg');
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable', url);
  }
  const wrong = await fetch(new URL(`/media/${'0'.repeat(64)}/grid`, URL_));
  assert.equal(wrong.status, 404);
  assert.ok(!/immutable|max-age/.test(wrong.headers.get('cache-control') ?? ''), 'a wrong digest is never kept');
  const grid = Buffer.from(await (await fetch(new URL(candidates[0][0], URL_))).arrayBuffer());
  const detail = Buffer.from(await (await fetch(new URL(candidates[1][0], URL_))).arrayBuffer());
  assert.ok(grid.length < detail.length, 'the grid size is the smaller file');
  // The product page's photos too.
  await page.click(`[data-testid="product-card"][data-product-id="${hit.id}"]`);
  await page.waitForSelector('.gallery img');
  const gallery = await page.$$eval('.gallery img', (imgs) => imgs.map((i) => i.getAttribute('srcset')));
  assert.deepEqual(
    gallery,
    product.images.map((d) => `/media/${d}/grid 360w, /media/${d}/detail 1080w`),
    'every photo of the product by its digest',
  );
  await context.close();
});
