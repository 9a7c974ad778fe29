// The screens on a catalog of 100,000 products (large.mjs generates and serves it): every
// screen opens and shows what the API says; the figures a visitor feels are measured and
// reported beside a baseline from the same browser (never asserted as times):
// the home screen settling, keystroke to rendered results, scrolling the results (frames
// longer than 2 of 60 Hz counted as dropped), and the web page's memory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getJson, launch, openPage } from './browser.mjs';

const URL_ = process.env.SHOWROOM_URL;
const ROOT = process.env.SHOWROOM_ROOT;
const SHOTS = join(ROOT ?? '.', 'target/screenshots');
const report = {};

let browser;
before(async () => {
  assert.ok(URL_, 'SHOWROOM_URL is set by run.mjs');
  browser = await launch();
});
after(async () => {
  await browser?.close();
  mkdirSync(join(ROOT, 'target'), { recursive: true });
  writeFileSync(join(ROOT, 'target/e2e-large.json'), JSON.stringify(report, null, 2));
  console.log(`# LARGE ${JSON.stringify(report)}`);
});

function newPage(width = 1280, height = 800) {
  return openPage(browser, { width, height });
}

function api(path) {
  return getJson(URL_, path);
}

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  writeFileSync(join(SHOTS, `large-${name}.png`), await page.screenshot());
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (v) => Math.round(v * 10) / 10;

/** Frame intervals while `act` runs: requestAnimationFrame times in the page. */
async function frames(page, act) {
  await page.evaluate(() => {
    window.__frames = [];
    window.__framing = true;
    const tick = (t) => {
      window.__frames.push(t);
      if (window.__framing) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await act();
  const times = await page.evaluate(() => {
    window.__framing = false;
    return window.__frames;
  });
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  return {
    frames: gaps.length,
    dropped: gaps.filter((g) => g > 2 * (1000 / 60)).length,
    longest_ms: round(Math.max(0, ...gaps)),
  };
}

/** The proportional memory (PSS, MiB) of Chromium's renderer processes, from /proc: the
 *  web process of every open page of this test's browser (the only one running). */
function rendererPss() {
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const pss = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (pss) kib += Number(pss[1]);
    } catch {
      // A process that ended while it was read.
    }
  }
  return round(kib / 1024);
}

/** The page's JavaScript heap and DOM size, from the browser's own counters, and the web
 *  processes' memory. */
async function memory(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return { js_heap_mib: round(m.JSHeapUsedSize / 2 ** 20), dom_nodes: m.Nodes, renderer_pss_mib: rendererPss() };
}

test('the home screen on 100,000 products settles, its map bounded', async () => {
  const home = await api('/api/showcase');
  const total = home.countries.reduce((n, c) => n + c.products, 0);
  assert.ok(total >= 100000, `a large catalog is served (${total})`);
  const { page, context, problems } = await newPage(1080, 1920);
  // Baseline: an empty page's first paint, in the same browser.
  await page.goto('data:text/html,<meta charset=utf-8><p>baseline</p>');
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, null, { timeout: 5000 }).catch(() => {});
  const baseline = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);
  await page.goto(`${URL_}?lang=en#/`);
  await page.waitForSelector('[data-testid="home-featured"] [data-testid="product-card"]');
  await page.waitForSelector('[data-testid^="map-country-"]');
  const settled = await page.evaluate(() => performance.now());
  // However many products, every country with goods has a dot no larger than the largest
  // size, inside the map.
  const dots = await page.$$eval('[data-testid^="map-country-"] .dot', (d) =>
    d.map((c) => ({ r: Number(c.getAttribute('r')), x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')) })),
  );
  assert.ok(dots.length >= 10, `${dots.length} dots`);
  assert.ok(dots.length <= home.countries.length);
  for (const d of dots) {
    assert.ok(d.r <= 26, `dot of ${d.r}`);
    assert.ok(d.x - d.r >= 0 && d.x + d.r <= 1000 && d.y - d.r >= 0 && d.y + d.r <= 640, `dot at ${d.x},${d.y}`);
  }
  await shot(page, 'home');
  report.home_settled_ms = Math.round(settled);
  report.empty_page_first_paint_ms = Math.round(baseline);
  assert.deepEqual(problems, []);
  await context.close();
});

test('keystroke to rendered results on 100,000 products', async () => {
  const { page, context } = await newPage();
  await page.goto(`${URL_}?lang=en#/search`);
  await page.waitForSelector('[data-testid="results"][data-pending="false"]');
  await page.evaluate(() => {
    window.__keys = [];
    document.addEventListener('beforeinput', () => window.__keys.push(performance.now()), { capture: true });
  });
  const latencies = [];
  const sequences = ['honey', 'green tea', 'мёд', 'saffron', 'carpet', 'шафран', 'чай', '蜂蜜', '绿茶', 'fengmi', 'walnut', 'курага'];
  for (const query of sequences) {
    await page.fill('[data-testid="search"]', '');
    await page.waitForSelector('[data-testid="results"][data-query=""][data-pending="false"]');
    for (let i = 1; i <= query.length; i++) {
      await page.keyboard.type(query[i - 1]);
      const text = query.slice(0, i);
      latencies.push(
        await page.evaluate(async (text) => {
          const t0 = window.__keys[window.__keys.length - 1];
          const el = document.querySelector('[data-testid="results"]');
          while (!(el.dataset.query === text && el.dataset.pending === 'false')) {
            await new Promise((r) => requestAnimationFrame(r));
          }
          await new Promise((r) => requestAnimationFrame(r));
          return performance.now() - t0;
        }, text),
      );
    }
  }
  // The results of the last query are the API's.
  const api_total = (await api(`/api/search?query=${encodeURIComponent('курага')}&lang=en`)).total;
  const shown = Number((await page.textContent('[data-testid="result-count"]')).replace(/[^0-9]/g, ''));
  assert.equal(shown, api_total);
  latencies.sort((a, b) => a - b);
  report.keystrokes = latencies.length;
  report.keystroke_to_results_p50_ms = Math.round(pct(latencies, 50));
  report.keystroke_to_results_p99_ms = Math.round(pct(latencies, 99));
  await context.close();
});

test('all products, a country and an exhibitor on 100,000 products: shown, scrolled, measured', async () => {
  const home = await api('/api/showcase');
  const { page, context, problems } = await newPage();
  const open = async (where, ready) => {
    const t0 = Date.now();
    await page.goto(new URL(where, URL_).href);
    await page.waitForSelector(ready);
    return Date.now() - t0;
  };
  report.all_products_ms = await open('?lang=en#/search', '[data-testid="results"][data-pending="false"] [data-testid="product-card"]');
  const all = Number((await page.textContent('[data-testid="result-count"]')).replace(/[^0-9]/g, ''));
  assert.ok(all >= 100000, `all products counted (${all})`);
  // Three pages more, then the whole list scrolled through with the wheel.
  for (let i = 0; i < 3; i++) {
    const before = await page.locator('[data-testid="product-card"]').count();
    await page.click('[data-testid="results-more"]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="product-card"]').length > n, before);
  }
  report.cards_shown = await page.locator('[data-testid="product-card"]').count();
  await page.mouse.move(640, 500);
  report.scroll_results = await frames(page, async () => {
    for (let i = 0; i < 40; i++) {
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(16);
    }
  });
  // Baseline: the same wheel on a static page as long, in the same browser.
  const baselinePage = await context.newPage();
  await baselinePage.setContent(`<div style="height:40000px;background:linear-gradient(#fff,#ccc)"></div>`);
  await baselinePage.mouse.move(640, 500);
  report.scroll_baseline = await frames(baselinePage, async () => {
    for (let i = 0; i < 40; i++) {
      await baselinePage.mouse.wheel(0, 400);
      await baselinePage.waitForTimeout(16);
    }
  });
  await baselinePage.close();
  report.memory_all_products = await memory(page);

  // The country with the most products, with its facets.
  const top = [...home.countries].sort((a, b) => b.products - a.products)[0];
  report.country_ms = await open(`en/search?country=${top.country}`, '[data-testid="results"][data-pending="false"] [data-testid="facet-category"] .chip');
  const inCountry = Number((await page.textContent('[data-testid="result-count"]')).replace(/[^0-9]/g, ''));
  assert.equal(inCountry, top.products, 'the country filter counts as the showcase does');
  await shot(page, 'country');

  // An exhibitor with thousands of products: its page shows as many as its API page has.
  const hit = (await api('/api/search?lang=en&limit=1')).hits[0];
  const detail = await api(`/api/products/${hit.id}`);
  const exhibitor = await api(`/api/exhibitors/${encodeURIComponent(detail.exhibitor.id)}?lang=en`);
  report.exhibitor_ms = await open(`?lang=en#/exhibitor/${encodeURIComponent(detail.exhibitor.id)}`, '[data-testid="exhibitor"] [data-testid="product-card"]');
  const cards = () => page.locator('[data-testid="exhibitor"] [data-testid="product-card"]').count();
  assert.equal(await cards(), exhibitor.products.length);
  assert.ok(exhibitor.products_total > exhibitor.products.length, `${exhibitor.products_total} products, one page shown`);
  const heading = (await page.textContent('[data-testid="exhibitor"] h3')).replace(/[^0-9]/g, '');
  assert.equal(Number(heading), exhibitor.products_total);
  // "Show more" adds the next page.
  const t0 = Date.now();
  await page.click('[data-testid="exhibitor-more"]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="exhibitor"] [data-testid="product-card"]').length > n, exhibitor.products.length);
  report.exhibitor_more_ms = Date.now() - t0;
  assert.equal(await cards(), Math.min(exhibitor.products_total, 2 * exhibitor.products.length));
  report.exhibitor_products_total = exhibitor.products_total;
  await shot(page, 'exhibitor');
  report.memory_after_screens = await memory(page);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the hall map with hundreds of booths: drawn, a booth tapped, scrolled, measured', async () => {
  const hall = await api('/api/hall');
  assert.ok(hall.booths.length >= 300, `${hall.booths.length} booths`);
  const { page, context, problems } = await newPage(1080, 1920);
  const t0 = Date.now();
  await page.goto(`${URL_}?lang=en#/hall`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="booth-"]').length === n, hall.booths.length);
  report.hall_booths = hall.booths.length;
  report.hall_ms = Date.now() - t0;
  // A booth is big enough to touch; the one tapped names its exhibitor.
  const booth = hall.booths[hall.booths.length - 1];
  await page.locator(`[data-testid="booth-${booth.id}"]`).scrollIntoViewIfNeeded();
  const box = await page.locator(`[data-testid="booth-${booth.id}"] rect`).boundingBox();
  report.hall_booth_px = round(Math.min(box.width, box.height));
  assert.ok(report.hall_booth_px >= 44, `a booth is ${report.hall_booth_px} px`);
  await page.click(`[data-testid="booth-${booth.id}"]`);
  await page.waitForSelector('[data-testid="hall-selected"]');
  const named = await page.textContent('[data-testid="hall-selected"]');
  assert.ok(named.includes(booth.exhibitors[0].name.en ?? Object.values(booth.exhibitors[0].name)[0]), named);
  await page.mouse.move(540, 900);
  report.scroll_hall = await frames(page, async () => {
    for (let i = 0; i < 30; i++) {
      await page.mouse.wheel(0, 500);
      await page.waitForTimeout(16);
    }
  });
  report.memory_hall = await memory(page);
  await shot(page, 'hall');
  assert.deepEqual(problems, []);
  await context.close();
});
