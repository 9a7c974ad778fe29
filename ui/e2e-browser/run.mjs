// Runs the browser end-to-end tests against the REAL `showroom serve` on the sample catalog:
// imports catalog/ into a temporary data directory with the built target/debug/showroom,
// serves ui/dist on a free loopback port, runs `node --test e2e-browser/`, then stops it.
// Needs `cargo build -p showroom-cli` and `npm run build` first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '../..');
const bin = process.env.SHOWROOM_BIN ?? join(root, 'target/debug/showroom');
if (!existsSync(bin)) throw new Error(`${bin} is missing: cargo build -p showroom-cli`);
if (!existsSync(join(root, 'ui/dist/index.html'))) throw new Error('ui/dist is missing: npm run build');

const data = mkdtempSync(join(tmpdir(), 'showroom-web-e2e-'));
let server;
let code = 1;
try {
  const imported = spawnSync(bin, ['--data-dir', data, 'import', join(root, 'catalog')], { stdio: 'inherit' });
  if (imported.status !== 0) throw new Error('import failed');
  // The kiosk's own booth, so the hall map shows "you are here".
  writeFileSync(join(data, 'showroom.toml'), 'kiosk_booth = "A1-03"\n');
  server = spawn(bin, ['--data-dir', data, 'serve', '--port', '0', '--ui', join(root, 'ui/dist')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((ok, fail) => {
    const lines = createInterface({ input: server.stdout });
    lines.once('line', (line) => ok(line.trim()));
    server.once('exit', (c) => fail(new Error(`serve exited with ${c}`)));
    setTimeout(() => fail(new Error('serve did not start in 30 s')), 30000);
  });
  console.log(`showroom serve at ${url}`);
  const args = ['--test', '--test-concurrency=1', ...process.argv.slice(2)];
  if (process.argv.length <= 2) args.push(join(import.meta.dirname, 'showroom.test.mjs'));
  const run = spawnSync(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, SHOWROOM_URL: url, SHOWROOM_ROOT: root },
  });
  code = run.status ?? 1;
} finally {
  server?.kill('SIGINT');
  rmSync(data, { recursive: true, force: true });
}
process.exit(code);
