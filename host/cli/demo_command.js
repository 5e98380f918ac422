// `mphb-sync demo` (what `npm start` runs): the MotoPress simulator with three hotels, registered as
// tenants in the embedded database (or DATABASE_URL), synced with progress, then a table of what landed
// and the monitor's verdict. Run it twice: the second run is a no-op re-sync.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { checkInvariants } from '../monitor/invariant_checks.js';
import { startSimulator } from '../simulator/simulator_server.js';
import { runSync } from '../sync/sync_runner.js';
import { SyncError } from '../sync/sync_errors.js';
import { addTenant, listTenants, resolveTenant, updateSiteUrl } from '../tenants/tenant_store.js';
import { askAboutStay } from '../guest/guest_access.js';
import { createStaffToken } from '../http/staff_tokens.js';
import { startHttpServer } from '../http/node_server.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './exit_codes.js';
import { formatMonitor } from './monitor_command.js';
import { formatCounts, progressPrinter } from './sync_command.js';

const DEMO_HOTELS = ['indo', 'simmerdown', 'testhotel'];

// The demo needs a key to store the simulator's credentials; a real deployment sets MPHB_ENCRYPTION_KEY.
function demoEncryptionKey(dataDir) {
  if (process.env.MPHB_ENCRYPTION_KEY) return { key: process.env.MPHB_ENCRYPTION_KEY, generated: null };
  const file = resolve(dataDir, 'demo-encryption.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return { key: readFileSync(file, 'utf8').trim(), generated: file };
}

// Stable demo tenant ids (UUID v5-shaped from the slug), so row ids agree between demo runs.
function demoTenantId(slug) {
  const h = createHash('sha1').update(`mphb-sync demo tenant:${slug}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

async function landedTable(db) {
  const rows = await db.query(`select t.slug,
      (select count(*) from hotels.accommodation_types x where x.tenant_id = t.tenant_id)::int as types,
      (select count(*) from hotels.accommodation_units x where x.tenant_id = t.tenant_id)::int as units,
      (select count(*) from hotels.accommodation_units x where x.tenant_id = t.tenant_id and x.is_placeholder)::int as placeholders,
      (select count(*) from public.guest_reservations x where x.tenant_id = t.tenant_id)::int as reservations,
      (select count(*) from public.guest_reservations x where x.tenant_id = t.tenant_id and x.status = 'active')::int as active,
      (select count(*) from public.guest_reservations x where x.tenant_id = t.tenant_id and x.status = 'cancelled')::int as cancelled,
      (select count(*) from public.reservation_accommodations x where x.tenant_id = t.tenant_id)::int as rooms,
      (select count(*) from public.guest_reservations x where x.tenant_id = t.tenant_id and x.room_count > 0 and x.accommodation_unit_id is null)::int as without_room,
      (select count(*) from public.calendar_blocks x where x.tenant_id = t.tenant_id)::int as blocks
    from public.tenant_registry t order by t.slug`);
  const header = ['tenant', 'types', 'units', 'placeholders', 'reservations', 'active', 'cancelled', 'rooms', 'without room', 'blocks'];
  const table = [header, ...rows.map((r) => [r.slug, r.types, r.units, r.placeholders, r.reservations, r.active, r.cancelled, r.rooms, r.without_room, r.blocks])];
  const widths = header.map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
  return table.map((r) => r.map((c, i) => String(c).padStart(i === 0 ? 0 : widths[i]).padEnd(i === 0 ? widths[0] : 0)).join('  ')).join('\n');
}

/** @param {import('commander').Command} program */
export function registerDemoCommand(program) {
  program
    .command('demo')
    .description('Simulate three MotoPress hotels, register them as tenants, Sync All each, show what landed and the monitor.')
    .option('--port <port>', 'simulator port (fixed, so tenants registered by an earlier run still reach it)', (v) => Number(v), 8787)
    .option('--latency-ms <ms>', 'simulated MotoPress latency per request', (v) => Number(v), 0)
    .option('--serve', 'then serve the staff page and API (and keep the simulator up) until Ctrl-C')
    .option('--http-port <port>', 'with --serve: the HTTP port', (v) => Number(v), 8080)
    .addHelpText('after', '\nUses DATABASE_URL when set, else the embedded database in MPHB_DATA_DIR or ./.mphb-data. Exit: 0 all invariants hold, 1 a sync failed or an invariant fails.')
    .action(async (opts) => {
      const dataDir = resolve(process.env.MPHB_DATA_DIR || '.mphb-data');
      const { key, generated } = demoEncryptionKey(dataDir);
      process.env.MPHB_ENCRYPTION_KEY = key;
      let sim;
      try {
        sim = await startSimulator({ port: opts.port, seed: 1, hotels: DEMO_HOTELS.join(','), latencyMs: opts.latencyMs });
      } catch (error) {
        process.stderr.write(`mphb-sync demo: cannot start the simulator on port ${opts.port}: ${error.code === 'EADDRINUSE' ? 'in use (try --port)' : error.message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const out = process.stdout;
      out.write(`mphb-sync demo — MotoPress simulator on ${sim.url} (${DEMO_HOTELS.join(', ')}), database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded PGlite in ${resolve(dataDir, 'pglite')}`}\n`);
      if (generated) out.write(`(credentials are encrypted with a demo key kept in ${generated}; set MPHB_ENCRYPTION_KEY in real use)\n`);
      try {
        process.exitCode = await withContext(async ({ db, core, clientFor, cipher }) => {
          const known = new Map((await listTenants(db)).map((t) => [t.slug, t]));
          for (const h of sim.hotels) {
            const existing = known.get(h.name);
            if (existing) {
              // Same seed, same keys; only the simulator's port may differ from the earlier run.
              if (existing.site_url !== h.siteUrl) await updateSiteUrl(db, existing.tenant_id, h.siteUrl);
              out.write(`\ntenant ${h.name}: already registered (a re-sync of unchanged data writes nothing)\n`);
            } else {
              await addTenant(db, await cipher(), {
                slug: h.name, name: h.title, siteUrl: h.siteUrl, consumerKey: h.keys.readWrite.key, consumerSecret: h.keys.readWrite.secret,
                tenantId: demoTenantId(h.name),
              });
              out.write(`\ntenant ${h.name}: registered → ${h.siteUrl}\n`);
            }
          }
          let failed = false;
          for (const h of sim.hotels) {
            const tenant = await resolveTenant(db, h.name);
            const printer = progressPrinter(process.stderr);
            try {
              const result = await runSync({ db, core: await core(), tenant, client: await clientFor(tenant), onEvent: (e) => printer.event(e) });
              printer.stop();
              out.write(`sync-all ${h.name}: ${formatCounts(result.counts)}\n`);
            } catch (error) {
              printer.stop();
              if (!(error instanceof SyncError)) throw error;
              failed = true;
              out.write(`sync-all ${h.name}: FAILED ${error.code}: ${error.message}\n`);
            }
          }
          out.write(`\nWhat landed:\n${await landedTable(db)}\n\nMonitor:\n`);
          const report = await checkInvariants(db, null, new Date(), await core());
          out.write(formatMonitor(report));
          out.write(`\nverdict: ${report.ok && !failed ? 'all invariants hold' : 'PROBLEMS FOUND'}\n`);
          await showGuests(db, await core(), opts.httpPort, out);
          if (opts.serve) await serveStaffPage(db, await core(), opts.httpPort, out);
          return report.ok && !failed ? EXIT_OK : EXIT_PROBLEMS;
        });
      } finally {
        await sim.stop();
      }
    });
}

// One guest per hotel who can log in today, and the production question answered for the INDO
// booking of the newest unit (the booking the old sync left "sin asignar").
async function showGuests(db, core, httpPort, out) {
  out.write(`\nGuests (log in on the guest page; access lasts until 7 days after check-out):\n`);
  const guests = await db.query(`select distinct on (t.slug) t.slug, r.external_booking_id, r.check_in_date::text as check_in_date, r.phone_last_4
    from public.tenant_registry t join public.guest_reservations r on r.tenant_id = t.tenant_id
    where r.status = 'active' and r.phone_last_4 is not null and r.check_out_date >= current_date - 7
      and (select count(*) from public.guest_reservations o where o.tenant_id = r.tenant_id and o.status = 'active'
           and o.check_in_date = r.check_in_date and o.phone_last_4 = r.phone_last_4) = 1
    order by t.slug, abs(r.check_in_date - current_date), r.external_booking_id`);
  const bySlug = new Map(guests.map((g) => [g.slug, g]));
  for (const t of await listTenants(db)) {
    const g = bySlug.get(t.slug);
    out.write(g
      ? `  ${t.slug.padEnd(10)} http://127.0.0.1:${httpPort}/my-stay?tenant=${t.slug}  check-in ${g.check_in_date}, phone last 4 ${g.phone_last_4} (booking ${g.external_booking_id})\n`
      : `  ${t.slug.padEnd(10)} no guest can log in today (every stay with a phone ended more than 7 days ago)\n`);
  }
  const [indo] = await db.query(`select r.tenant_id, r.id, r.external_booking_id, u.name as unit
    from public.tenant_registry t
    join hotels.accommodation_units u on u.tenant_id = t.tenant_id and not u.is_placeholder
    join public.reservation_accommodations ra on ra.tenant_id = t.tenant_id and ra.accommodation_unit_id = u.id
    join public.guest_reservations r on r.id = ra.reservation_id
    where t.slug = 'indo' order by u.mphb_accommodation_id desc, r.booked_at desc limit 1`);
  if (!indo) return;
  const question = '¿Qué tipo de habitación tengo?';
  const answer = await askAboutStay({ db, core, tenantId: indo.tenant_id, reservationId: indo.id, question });
  out.write(`\nThe production case — indo, booking ${indo.external_booking_id} of the newest unit (${indo.unit}):\n`);
  out.write(`  guest: ${question}\n  chat:  ${answer.answered ? answer.answer : '(not answered)'}\n`);
  out.write(`  (mphb-sync guest ask --tenant indo --booking ${indo.external_booking_id} "${question}")\n`);
}

// Serves the staff page until Ctrl-C, with a fresh staff token per demo tenant to sign in with.
async function serveStaffPage(db, core, port, out) {
  const server = await startHttpServer({ db, core, port });
  out.write(`\nStaff page: ${server.url}/?tenant=simmerdown  (press Sync All; Ctrl-C to stop)\nGuest page: ${server.url}/my-stay?tenant=indo\n`);
  for (const t of await listTenants(db)) {
    const { token } = await createStaffToken(db, { tenantId: t.tenant_id, role: 'staff', label: 'demo', expiresInSeconds: 86400 });
    out.write(`  ${t.slug.padEnd(10)} staff token (24 h): ${token}\n`);
  }
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.stop();
}
