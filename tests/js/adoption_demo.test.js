// `npm run demo:legacy` (scripts/legacy_demo.mjs): the INDO hotel as the old sync left it, adopted with
// the real CLI step by step — migrations refuse, move aside, dry run, apply, monitor, the guest's answer.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { jest } from '@jest/globals';

jest.setTimeout(180_000);
const SCRIPT = fileURLToPath(new URL('../../scripts/legacy_demo.mjs', import.meta.url));

test('the legacy INDO database is refused, moved aside, adopted, and its guest is answered with the newest unit', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mphb-legacy-demo-test-'));
  const { code, stdout } = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], { env: { ...process.env, MPHB_DATA_DIR: dataDir, DATABASE_URL: '' } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out }));
  });
  expect(code).toBe(0);
  expect(stdout).toMatch(/booking (\d+) \(the newest unit's\) has accommodation_unit_id = null and 0 rooms/);
  expect(stdout).toMatch(/public\.guest_reservations lacks [^\n]*room_count[\s\S]*\(exit 2\)/);
  expect(stdout).toMatch(/indo \([0-9a-f-]+\): planned[\s\S]*junction_missing\s+1 legacy rows/);
  expect(stdout).toMatch(/indo \([0-9a-f-]+\): adopted[\s\S]*monitor: all invariants hold/);
  expect(stdout).toMatch(/Tu habitación es de tipo Bungalow Kembang \(Bungalow 2\)\./);
  expect(stdout).toMatch(/already_adopted[^\n]*nothing to do/);
});
