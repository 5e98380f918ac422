#!/usr/bin/env node
// The adoption demo (docs/adopting.md, end to end, on the embedded database): the simulated INDO hotel as
// the old sync left it in a platform's database — its newest booking with no unit and no rooms, blocks as
// 'Guest'/'0000' guests — then every step a platform takes, each with the real `mphb-sync` CLI:
// migrations refuse the old tables (exit 2), the old tables move aside, `adopt` dry run, `adopt --apply`,
// the monitor, and the guest's answer for the INDO booking.
//
//   npm run demo:legacy            (a fresh embedded database in a temporary directory; kept, path printed)
//
// Writes the legacy database with the tests' legacy writer (tests/js/support/legacy_writer.js), which
// reads ../shared/legacy/muva-era-schema.sql beside the repository.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { openDatabase } from '../host/db/database.js';
import { startSimulator } from '../host/simulator/simulator_server.js';
import { LEGACY_SCHEMA_FILE, MOVE_ASIDE_SQL, createLegacySchema, writeLegacyHotel } from '../tests/js/support/legacy_writer.js';

const CLI = fileURLToPath(new URL('../host/cli/main.js', import.meta.url));
if (!existsSync(LEGACY_SCHEMA_FILE)) {
  process.stderr.write(`legacy demo: ${LEGACY_SCHEMA_FILE} is missing (the shared/ folder beside the repository)\n`);
  process.exit(2);
}
const dataDir = process.env.MPHB_DATA_DIR || mkdtempSync(join(tmpdir(), 'mphb-legacy-demo-'));
const env = { ...process.env, DATABASE_URL: '', MPHB_DATA_DIR: dataDir, MPHB_ENCRYPTION_KEY: process.env.MPHB_ENCRYPTION_KEY || Buffer.alloc(32, 1).toString('base64') };
const out = process.stdout;

// Asynchronously: the simulator answers from this process meanwhile.
async function step(title, args) {
  out.write(`\n$ mphb-sync ${args.join(' ')}    # ${title}\n`);
  const child = spawn(process.execPath, [CLI, ...args], { env });
  let stderr = '';
  child.stdout.pipe(out, { end: false });
  child.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise((resolve) => child.on('close', resolve));
  out.write(stderr.split('\n').filter((l) => l && !/^\[(accommodations|reservations|reconcile|done)\]/.test(l)).map((l) => `${l}\n`).join(''));
  out.write(`(exit ${code})\n`);
  return code;
}

const sim = await startSimulator({ hotels: 'indo', seed: 1 });
try {
  const h = sim.hotels[0];
  // The platform's database as the old sync left it: the legacy tables in public and hotels.
  const raw = await openDatabase({ url: null, dataDir: join(dataDir, 'pglite'), migrate: false });
  await createLegacySchema(raw, { schema: 'public' });
  const manifest = await writeLegacyHotel(raw, { schema: 'public', slug: 'indo', name: h.title, site: sim.site('indo'), siteUrl: h.siteUrl, keys: h.keys.readWrite });
  const [indo] = await raw.query(`select external_booking_id, accommodation_unit_id, (select count(*) from public.reservation_accommodations j where j.reservation_id = r.id)::int as rooms
    from public.guest_reservations r where r.id = $1`, [manifest.planted.junction_missing[0].legacy_id]);
  out.write(`mphb-sync legacy demo — embedded database in ${join(dataDir, 'pglite')}\n`);
  out.write(`The old sync's INDO database: ${manifest.rows.reservations} reservations (${manifest.planted.block_as_guest.length} of them calendar blocks stored as 'Guest'/'0000'), `
    + `${manifest.rows.units} "units" that are types; booking ${indo.external_booking_id} (the newest unit's) has accommodation_unit_id = ${indo.accommodation_unit_id} and ${indo.rooms} rooms.\n`);
  await raw.close();

  await step('migrations refuse the old tables, changing nothing', ['monitor']);
  out.write(`\n-- docs/adopting.md step 1: move the old tables aside\n${MOVE_ASIDE_SQL}\n`);
  const moved = await openDatabase({ url: null, dataDir: join(dataDir, 'pglite'), migrate: false });
  await moved.exec(MOVE_ASIDE_SQL);
  await moved.close();
  await step('dry run: every legacy row classified, nothing written', ['adopt', '--tenant', 'indo']);
  await step('adopt in one transaction', ['adopt', '--tenant', 'indo', '--apply']);
  await step('the monitor', ['monitor', '--tenant', 'indo']);
  await step("the guest's answer for the INDO booking", ['guest', 'ask', '--tenant', 'indo', '--booking', String(indo.external_booking_id), '¿Qué tipo de habitación tengo?']);
  await step('adopting again changes nothing', ['adopt', '--tenant', 'indo', '--apply']);
} finally {
  await sim.stop();
}
