// Runs the browser end-to-end tests against the REAL `showroom serve` on the sample catalog
// (or the bundle in SHOWROOM_E2E_BUNDLE):
// imports catalog/ into a temporary data directory with the built target/debug/showroom,
// serves ui/dist on a free loopback port, runs the browser suite (showroom.test.mjs and
// routes.test.mjs, or the files named on the command line) with `node --test`, then stops it.
// The reference trade platform (target/debug/showroom-platform) runs beside it on another
// loopback port, and serve sends the form's inquiries there (SHOWROOM_PLATFORM_URL).
// Needs `cargo build -p showroom-cli -p showroom-platform` and `npm run build` first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '../..');
const bin = process.env.SHOWROOM_BIN ?? join(root, 'target/debug/showroom');
if (!existsSync(bin)) throw new Error(`${bin} is missing: cargo build -p showroom-cli`);
const platformBin = process.env.SHOWROOM_PLATFORM_BIN ?? join(root, 'target/debug/showroom-platform');
if (!existsSync(platformBin)) throw new Error(`${platformBin} is missing: cargo build -p showroom-platform`);
const TOKEN = 'e2e-token';
const OPERATOR = 'e2e-operator-token-0123456789';

/** The first http:// address a child prints on stdout. */
function addressOf(child, what) {
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const found = /https?:\/\/\S+/.exec(line);
      if (found) ok(found[0].replace(/\/?$/, '/'));
    });
    child.once('exit', (c) => fail(new Error(`${what} exited with ${c}`)));
    setTimeout(() => fail(new Error(`${what} did not start in 30 s`)), 30000);
  });
}
if (!existsSync(join(root, 'ui/dist/index.html'))) throw new Error('ui/dist is missing: npm run build');

// The catalog served: the sample, or the bundle large.mjs generates.
const bundle = process.env.SHOWROOM_E2E_BUNDLE ?? join(root, 'catalog');
const data = mkdtempSync(join(tmpdir(), 'showroom-web-e2e-'));
let server;
let platform;
let code = 1;
try {
  const imported = spawnSync(bin, ['--data-dir', data, 'import', bundle], { stdio: 'inherit' });
  if (imported.status !== 0) throw new Error('import failed');
  // The kiosk's own booth, so the hall map shows "you are here"; the operator's token lets
  // the tests count what the outbox holds.
  writeFileSync(join(data, 'showroom.toml'), `kiosk_booth = "A1-03"\n[serve]\noperator_token = "${OPERATOR}"\n`);
  platform = spawn(platformBin, [
    '--bind',
    '127.0.0.1:0',
    '--data',
    join(data, 'platform'),
    '--catalog',
    bundle,
    '--token',
    TOKEN,
  ], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const platformUrl = await addressOf(platform, 'showroom-platform');
  console.log(`trade platform at ${platformUrl}`);
  server = spawn(bin, ['--data-dir', data, 'serve', '--port', '0', '--ui', join(root, 'ui/dist')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      SHOWROOM_PLATFORM_URL: platformUrl,
      SHOWROOM_PLATFORM_TOKEN: TOKEN,
      // The catalog stays the imported one while the tests compare results with the API.
      SHOWROOM_SYNC_INTERVAL_SECS: '0',
      // Statuses the platform changes show up in the history within a couple of seconds.
      SHOWROOM_STATUS_INTERVAL_SECS: '1',
    },
  });
  const url = await addressOf(server, 'serve');
  console.log(`showroom serve at ${url}`);
  const args = ['--test', '--test-concurrency=1', ...process.argv.slice(2)];
  if (process.argv.length <= 2) args.push(...['showroom.test.mjs', 'routes.test.mjs'].map((f) => join(import.meta.dirname, f)));
  const run = spawnSync(process.execPath, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      SHOWROOM_URL: url,
      SHOWROOM_ROOT: root,
      SHOWROOM_PLATFORM_URL: platformUrl,
      SHOWROOM_PLATFORM_TOKEN: TOKEN,
      SHOWROOM_OPERATOR_TOKEN: OPERATOR,
    },
  });
  code = run.status ?? 1;
} finally {
  server?.kill('SIGINT');
  platform?.kill('SIGINT');
  rmSync(data, { recursive: true, force: true });
}
process.exit(code);
