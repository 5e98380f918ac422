// `npm start` runs `mphb-sync demo`: three simulated hotels registered and synced into the embedded
// database (or DATABASE_URL), what landed, and the monitor's verdict; a second run is a no-op re-sync.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { jest } from '@jest/globals';

import { describePostgres, openTestDatabase } from './support/test_databases.js';

jest.setTimeout(120000);
const CLI = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function demo(cwd, env = {}) {
  return new Promise((resolve, reject) => {
    freePort().then((port) => {
      const child = spawn(process.execPath, [CLI, 'demo', '--port', String(port)], {
        cwd, env: { ...process.env, MPHB_ENCRYPTION_KEY: '', DATABASE_URL: '', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  });
}

describe('on the embedded database', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'mphb-demo-'));
  let first;
  beforeAll(async () => { first = await demo(cwd); });

  test('registers and syncs the three demo hotels, every reservation with its room, all invariants true', () => {
    expect(first.code).toBe(0);
    for (const hotel of ['indo', 'simmerdown', 'testhotel']) {
      expect(first.stdout).toMatch(new RegExp(`tenant ${hotel}: registered`));
      expect(first.stdout).toMatch(new RegExp(`sync-all ${hotel}: types \\d+\\+`));
    }
    expect(first.stdout).toMatch(/simmerdown\s+10\s+12\s+0\s+\d+\s+\d+\s+\d+\s+\d+\s+0\s+\d+/); // "without room" column is 0
    expect(first.stdout).toMatch(/verdict: all invariants hold/);
    expect(first.stdout).not.toMatch(/FAIL/);
  });

  test('prints a guest login per hotel and answers the INDO production question with the newest unit\'s type', () => {
    for (const hotel of ['indo', 'simmerdown', 'testhotel']) {
      expect(first.stdout).toMatch(new RegExp(`${hotel}\\s+(http://127\\.0\\.0\\.1:\\d+/my-stay\\?tenant=${hotel}\\s+check-in \\d{4}-\\d\\d-\\d\\d, phone last 4 \\d{4}|no guest can log in today)`));
    }
    expect(first.stdout).toMatch(/indo, booking \d+ of the newest unit \(Bungalow 2\)/);
    expect(first.stdout).toMatch(/guest: ¿Qué tipo de habitación tengo\?\n\s+chat:\s+Tu habitación es de tipo Bungalow Kembang \(Bungalow 2\)\./);
    expect(first.stdout).not.toMatch(/sin asignar/i);
  });

  test('shows staged progress (accommodations before reservations) on stderr', () => {
    const acc = first.stderr.indexOf('[accommodations]');
    const res = first.stderr.indexOf('[reservations]');
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(res).toBeGreaterThan(acc);
  });

  test('a second run is a no-op re-sync', async () => {
    const second = await demo(cwd);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/tenant indo: already registered/);
    for (const hotel of ['indo', 'simmerdown', 'testhotel']) {
      expect(second.stdout).toMatch(new RegExp(`sync-all ${hotel}: types 0\\+ 0~ \\d+=, units 0\\+ 0~ \\d+=; incremental pass: bookings 0 new, 0 changed, 0 unchanged .*, 0 gone upstream, 0 warnings, 3 requests`));
    }
    expect(second.stdout).toMatch(/verdict: all invariants hold/);
  });

  test('never prints the MotoPress secrets', () => {
    expect(first.stdout + first.stderr).not.toMatch(/cs_[0-9a-f]{40}/);
  });
});

describePostgres('with DATABASE_URL pointing at PostgreSQL', () => {
  test('the same flow works', async () => {
    const db = await openTestDatabase('postgres');
    await db.close();
    const run = await demo(mkdtempSync(join(tmpdir(), 'mphb-demo-pg-')), { DATABASE_URL: db.testUrl });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/database: DATABASE_URL/);
    expect(run.stdout).toMatch(/verdict: all invariants hold/);
  });
});
