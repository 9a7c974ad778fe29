// The screens on 100,000 products: generates a 100,000-product bundle (600 exhibitors at
// booths of three halls) from the sample's
// vocabulary with the built `showroom catalog generate`, then runs large.test.mjs through
// run.mjs against the real `showroom serve` on it. Figures go to target/e2e-large.json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const bin = process.env.SHOWROOM_BIN ?? join(root, 'target/debug/showroom');
const products = process.env.SHOWROOM_LARGE_PRODUCTS ?? '100000';
// Exhibitors at booths of a generated hall map: hundreds of booths.
const exhibitors = process.env.SHOWROOM_LARGE_EXHIBITORS ?? '600';
const dir = mkdtempSync(join(tmpdir(), 'showroom-large-'));
let code = 1;
try {
  const bundle = join(dir, 'bundle');
  const made = spawnSync(bin, ['catalog', 'generate', '--products', products, '--exhibitors', exhibitors, '--out', bundle], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error('catalog generate failed');
  const run = spawnSync(process.execPath, [join(import.meta.dirname, 'run.mjs'), join(import.meta.dirname, 'large.test.mjs')], {
    stdio: 'inherit',
    env: { ...process.env, SHOWROOM_E2E_BUNDLE: bundle },
  });
  code = run.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
