// Two replicas of `showroom serve` behind the shipped nginx (nginx.mjs starts the stack):
// - a rolling catalog update under load: while searches, catalog and product requests go
//   through nginx, each replica in turn is stopped with SIGTERM (it drains), gets a new catalog
//   version imported into its data directory and is started again on its port; not one request
//   may fail, and both replicas answer with the new version afterwards;
// - inquiries through nginx land on both replicas and reach the trade platform exactly once.
// Clients are distinct loopback addresses (127.0.0.0/8), each within the budgets nginx and the
// replicas keep per address, as many visitors are.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { CATALOG, importCatalog, request, startStack, until } from './nginx.mjs';

let stack;
before(async () => {
  stack = await startStack({ label: 'rolling' });
});
after(async () => stack?.stop());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A load loop through nginx: `workers` clients, each on its own address and keep-alive
 * connection, one request at a time with `pause` ms between; stops when told, after `maxMs`, or
 * after `maxRequests` in all. Every reply must be a 200 with a complete JSON body.
 */
function startLoad({ workers = 6, pause = 50, maxMs = 150000, maxRequests = 30000, products }) {
  const paths = [
    '/api/search?query=honey&lang=en&limit=12',
    '/api/search?query=%D0%BC%D1%91%D0%B4&lang=ru&limit=12',
    '/api/search?query=%E8%9C%82%E8%9C%9C&lang=zh&limit=12',
    '/api/search?query=fengmi&lang=zh&limit=12',
    '/api/search?query=&lang=en&limit=24&country=KZ',
    '/api/catalog?lang=en',
    '/api/showcase?lang=ru',
    ...products.map((id) => `/api/products/${id}?lang=en`),
  ];
  const started = Date.now();
  const stats = { total: 0, ok: 0, failures: [], versions: {} };
  let stop = false;
  const loops = Array.from({ length: workers }, async (_, w) => {
    const from = `127.0.50.${w + 1}`;
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: stack.ca });
    try {
      for (let i = w; !stop && Date.now() - started < maxMs && stats.total < maxRequests; i += workers) {
        const path = paths[i % paths.length];
        stats.total++;
        try {
          const r = await request(new URL(path, stack.url).href, { ca: stack.ca, agent, from, timeout: 10000 });
          const body = r.json();
          if (r.status !== 200) throw new Error(`${r.status} ${r.text.slice(0, 160)}`);
          if (path.startsWith('/api/catalog')) stats.versions[body.version] = (stats.versions[body.version] ?? 0) + 1;
          stats.ok++;
        } catch (e) {
          stats.failures.push(`${((Date.now() - started) / 1000).toFixed(1)} s ${path}: ${e.message ?? e}`);
        }
        await sleep(pause);
      }
    } finally {
      agent.destroy();
    }
  });
  return {
    stats,
    async stop() {
      stop = true;
      await Promise.all(loops);
      stats.seconds = (Date.now() - started) / 1000;
      return stats;
    },
  };
}

test('a rolling catalog update across both replicas under load: 0 failed requests, then the new version everywhere', async () => {
  const old = (await stack.get('/api/catalog')).version;
  // The next version of the bundle: the sample with its manifest's version bumped.
  const next = join(stack.dir, 'catalog-next');
  cpSync(CATALOG, next, { recursive: true });
  const manifest = join(next, 'catalog.toml');
  const version = `${old}-rolling`;
  const text = readFileSync(manifest, 'utf8');
  assert.match(text, /^version = ".*"$/m);
  writeFileSync(manifest, text.replace(/^version = ".*"$/m, `version = "${version}"`));

  const products = (await stack.get('/api/search?query=&lang=en&limit=8')).hits.map((h) => h.id);
  const load = startLoad({ products });
  const steps = [];
  try {
    await sleep(2000);
    for (const [i, replica] of stack.replicas.entries()) {
      const t0 = Date.now();
      await stack.stopReplica(i); // SIGTERM: no new connections, open requests answered
      const t1 = Date.now();
      await importCatalog(replica.dir, next);
      const t2 = Date.now();
      await stack.startReplica(i); // on the same port; returns once its /readyz says ready
      const t3 = Date.now();
      steps.push(`${replica.node}: drained and stopped in ${t1 - t0} ms, imported in ${t2 - t1} ms, ready in ${t3 - t2} ms`);
      const info = await request(`${replica.url}api/catalog`);
      assert.equal(info.json().version, version, `replica ${replica.node} has the new version`);
      // nginx sends it requests again (it was marked failed for fail_timeout=2s at most).
      await sleep(3000);
    }
    await sleep(2000);
  } finally {
    await load.stop();
  }
  const stats = load.stats;
  console.log(`rolling update: ${steps.join('; ')}`);
  console.log(
    `rolling update load: ${stats.total} requests in ${stats.seconds.toFixed(1)} s, ${stats.ok} ok, ${stats.failures.length} failed; /api/catalog versions seen ${JSON.stringify(stats.versions)}`,
  );
  assert.deepEqual(stats.failures, [], 'no request failed');
  assert.equal(stats.ok, stats.total);
  assert.ok(stats.total >= 300, `the load ran (${stats.total} requests)`);
  assert.ok(stats.versions[old] > 0 && stats.versions[version] > 0, 'the load saw both versions');

  // Both replicas report the new version, on their own ports and through nginx.
  for (const replica of stack.replicas) {
    assert.equal((await request(`${replica.url}api/catalog`)).json().version, version, replica.node);
  }
  for (let i = 0; i < 6; i++) assert.equal((await stack.get('/api/catalog', { from: '127.0.51.1' })).version, version);

  // What nginx saw: every request answered 200 to the client, both replicas answering after
  // their restart; failovers (a replica refusing while it was down) stayed inside nginx.
  const log = stack
    .log('access')
    .split('\n')
    .filter((l) => l.startsWith('127.0.50.'));
  assert.equal(log.filter((l) => !/" 200 upstream=/.test(l)).length, 0, 'nginx answered every load request 200');
  const retried = log.filter((l) => /upstream=\S+, /.test(l)).length;
  const ports = stack.replicas.map((r) => r.port);
  const last = log.slice(-60);
  for (const port of ports) assert.ok(last.some((l) => l.includes(`upstream=127.0.0.1:${port} `)), `replica on ${port} answers at the end`);
  console.log(`rolling update: ${log.length} load requests in nginx's log, ${retried} passed on to the other replica`);
});

function draft(i) {
  return JSON.stringify({
    locale: 'ru',
    items: [{ product_id: 'ru-altai-mountain-honey-1kg', quantity: 100 + i, unit: 'kg', target_price: { amount: 60.0, currency: 'CNY' } }],
    incoterm: 'CIF',
    destination: { country: 'KZ', place: 'Almaty' },
    buyer: { name: `Visitor ${i}`, phone: `+7701123${String(i).padStart(4, '0')}` },
    consent: { contact: true, text_version: '2026-11' },
  });
}

test('inquiries through nginx land on both replicas and reach the platform exactly once', async () => {
  const N = 20;
  const platformBefore = new Set((await stack.platformInquiries()).map((i) => i.client_ref));
  const createdBefore = (await stack.platformStats()).created;
  // Twenty visitors, four at a time, each from its own address.
  const refs = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < N) {
        const i = next++;
        const r = await request(new URL('/api/inquiries?lang=ru', stack.url).href, {
          method: 'POST',
          body: draft(i),
          headers: { 'Content-Type': 'application/json' },
          ca: stack.ca,
          from: `127.0.60.${i + 1}`,
        });
        assert.equal(r.status, 201, `inquiry ${i}: ${r.status} ${r.text.slice(0, 200)}`);
        refs[i] = r.json().entry.client_ref;
      }
    }),
  );
  assert.equal(new Set(refs).size, N, 'every inquiry has its own reference');

  // Each stored by exactly one replica, and both replicas took some.
  const [a, b] = await Promise.all([stack.outbox(0), stack.outbox(1)]);
  const onA = refs.filter((r) => a.some((e) => e.client_ref === r));
  const onB = refs.filter((r) => b.some((e) => e.client_ref === r));
  console.log(`inquiries: ${onA.length} stored by replica a, ${onB.length} by replica b`);
  assert.equal(onA.length + onB.length, N, 'each in one outbox');
  assert.ok(onA.every((r) => !onB.includes(r)), 'none in both');
  assert.ok(onA.length > 0 && onB.length > 0, 'nginx spread them over both replicas');

  // The platform has each exactly once, also a while after (no late second delivery).
  await until(
    async () => {
      const fresh = (await stack.platformInquiries()).filter((i) => !platformBefore.has(i.client_ref));
      return refs.every((r) => fresh.some((i) => i.client_ref === r));
    },
    { what: 'all inquiries delivered', ms: 60000 },
  );
  await sleep(3000);
  const fresh = (await stack.platformInquiries()).filter((i) => !platformBefore.has(i.client_ref));
  const stats = await stack.platformStats();
  console.log(`platform: ${fresh.length} new inquiries stored, created +${stats.created - createdBefore}, replays ${stats.replays}, conflicts ${stats.conflicts}`);
  assert.equal(fresh.length, N, 'the platform stored N');
  assert.equal(new Set(fresh.map((i) => i.client_ref)).size, N, 'no client_ref twice');
  assert.deepEqual(fresh.map((i) => i.client_ref).sort(), [...refs].sort());
  assert.equal(stats.created - createdBefore, N);
  assert.equal(stats.conflicts, 0);

  // A visitor's history finds them whichever replica nginx picks (the replicas ask each other).
  const listed = await request(new URL(`/api/inquiries?refs=${refs.join(',')}`, stack.url).href, { ca: stack.ca, from: '127.0.61.1' });
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.json().map((e) => e.client_ref).sort(), [...refs].sort());
  for (const [i, ref] of refs.entries()) {
    const entry = await request(new URL(`/api/inquiries/${ref}`, stack.url).href, { ca: stack.ca, from: `127.0.62.${i + 1}` });
    assert.equal(entry.status, 200, ref);
    assert.equal(entry.json().state, 'received', `${ref} acknowledged`);
  }
});
