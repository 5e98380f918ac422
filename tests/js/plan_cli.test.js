// `mphb-sync plan` end to end: real files in, JSON out on stdout, exit codes 0 / 1 / 2 (SPEC §5).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'host/cli/main.js');
const EXAMPLE = join(ROOT, 'examples/seaside-hotel');
const NOW = '2026-11-28T10:00:00Z';

function cli(...args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function examplePlan(...extra) {
  return cli('plan', '--types', join(EXAMPLE, 'accommodation_types.json'), '--units', join(EXAMPLE, 'accommodations.json'),
    '--bookings', join(EXAMPLE, 'bookings.json'), '--now', NOW, ...extra);
}

let dir;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'mphb-plan-cli-')); });

describe('a clean export', () => {
  let result;
  let plan;
  beforeAll(() => {
    result = examplePlan();
    plan = JSON.parse(result.stdout);
  });

  test('exits 0 and prints one JSON object with the seven arrays', () => {
    expect(result.code).toBe(0);
    expect(Object.keys(plan).sort()).toEqual(['accommodation_types', 'accommodation_units', 'calendar_blocks', 'errors',
      'reservation_accommodations', 'reservations', 'warnings']);
    expect(plan.errors).toEqual([]);
  });

  test('maps the multi-room booking with one junction row per room, first room as the reservation unit', () => {
    const r = plan.reservations.find((x) => x.external_booking_id === 5001);
    const rooms = plan.reservation_accommodations.filter((j) => j.reservation_id === r.id);
    expect(rooms.map((j) => [j.position, j.mphb_accommodation_id])).toEqual([[0, 101], [1, 201]]);
    expect(r.accommodation_unit_id).toBe(rooms[0].accommodation_unit_id);
    expect(plan.accommodation_units.find((u) => u.id === rooms[1].accommodation_unit_id).name).toBe('Garden 1');
  });

  test('maps the cancelled booking to cancelled', () => {
    expect(plan.reservations.find((x) => x.external_booking_id === 5002).status).toBe('cancelled');
  });

  test('maps the imported Airbnb guest with channel, code and phone last-4', () => {
    const r = plan.reservations.find((x) => x.external_booking_id === 5003);
    expect(r).toMatchObject({ booking_source: 'ical', channel: 'airbnb', reservation_code: 'HMABCD1234', phone_last_4: '4417', status: 'active', guest_name: null });
  });

  test('sends the calendar block to calendar_blocks, never to reservations', () => {
    expect(plan.reservations.some((x) => x.external_booking_id === 5004)).toBe(false);
    expect(plan.calendar_blocks).toEqual([expect.objectContaining({ external_booking_id: 5004, summary: 'Airbnb (Not available)', channel: 'airbnb' })]);
  });

  test('plans a flagged placeholder for the unit missing from the export, with a warning', () => {
    expect(plan.accommodation_units.find((u) => u.mphb_accommodation_id === 109)).toMatchObject({ is_placeholder: true, mphb_type_id: 12 });
    expect(plan.warnings).toContainEqual(expect.objectContaining({ code: 'placeholder_unit', path: 'bookings[4].reserved_accommodations[0].accommodation' }));
  });

  test('is deterministic: the same files and --now give the same bytes', () => {
    expect(examplePlan().stdout).toBe(result.stdout);
  });
});

test('--tenant-id changes every row id', () => {
  const other = JSON.parse(examplePlan('--tenant-id', '11111111-2222-4333-8444-555555555555').stdout);
  const base = JSON.parse(examplePlan().stdout);
  expect(other.reservations[0].id).not.toBe(base.reservations[0].id);
  expect(other.reservations[0].tenant_id).toBe('11111111-2222-4333-8444-555555555555');
});

test('accepts several pages concatenated as an array of arrays', () => {
  const pages = join(dir, 'pages.json');
  writeFileSync(pages, JSON.stringify([
    [{ id: 1, status: 'confirmed', check_in_date: '2026-12-01', check_out_date: '2026-12-02', reserved_accommodations: [{ accommodation: 101, accommodation_type: 12, adults: 1 }] }],
    [{ id: 2, status: 'pending', check_in_date: '2026-12-03', check_out_date: '2026-12-04', reserved_accommodations: [{ accommodation: 101, accommodation_type: 12, adults: 1 }] }],
  ]));
  const r = cli('plan', '--units', join(EXAMPLE, 'accommodations.json'), '--bookings', pages, '--now', NOW);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).reservations.map((x) => x.external_booking_id)).toEqual([1, 2]);
});

test('exits 1 when the plan has errors, still printing the plan with paths', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify([
    { id: 7, status: 'confirmed', check_in_date: '2026-12-01', check_out_date: '2026-12-02', reserved_accommodations: [{ accommodation: 101, adults: 1 }] },
    { id: 8, status: 'confirmed', check_in_date: '2026-12-01', check_out_date: '2026-12-02', reserved_accommodations: [{ accommodation: { id: 5 }, adults: 1 }] },
  ]));
  const r = cli('plan', '--units', join(EXAMPLE, 'accommodations.json'), '--bookings', bad, '--now', NOW);
  expect(r.code).toBe(1);
  const plan = JSON.parse(r.stdout);
  expect(plan.errors).toEqual([expect.objectContaining({ code: 'wrong_type', path: 'bookings[1].reserved_accommodations[0].accommodation' })]);
  expect(plan.reservations.map((x) => x.external_booking_id)).toEqual([7]);
});

test('exits 1 on malformed JSON, naming where it stopped', () => {
  const bad = join(dir, 'truncated.json');
  writeFileSync(bad, '[{"id": 3, "status": "confirm');
  const r = cli('plan', '--bookings', bad, '--now', NOW);
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout).errors[0]).toMatchObject({ code: 'invalid_json', path: 'bookings[0].status' });
});

test.each([
  ['a missing file', ['--bookings', '/definitely/not/here.json'], /cannot read --bookings \/definitely\/not\/here\.json: no such file/],
  ['a directory', ['--bookings', '/tmp'], /cannot read --bookings \/tmp: is a directory/],
  ['no input at all', [], /at least one of --types, --units, --bookings/],
  ['an unknown flag', ['--bookings', join(EXAMPLE, 'bookings.json'), '--frobnicate'], /unknown option '--frobnicate'/],
  ['a bad --tenant-id', ['--bookings', join(EXAMPLE, 'bookings.json'), '--tenant-id', 'hotel-1'], /--tenant-id: tenant_id must be a UUID/],
  ['a bad --now', ['--bookings', join(EXAMPLE, 'bookings.json'), '--now', 'yesterday'], /--now: now must be an ISO-8601 timestamp/],
])('exits 2 with a clear message on %s', (_name, args, message) => {
  const r = cli('plan', ...args);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
});

test('plan --help documents inputs and exit codes, exit 0', () => {
  const r = cli('plan', '--help');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/--bookings <file>/);
  expect(r.stdout).toMatch(/Exit codes: 0 no errors, 1 the plan has errors, 2 unreadable file or bad flag/);
});

test('--summary prints a readable table instead of JSON', () => {
  const r = examplePlan('--summary');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/guest reservations\s+4/);
  expect(r.stdout).toMatch(/calendar blocks\s+1/);
  expect(r.stdout).toMatch(/5001\s+active\s+2026-12-20 → 2026-12-27\s+Ana Restrepo\s+Deluxe 1 \+ Garden 1/);
});

test('the input files are not decoded by the host: invalid UTF-8 is reported by the core with its path', () => {
  const sub = join(dir, 'utf8');
  mkdirSync(sub, { recursive: true });
  const bad = join(sub, 'bad.json');
  writeFileSync(bad, Buffer.concat([Buffer.from('[{"id": 4, "status": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')]));
  const r = cli('plan', '--bookings', bad, '--now', NOW);
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout).errors[0]).toMatchObject({ code: 'invalid_utf8', path: 'bookings[0].status' });
});
