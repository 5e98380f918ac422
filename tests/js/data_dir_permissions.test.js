// The embedded database holds guests' personal data and the tenants' site URLs: its directory is the
// owner's alone (0700, files 0600), tightened when found looser, and refused — exit 2, naming the fix —
// when other users can write it. A real CLI process on a real PGlite directory.
import { chmodSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { jest } from '@jest/globals';

import { runCli } from './support/cli_process.js';

jest.setTimeout(120_000);

const cli = (args, env) => runCli(args, { env: { DATABASE_URL: '', ...env } });

/** Every path under dir with its permission bits. */
function modes(dir) {
  const out = [];
  const walk = (d) => {
    out.push([d, statSync(d).mode & 0o777, 'dir']);
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push([join(d, e.name), statSync(join(d, e.name)).mode & 0o777, 'file']);
    }
  };
  walk(dir);
  return out;
}

const loose = (list) => list.filter(([, mode, kind]) => (kind === 'dir' ? mode !== 0o700 : mode !== 0o600));

test('a new data directory is 0700 and every file in it 0600', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'mphb-perm-')), 'data');
  const r = await cli(['tenant', 'list'], { MPHB_DATA_DIR: dataDir });
  expect(r.code).toBe(0);
  const all = modes(dataDir);
  expect(all.length).toBeGreaterThan(10);
  expect(loose(all)).toEqual([]);
});

test('a directory found readable by others is tightened; one writable by others is refused, naming the fix', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'mphb-perm-')), 'data');
  expect((await cli(['tenant', 'list'], { MPHB_DATA_DIR: dataDir })).code).toBe(0);
  const pglite = join(dataDir, 'pglite');
  chmodSync(dataDir, 0o755);
  chmodSync(pglite, 0o755);
  const file = modes(pglite).find(([, , kind]) => kind === 'file')[0];
  chmodSync(file, 0o644);
  expect((await cli(['tenant', 'list'], { MPHB_DATA_DIR: dataDir })).code).toBe(0);
  expect(loose(modes(dataDir))).toEqual([]);

  chmodSync(pglite, 0o777);
  const refused = await cli(['tenant', 'list'], { MPHB_DATA_DIR: dataDir });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(`chmod 700 ${pglite}`);
  expect(statSync(pglite).mode & 0o777).toBe(0o777); // refused, not silently changed
});
