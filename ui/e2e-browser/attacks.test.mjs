// What a hostile client on the internet tries against the online show, all of it through the
// shipped nginx (TLS, HTTP/2) in front of two replicas of `showroom serve` (nginx.mjs starts
// the stack). Every check expects 0 leaks: no outbox listed, no other visitor's inquiry, no
// file of the machine, no injected header, no metrics, nothing stored from a refused request.
//
// The floods spend budgets that nginx and the replicas keep per client address, so every test
// is its own client: 127.0.0.0/8 is all loopback on Linux, and a test connects from its own
// 127.0.N.M. The shipped nginx values are the ones under test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { OPERATOR, request, startStack, until } from './nginx.mjs';

let stack;
/** A real visitor's inquiry, stored before the attacks begin: what must never leak. */
const victim = { name: 'Victoria Secretova', phone: '+77017654321', ref: null };

/** A client address of its own for each purpose. */
let nextClient = 1;
const client = () => `127.0.${20 + Math.floor(nextClient / 250)}.${(nextClient++ % 250) + 1}`;

function draft(name, phone = '+77011234567') {
  return JSON.stringify({
    locale: 'en',
    items: [{ product_id: 'ru-altai-mountain-honey-1kg', quantity: 500, unit: 'kg', target_price: { amount: 60.0, currency: 'CNY' } }],
    incoterm: 'CIF',
    destination: { country: 'KZ', place: 'Almaty' },
    buyer: { name, phone },
    consent: { contact: true, text_version: '2026-11' },
  });
}

/** A request through nginx's https port. */
const via = (path, options = {}) => request(new URL(path, stack.url).href, { ca: stack.ca, ...options });

const post = (path, body, options = {}) =>
  via(path, { method: 'POST', body, ...options, headers: { 'Content-Type': 'application/json', ...(options.headers ?? {}) } });

/** Nothing of the victim, the machine or the operator in `text`. */
function assertNoLeak(text, what) {
  for (const secret of [victim.ref, victim.name, victim.phone, OPERATOR, 'root:x:0:0', 'SQLite format 3', 'PRIVATE KEY', 'showroom_http_requests_total']) {
    assert.ok(secret && !text.includes(secret), `${what} leaks ${JSON.stringify(secret?.slice(0, 12))}`);
  }
}

/**
 * One raw connection to nginx (TLS unless `plain`): writes `payload` (or nothing), reads until
 * nginx closes or `ms` pass. `trickle` is [text, every ms]: sent a piece at a time while open.
 */
function raw(payload, { port, plain = false, servername = 'localhost', alpn = ['http/1.1'], ms = 5000, trickle, from } = {}) {
  return new Promise((ok) => {
    const started = Date.now();
    const target = { host: '127.0.0.1', port: port ?? (plain ? stack.httpPort : stack.httpsPort), localAddress: from };
    const socket = plain
      ? net.connect(target)
      : tls.connect({ ...target, servername: servername || undefined, ALPNProtocols: alpn, rejectUnauthorized: false });
    const chunks = [];
    let ticker;
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearInterval(ticker);
      clearTimeout(timer);
      socket.destroy();
      ok({ text: Buffer.concat(chunks).toString('latin1'), closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), ms);
    socket.on(plain ? 'connect' : 'secureConnect', () => {
      if (payload) socket.write(payload);
      if (trickle) {
        let i = 0;
        ticker = setInterval(() => {
          if (!socket.destroyed && socket.writable) socket.write(`${trickle[0]}${i++}: y\r\n`);
        }, trickle[1]);
      }
    });
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}

const statusOf = (text) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);

/** The number of inquiries in both replicas' outboxes (the operator's view, on their own ports). */
async function stored() {
  const [a, b] = await Promise.all([stack.outbox(0), stack.outbox(1)]);
  return { a, b, all: [...a, ...b] };
}

before(async () => {
  stack = await startStack({ label: 'attacks' });
  const r = await post('/api/inquiries?lang=en', draft(victim.name, victim.phone), { from: client() });
  assert.equal(r.status, 201, r.text);
  victim.ref = r.json().entry.client_ref;
  await until(async () => (await stack.platformInquiries()).some((i) => i.client_ref === victim.ref), { what: 'the victim inquiry delivered' });
});

after(async () => stack?.stop());

test('TLS and HTTP/2 through nginx, plain HTTP redirected, security headers on', async () => {
  const r = await via('/api/catalog', { from: client() });
  assert.equal(r.status, 200);
  assert.match(r.headers['strict-transport-security'] ?? '', /max-age=\d+/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers.server, 'nginx', 'server_tokens off: no version');
  const session = http2.connect(stack.url, { ca: stack.ca });
  try {
    const status = await new Promise((ok, fail) => {
      const stream = session.request({ ':path': '/api/catalog' });
      stream.on('response', (h) => ok(h[':status']));
      stream.on('error', fail);
      stream.resume();
      stream.end();
    });
    assert.equal(status, 200, 'HTTP/2');
  } finally {
    session.close();
  }
  const plain = await request(`${stack.httpUrl}api/catalog?x=1`);
  assert.equal(plain.status, 301);
  assert.equal(plain.headers.location, 'https://localhost/api/catalog?x=1');
});

test('the outbox is never listed without the operator token', async () => {
  const from = client();
  for (const headers of [
    {},
    { Authorization: 'Bearer wrong-token-0123456789abcdef' },
    { Authorization: `Bearer ${OPERATOR.slice(0, -1)}` },
    { Authorization: `Basic ${Buffer.from(`operator:${OPERATOR.slice(0, 8)}`).toString('base64')}` },
    // The marker replicas put on their questions to each other grants nothing by itself.
    { 'X-Showroom-Peer': '1' },
    { 'X-Forwarded-For': '127.0.0.1' },
  ]) {
    for (const path of ['/api/inquiries', '/api/inquiries?lang=ru', '/api/inquiries?refs', '/api/inquiries/']) {
      const r = await via(path, { headers, from });
      assertNoLeak(r.text, `${path} ${JSON.stringify(headers)}`);
      // `?refs` with no value names nobody: an empty list.
      if (path.endsWith('?refs')) assert.deepEqual([r.status, r.json()], [200, []], path);
      else if (path !== '/api/inquiries/') assert.equal(r.status, 401, `${path} ${JSON.stringify(headers)}: ${r.status}`);
    }
  }
  // Empty or wildcard reference lists name nobody.
  for (const refs of ['', ',,,', '*', '%', '%25', "' OR '1'='1", victim.ref.slice(0, 8), `${victim.ref.slice(0, -1)}_`]) {
    const r = await via(`/api/inquiries?refs=${encodeURIComponent(refs)}`, { from });
    assert.equal(r.status, 200, refs);
    assert.deepEqual(r.json(), [], `refs=${refs}`);
  }
  // The outbox summary holds no references and no personal data.
  const summary = await via('/api/outbox', { from });
  assert.equal(summary.status, 200);
  assert.deepEqual(Object.keys(summary.json()).sort(), ['auth_failing', 'platform_configured', 'undelivered']);
  // Whether the platform refuses this replica's token is for its operator only.
  assert.equal(summary.json().auth_failing, false);
  assertNoLeak(summary.text, '/api/outbox');
  // The control: the visitor who holds the reference sees it, through either replica.
  const own = await via(`/api/inquiries/${victim.ref}`, { from });
  assert.equal(own.status, 200);
  assert.equal(own.json().client_ref, victim.ref);
});

test('references cannot be enumerated: random ones are 404, lists are capped', async () => {
  const from = client();
  const guesses = [
    ...Array.from({ length: 40 }, () => randomUUID()),
    victim.ref.toUpperCase(),
    victim.ref.slice(0, 8),
    victim.ref.slice(0, -1),
    // One hex digit off the end: never the reference itself (which may end in 0).
    `${victim.ref.slice(0, -1)}${victim.ref.endsWith('0') ? '1' : '0'}`,
    '00000000-0000-4000-8000-000000000000',
    '*',
    '%25',
    "'%20OR%201=1--",
    '..%2F..%2Fetc%2Fpasswd',
  ];
  let notFound = 0;
  for (const guess of guesses) {
    const r = await via(`/api/inquiries/${guess}`, { from });
    assertNoLeak(r.text, `/api/inquiries/${guess}`);
    assert.ok([400, 404].includes(r.status), `${guess}: ${r.status}`);
    if (r.status === 404) notFound++;
  }
  assert.ok(notFound >= 40, `random references are 404 (${notFound})`);
  const fifty = Array.from({ length: 50 }, () => randomUUID());
  const listed = await via(`/api/inquiries?refs=${fifty.join(',')}`, { from });
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.json(), []);
  const tooMany = await via(`/api/inquiries?refs=${[...fifty, randomUUID()].join(',')}`, { from });
  assert.equal(tooMany.status, 400, 'more than 50 references');
  assertNoLeak(tooMany.text, 'refs over the cap');
  // A withdrawal of a guessed reference touches nothing.
  const withdraw = await via(`/api/inquiries/${randomUUID()}`, { method: 'DELETE', from });
  assert.equal(withdraw.status, 404);
  assert.equal((await via(`/api/inquiries/${victim.ref}`, { from })).status, 200, 'the victim inquiry is still there');
});

test('oversize and malformed bodies are refused and nothing is stored', async () => {
  const before = await stored();
  const platformBefore = (await stack.platformStats()).stored;
  const mib = Buffer.alloc(1024 * 1024, 'a');
  const cases = [
    ['1 MiB with Content-Length', mib, {}, [413]],
    ['1 MiB chunked', mib, { 'Transfer-Encoding': 'chunked' }, [413]],
    ['65 KiB of JSON', Buffer.from(`{"message":"${'x'.repeat(65 * 1024)}"}`), {}, [413]],
    ['truncated JSON', '{"locale":"en","items":[', {}, [400]],
    ['not JSON', 'hello', {}, [400]],
    ['JSON of another shape', '[1,2,3]', {}, [400]],
    ['null', 'null', {}, [400]],
    ['an empty object', '{}', {}, [400, 200]],
    ['nested 5000 deep', `${'['.repeat(5000)}${']'.repeat(5000)}`, {}, [400]],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), {}, [400]],
    ['a valid draft as text/plain', draft('Plain Text'), { 'Content-Type': 'text/plain' }, [400]],
    ['a valid draft as a form', draft('Form Post'), { 'Content-Type': 'application/x-www-form-urlencoded' }, [400]],
  ];
  for (const [what, body, headers, expected] of cases) {
    for (const path of ['/api/inquiries?lang=en', '/api/inquiries/validate?lang=en']) {
      // Each its own client: nginx lets one address post only a handful of inquiries a minute.
      const r = await post(path, body, { headers, from: client() });
      assert.ok(expected.includes(r.status), `${what} to ${path}: ${r.status} ${r.text.slice(0, 200)}`);
      if (r.status === 200) assert.notEqual(r.json().status, 'queued', what);
      assertNoLeak(r.text, what);
    }
  }
  // Nothing stored, nothing sent; both replicas still ready.
  await new Promise((r) => setTimeout(r, 1500));
  const after = await stored();
  assert.equal(after.all.length, before.all.length, 'the outboxes are untouched');
  assert.equal((await stack.platformStats()).stored, platformBefore, 'the platform got nothing');
  for (const replica of stack.replicas) assert.equal((await request(`${replica.url}readyz`)).status, 200);
});

test('slowloris: a connection trickling its headers, or saying nothing, is closed by nginx', async () => {
  // client_header_timeout 10s: the whole header (and the TLS handshake) within 10 s.
  const [trickled, silent, silentTls] = await Promise.all([
    raw('GET /api/catalog HTTP/1.1\r\nHost: localhost\r\n', { trickle: ['X-Slow-', 1000], ms: 25000, from: client() }),
    raw('', { plain: true, port: stack.httpsPort, ms: 25000, from: client() }),
    raw('', { ms: 25000, from: client() }),
  ]);
  for (const [what, r] of [
    ['trickled headers', trickled],
    ['a silent TCP connection', silent],
    ['a silent TLS connection', silentTls],
  ]) {
    assert.ok(r.closed, `${what}: still open after ${r.ms} ms`);
    assert.ok(r.ms < 16000, `${what}: closed after ${r.ms} ms`);
    assert.ok(!/^HTTP\/1\.1 200/.test(r.text), `${what}: answered`);
  }
  assert.ok(trickled.ms >= 9000, `trickled headers were let go after ${trickled.ms} ms, not before the timeout`);
});

test('Host and DNS rebinding: unknown names get no answer', async () => {
  const from = client();
  const request1 = (host) => `GET /api/catalog HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
  const refused = async (what, r) => {
    const status = statusOf(r.text);
    assert.ok(r.closed, `${what}: closed`);
    assert.ok(status === 0 || status === 421 || status === 400, `${what}: ${status} ${r.text.slice(0, 80)}`);
    assert.ok(!r.text.includes('sco-specialty'), `${what}: the catalog answered`);
  };
  for (const host of ['attacker.example', 'localhost.attacker.example', `attacker.example:${stack.httpsPort}`, '127.0.0.1', 'show.example.cn', 'localhost@attacker.example']) {
    await refused(`https, SNI localhost, Host ${host}`, await raw(request1(host), { from }));
    const name = host.split(':')[0].replace(/^.*@/, '');
    await refused(`https, SNI and Host ${host}`, await raw(request1(host), { servername: net.isIP(name) ? '' : name, from }));
    await refused(`http, Host ${host}`, await raw(request1(host), { plain: true, from }));
  }
  await refused('https without SNI or Host', await raw('GET /api/catalog HTTP/1.0\r\n\r\n', { servername: '', from }));
  // HTTP/2: another :authority on a connection opened for localhost.
  const session = http2.connect(stack.url, { ca: stack.ca });
  try {
    const answer = await new Promise((ok) => {
      const stream = session.request({ ':path': '/api/catalog', ':authority': 'attacker.example' });
      let status = 0;
      let body = '';
      stream.on('response', (h) => (status = h[':status']));
      stream.on('data', (c) => (body += c));
      stream.on('close', () => ok({ status, body }));
      stream.on('error', () => ok({ status, body }));
      stream.end();
    });
    assert.ok(answer.status === 0 || answer.status === 421 || answer.status === 400, `HTTP/2 :authority attacker.example: ${answer.status}`);
    assert.ok(!answer.body.includes('sco-specialty'), 'HTTP/2: the catalog answered another name');
  } finally {
    session.destroy();
  }
  // The control: the right name is answered.
  assert.equal(statusOf((await raw(request1(`localhost:${stack.httpsPort}`), { from })).text), 200);
});

test('header injection: CR LF in a query or path never becomes a response header', async () => {
  const from = client();
  const injected = (r) =>
    Object.keys(r.headers).filter((h) => h === 'x-injected' || h === 'set-cookie' || h.startsWith('injected'));
  for (const path of [
    '/api/search?q=honey%0d%0aX-Injected:%20yes&lang=en%0d%0aSet-Cookie:%20a=b',
    '/api/search?query=%0d%0aX-Injected:%20yes',
    '/?lang=%0D%0AX-Injected:%201',
    '/api/catalog?lang=en%0d%0a%0d%0a<script>alert(1)</script>',
    '/api/products/%0d%0aX-Injected:%20yes',
    '/api/qr?url=%0d%0aX-Injected:%20yes',
    '/%0d%0aX-Injected:%20yes',
    '/media/product/x%0d%0aX-Injected:%20yes/0/small',
  ]) {
    const r = await via(path, { from });
    assert.deepEqual(injected(r), [], `${path}: ${r.status}`);
    assert.ok(r.status < 500, `${path}: ${r.status}`);
  }
  // The plain-HTTP redirect repeats the request's URI: encoded, never as raw bytes.
  const redirect = await request(`${stack.httpUrl}%0d%0aX-Injected:%20yes`, { from });
  assert.equal(redirect.status, 301);
  assert.deepEqual(injected(redirect), []);
  assert.match(redirect.headers.location, /%0d%0aX-Injected/i);
  // A raw CR LF inside the request line is a bad request, not two headers.
  for (const plain of [false, true]) {
    const r = await raw('GET /api/search?q=a\r\nX-Injected: yes HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', { plain, from });
    assert.ok(!/\r\nX-Injected:/i.test(r.text.split('\r\n\r\n')[0]), `raw CR LF (${plain ? 'http' : 'https'}): ${r.text.slice(0, 200)}`);
    assert.notEqual(statusOf(r.text), 200);
  }
});

test('path traversal never reaches a file of the machine or the data directory', async () => {
  const from = client();
  const paths = [
    '/../../etc/passwd',
    '/../../../../../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/%252e%252e/%252e%252e/etc/passwd',
    '/..%252f..%252fetc%252fpasswd',
    '/.%2e/.%2e/.%2e/etc/passwd',
    '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
    '/..\\..\\..\\etc\\passwd',
    '/..%5c..%5c..%5cetc%5cpasswd',
    '//etc/passwd',
    '/assets/../../../../etc/passwd',
    '/assets/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/media/product/..%2f..%2f..%2fetc%2fpasswd/0/small',
    '/media/product/x/0/..%2f..%2f..%2fshowroom.db',
    '/media/..%2f..%2fshowroom.db/grid',
    '/media/..%2fshowroom.db%00/detail',
    '/media/%2e%2e/%2e%2e/showroom.db',
    '/api/products/..%2f..%2f..%2fetc%2fpasswd',
    '/../showroom.toml',
    '/..%2fshowroom.toml',
    '/..%2fshowroom.db',
    '/%2e%2e/key.pem',
    '/%2e%2e/%2e%2e/key.pem',
    '/%00/etc/passwd',
    '/index.html%00.png',
  ];
  for (const path of paths) {
    const r = await raw(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`, { from, ms: 8000 });
    assertNoLeak(r.text, path);
    assert.ok(r.closed, `${path}: answered and closed`);
    assert.ok(statusOf(r.text) < 500, `${path}: ${statusOf(r.text)}`);
  }
});

test('/metrics is not reachable through nginx, token or not', async () => {
  const from = client();
  for (const headers of [{}, { Authorization: `Bearer ${OPERATOR}` }]) {
    for (const path of ['/metrics', '/metrics?format=text', '//metrics', '/%6detrics', '/./metrics', '/api/../metrics', '/metrics/', '/METRICS', '/metrics;x', '/metrics%3f']) {
      const r = await raw(
        `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${headers.Authorization ? `Authorization: ${headers.Authorization}\r\n` : ''}Connection: close\r\n\r\n`,
        { from },
      );
      assert.ok(!r.text.includes('# TYPE') && !r.text.includes('showroom_'), `${path} ${headers.Authorization ? 'with' : 'without'} the token: metrics`);
    }
  }
  // The operator reads them on a replica's own port.
  const direct = await request(`${stack.replicas[0].url}metrics`, { headers: { Authorization: `Bearer ${OPERATOR}` } });
  assert.equal(direct.status, 200);
  assert.match(direct.text, /showroom_http_requests_total/);
});

/** Sends `count` requests made by `make(i)` with `concurrency` at once; the replies. */
async function flood(count, concurrency, make) {
  const replies = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        replies[i] = await make(i).catch((e) => ({ status: -1, error: String(e), headers: {} }));
      }
    }),
  );
  return replies;
}

function tally(replies) {
  const by = {};
  for (const r of replies) by[r.status] = (by[r.status] ?? 0) + 1;
  return by;
}

test('a flood of requests from one client is refused with 429, others are still served', async () => {
  const from = client();
  const replies = await flood(1000, 24, () => via('/api/search?query=honey&lang=en&limit=4', { from }));
  const by = tally(replies);
  console.log(`flood: ${JSON.stringify(by)}`);
  assert.deepEqual(Object.keys(by).filter((s) => s !== '200' && s !== '429'), [], `only 200 and 429: ${JSON.stringify(by)}`);
  assert.ok(by[429] > 0, 'some were refused');
  assert.ok(by[200] >= 100, 'the burst was served');
  for (const r of replies.filter((r) => r.status === 429)) {
    assert.match(r.headers['content-type'] ?? '', /json/, 'a refusal the UI can read');
    assert.ok(Number(r.headers['retry-after']) >= 1, 'it says when to come back');
  }
  // Another client is not refused meanwhile.
  assert.equal((await via('/api/search?query=tea&lang=en&limit=4', { from: client() })).status, 200);
});

test('a forged X-Forwarded-For buys no fresh budget: nginx puts the real address there', async () => {
  const from = client();
  let n = 0;
  const forged = () => {
    n++;
    return {
      'X-Forwarded-For': `203.0.113.${n % 250}, 198.51.100.${n % 250}`,
      Forwarded: `for=192.0.2.${n % 250}`,
      'X-Real-IP': `192.0.2.${n % 250}`,
    };
  };
  const replies = await flood(1000, 24, () => via('/api/search?query=tea&lang=en&limit=4', { from, headers: forged() }));
  const by = tally(replies);
  console.log(`forged X-Forwarded-For flood: ${JSON.stringify(by)}`);
  assert.ok(by[429] > 0, `forged addresses were refused like the real one: ${JSON.stringify(by)}`);
  assert.ok((by[200] ?? 0) <= 700, `no fresh budget per forged address (${by[200]} served)`);
  // Inquiries: one address, a forged one per request; refused after a handful.
  const posts = [];
  const forgedFrom = client();
  for (let i = 0; i < 10; i++) {
    posts.push(await post('/api/inquiries?lang=en', draft(`Forged Sender ${i}`), { from: forgedFrom, headers: forged() }));
  }
  const statuses = posts.map((r) => r.status);
  assert.ok(statuses.filter((s) => s === 201).length <= 6, `inquiries with forged addresses: ${statuses}`);
  assert.ok(statuses.slice(6).every((s) => s === 429), `refused after a handful: ${statuses}`);
});

test('an inquiry flood from one client: 429 after a handful, refused ones stored nowhere, the rest delivered once', async () => {
  const from = client();
  const platformBefore = new Set((await stack.platformInquiries()).map((i) => i.client_ref));
  const replies = [];
  for (let i = 0; i < 15; i++) replies.push(await post('/api/inquiries?lang=en', draft(`Flood Visitor ${i}`), { from }));
  const statuses = replies.map((r) => r.status);
  console.log(`inquiry flood: ${statuses.join(' ')}`);
  const accepted = replies.flatMap((r, i) => (r.status === 201 ? [[i, r.json().entry.client_ref]] : []));
  const refused = statuses.flatMap((s, i) => (s === 429 ? [i] : []));
  assert.deepEqual(statuses.filter((s) => s !== 201 && s !== 429), [], 'only 201 and 429');
  assert.ok(accepted.length >= 1 && accepted.length <= 6, `a handful accepted (${accepted.length})`);
  assert.ok(refused.length >= 9, `the rest refused (${refused.length})`);
  assert.ok(Math.max(...accepted.map(([i]) => i)) < Math.min(...refused), 'refused after the accepted ones, never between');
  for (const r of replies.filter((r) => r.status === 429 && /json/.test(r.headers['content-type'] ?? ''))) {
    assert.ok(Number(r.headers['retry-after']) >= 1, 'a replica says when to come back');
  }
  // Every accepted one reaches the platform exactly once; no refused one anywhere.
  const refs = accepted.map(([, ref]) => ref);
  const platform = await until(
    async () => {
      const list = (await stack.platformInquiries()).filter((i) => !platformBefore.has(i.client_ref));
      return refs.every((ref) => list.some((i) => i.client_ref === ref)) && list;
    },
    { what: 'the accepted inquiries delivered' },
  );
  await new Promise((r) => setTimeout(r, 2000)); // a late second delivery would show now
  const fresh = (await stack.platformInquiries()).filter((i) => !platformBefore.has(i.client_ref));
  const names = (list) => list.map((i) => JSON.stringify(i.body ?? i));
  for (const ref of refs) assert.equal(fresh.filter((i) => i.client_ref === ref).length, 1, `${ref} once`);
  const outboxes = await stored();
  for (const i of refused) {
    const marker = `Flood Visitor ${i}"`;
    assert.ok(!names(fresh).some((b) => b.includes(marker)), `refused #${i} reached the platform`);
    assert.ok(!outboxes.all.some((e) => JSON.stringify(e).includes(marker)), `refused #${i} is in an outbox`);
  }
  assert.ok(platform.length >= refs.length);
  for (const ref of refs) {
    const entry = await via(`/api/inquiries/${ref}`, { from: client() });
    assert.equal(entry.status, 200);
    assert.equal(entry.json().state, 'received', `${ref} acknowledged by the platform`);
  }
});
