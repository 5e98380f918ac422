// Fleet schedules (issue 14, docs/fleet.md) as a user meets them: every tenant gets a schedule (15 min,
// enabled) with its own phase; `mphb-sync schedule set|list|pause|resume` change it; the scheduler step
// public.fleet_enqueue_due() turns due schedules into pg-boss jobs (queue sync_all) — once per tenant
// however late, never while one is queued or running, never inside the tenant's quiet window — and keeps
// each tenant on its own slots (phase + n × interval): after a step it is due at its first slot after
// that step, or, inside its quiet window, at its first slot (of at most 15 min) after the window. Due
// times are checked exactly, against slots computed here from the phase formula. Against PGlite and
// PostgreSQL; "now" is steered through the database state (due times, quiet windows), never by sleeping.
import { randomUUID } from 'node:crypto';

import { jest } from '@jest/globals';

import { fleetSettings } from '../../host/fleet/fleet_settings.js';
import { openJobQueue, SYNC_QUEUE } from '../../host/fleet/job_queue.js';
import { listSchedules, parseInterval, parseQuietWindow, ScheduleError, setSchedules } from '../../host/fleet/schedule_store.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant, removeTenant } from '../../host/tenants/tenant_store.js';
import { runCli } from './support/cli_process.js';
import { prng } from './support/seeded_random.js';
import { closeTemplates, databaseKinds, describePostgres, openTestDatabase } from './support/test_databases.js';

jest.setTimeout(180_000);

const KEY = Buffer.alloc(32, 7).toString('base64');
let cipher;
beforeAll(async () => { cipher = await createCipher(KEY); });
afterAll(() => closeTemplates());

/** A UUID (version 4 layout) from the seeded generator: the same tenants, so the same phases, every run. */
function seededUuid(rand) {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand.next() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(rand.next() * 4)];
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

let tenantCount = 0;
/** Registers a tenant with a MotoPress integration (no request is made), as `tenant add` stores it. */
async function addHotel(db, { siteUrl, tenantId, slug } = {}) {
  tenantCount += 1;
  const name = slug ?? `hotel-${tenantCount}`;
  const t = await addTenant(db, cipher, {
    slug: name, name: `Hotel ${tenantCount}`, siteUrl: siteUrl ?? `https://${name}.example/`, consumerKey: 'ck_test', consumerSecret: 'cs_test', tenantId,
  });
  return t.tenant_id;
}

const step = async (db) => Number((await db.query('select public.fleet_enqueue_due() as added'))[0].added);

/** One scheduler step, and the now() it ran at (the same statement, so the same transaction), in µs. */
async function stepAt(db) {
  const [row] = await db.query('select public.fleet_enqueue_due() as added, extract(epoch from now())::text as at');
  return { added: Number(row.added), at: toUs(row.at) };
}

// Times are compared exactly, in microseconds since 1970 as plain numbers (below 2^53, so exact): read from
// the database as extract(epoch …)::text (numeric since PostgreSQL 14, all six decimals), written back as
// ISO text (postgres.js would send a Date, cut to milliseconds).
const SECOND = 1e6;
const DAY = 86_400;

/** µs since 1970 from extract(epoch from …)::text. */
function toUs(epochText) {
  const [whole, fraction = ''] = String(epochText).split('.');
  return Number(whole) * SECOND + Number(fraction.padEnd(6, '0').slice(0, 6));
}

/** ISO text of a µs instant, microseconds kept. */
function isoUs(us) {
  return `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 23)}${String(us % 1000).padStart(3, '0')}Z`;
}

/** SQL: a tenant's phase in an interval, in ms, by the formula of docs/fleet.md (the database's hashtext). */
const PHASE_MS_SQL = (id, interval) => `mod(abs(hashtext(${id}::text)::bigint), ${interval}::bigint * 1000)`;

/** The tenant's phase in `interval` seconds, in µs. */
async function phaseUs(db, tenantId, interval) {
  const [row] = await db.query(`select ${PHASE_MS_SQL('$1::uuid', '$2::int')}::text as ms`, [tenantId, interval]);
  return Number(row.ms) * 1000;
}

/**
 * The tenant's first slot (phase + n × interval) strictly after `afterUs`: the model of fleet_next_slot,
 * computed here with integer arithmetic, so every due time the database stores can be checked exactly.
 */
function slotAfter(phase, interval, afterUs) {
  const every = interval * SECOND;
  return afterUs - ((((afterUs - phase) % every) + every) % every) + every;
}
const onPhase = (us, phase, interval) => (((us - phase) % (interval * SECOND)) + interval * SECOND) % (interval * SECOND) === 0;

// Local wall-clock time from Node's own time-zone data (Intl), not the database's: the quiet-window
// expectations below do not reuse the SQL they check.
const wallFormats = new Map();
/** The wall-clock reading in `tz` at instant `us`, as µs since 1970 read as if it were UTC. */
function wallUs(us, tz) {
  if (!wallFormats.has(tz)) {
    wallFormats.set(tz, new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    }));
  }
  const seconds = Math.floor(us / SECOND);
  const p = Object.fromEntries(wallFormats.get(tz).formatToParts(new Date(seconds * 1000)).map(({ type, value }) => [type, Number(value)]));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) * 1000 + (us - seconds * SECOND);
}
/** 'HH:MM[:SS[.ffffff]]' → µs since midnight. */
function timeOfDayUs(text) {
  const [h, m, s = '0'] = text.split(':');
  return (Number(h) * 3600 + Number(m) * 60) * SECOND + Math.round(Number(s) * SECOND);
}
/** Whether instant `us` is in the quiet window [start, end) of local time in `tz` (it may wrap midnight). */
function inQuietWindow(us, start, end, tz) {
  const t = ((wallUs(us, tz) % (DAY * SECOND)) + DAY * SECOND) % (DAY * SECOND);
  const [s, e] = [timeOfDayUs(start), timeOfDayUs(end)];
  return s < e ? t >= s && t < e : t >= s || t < e;
}
/** The first instant strictly after `afterUs` at which local time in `tz` reads `time` (the window's end). */
function nextLocalTime(afterUs, time, tz) {
  const wall = wallUs(afterUs, tz);
  const midnight = wall - (((wall % (DAY * SECOND)) + DAY * SECOND) % (DAY * SECOND));
  for (let d = 0; d <= 2; d += 1) {
    const target = midnight + d * DAY * SECOND + timeOfDayUs(time);
    let at = target - (wallUs(target, tz) - target); // the zone's offset, guessed at the wall time, then taken at the guess
    at = target - (wallUs(at, tz) - at);
    if (at > afterUs) return at;
  }
  throw new Error(`no ${time} in ${tz} after ${isoUs(afterUs)}`);
}

/**
 * What fleet_enqueue_due() does to one enabled schedule at `at` (docs/fleet.md), modelled here: not due →
 * untouched; due inside its quiet window → not enqueued, due again at its first slot (of min(interval,
 * 15 min)) after the window's end; else enqueued, due again at its first slot after `at`.
 */
function modelStep({ dueUs, interval, quietStart, quietEnd, tz, phase, spreadPhase }, at) {
  if (dueUs > at) return { taken: false, quiet: false, next: dueUs };
  if (quietStart && inQuietWindow(at, quietStart, quietEnd, tz)) {
    return { taken: true, quiet: true, next: slotAfter(spreadPhase, Math.min(interval, 900), nextLocalTime(at, quietEnd, tz)) };
  }
  return { taken: true, quiet: false, next: slotAfter(phase, interval, at) };
}

/** Makes the tenant's next slot `secondsAgo` in the past (negative: in the future). */
const setDue = (db, tenantId, secondsAgo) => db.query(
  'update public.fleet_schedules set next_due_at = now() - make_interval(secs => $2::float8) where tenant_id = $1', [tenantId, secondsAgo]);

/** The stored schedule: due time as text and µs, how far it is from now, the window and its zone. */
async function dueOf(db, tenantId) {
  const [row] = await db.query(`select next_due_at::text as due, extract(epoch from next_due_at)::text as due_epoch,
      extract(epoch from next_due_at - now())::float8 as in_seconds, interval_seconds, enabled,
      quiet_start::text as quiet_start, quiet_end::text as quiet_end, quiet_tz
    from public.fleet_schedules where tenant_id = $1`, [tenantId]);
  return { ...row, us: toUs(row.due_epoch) };
}

/** The model's view of a stored schedule (see modelStep). */
async function modelOf(db, tenantId) {
  const row = await dueOf(db, tenantId);
  return {
    dueUs: row.us, interval: row.interval_seconds, quietStart: row.quiet_start, quietEnd: row.quiet_end, tz: row.quiet_tz,
    phase: await phaseUs(db, tenantId, row.interval_seconds), spreadPhase: await phaseUs(db, tenantId, Math.min(row.interval_seconds, 900)),
  };
}

const jobsOf = async (db) => (await db.query(`select data, state, singleton_key, group_id, policy, id,
    extract(epoch from (data->>'due_at')::timestamptz)::text as due_epoch, extract(epoch from created_on)::text as created_epoch
  from pgboss.job where name = $1 order by created_on, id`, [SYNC_QUEUE]))
  .map(({ due_epoch: due, created_epoch: created, ...job }) => ({ ...job, dueUs: toUs(due), createdUs: toUs(created) }));

describe('parseInterval: --every values', () => {
  test.each([
    ['900', 900], ['5', 5], ['90s', 90], ['15m', 900], ['1h', 3600], ['2H', 7200], ['1d', 86_400], ['7d', 604_800],
    ['1.5m', 90], ['0.5h', 1800], [' 30s ', 30], ['30 s', 30], ['604800', 604_800],
  ])('%j is %d seconds', (text, seconds) => {
    expect(parseInterval(text)).toBe(seconds);
  });

  test('every whole number of a unit from 5 s to 7 d reads back as that many seconds (seeded sample)', () => {
    const rand = prng(14);
    const units = { s: 1, m: 60, h: 3600, d: 86_400, '': 1 };
    let checked = 0;
    for (let i = 0; i < 2000; i += 1) {
      const unit = rand.pick(Object.keys(units));
      const most = Math.floor(604_800 / units[unit]);
      const least = Math.ceil(5 / units[unit]);
      const n = rand.int(least, most);
      expect(parseInterval(`${n}${unit}`)).toBe(n * units[unit]);
      checked += 1;
    }
    expect(checked).toBe(2000);
  });

  test.each([
    '', ' ', '0', '4', '4s', '604801', '8d', '169h', '10081m', '-5m', '+5m', 'abc', 'm', '15 minutes', '1h30m', '1e3', '15mm', '10w', '.5h',
    'Infinity', 'NaN', '0x20', '１５m',
  ])('%j is refused, naming --every and the value', (text) => {
    let error;
    try { parseInterval(text); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ScheduleError);
    expect(error.code).toBe('invalid_interval');
    expect(error.message).toContain(`--every "${text}"`);
    expect(error.message).toMatch(/5s to 7d/);
  });

  test('nothing given is refused too, and the error names the option it was given as', () => {
    expect(() => parseInterval(undefined)).toThrow(/--every/);
    expect(() => parseInterval(null)).toThrow(/--every/);
    expect(() => parseInterval('2s', '--interval')).toThrow(/^--interval "2s" must be/);
  });
});

describe('parseQuietWindow: --quiet values', () => {
  test.each([
    ['22:00-06:00', '22:00', '06:00'], ['00:00-23:59', '00:00', '23:59'], ['09:00-17:30', '09:00', '17:30'],
    [' 08:30 - 12:15 ', '08:30', '12:15'], ['23:59-00:00', '23:59', '00:00'],
  ])('%j is %s to %s', (text, start, end) => {
    expect(parseQuietWindow(text)).toEqual({ start, end });
  });

  test('every pair of different HH:MM times is a window, wrapping midnight or not (seeded sample)', () => {
    const rand = prng(1401);
    const hhmm = () => `${String(rand.int(0, 23)).padStart(2, '0')}:${String(rand.int(0, 59)).padStart(2, '0')}`;
    let windows = 0;
    for (let i = 0; i < 2000; i += 1) {
      const [start, end] = [hhmm(), hhmm()];
      if (start === end) {
        expect(() => parseQuietWindow(`${start}-${end}`)).toThrow(ScheduleError);
      } else {
        expect(parseQuietWindow(`${start}-${end}`)).toEqual({ start, end });
        windows += 1;
      }
    }
    expect(windows).toBeGreaterThan(1900);
  });

  test.each([
    '', '22:00', '22-06', '22:00-22:00', '24:00-06:00', '22:60-06:00', '9:00-17:00', '2200-0600', '22:00–06:00',
    '22:00-06:00-07:00', '22:00:00-06:00:00', 'night', '22:00 to 06:00',
  ])('%j is refused, naming --quiet and the value', (text) => {
    let error;
    try { parseQuietWindow(text); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ScheduleError);
    expect(error.code).toBe('invalid_quiet_window');
    expect(error.message).toContain(`--quiet "${text}"`);
    expect(error.message).toMatch(/HH:MM-HH:MM/);
  });
});

describe.each(databaseKinds())('schedules (%s)', (kind) => {
  let db;
  beforeAll(async () => { db = await openTestDatabase(kind); });
  afterAll(() => db?.close());

  test('a new tenant gets the default schedule: every 900 s, enabled, no quiet window, first due at its first slot after it was added', async () => {
    const id = await addHotel(db);
    const [row] = await listSchedules(db, id);
    expect(row).toMatchObject({ tenant_id: id, interval_seconds: 900, enabled: true, quiet_window: null, quiet_tz: 'UTC', in_quiet_window: false });
    // The tenant and its schedule were added in one transaction: the schedule's now() is created_at.
    const [{ created }] = await db.query('select extract(epoch from created_at)::text as created from public.tenant_registry where tenant_id = $1', [id]);
    const due = (await dueOf(db, id)).us;
    expect(isoUs(due)).toBe(isoUs(slotAfter(await phaseUs(db, id, 900), 900, toUs(created))));
    expect(due - toUs(created)).toBeGreaterThan(0);
    expect(due - toUs(created)).toBeLessThanOrEqual(900 * SECOND);
  });

  test('a tenant without a MotoPress integration gets no schedule: refused by name, nothing changed', async () => {
    const id = randomUUID();
    await db.query("insert into public.tenant_registry (tenant_id, slug, name) values ($1, $2, 'Bare')", [id, `bare-${id.slice(0, 8)}`]);
    await expect(setSchedules(db, [id], { intervalSeconds: 60 })).rejects.toMatchObject({ code: 'no_integration', message: expect.stringContaining(`bare-${id.slice(0, 8)}`) });
    expect(await listSchedules(db, id)).toEqual([]);
  });

  test('fleet_next_slot: the first of the tenant\'s slots (phase + n × interval) strictly after the instant (seeded cases)', async () => {
    const rand = prng(1402);
    const [{ now }] = await db.query('select extract(epoch from now())::text as now');
    const nextSlot = async (id, interval, at) => toUs((await db.query(
      'select extract(epoch from public.fleet_next_slot($1, $2, $3::text::timestamptz))::text as t', [id, interval, isoUs(at)]))[0].t);
    for (let i = 0; i < 40; i += 1) {
      const id = seededUuid(rand);
      const interval = rand.pick([5, 60, 900, 3600, DAY, 604_800, rand.int(5, 604_800)]);
      const phase = await phaseUs(db, id, interval);
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(interval * SECOND);
      const at = toUs(now) + Math.round((rand.next() - 0.5) * 2 * 3e7) * SECOND + rand.int(0, 999_999); // ±1 year, any µs
      const slot = slotAfter(phase, interval, at);
      const label = `${id} every ${interval} s after ${isoUs(at)}`;
      expect([label, isoUs(await nextSlot(id, interval, at))]).toEqual([label, isoUs(slot)]);
      expect([label, slot > at && slot - at <= interval * SECOND]).toEqual([label, true]);
      // On a slot exactly: the next one (strictly after); a microsecond before a slot: that slot.
      expect([label, isoUs(await nextSlot(id, interval, slot))]).toEqual([label, isoUs(slot + interval * SECOND)]);
      expect([label, isoUs(await nextSlot(id, interval, slot - 1))]).toEqual([label, isoUs(slot)]);
    }
  });

  test('a removed tenant leaves no schedule behind', async () => {
    const id = await addHotel(db);
    await removeTenant(db, id);
    expect(await db.query('select 1 from public.fleet_schedules where tenant_id = $1', [id])).toEqual([]);
  });

  test('setSchedules: a new interval gives a new phase within it; the quiet window and time zone are kept until changed', async () => {
    const id = await addHotel(db);
    await setSchedules(db, [id], { intervalSeconds: 60, quiet: { start: '22:00', end: '06:00' }, quietTz: 'Europe/Berlin' });
    let [row] = await listSchedules(db, id);
    expect(row).toMatchObject({ interval_seconds: 60, enabled: true, quiet_window: '22:00-06:00', quiet_tz: 'Europe/Berlin' });
    const due = await dueOf(db, id);
    // Its first slot in the new interval after the change (updated_at is the change's now()).
    const [{ updated }] = await db.query('select extract(epoch from updated_at)::text as updated from public.fleet_schedules where tenant_id = $1', [id]);
    expect(isoUs(due.us)).toBe(isoUs(slotAfter(await phaseUs(db, id, 60), 60, toUs(updated))));
    await setSchedules(db, [id], { enabled: false });
    [row] = await listSchedules(db, id);
    expect(row).toMatchObject({ interval_seconds: 60, enabled: false, quiet_window: '22:00-06:00', quiet_tz: 'Europe/Berlin' });
    expect((await dueOf(db, id)).due).toBe(due.due); // pausing does not move the due time
    await setSchedules(db, [id], { intervalSeconds: 60 }); // the same interval: the same due time
    expect((await dueOf(db, id)).due).toBe(due.due);
    await setSchedules(db, [id], { quiet: null });
    [row] = await listSchedules(db, id);
    expect(row).toMatchObject({ quiet_window: null, quiet_tz: 'Europe/Berlin', in_quiet_window: false });
  });

  test('an unknown time zone is refused, naming --tz, and nothing changes', async () => {
    const id = await addHotel(db);
    const before = await listSchedules(db, id);
    await expect(setSchedules(db, [id], { intervalSeconds: 60, quietTz: 'Mars/Olympus_Mons' }))
      .rejects.toMatchObject({ code: 'invalid_time_zone', message: expect.stringContaining('--tz "Mars/Olympus_Mons"') });
    expect(await listSchedules(db, id)).toEqual(before);
  });

  test('jitter: 200 tenants with the same interval are due spread over it, each at a phase fixed by its id', async () => {
    const rand = prng(2024);
    const ids = [];
    for (let i = 0; i < 200; i += 1) ids.push(await addHotel(db, { tenantId: seededUuid(rand) }));
    /** Each tenant's due time, its phase by the formula, and the now() of the transaction that set the due time. */
    const schedules = async (sinceColumn) => {
      const rows = await db.query(`select s.tenant_id, s.interval_seconds, extract(epoch from s.next_due_at)::text as due,
          extract(epoch from ${sinceColumn})::text as since, ${PHASE_MS_SQL('s.tenant_id', 's.interval_seconds')}::text as phase_ms
        from public.fleet_schedules s join public.tenant_registry t using (tenant_id)`);
      const mine = new Set(ids);
      return new Map(rows.filter((r) => mine.has(r.tenant_id))
        .map((r) => [r.tenant_id, { interval: r.interval_seconds, due: toUs(r.due), since: toUs(r.since), phase: Number(r.phase_ms) * 1000 }]));
    };
    const expectSpread = (rows, interval) => {
      expect(rows.size).toBe(200);
      const tenths = Array(10).fill(0);
      for (const [id, { interval: every, due, since, phase }] of rows) {
        expect(every).toBe(interval);
        // Due at its first slot after the schedule was set: exactly, so within (since, since + interval].
        expect([id, isoUs(due)]).toEqual([id, isoUs(slotAfter(phase, interval, since))]);
        expect([id, due > since && due - since <= interval * SECOND]).toEqual([id, true]);
        tenths[Math.floor((phase / (interval * SECOND)) * 10)] += 1;
      }
      // 20 expected in each tenth of the interval: every tenth holds some, none holds most (or even a quarter).
      for (const count of tenths) {
        expect(count).toBeGreaterThanOrEqual(5);
        expect(count).toBeLessThanOrEqual(50);
      }
      expect(new Set([...rows.values()].map((r) => r.phase)).size).toBeGreaterThan(190);
    };
    // Each tenant was added in its own transaction, which set its first due time.
    const first = await schedules('t.created_at');
    expectSpread(first, 900);

    // The phase depends on the tenant id alone: removed and added again later, a tenant keeps its place.
    const again = ids[7];
    const slug = (await db.query('select slug from public.tenant_registry where tenant_id = $1', [again]))[0].slug;
    await removeTenant(db, again);
    await addHotel(db, { tenantId: again, slug });
    const readded = (await schedules('t.created_at')).get(again);
    expect(readded.since).toBeGreaterThan(first.get(again).since);
    expect(readded.phase).toBe(first.get(again).phase);
    expect(onPhase(readded.due, first.get(again).phase, 900)).toBe(true);

    // A new interval for all of them (one transaction): spread over the new interval.
    await setSchedules(db, ids, { intervalSeconds: 60 });
    expectSpread(await schedules('s.updated_at'), 60);
  });
});

describe.each(databaseKinds())('the scheduler step before any worker started (%s)', (kind) => {
  let db;
  beforeAll(async () => { db = await openTestDatabase(kind); });
  afterAll(() => db?.close());

  test('no pgboss schema yet: fleet_enqueue_due() adds nothing and moves no due time; fleet_enqueue() is false', async () => {
    const id = await addHotel(db);
    await setDue(db, id, 3600);
    const before = await dueOf(db, id);
    expect((await db.query("select to_regclass('pgboss.job') as t"))[0].t).toBeNull();
    expect(await step(db)).toBe(0);
    expect((await dueOf(db, id)).due).toBe(before.due);
    expect((await db.query('select public.fleet_enqueue($1) as added', [id]))[0].added).toBe(false);
  });
});

describe.each(databaseKinds())('the scheduler step, fleet_enqueue_due (%s)', (kind) => {
  let db;
  let boss;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    // A worker's first start creates pg-boss's schema and the queues; the step itself is SQL alone.
    boss = await openJobQueue(db, fleetSettings(), { supervise: false });
  });
  afterAll(async () => {
    await boss?.stop({ close: false, graceful: false });
    await db?.close();
  });
  // Each test starts with an empty queue and with every earlier test's tenants paused.
  beforeEach(async () => {
    await db.query('update public.fleet_schedules set enabled = false');
    await db.query('delete from pgboss.job where name = $1', [SYNC_QUEUE]);
  });

  test('a tenant whose integration is deactivated is not enqueued (by the step or by hand); active again, it is', async () => {
    const off = await addHotel(db);
    await db.query("update public.integration_configs set is_active = false where tenant_id = $1", [off]);
    await setDue(db, off, 5);
    expect(await step(db)).toBe(0);
    expect(await db.query('select public.fleet_enqueue($1) as added', [off])).toEqual([{ added: false }]);
    expect(await jobsOf(db)).toEqual([]);
    await db.query("update public.integration_configs set is_active = true where tenant_id = $1", [off]);
    expect(await db.query('select public.fleet_enqueue($1) as added', [off])).toEqual([{ added: true }]);
  });

  test('one job per due tenant (tenant, host, due time); not-due tenants wait; a second step adds none', async () => {
    const a = await addHotel(db, { siteUrl: 'https://Shared.Example:443/one/' });
    const b = await addHotel(db, { siteUrl: 'https://shared.example/two/' });
    const c = await addHotel(db, { siteUrl: 'http://other.example:8080/' });
    const later = await addHotel(db);
    await setDue(db, a, 1);
    await setDue(db, b, 400);
    await setDue(db, c, 10);
    await setDue(db, later, -300);
    const before = new Map();
    for (const id of [a, b, c, later]) before.set(id, await dueOf(db, id));

    const { added, at } = await stepAt(db);
    expect(added).toBe(3);
    const jobs = await jobsOf(db);
    expect(jobs.map((j) => j.data.tenant_id).sort()).toEqual([a, b, c].sort());
    const hosts = { [a]: 'shared.example', [b]: 'shared.example', [c]: 'other.example:8080' };
    for (const job of jobs) {
      const id = job.data.tenant_id;
      expect(job).toMatchObject({ state: 'created', singleton_key: id, group_id: hosts[id], policy: 'exclusive', data: { host: hosts[id] } });
      // The job says which slot it is for: the due time the step found.
      expect(isoUs(job.dueUs)).toBe(isoUs(before.get(id).us));
      expect(job.createdUs).toBe(at); // added by that step
    }
    // Each one moved to its first slot after the step, whatever (off its phase) it was due at.
    for (const id of [a, b, c]) {
      const due = (await dueOf(db, id)).us;
      expect([id, isoUs(due)]).toEqual([id, isoUs(slotAfter(await phaseUs(db, id, 900), 900, at))]);
      expect([id, due > at && due - at <= 900 * SECOND]).toEqual([id, true]);
    }
    expect((await dueOf(db, later)).due).toBe(before.get(later).due);

    expect(await step(db)).toBe(0);
    expect(await jobsOf(db)).toHaveLength(3);
  });

  test('late by any number of intervals: enqueued once, the next slot on the tenant\'s own phase (seeded cases)', async () => {
    const rand = prng(77);
    const cases = [[60, 0], [60, 0.001], [60, 59.999], [60, 60], [60, 61], [60, 330], [5, 3600 * 24 + 7], [900, 900 * 12 + 3], [604_800, 604_800 * 3 + 1]];
    for (let i = 0; i < 12; i += 1) {
      const every = rand.pick([5, 30, 60, 900, 3600, 86_400]);
      cases.push([every, rand.next() * every * rand.int(1, 50)]);
    }
    const id = await addHotel(db);
    for (const [every, late] of cases) {
      await db.query('delete from pgboss.job where name = $1', [SYNC_QUEUE]);
      await db.query('update public.fleet_schedules set interval_seconds = $2 where tenant_id = $1', [id, every]);
      await setDue(db, id, late);
      const before = await dueOf(db, id);
      const phase = await phaseUs(db, id, every);
      const { added, at } = await stepAt(db);
      const label = `every ${every} s, ${late} s late`;
      expect([label, added]).toEqual([label, 1]);
      const jobs = await jobsOf(db);
      expect(jobs.map((j) => j.data.tenant_id)).toEqual([id]);
      expect([label, isoUs(jobs[0].dueUs)]).toEqual([label, isoUs(before.us)]);
      // However many slots were missed: one job, and the tenant is due at its first slot after the step.
      const due = (await dueOf(db, id)).us;
      expect([label, isoUs(due)]).toEqual([label, isoUs(slotAfter(phase, every, at))]);
      expect([label, due > at && due - at <= every * SECOND]).toEqual([label, true]);
      expect(await step(db)).toBe(0);
    }
  });

  test('exclusive: while the tenant\'s job is queued or running no second one is added; once it finished, the next due slot adds one', async () => {
    const id = await addHotel(db);
    await setDue(db, id, 5);
    expect(await step(db)).toBe(1);

    await setDue(db, id, 5); // the next slot came due while the job waits in the queue
    const { added, at } = await stepAt(db);
    expect(added).toBe(0);
    // The slot is used up, not kept for later: due at the first slot after that step.
    expect(isoUs((await dueOf(db, id)).us)).toBe(isoUs(slotAfter(await phaseUs(db, id, 900), 900, at)));
    expect((await db.query('select public.fleet_enqueue($1) as added', [id]))[0].added).toBe(false);

    const [job] = await boss.fetch(SYNC_QUEUE); // a worker takes it: running
    expect(job.data.tenant_id).toBe(id);
    await setDue(db, id, 5);
    expect(await step(db)).toBe(0);
    expect((await jobsOf(db)).map((j) => j.state)).toEqual(['active']);

    await boss.complete(SYNC_QUEUE, job.id);
    await setDue(db, id, 5);
    expect(await step(db)).toBe(1);
    expect((await jobsOf(db)).map((j) => [j.data.tenant_id, j.state])).toEqual([[id, 'completed'], [id, 'created']]);
  });

  test('a paused tenant is not enqueued and its due time stays; resumed, it is enqueued once', async () => {
    const paused = await addHotel(db);
    const running = await addHotel(db);
    await setSchedules(db, [paused], { enabled: false });
    await setDue(db, paused, 3 * 3600);
    await setDue(db, running, 30);
    const before = await dueOf(db, paused);
    expect(await step(db)).toBe(1);
    expect((await jobsOf(db)).map((j) => j.data.tenant_id)).toEqual([running]);
    expect((await dueOf(db, paused)).due).toBe(before.due);

    await setSchedules(db, [paused], { enabled: true });
    // Resumed 3 h after it fell due: due now (its lag counts from the resume, not from 3 h ago).
    const resumed = (await dueOf(db, paused)).us;
    expect(resumed - before.us).toBeGreaterThan(3 * 3600 * SECOND - 60 * SECOND);
    const { added, at } = await stepAt(db);
    expect(resumed).toBeLessThanOrEqual(at);
    expect(added).toBe(1);
    const jobs = await jobsOf(db);
    expect(jobs.map((j) => j.data.tenant_id)).toEqual([running, paused]);
    expect(isoUs(jobs[1].dueUs)).toBe(isoUs(resumed));
    // One job, the twelve slots missed while paused skipped, due at the first slot after the step.
    const due = (await dueOf(db, paused)).us;
    expect(isoUs(due)).toBe(isoUs(slotAfter(await phaseUs(db, paused, 900), 900, at)));
    expect(due - before.us).toBeGreaterThan(3 * 3600 * SECOND);
    expect(due - at).toBeLessThanOrEqual(900 * SECOND);
    expect(await step(db)).toBe(0);
  });

  test('in its quiet window a tenant is not enqueued, and is due again right after it; outside its window another is', async () => {
    const [{ clock }] = await db.query(`select to_char(now() at time zone 'Europe/Berlin', 'HH24:MI') as clock`);
    const local = (minutesFromNow) => db.query(`select to_char((now() at time zone 'Europe/Berlin') + make_interval(mins => $1), 'HH24:MI') as t`, [minutesFromNow]).then((r) => r[0].t);
    const quiet = await addHotel(db);
    const awake = await addHotel(db);
    await setSchedules(db, [quiet], { quiet: { start: await local(-60), end: await local(60) }, quietTz: 'Europe/Berlin' });
    await setSchedules(db, [awake], { quiet: { start: await local(60), end: await local(120) }, quietTz: 'Europe/Berlin' });
    await setDue(db, quiet, 20);
    await setDue(db, awake, 20);
    const before = await dueOf(db, quiet);
    const listed = Object.fromEntries((await listSchedules(db)).map((r) => [r.tenant_id, r]));
    expect([clock, listed[quiet].in_quiet_window, listed[awake].in_quiet_window]).toEqual([clock, true, false]);

    const { added, at } = await stepAt(db);
    expect(added).toBe(1);
    expect((await jobsOf(db)).map((j) => j.data.tenant_id)).toEqual([awake]);
    // The quiet one is due again right after its window: its end (local time in Berlin, some 60 min on)
    // plus its phase in 15 min; the awake one at its first slot after the step.
    const windowEnd = nextLocalTime(at, `${listed[quiet].quiet_window.slice(6)}:00`, 'Europe/Berlin');
    expect(windowEnd - at).toBeGreaterThan(58 * 60 * SECOND);
    expect(windowEnd - at).toBeLessThanOrEqual(60 * 60 * SECOND);
    const quietDue = (await dueOf(db, quiet)).us;
    expect(isoUs(quietDue)).toBe(isoUs(slotAfter(await phaseUs(db, quiet, 900), 900, windowEnd)));
    expect(quietDue).toBeGreaterThan(windowEnd);
    expect(quietDue - windowEnd).toBeLessThanOrEqual(900 * SECOND);
    expect(isoUs((await dueOf(db, awake)).us)).toBe(isoUs(slotAfter(await phaseUs(db, awake, 900), 900, at)));
    expect(before.us).toBeLessThan(at);
  });

  test('a quiet tenant is enqueued at its first slot after its window (time moved by shifting the schedule back)', async () => {
    // The clock moving one interval on is the due time and the window moving one interval back: exact,
    // because the tenant's slots (and its spread after a window, min(interval, 15 min)) repeat every 60 s.
    // Each step is checked against modelStep; "virtual" times below are real ones plus the shifts so far.
    const every = 60;
    const tz = 'Asia/Kathmandu'; // UTC+05:45
    const id = await addHotel(db);
    const [{ t0 }] = await db.query(`update public.fleet_schedules set interval_seconds = $2, quiet_tz = $3,
        quiet_start = (now() at time zone $3)::time - interval '90 seconds',
        quiet_end = (now() at time zone $3)::time + interval '210 seconds',
        next_due_at = now() - interval '30 seconds'
      where tenant_id = $1 returning extract(epoch from now())::text as t0`, [id, every, tz]);
    const phase = await phaseUs(db, id, every);
    const windowEnd = toUs(t0) + 210 * SECOND; // virtual
    const firstAfter = slotAfter(phase, every, windowEnd); // virtual
    const added = [];
    const quietAtStep = [];
    const virtualAt = [];
    let queued = false; // no worker runs here: a job once added stays queued
    for (let i = 0; i < 6; i += 1) {
      const shift = i * every * SECOND; // virtual − real
      const model = await modelOf(db, id);
      quietAtStep.push((await listSchedules(db, id))[0].in_quiet_window);
      const { added: n, at } = await stepAt(db);
      const expected = modelStep(model, at);
      added.push(n);
      virtualAt.push(at + shift);
      const label = `step ${i} at +${(at + shift - toUs(t0)) / SECOND} s (virtual)`;
      expect([label, isoUs((await dueOf(db, id)).us)]).toEqual([label, isoUs(expected.next)]);
      expect([label, n]).toEqual([label, expected.taken && !expected.quiet && !queued ? 1 : 0]);
      if (expected.quiet) expect([label, isoUs(expected.next + shift)]).toEqual([label, isoUs(firstAfter)]); // right after the window
      if (n === 1) {
        queued = true;
        const [job] = await jobsOf(db);
        expect([label, isoUs(job.dueUs + shift)]).toEqual([label, isoUs(firstAfter)]); // the job is for the slot after the window
      }
      await db.query(`update public.fleet_schedules set next_due_at = next_due_at - make_interval(secs => $2),
          quiet_start = quiet_start - make_interval(secs => $2), quiet_end = quiet_end - make_interval(secs => $2)
        where tenant_id = $1`, [id, every]);
    }
    // Steps at +0, +60, +120, +180 s fall in the window (it ends at +210 s): the first is due and moves the
    // tenant to its first slot after the window, in (+210, +270]; the step at +240 or +300 s, whichever
    // is the first at or after that slot, enqueues it (once: at +300 s a job enqueued at +240 s is queued).
    expect(quietAtStep).toEqual([true, true, true, true, false, false]);
    expect(firstAfter).toBeGreaterThan(windowEnd);
    expect(firstAfter - windowEnd).toBeLessThanOrEqual(every * SECOND);
    const enqueuedAt = virtualAt[4] >= firstAfter ? 4 : 5;
    expect(virtualAt[enqueuedAt]).toBeGreaterThanOrEqual(firstAfter);
    expect(added).toEqual([0, 1, 2, 3, 4, 5].map((i) => Number(i === enqueuedAt)));
  });

  test('many scheduler steps at once (every worker runs one) enqueue each due tenant exactly once', async () => {
    const ids = [];
    for (let i = 0; i < 20; i += 1) {
      const id = await addHotel(db);
      await setDue(db, id, 1 + i * 97);
      ids.push(id);
    }
    const counts = await Promise.all(Array.from({ length: 8 }, () => step(db)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20);
    expect((await jobsOf(db)).map((j) => j.data.tenant_id).sort()).toEqual([...ids].sort());
    // Each moved to its first slot after the step that took it (the job's created_on is that step's now()).
    const jobs = new Map((await jobsOf(db)).map((j) => [j.data.tenant_id, j]));
    for (const id of ids) {
      expect([id, isoUs((await dueOf(db, id)).us)]).toEqual([id, isoUs(slotAfter(await phaseUs(db, id, 900), 900, jobs.get(id).createdUs))]);
    }
  });

  // Regression (issue 14): a quiet tenant used to skip to its next slot; a daily one whose slot is inside
  // its window was never enqueued again.
  test('a daily tenant whose slot is inside its quiet window is enqueued once a day, right after the window (10 simulated days)', async () => {
    // How time is simulated. The scheduler's slot arithmetic repeats every day (daily slots) and every
    // 15 min (the spread after a window), and the window is a time of day: moving every stored time
    // (next_due_at, quiet_start, quiet_end) back by a whole number of days or of 15-min steps is exactly
    // the clock moving on by as much. The tenant's latest daily slot P is 2 to 20 hours ago (a tenant
    // chosen for that among seeded ids); its window is [P − 10 min, P + 1 h) in Kathmandu time (UTC+05:45,
    // no DST). Each simulated day:
    //   1. a day passes: next_due_at − 1 day (the next day's slot P + 1 day is P again);
    //   2. the clock is set back to just after P, inside the window: every stored time + `shift`, the
    //      whole 15-min steps between P and now; step A must not enqueue, and must move the tenant to its
    //      first 15-min slot after the window's end, not to the next day's slot;
    //   3. the clock returns to now, which is past the window and that slot: every stored time − `shift`;
    //      step B enqueues the tenant (for that slot) and moves it to its next daily slot, P + 1 day;
    //   4. a worker takes the job and completes it.
    const tz = 'Asia/Kathmandu';
    const rand = prng(1403);
    let id;
    let P;
    for (let tries = 0; !id; tries += 1) {
      expect(tries).toBeLessThan(50);
      const candidate = seededUuid(rand);
      const [{ now }] = await db.query('select extract(epoch from now())::text as now');
      const latest = slotAfter(await phaseUs(db, candidate, DAY), DAY, toUs(now)) - DAY * SECOND;
      if (toUs(now) - latest >= 2 * 3600 * SECOND && toUs(now) - latest <= 20 * 3600 * SECOND) [id, P] = [candidate, latest];
    }
    await addHotel(db, { tenantId: id });
    await setSchedules(db, [id], { intervalSeconds: DAY, quiet: { start: '00:00', end: '01:00' }, quietTz: tz });
    await db.query(`update public.fleet_schedules set quiet_start = ($2::text::timestamptz - interval '10 minutes') at time zone $3,
        quiet_end = ($2::text::timestamptz + interval '1 hour') at time zone $3 where tenant_id = $1`, [id, isoUs(P), tz]);
    expect(isoUs((await dueOf(db, id)).us)).toBe(isoUs(P + DAY * SECOND)); // its first slot after it was set
    const windowEnd = P + 3600 * SECOND;
    const afterWindow = slotAfter(await phaseUs(db, id, 900), 900, windowEnd);
    expect(afterWindow - windowEnd).toBeGreaterThan(0);
    expect(afterWindow - windowEnd).toBeLessThanOrEqual(900 * SECOND);
    const shiftBy = (seconds) => db.query(`update public.fleet_schedules set next_due_at = next_due_at + make_interval(secs => $2),
        quiet_start = quiet_start + make_interval(secs => $2), quiet_end = quiet_end + make_interval(secs => $2) where tenant_id = $1`, [id, seconds]);

    const days = [];
    for (let day = 0; day < 10; day += 1) {
      const label = `day ${day}`;
      await db.query("update public.fleet_schedules set next_due_at = next_due_at - interval '1 day' where tenant_id = $1", [id]); // 1.
      expect([label, isoUs((await dueOf(db, id)).us)]).toEqual([label, isoUs(P)]);

      const [{ now }] = await db.query('select extract(epoch from now())::text as now'); // 2.
      const shift = 900 * Math.floor((toUs(now) - P) / (900 * SECOND));
      await shiftBy(shift);
      const model = await modelOf(db, id);
      const a = await stepAt(db);
      const expectedA = modelStep(model, a.at);
      expect([label, a.at - shift * SECOND >= P && a.at - shift * SECOND < windowEnd]).toEqual([label, true]); // just after P, inside the window
      expect([label, a.added, expectedA.quiet]).toEqual([label, 0, true]);
      const dueA = (await dueOf(db, id)).us;
      expect([label, isoUs(dueA)]).toEqual([label, isoUs(expectedA.next)]);
      expect([label, isoUs(dueA - shift * SECOND)]).toEqual([label, isoUs(afterWindow)]); // right after the window, not tomorrow

      await shiftBy(-shift); // 3.
      const b = await stepAt(db);
      expect([label, b.added]).toEqual([label, 1]);
      const [job] = await jobsOf(db).then((jobs) => jobs.filter((j) => j.state === 'created'));
      expect([label, job.data.tenant_id, isoUs(job.dueUs)]).toEqual([label, id, isoUs(afterWindow)]);
      expect([label, isoUs((await dueOf(db, id)).us)]).toEqual([label, isoUs(P + DAY * SECOND)]); // its next daily slot

      const [taken] = await boss.fetch(SYNC_QUEUE); // 4.
      expect([label, taken.id]).toEqual([label, job.id]);
      await boss.complete(SYNC_QUEUE, taken.id);
      days.push(a.added + b.added);
    }
    expect(days).toEqual(Array(10).fill(1));
    expect((await jobsOf(db)).map((j) => [j.data.tenant_id, j.state])).toEqual(Array(10).fill([id, 'completed']));
  });

  // Regression (issue 14): the step used to move a tenant one interval on from wherever it was due, so a
  // worker's deferral (fleet_worker: next_due_at = now() + n s) shifted its phase for good.
  test('a tenant deferred to any time (off its phase) is enqueued once, then is back on its phase', async () => {
    const id = await addHotel(db);
    await setSchedules(db, [id], { intervalSeconds: 60 });
    const phase = await phaseUs(db, id, 60);
    expect(onPhase((await dueOf(db, id)).us, phase, 60)).toBe(true);
    // Deferred to now() − 3.7 s: off its phase (but for a 1-in-60 000 chance to hit a slot: then 1 ms earlier).
    await setDue(db, id, 3.7);
    if (onPhase((await dueOf(db, id)).us, phase, 60)) await db.query("update public.fleet_schedules set next_due_at = next_due_at - interval '1 millisecond' where tenant_id = $1", [id]);
    const deferred = (await dueOf(db, id)).us;
    expect(onPhase(deferred, phase, 60)).toBe(false);

    const first = await stepAt(db);
    expect(first.added).toBe(1);
    let jobs = await jobsOf(db);
    expect(jobs.map((j) => [j.data.tenant_id, isoUs(j.dueUs)])).toEqual([[id, isoUs(deferred)]]);
    const due = (await dueOf(db, id)).us;
    expect(isoUs(due)).toBe(isoUs(slotAfter(phase, 60, first.at)));
    expect(onPhase(due, phase, 60)).toBe(true);
    expect(due > first.at && due - first.at <= 60 * SECOND).toBe(true);
    expect(await step(db)).toBe(0);

    // It stays there: a worker completes the job, the clock moves one interval on (the due time 60 s back,
    // exact for slots of 60 s): the next job is for that on-phase slot, and the tenant moves on by one interval.
    const [taken] = await boss.fetch(SYNC_QUEUE);
    await boss.complete(SYNC_QUEUE, taken.id);
    await db.query("update public.fleet_schedules set next_due_at = next_due_at - interval '60 seconds' where tenant_id = $1", [id]);
    const second = await stepAt(db);
    expect(second.added).toBe(1);
    jobs = await jobsOf(db);
    expect(isoUs(jobs[1].dueUs)).toBe(isoUs(due - 60 * SECOND));
    expect(isoUs((await dueOf(db, id)).us)).toBe(isoUs(slotAfter(phase, 60, second.at)));
    expect(onPhase((await dueOf(db, id)).us, phase, 60)).toBe(true);
  });

  // Regression (issue 14): one schedule with an unknown zone made `at time zone` fail inside the step,
  // and so stopped it for every tenant.
  test('the database refuses an unknown quiet_tz (a CHECK), so the step runs for everyone', async () => {
    const bad = await addHotel(db);
    const good = await addHotel(db);
    const refused = async (sql, params) => {
      let error;
      try { await db.query(sql, params); } catch (e) { error = e; }
      expect(error).toBeDefined();
      expect(error.code).toBe('23514'); // check_violation
      expect(error.message).toMatch(/violates check constraint "fleet_schedules_quiet_tz_check"/);
    };
    await refused(`update public.fleet_schedules set quiet_tz = 'Nowhere/Atlantis', quiet_start = '00:00', quiet_end = '23:00' where tenant_id = $1`, [bad]);
    await refused("update public.fleet_schedules set quiet_tz = 'Nowhere/Atlantis' where tenant_id = $1", [bad]);
    await db.query('delete from public.fleet_schedules where tenant_id = $1', [bad]);
    await refused("insert into public.fleet_schedules (tenant_id, quiet_tz, next_due_at) values ($1, 'Nowhere/Atlantis', now())", [bad]);
    await db.query("insert into public.fleet_schedules (tenant_id, next_due_at) values ($1, now() - interval '5 seconds')", [bad]);
    expect((await dueOf(db, bad)).quiet_tz).toBe('UTC');
    // Known zones pass the check, whatever their spelling; setSchedules refuses an unknown one before
    // the database does, naming --tz (see 'an unknown time zone is refused').
    const zones = await db.query(`select public.fleet_valid_time_zone(z) as ok, z from unnest(array['UTC', 'utc', 'Europe/Berlin', 'Asia/Kathmandu', '+05:30', 'Nowhere/Atlantis', '']) z`);
    expect(zones.map((r) => [r.z, r.ok])).toEqual([['UTC', true], ['utc', true], ['Europe/Berlin', true], ['Asia/Kathmandu', true], ['+05:30', true], ['Nowhere/Atlantis', false], ['', false]]);
    await db.query("update public.fleet_schedules set quiet_tz = 'Asia/Kathmandu' where tenant_id = $1", [good]);

    await setDue(db, bad, 5);
    await setDue(db, good, 5);
    expect(await step(db)).toBe(2);
    expect((await jobsOf(db)).map((j) => j.data.tenant_id).sort()).toEqual([bad, good].sort());
  });

  // Regression (issue 14): the tenants of one window now restart after it spread over 15 min, not all at its end.
  test('100 tenants due inside one quiet window: none enqueued; each due again at its own slot in the 15 min after the window', async () => {
    const rand = prng(1404);
    const ids = [];
    for (let i = 0; i < 100; i += 1) ids.push(await addHotel(db, { tenantId: seededUuid(rand) }));
    await setSchedules(db, ids, { intervalSeconds: 3600, quiet: { start: '00:00', end: '01:00' }, quietTz: 'Asia/Kathmandu' });
    // Every earlier tenant is paused (beforeEach): the enabled ones are these. One window, -30 to +30 min.
    await db.query(`update public.fleet_schedules set quiet_start = (now() at time zone quiet_tz)::time - interval '30 minutes',
        quiet_end = (now() at time zone quiet_tz)::time + interval '30 minutes',
        next_due_at = now() - make_interval(secs => 1 + mod(abs(hashtext(tenant_id::text)::bigint), 600)) where enabled`);
    const models = new Map();
    for (const id of ids) models.set(id, await modelOf(db, id));
    const { added, at } = await stepAt(db);
    expect(added).toBe(0);
    expect(await jobsOf(db)).toEqual([]);

    const windowEnd = nextLocalTime(at, models.get(ids[0]).quietEnd, 'Asia/Kathmandu');
    expect(windowEnd - at).toBeGreaterThan(29 * 60 * SECOND);
    expect(windowEnd - at).toBeLessThanOrEqual(30 * 60 * SECOND);
    const offsets = [];
    for (const id of ids) {
      const due = (await dueOf(db, id)).us;
      const expected = modelStep(models.get(id), at);
      expect([id, expected.quiet, isoUs(due)]).toEqual([id, true, isoUs(expected.next)]);
      expect([id, isoUs(due)]).toEqual([id, isoUs(slotAfter(await phaseUs(db, id, 900), 900, windowEnd))]);
      expect([id, due > windowEnd && due - windowEnd <= 900 * SECOND]).toEqual([id, true]);
      offsets.push((due - windowEnd) / SECOND);
    }
    // Spread, not all at the window's end: 100 different times, each third of the 15 min holds some.
    expect(new Set(offsets).size).toBe(100);
    for (let third = 0; third < 3; third += 1) {
      expect(offsets.filter((o) => o > third * 300 && o <= (third + 1) * 300).length).toBeGreaterThanOrEqual(15);
    }
  });
});

describe.each(databaseKinds())('quiet windows, fleet_in_quiet_window (%s)', (kind) => {
  let db;
  beforeAll(async () => { db = await openTestDatabase(kind); });
  afterAll(() => db?.close());
  const inWindow = async (start, end, tz, at) => (await db.query(
    'select public.fleet_in_quiet_window($1::time, $2::time, $3, $4::timestamptz) as q', [start, end, tz, at]))[0].q;

  test.each([
    // wrapping midnight, UTC
    ['22:00', '06:00', 'UTC', '2026-01-01T22:00:00Z', true],
    ['22:00', '06:00', 'UTC', '2026-01-01T23:59:59Z', true],
    ['22:00', '06:00', 'UTC', '2026-01-02T00:00:00Z', true],
    ['22:00', '06:00', 'UTC', '2026-01-02T05:59:59Z', true],
    ['22:00', '06:00', 'UTC', '2026-01-02T06:00:00Z', false],
    ['22:00', '06:00', 'UTC', '2026-01-01T12:00:00Z', false],
    ['22:00', '06:00', 'UTC', '2026-01-01T21:59:59Z', false],
    ['23:59', '00:00', 'UTC', '2026-01-01T23:59:30Z', true],
    ['23:59', '00:00', 'UTC', '2026-01-02T00:00:00Z', false],
    // not wrapping
    ['09:00', '17:00', 'UTC', '2026-01-01T09:00:00Z', true],
    ['09:00', '17:00', 'UTC', '2026-01-01T16:59:59Z', true],
    ['09:00', '17:00', 'UTC', '2026-01-01T17:00:00Z', false],
    ['09:00', '17:00', 'UTC', '2026-01-01T08:59:59Z', false],
    // local time of the window's zone, summer and winter
    ['22:00', '06:00', 'Europe/Berlin', '2026-01-01T21:30:00Z', true], // 22:30 CET
    ['22:00', '06:00', 'Europe/Berlin', '2026-01-01T20:30:00Z', false], // 21:30 CET
    ['22:00', '06:00', 'Europe/Berlin', '2026-07-01T03:30:00Z', true], // 05:30 CEST
    ['22:00', '06:00', 'Europe/Berlin', '2026-07-01T04:30:00Z', false], // 06:30 CEST
    ['23:00', '01:00', 'America/New_York', '2026-01-02T04:30:00Z', true], // 23:30 EST
    ['23:00', '01:00', 'America/New_York', '2026-01-02T06:30:00Z', false], // 01:30 EST
    [null, null, 'UTC', '2026-01-01T12:00:00Z', false],
  ])('%s-%s %s at %s: %s', async (start, end, tz, at, expected) => {
    expect(await inWindow(start, end, tz, at)).toBe(expected);
  });

  test('agrees with [start, end) on the clock, wrapping or not, for seeded windows and instants (UTC)', async () => {
    const rand = prng(5150);
    const minutes = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    for (let i = 0; i < 150; i += 1) {
      const s = rand.int(0, 1439);
      let e = rand.int(0, 1439);
      if (e === s) e = (s + 1) % 1440;
      const t = rand.pick([s, e, (s + 1439) % 1440, (e + 1439) % 1440, rand.int(0, 1439)]);
      const at = `2026-03-0${rand.int(1, 9)}T${minutes(t)}:${String(rand.int(0, 59)).padStart(2, '0')}Z`;
      const expected = s < e ? t >= s && t < e : t >= s || t < e;
      const label = `${minutes(s)}-${minutes(e)} at ${at}`;
      expect([label, await inWindow(minutes(s), minutes(e), 'UTC', at)]).toEqual([label, expected]);
    }
  });
});

// The command line on PostgreSQL (a CLI start there takes about a second; the same schedule_store code is
// checked on PGlite above, and the CLI's embedded-database plumbing by every other CLI suite).
describePostgres('mphb-sync schedule, the CLI (postgres)', () => {
  let env;
  let cleanup = async () => {};
  let ids;
  let initial; // the schedules `list` showed first
  const cli = (...args) => runCli(['schedule', ...args], { env });
  const listed = async () => {
    const r = await cli('list', '--json');
    expect(r.code).toBe(0);
    return Object.fromEntries(JSON.parse(r.stdout).map((row) => [row.slug, row]));
  };

  beforeAll(async () => {
    const db = await openTestDatabase('postgres');
    ids = { alpha: await addHotel(db, { slug: 'alpha' }), beta: await addHotel(db, { slug: 'beta' }) };
    env = { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: KEY };
    cleanup = () => db.close();
  });
  afterAll(() => cleanup());

  test('list: every tenant has the default schedule', async () => {
    const rows = await listed();
    initial = rows;
    expect(Object.keys(rows)).toEqual(['alpha', 'beta']);
    for (const slug of ['alpha', 'beta']) {
      expect(rows[slug]).toMatchObject({ tenant_id: ids[slug], interval_seconds: 900, enabled: true, quiet_window: null, quiet_tz: 'UTC' });
    }
    const text = await cli('list');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^alpha\s+enabled\s+every 15m\s+no quiet window\s+next due \d{4}-\d\d-\d\dT/m);
  });

  test('set --every 30s --tenant alpha: alpha every 30 s, next due within 30 s; beta unchanged', async () => {
    const r = await cli('set', '--every', '30s', '--tenant', 'alpha', '--json');
    expect(r.code).toBe(0);
    const [row] = JSON.parse(r.stdout);
    expect(row).toMatchObject({ slug: 'alpha', interval_seconds: 30, enabled: true });
    const ahead = (Date.parse(row.next_due_at) - Date.now()) / 1000;
    expect(ahead).toBeLessThanOrEqual(30 + 1); // clocks of one machine; the CLI ran a moment ago
    expect(ahead).toBeGreaterThan(-60);
    expect((await listed()).beta).toEqual(initial.beta);
  });

  test('set --quiet 22:00-06:00 --tz Europe/Berlin for both; then --no-quiet for beta', async () => {
    const r = await cli('set', '--quiet', '22:00-06:00', '--tz', 'Europe/Berlin', '--tenant', 'alpha', '--tenant', ids.beta);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^alpha\s+enabled\s+every 30s\s+quiet 22:00-06:00 Europe\/Berlin/m);
    expect(r.stdout).toMatch(/^beta\s+enabled\s+every 15m\s+quiet 22:00-06:00 Europe\/Berlin/m);

    const cleared = await cli('set', '--no-quiet', '--tenant', 'beta', '--json');
    expect(cleared.code).toBe(0);
    expect(JSON.parse(cleared.stdout)).toEqual([expect.objectContaining({ slug: 'beta', quiet_window: null, in_quiet_window: false })]);
    const rows = await listed();
    expect(rows.alpha).toMatchObject({ interval_seconds: 30, quiet_window: '22:00-06:00', quiet_tz: 'Europe/Berlin' });
    expect(rows.beta).toMatchObject({ interval_seconds: 900, quiet_window: null, quiet_tz: 'Europe/Berlin' });
  });

  test('pause --tenant alpha, then resume --all', async () => {
    const paused = await cli('pause', '--tenant', 'alpha');
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(/^alpha\s+paused\s+every 30s/m);
    const rows = await listed();
    expect([rows.alpha.enabled, rows.beta.enabled]).toEqual([false, true]);
    const resumed = await cli('resume', '--all', '--json');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).map((row) => [row.slug, row.enabled])).toEqual([['alpha', true], ['beta', true]]);
    expect(JSON.parse(resumed.stdout).find((row) => row.slug === 'alpha').interval_seconds).toBe(30);
  });

  const refusals = [
    [['set', '--every', '15m', '--tenant', 'nowhere'], /no tenant "nowhere"/],
    [['set', '--every', '15m', '--tenant', 'alpha', '--tenant', 'nowhere'], /no tenant "nowhere"/],
    [['set', '--every', '3s', '--tenant', 'alpha'], /--every "3s" must be a duration from 5s to 7d/],
    [['set', '--tz', 'Mars/Olympus_Mons', '--tenant', 'alpha'], /--tz "Mars\/Olympus_Mons" is not a time zone/],
    [['list', '--tenant', 'nowhere'], /no tenant "nowhere"/],
    [['set', '--every', 'soon', '--tenant', 'alpha'], /--every "soon"/],
    [['set', '--every', '8d', '--tenant', 'alpha'], /--every "8d"/],
    [['set', '--quiet', '25:00-06:00', '--tenant', 'alpha'], /--quiet "25:00-06:00"/],
    [['set', '--quiet', '22:00-22:00', '--tenant', 'alpha'], /--quiet "22:00-22:00"/],
    [['set', '--tenant', 'alpha'], /nothing to set/],
    [['pause'], /--tenant <tenant> \(repeatable\) or --all/],
    [['resume', '--all', '--tenant', 'alpha'], /--tenant or --all, not both/],
  ];

  test(`refused with exit 2, naming what is wrong, and nothing changes (${refusals.length} cases)`, async () => {
    const before = await listed();
    for (const [args, message] of refusals) {
      const r = await cli(...args);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^mphb-sync schedule \w+: /);
    }
    expect(await listed()).toEqual(before);
  });
});
