// The online show under load: the keystroke sequences of `showroom bench search` replayed
// over HTTP against a generated catalog (100,000 products by default) with wrk (Debian's),
// at 16, 64 and 256 connections, three ways in the same run:
//   straight  one replica of `showroom serve`, plain HTTP on loopback
//   cold      the same with its reply cache off ([serve] reply_cache_mib = 0): every
//             keystroke searched, serialised and compressed again
//   nginx     the shipped nginx site (TLS, HTTP/1.1 keep-alive) in front of two replicas
//   static    nginx serving a file of the size of a search reply: this machine's ceiling
// The replicas' reply-cache hits and misses (from /metrics) are printed after the table.
// Prints a table (requests/s, p50, p99, bytes per reply on the wire, non-2xx) and writes it
// as JSON to target/loadbench.json. Per-client limits are lifted for the run (all load comes
// from one address); everything else is the shipped configuration.
//
//   cargo build --release -p showroom-cli -p showroom-platform && (cd ui && npm run build)
//   cd ui && node e2e-browser/loadbench.mjs [--products 100000] [--seconds 10] [--connections 16,64,256]
import { spawnSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const PRODUCTS = Number(arg('products', '100000'));
const SECONDS = Number(arg('seconds', '10'));
const CONNECTIONS = arg('connections', '16,64,256').split(',').map(Number);
const SEQUENCES = Number(arg('sequences', '200'));
process.env.SHOWROOM_BIN ??= join(ROOT, 'target/release/showroom');
process.env.SHOWROOM_PLATFORM_BIN ??= join(ROOT, 'target/release/showroom-platform');
const BIN = process.env.SHOWROOM_BIN;
for (const bin of [BIN, process.env.SHOWROOM_PLATFORM_BIN]) {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: cargo build --release -p showroom-cli -p showroom-platform`);
}

const UNLIMITED = 'requests_per_second = 1000000\nburst = 1000000\nmax_in_flight = 100000\nmax_connections = 100000';
const work = join(ROOT, 'target/loadbench');
mkdirSync(work, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'showroom-loadbench-'));
let stack;
let staticNginx;
let cold;
try {
  // The catalog and its keystrokes, made once and kept in target/loadbench.
  const keysFile = join(work, `keystrokes-${PRODUCTS}.tsv`);
  const gen = spawnSync(
    BIN,
    ['--data-dir', work, 'bench', 'search', '--products', String(PRODUCTS), '--sequences', String(SEQUENCES), '--dir', work, '--keystrokes-out', keysFile],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (gen.status !== 0) throw new Error('showroom bench search --keystrokes-out failed');
  const bundle = gen.stdout.trim();
  const data = join(work, `data-${PRODUCTS}`);
  if (!existsSync(join(data, 'showroom.db'))) {
    console.log(`importing ${PRODUCTS} products…`);
    const imported = spawnSync(BIN, ['--data-dir', data, 'import', bundle], { stdio: 'inherit' });
    if (imported.status !== 0) throw new Error('import failed');
  }
  process.env.SHOWROOM_NGINX_TEMPLATE = data;
  const { startStack, request, freePorts, OPERATOR } = await import('./nginx.mjs');

  const paths = readFileSync(keysFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [lang, text] = line.split('\t');
      return `/api/search?${new URLSearchParams({ query: text, lang, limit: '48' })}`;
    });
  const pathsFile = join(scratch, 'paths.txt');
  writeFileSync(pathsFile, paths.join('\n') + '\n');
  const lua = join(scratch, 'replay.lua');
  writeFileSync(
    lua,
    `-- Each connection replays the keystrokes in order from its own starting point.
local paths = {}
for line in io.lines("${pathsFile}") do paths[#paths + 1] = line end
local counter = 0
function setup(thread) thread:set("offset", counter * 7919); counter = counter + 1 end
local i = 0
function init(args) i = offset or 0 end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Accept-Encoding"] = "br, gzip", ["Host"] = wrk.host })
end
function done(summary, latency, requests)
  io.stderr:write(string.format('RESULT {"requests":%d,"seconds":%f,"bytes":%d,"non2xx":%d,"errors":%d,"p50_ms":%f,"p99_ms":%f,"max_ms":%f}\\n',
    summary.requests, summary.duration / 1e6, summary.bytes, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
`,
  );

  stack = await startStack({
    label: 'loadbench',
    unlimited: true,
    serve: UNLIMITED,
  });
  // A third replica like `a`, its reply cache off: what each search costs.
  const coldDir = join(scratch, 'cold');
  cpSync(data, coldDir, { recursive: true });
  writeFileSync(join(coldDir, 'showroom.toml'), `[serve]\n${UNLIMITED}\n`);
  const [coldPort] = await freePorts(1);
  cold = spawn(BIN, ['--data-dir', coldDir, 'serve', '--port', String(coldPort), '--bind', '127.0.0.1', '--ui', join(ROOT, 'ui/dist')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SHOWROOM_REPLY_CACHE_MIB: '0', SHOWROOM_NODE: 'cold', SHOWROOM_LOG: 'warn' },
  });
  const coldUrl = `http://127.0.0.1:${coldPort}`;
  for (let i = 0; ; i++) {
    const ready = await request(`${coldUrl}/readyz`, { timeout: 2000 }).catch(() => ({ status: 0 }));
    if (ready.status === 200) break;
    if (i > 120) throw new Error('the cold replica did not become ready');
    await new Promise((r) => setTimeout(r, 250));
  }
  // A file the size of a typical search reply, for nginx's own ceiling.
  const sample = await request(new URL(paths[Math.floor(paths.length / 2)], stack.replicas[0].url).href);
  const root = join(scratch, 'static');
  mkdirSync(root);
  writeFileSync(join(root, 'reply.json'), sample.body);
  // Compressed once, as serve keeps its replies: nginx sends the file, it does not gzip it.
  writeFileSync(join(root, 'reply.json.gz'), gzipSync(sample.body));
  const staticConf = join(scratch, 'static.conf');
  const staticPort = stack.httpsPort + 1000 > 65000 ? stack.httpsPort - 1000 : stack.httpsPort + 1000;
  writeFileSync(
    staticConf,
    [
      process.getuid?.() === 0 ? 'user root;' : '',
      'worker_processes 1;',
      `pid ${join(scratch, 'static.pid')};`,
      `error_log ${join(scratch, 'static-error.log')} warn;`,
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${scratch}/cb; proxy_temp_path ${scratch}/px; fastcgi_temp_path ${scratch}/fc; uwsgi_temp_path ${scratch}/uw; scgi_temp_path ${scratch}/sc;`,
      '  gzip_static on;',
      `  server { listen 127.0.0.1:${staticPort} ssl; ssl_certificate ${stack.cert}; ssl_certificate_key ${join(stack.dir, 'key.pem')}; keepalive_requests 100000;`,
      `    location / { root ${root}; default_type application/json; } }`,
      '}',
    ].join('\n'),
  );
  staticNginx = spawn('/usr/sbin/nginx', ['-c', staticConf, '-g', 'daemon off;'], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 500));

  const targets = [
    ['straight', (c) => [`-c${c}`, stack.replicas[0].url.replace(/\/$/, '')]],
    ['cold', (c) => [`-c${c}`, coldUrl]],
    ['nginx', (c) => [`-c${c}`, stack.url.replace(/\/$/, '')]],
    ['static', (c) => [`-c${c}`, `https://localhost:${staticPort}/reply.json`]],
  ];
  const rows = [];
  for (const connections of CONNECTIONS) {
    for (const [name, args] of targets) {
      const script = name === 'static' ? [] : ['-s', lua];
      const staticLua = join(scratch, 'static.lua');
      if (name === 'static') {
        writeFileSync(
          staticLua,
          `function request() return wrk.format("GET", nil, { ["Accept-Encoding"] = "gzip" }) end\n` +
            readFileSync(lua, 'utf8').split('function done')[1].replace(/^/, 'function done'),
        );
      }
      const run = spawnSync('wrk', ['-t2', `-d${SECONDS}s`, '--timeout', '10s', ...(name === 'static' ? ['-s', staticLua] : script), ...args(connections)], {
        encoding: 'utf8',
        timeout: (SECONDS + 60) * 1000,
      });
      const line = (run.stderr ?? '').split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) throw new Error(`wrk ${name} ${connections}: ${run.stderr}${run.stdout}`);
      const r = JSON.parse(line.slice(7));
      const row = {
        target: name,
        connections,
        rps: r.requests / r.seconds,
        p50_ms: r.p50_ms,
        p99_ms: r.p99_ms,
        max_ms: r.max_ms,
        bytes_per_reply: r.bytes / Math.max(1, r.requests),
        non2xx: r.non2xx,
        errors: r.errors,
      };
      rows.push(row);
      console.log(
        `${name.padEnd(8)} c=${String(connections).padStart(3)}  ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50_ms.toFixed(2)} ms  p99 ${row.p99_ms.toFixed(2)} ms  ${row.bytes_per_reply.toFixed(0)} B/reply  non-2xx ${row.non2xx}  errors ${row.errors}`,
      );
    }
  }
  // Reply-cache hits and misses per replica over the whole run.
  const cache = {};
  for (const r of stack.replicas) {
    const text = (await request(`${r.url}metrics`, { headers: { Authorization: `Bearer ${OPERATOR}` } })).body.toString();
    const count = (result) => Number(text.match(new RegExp(`showroom_reply_cache_total\\{result="${result}"\\} (\\d+)`))?.[1] ?? 0);
    cache[r.node] = { hits: count('hit'), misses: count('miss') };
  }
  const report = { products: PRODUCTS, keystrokes: paths.length, seconds: SECONDS, rows, reply_cache: cache };
  writeFileSync(join(ROOT, 'target/loadbench.json'), JSON.stringify(report, null, 2));
  console.log('\n| target | connections | req/s | p50 ms | p99 ms | bytes/reply | non-2xx |\n|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.target} | ${r.connections} | ${r.rps.toFixed(0)} | ${r.p50_ms.toFixed(2)} | ${r.p99_ms.toFixed(2)} | ${r.bytes_per_reply.toFixed(0)} | ${r.non2xx + r.errors} |`);
  }
  for (const [node, c] of Object.entries(cache)) {
    console.log(`replica ${node}: reply cache ${c.hits} hits, ${c.misses} misses (${((100 * c.hits) / Math.max(1, c.hits + c.misses)).toFixed(1)}% hits)`);
  }
} finally {
  cold?.kill('SIGTERM');
  staticNginx?.kill('SIGQUIT');
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
}
