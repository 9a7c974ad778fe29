// The online show as it is published: REAL nginx (the shipped packaging/nginx/sco-showroom.conf
// and its proxy snippet, only names, ports and paths substituted) with a self-signed TLS
// certificate in front of TWO replicas of `showroom serve`, each with its own data directory,
// peers of each other, and the reference trade platform behind them. Everything listens on
// loopback only.
//
// Run as a program (`npm run e2e:nginx [browser] [attacks] [rolling]`, all three by default):
//   browser  the browser checks (showroom.test.mjs, routes.test.mjs, slowlink.test.mjs, unchanged)
//            against the https URL of nginx
//   attacks  attacks.test.mjs: what a hostile client tries through nginx, 0 leaks expected
//   rolling  rolling.test.mjs: a catalog update across the replicas under load, 0 failed
//            requests; inquiries through nginx reach the platform exactly once
// Each suite runs on a stack of its own, so one suite's spent budgets do not touch another's.
// Imported (by the test files), `startStack()` starts one stack and `request()` talks to it.
//
// Needs `cargo build -p showroom-cli -p showroom-platform`, `npm run build`, nginx and openssl.
// Every process started here is stopped at the end, also on failure, and the temporary
// folders (nginx's included) are removed.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = process.env.SHOWROOM_BIN ?? join(ROOT, 'target/debug/showroom');
const PLATFORM_BIN = process.env.SHOWROOM_PLATFORM_BIN ?? join(ROOT, 'target/debug/showroom-platform');
const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const UI = join(ROOT, 'ui/dist');
export const CATALOG = join(ROOT, 'catalog');
/** The operator token of every replica (the same on all, so that they can ask each other). */
export const OPERATOR = 'nginx-e2e-operator-0123456789abcdef';
export const PLATFORM_TOKEN = 'e2e-token';

// ---------------------------------------------------------------------------------------------
// Children and folders, cleaned up whatever happens.

const children = new Set();
const folders = new Set();

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** The last resort on exit: nginx's master is asked to stop its workers, the rest is killed. */
function cleanupNow() {
  for (const child of children) {
    try {
      child.kill(child.isNginx ? 'SIGTERM' : 'SIGKILL');
    } catch {
      // gone already
    }
  }
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
}
process.once('exit', cleanupNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    cleanupNow();
    process.exit(128 + 2);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits for `child` to exit, at most `ms`; then kills it and says so. */
async function exited(child, ms, what) {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${what} did not exit within ${ms} ms`));
    }, ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      ok({ code, signal });
    });
  });
}

/** The first http:// address a child prints on stdout. */
function addressOf(child, what, ms = 30000) {
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => fail(new Error(`${what} did not start in ${ms / 1000} s`)), ms);
    lines.on('line', (line) => {
      const found = /https?:\/\/\S+/.exec(line);
      if (found) {
        clearTimeout(timer);
        ok(found[0].replace(/\/?$/, '/'));
      }
    });
    child.once('exit', (c) => {
      clearTimeout(timer);
      fail(new Error(`${what} exited with ${c}`));
    });
  });
}

/** `n` distinct TCP ports free on 127.0.0.1 and ::1 right now. */
export async function freePorts(n) {
  const open = async (port, host) =>
    new Promise((ok) => {
      const server = createServer();
      server.once('error', () => ok(null));
      server.listen(port, host, () => ok(server));
    });
  const ports = [];
  const held = [];
  for (let tries = 0; ports.length < n && tries < 50; tries++) {
    const v4 = await open(0, '127.0.0.1');
    if (!v4) continue;
    const port = v4.address().port;
    const v6 = await open(port, '::1');
    held.push(v4);
    if (v6) held.push(v6);
    if (v6 && !ports.includes(port)) ports.push(port);
  }
  await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  if (ports.length < n) throw new Error('no free ports on loopback');
  return ports;
}

/** The environment of a child: ours without any SHOWROOM_* setting, plus `extra`. */
function childEnv(extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SHOWROOM_')));
  return { ...env, ...extra };
}

// ---------------------------------------------------------------------------------------------
// Talking to the stack.

/**
 * One HTTP(S) request, on a fresh connection unless `agent` is given; never follows redirects.
 * `from` is the client's loopback address (127.0.0.0/8 is all loopback on Linux), so that tests
 * can be several clients, each with the budgets nginx and the replicas keep per address.
 * Resolves `{status, headers, body, text, json()}`; rejects on a connection error or timeout.
 */
export function request(url, { method = 'GET', headers = {}, body, from, ca, agent, timeout = 15000, servername } = {}) {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const host = u.hostname === 'localhost' ? '127.0.0.1' : u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((ok, fail) => {
    const req = (secure ? https : http).request(
      {
        host,
        port: u.port || (secure ? 443 : 80),
        path: `${u.pathname}${u.search}`,
        method,
        headers: { Host: u.host, ...headers },
        localAddress: from,
        agent: agent ?? false,
        ...(secure ? { ca, servername: servername ?? u.hostname } : {}),
        timeout,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          const data = Buffer.concat(chunks);
          const text = data.toString('utf8');
          ok({
            status: res.statusCode,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: data,
            text,
            json: () => JSON.parse(text),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in ${timeout} ms`)));
    req.on('error', fail);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Polls `check` (an async predicate) every `every` ms until it holds, at most `ms`. */
export async function until(check, { ms = 30000, every = 250, what = 'a condition' } = {}) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(every);
  }
  throw new Error(`${what} did not hold within ${ms} ms (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

// ---------------------------------------------------------------------------------------------
// The nginx configuration: the shipped files with names, ports and paths substituted.

/** `text` with each `[from, to, count]` replaced; a pattern found another number of times is an error. */
function substitute(text, file, rules) {
  let out = text;
  for (const [from, to, count] of rules) {
    const re = from instanceof RegExp ? from : new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g');
    const found = out.match(re)?.length ?? 0;
    if (found !== count) throw new Error(`${file}: expected ${count} × ${re} to substitute, found ${found} (was the shipped file changed?)`);
    out = out.replace(re, to);
  }
  return out;
}

/** Writes nginx.conf, the site and the snippet into `dir`; returns the nginx.conf path. */
export function nginxConfig(dir, { httpPort, httpsPort, upstreams, cert, key, unlimited = false }) {
  const shipped = join(ROOT, 'packaging/nginx');
  const snippet = join(dir, 'sco-showroom-proxy.conf');
  writeFileSync(snippet, readFileSync(join(shipped, 'sco-showroom-proxy.conf'), 'utf8'));
  const site = substitute(readFileSync(join(shipped, 'sco-showroom.conf'), 'utf8'), 'sco-showroom.conf', [
    [/\bshow\.example\.cn\b/g, 'localhost', 3],
    // Twice each: the replicas, and the same replicas for the demand counts.
    ['server 127.0.0.1:8081 ', `server 127.0.0.1:${upstreams[0]} `, 2],
    ['server 127.0.0.1:8082 ', `server 127.0.0.1:${upstreams[1]} `, 2],
    // The ports, on loopback only: a test does not publish anything on the machine's network.
    [/listen 80\b/g, `listen 127.0.0.1:${httpPort}`, 2],
    [/listen \[::\]:80\b/g, `listen [::1]:${httpPort}`, 2],
    [/listen 443\b/g, `listen 127.0.0.1:${httpsPort}`, 2],
    [/listen \[::\]:443\b/g, `listen [::1]:${httpsPort}`, 2],
    ['/etc/ssl/certs/sco-showroom.pem', cert, 2],
    ['/etc/ssl/private/sco-showroom.key', key, 2],
    ['/etc/nginx/snippets/sco-showroom-proxy.conf', snippet, 3],
  ]);
  // The load benchmark sends everything from one address: it measures the proxy path, not
  // the per-client limits, so it leaves those lines out.
  const used = unlimited ? site.replace(/^\s*limit_(req|conn) [^\n]*\n/gm, '') : site;
  writeFileSync(join(dir, 'sco-showroom.conf'), used);
  const temp = (name) => {
    mkdirSync(join(dir, name), { recursive: true });
    return join(dir, name);
  };
  const conf = [
    process.getuid?.() === 0 ? 'user root;' : '',
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '    include /etc/nginx/mime.types;',
    '    default_type application/octet-stream;',
    // Which replica answered what, and what the ones tried before it said (failovers).
    "    log_format showroom '$remote_addr \"$request\" $status upstream=$upstream_addr upstream_status=$upstream_status rt=$request_time';",
    `    access_log ${join(dir, 'access.log')} showroom;`,
    `    client_body_temp_path ${temp('client_body')};`,
    `    proxy_temp_path ${temp('proxy')};`,
    `    fastcgi_temp_path ${temp('fastcgi')};`,
    `    uwsgi_temp_path ${temp('uwsgi')};`,
    `    scgi_temp_path ${temp('scgi')};`,
    `    include ${join(dir, 'sco-showroom.conf')};`,
    '}',
    '',
  ].join('\n');
  const path = join(dir, 'nginx.conf');
  writeFileSync(path, conf);
  return path;
}

// ---------------------------------------------------------------------------------------------
// A stack: platform, two replicas, nginx.

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: childEnv({}), timeout: 120000 });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
  return r;
}

/** Imports `bundle` into the data directory `dir` (a replica that is not running), without
 *  blocking this process (a load loop goes on meanwhile). */
export function importCatalog(dir, bundle = CATALOG) {
  return new Promise((ok, fail) => {
    const child = track(spawn(BIN, ['--data-dir', dir, 'import', bundle], { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv({}) }));
    let errors = '';
    child.stderr.on('data', (c) => (errors += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) ok();
      else fail(new Error(`showroom import into ${dir}: ${code ?? signal} ${errors}`));
    });
  });
}

/**
 * A data directory with the sample catalog imported, made once and copied for every replica
 * (an import of the sample takes seconds in a debug build; the data directory holds nothing
 * that belongs to one installation). The program makes it for all suites and hands it on in
 * SHOWROOM_NGINX_TEMPLATE; a test file run alone makes its own.
 */
let template = process.env.SHOWROOM_NGINX_TEMPLATE;
function ensureTemplate() {
  if (!template || !existsSync(join(template, 'showroom.db'))) {
    template = mkdtempSync(join(tmpdir(), 'showroom-nginx-template-'));
    folders.add(template);
    run(BIN, ['--data-dir', template, 'import', CATALOG], 'showroom import of the sample catalog');
  }
  return template;
}
function imported(dir) {
  cpSync(ensureTemplate(), dir, { recursive: true });
}

/**
 * Starts a platform, two replicas (`a`, `b`) and nginx in a new temporary folder.
 * `serve` holds extra `[serve]` lines for both replicas' showroom.toml.
 */
export async function startStack({ label = 'stack', serve = '', unlimited = false } = {}) {
  for (const [path, hint] of [
    [BIN, 'cargo build -p showroom-cli'],
    [PLATFORM_BIN, 'cargo build -p showroom-platform'],
    [join(UI, 'index.html'), 'cd ui && npm run build'],
    [NGINX, 'apt-get install nginx'],
  ]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
  }
  const dir = mkdtempSync(join(tmpdir(), `showroom-nginx-${label}-`));
  folders.add(dir);
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const [httpPort, httpsPort, portA, portB] = await freePorts(4);
  const url = `https://localhost:${httpsPort}/`;

  // A self-signed certificate for localhost.
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  run(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '-keyout', key, '-out', cert],
    'openssl req',
  );
  const ca = readFileSync(cert);

  const platformLog = openSync(join(logs, 'platform.log'), 'a');
  const platform = track(
    spawn(PLATFORM_BIN, ['--bind', '127.0.0.1:0', '--data', join(dir, 'platform'), '--catalog', CATALOG, '--token', PLATFORM_TOKEN], {
      stdio: ['ignore', 'pipe', platformLog],
      env: childEnv({}),
    }),
  );
  const platformUrl = await addressOf(platform, 'showroom-platform');

  const replicas = [
    { node: 'a', port: portA, dir: join(dir, 'serve-a') },
    { node: 'b', port: portB, dir: join(dir, 'serve-b') },
  ];
  for (const [i, r] of replicas.entries()) {
    const other = replicas[1 - i];
    r.url = `http://127.0.0.1:${r.port}/`;
    imported(r.dir);
    writeFileSync(
      join(r.dir, 'showroom.toml'),
      [
        // The kiosk's own booth, so the hall map shows "you are here" (as run.mjs does).
        'kiosk_booth = "A1-03"',
        '[serve]',
        `public_url = "${url}"`,
        `operator_token = "${OPERATOR}"`,
        'trusted_proxies = ["127.0.0.1"]',
        `node = "${r.node}"`,
        `peers = ["http://127.0.0.1:${other.port}/"]`,
        serve,
        '',
      ].join('\n'),
    );
  }

  const startReplica = async (i) => {
    const r = replicas[i];
    const log = openSync(join(logs, `serve-${r.node}.log`), 'a');
    r.child = track(
      spawn(BIN, ['--data-dir', r.dir, 'serve', '--port', String(r.port), '--bind', '127.0.0.1', '--ui', UI], {
        stdio: ['ignore', 'pipe', log],
        env: childEnv({
          SHOWROOM_PLATFORM_URL: platformUrl,
          SHOWROOM_PLATFORM_TOKEN: PLATFORM_TOKEN,
          // The catalog stays the imported one; statuses come back within a couple of seconds.
          SHOWROOM_SYNC_INTERVAL_SECS: '0',
          SHOWROOM_STATUS_INTERVAL_SECS: '1',
          SHOWROOM_LOG: process.env.SHOWROOM_LOG ?? 'warn',
        }),
      }),
    );
    await addressOf(r.child, `serve ${r.node}`);
    await until(async () => (await request(`${r.url}readyz`, { timeout: 2000 })).status === 200, {
      what: `replica ${r.node} ready`,
    });
  };
  /** SIGTERM (serve drains its open requests), then waits for the exit. */
  const stopReplica = async (i) => {
    const r = replicas[i];
    if (!r.child) return;
    r.child.kill('SIGTERM');
    const { code, signal } = await exited(r.child, 30000, `serve ${r.node}`);
    r.child = null;
    if (code !== 0) throw new Error(`serve ${r.node} exited with ${code ?? signal} on SIGTERM`);
  };
  await Promise.all(replicas.map((_, i) => startReplica(i)));

  const conf = nginxConfig(dir, { httpPort, httpsPort, upstreams: [portA, portB], cert, key, unlimited });
  const nginxArgs = ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')];
  run(NGINX, [...nginxArgs, '-t', '-q'], 'nginx -t on the shipped configuration');
  const nginx = track(spawn(NGINX, [...nginxArgs, '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'], env: childEnv({}) }));
  nginx.isNginx = true;
  await until(async () => (await request(`${url}readyz`, { ca, timeout: 2000 })).status === 200, { what: 'nginx in front of the replicas' });

  const operatorGet = async (base, path) => {
    const r = await request(new URL(path, base).href, { headers: { Authorization: `Bearer ${OPERATOR}` } });
    if (r.status !== 200) throw new Error(`${path} at ${base}: ${r.status} ${r.text}`);
    return r.json();
  };
  const platformGet = async (path) => {
    const r = await request(new URL(path, platformUrl).href, { headers: { Authorization: `Bearer ${PLATFORM_TOKEN}` } });
    if (r.status !== 200) throw new Error(`platform ${path}: ${r.status} ${r.text}`);
    return r.json();
  };

  let stopped = false;
  const stack = {
    dir,
    url,
    httpUrl: `http://localhost:${httpPort}/`,
    httpPort,
    httpsPort,
    cert,
    ca,
    platformUrl,
    replicas,
    startReplica,
    stopReplica,
    /** Every outbox entry of replica `i`, as its operator sees them (on its own port). */
    outbox: (i) => operatorGet(replicas[i].url, '/api/inquiries'),
    /** What the platform stored: `[{id, client_ref, status, body}]`. */
    platformInquiries: () => platformGet('/admin/inquiries'),
    platformStats: () => platformGet('/admin/stats'),
    /** GET through nginx (JSON), asserting 200. */
    async get(path, options = {}) {
      const r = await request(new URL(path, url).href, { ca, ...options });
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text.slice(0, 200)}`);
      return r.json();
    },
    /** `nginx` (its error log), `access` (nginx's access log), `serve-a`, `serve-b`, `platform`. */
    log: (name) => {
      const path = { nginx: join(dir, 'error.log'), access: join(dir, 'access.log') }[name] ?? join(logs, `${name}.log`);
      return existsSync(path) ? readFileSync(path, 'utf8') : '';
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      nginx.kill('SIGQUIT');
      await exited(nginx, 15000, 'nginx').catch(() => {});
      for (const i of replicas.keys()) await stopReplica(i).catch(() => replicas[i].child?.kill('SIGKILL'));
      platform.kill('SIGINT');
      await exited(platform, 10000, 'showroom-platform').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
      folders.delete(dir);
    },
  };
  return stack;
}

// ---------------------------------------------------------------------------------------------
// The program: every suite through nginx.

const SUITES = ['browser', 'attacks', 'rolling'];

function nodeTest(files, env) {
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
    cwd: join(ROOT, 'ui'),
  });
  return r.status ?? 1;
}

async function main() {
  const wanted = process.argv.slice(2);
  for (const s of wanted) if (!SUITES.includes(s)) throw new Error(`unknown suite ${s} (${SUITES.join(', ')})`);
  const suites = wanted.length ? wanted : SUITES;
  const results = [];
  let failed = false;
  const templateStarted = Date.now();
  process.env.SHOWROOM_NGINX_TEMPLATE = ensureTemplate();
  console.log(`sample catalog imported once in ${Math.round((Date.now() - templateStarted) / 1000)} s`);
  for (const suite of suites) {
    const started = Date.now();
    let code;
    if (suite === 'browser') {
      const stack = await startStack({ label: 'browser' });
      console.log(`nginx at ${stack.url} → serve a ${stack.replicas[0].url}, serve b ${stack.replicas[1].url}; platform ${stack.platformUrl}`);
      try {
        code = nodeTest(['showroom.test.mjs', 'routes.test.mjs', 'slowlink.test.mjs'].map((f) => join(import.meta.dirname, f)), {
          SHOWROOM_URL: stack.url,
          SHOWROOM_ROOT: ROOT,
          SHOWROOM_PLATFORM_URL: stack.platformUrl,
          SHOWROOM_PLATFORM_TOKEN: PLATFORM_TOKEN,
          // Chromium takes the self-signed certificate; Node's fetch trusts it as a CA.
          SHOWROOM_INSECURE_TLS: '1',
          NODE_EXTRA_CA_CERTS: stack.cert,
          SHOWROOM_REPLICA_URLS: stack.replicas.map((r) => r.url).join(','),
          SHOWROOM_OPERATOR_TOKEN: OPERATOR,
        });
        if (code !== 0) {
          console.error(`--- nginx error.log ---\n${stack.log('nginx').slice(-4000)}`);
          for (const n of ['serve-a', 'serve-b']) console.error(`--- ${n} ---\n${stack.log(n).slice(-4000)}`);
        }
      } finally {
        await stack.stop();
      }
    } else {
      code = nodeTest([join(import.meta.dirname, `${suite}.test.mjs`)], {});
    }
    const secs = Math.round((Date.now() - started) / 1000);
    results.push(`${suite}: ${code === 0 ? 'passed' : 'FAILED'} in ${secs} s`);
    failed ||= code !== 0;
  }
  console.log(`\nthrough nginx: ${results.join('; ')}`);
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let code = 1;
  try {
    code = await main();
  } catch (e) {
    console.error(e);
  } finally {
    cleanupNow();
  }
  process.exit(code);
}
