// `mphb-sync guest stay|ask` end to end: a real CLI process on the embedded database, hotels registered
// and synced with the CLI from the simulator. What staff see is what the guest endpoints answer.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { jest } from '@jest/globals';

import { openDatabase } from '../../host/db/database.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { runCli } from './support/cli_process.js';

jest.setTimeout(180_000);
const KEY = Buffer.alloc(32, 5).toString('base64');

let sim;
let dataDir;
let multi; // a multi-room reservation of simmerdown
let block; // a calendar block of simmerdown
let rooms;

const cli = (args, env = {}) => runCli(args, { env: { DATABASE_URL: '', MPHB_DATA_DIR: dataDir, MPHB_ENCRYPTION_KEY: KEY, ...env } });

beforeAll(async () => {
  sim = await startSimulator({ hotels: 'simmerdown', seed: 2 });
  dataDir = mkdtempSync(join(tmpdir(), 'mphb-guest-cli-'));
  const h = sim.hotels[0];
  const add = await cli(['tenant', 'add', '--slug', 'simmerdown', '--name', h.title, '--site-url', h.siteUrl,
    '--consumer-key', h.keys.readWrite.key, '--consumer-secret', h.keys.readWrite.secret]);
  expect(add.code).toBe(0);
  expect((await cli(['sync-all', '--tenant', 'simmerdown'])).code).toBe(0);
  const db = await openDatabase({ url: null, dataDir: join(dataDir, 'pglite') });
  try {
    [multi] = await db.query(`select id, external_booking_id from public.guest_reservations where room_count > 1 order by external_booking_id limit 1`);
    [block] = await db.query('select external_booking_id from public.calendar_blocks order by external_booking_id limit 1');
    rooms = await db.query(`select ra.position, u.name as unit_name, t.name as type_name from public.reservation_accommodations ra
      join hotels.accommodation_units u on u.id = ra.accommodation_unit_id join hotels.accommodation_types t on t.id = u.accommodation_type_id
      where ra.reservation_id = $1 order by ra.position`, [multi.id]);
  } finally {
    await db.close();
  }
  expect(rooms.length).toBeGreaterThan(1);
  expect(block).toBeDefined();
});
afterAll(() => sim?.stop());

test('guest stay --json prints the stay the guest sees: every room, in position order', async () => {
  const r = await cli(['guest', 'stay', '--tenant', 'simmerdown', '--booking', String(multi.external_booking_id), '--json']);
  expect(r.code).toBe(0);
  const stay = JSON.parse(r.stdout);
  expect(stay.reservation_id).toBe(multi.id);
  expect(stay.rooms.map((x) => ({ position: x.position, unit_name: x.unit_name, type_name: x.type_name }))).toEqual(rooms);
});

test('guest stay prints every room for people', async () => {
  const r = await cli(['guest', 'stay', '--tenant', 'simmerdown', '--booking', String(multi.external_booking_id)]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`booking ${multi.external_booking_id}`));
  for (const room of rooms) {
    expect(r.stdout).toContain(room.unit_name);
    expect(r.stdout).toContain(room.type_name);
  }
});

test('guest ask answers the room-type question naming every room (exit 0)', async () => {
  const r = await cli(['guest', 'ask', '--tenant', 'simmerdown', '--booking', String(multi.external_booking_id), '¿Qué tipo de habitación tengo?']);
  expect(r.code).toBe(0);
  for (const room of rooms) expect(r.stdout).toContain(room.unit_name);
  expect(r.stdout).not.toMatch(/sin asignar/i);
});

test('guest ask --json: an unanswerable question exits 1 with the context for a chat model', async () => {
  const r = await cli(['guest', 'ask', '--tenant', 'simmerdown', '--booking', String(multi.external_booking_id), '--json', 'Is there a pool?']);
  expect(r.code).toBe(1);
  const answer = JSON.parse(r.stdout);
  expect(answer).toMatchObject({ answered: false, intent: null, answer: null });
  for (const room of rooms) expect(answer.context).toContain(room.unit_name);
});

test.each([
  ['an unknown tenant', ['guest', 'stay', '--tenant', 'nowhere', '--booking', '1'], /no tenant "nowhere"/],
  ['an unknown booking', ['guest', 'stay', '--tenant', 'simmerdown', '--booking', '999999'], /no booking 999999/],
  ['a booking id that is not a number', ['guest', 'stay', '--tenant', 'simmerdown', '--booking', 'abc'], /--booking must be/],
  ['a missing --booking', ['guest', 'stay', '--tenant', 'simmerdown'], /--booking/],
  ['an empty question', () => ['guest', 'ask', '--tenant', 'simmerdown', '--booking', String(multi.external_booking_id), '  '], /question/],
])('exit 2 for %s, naming it', async (_, args, message) => {
  const r = await cli(typeof args === 'function' ? args() : args);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
});

test('a calendar block has no stay (exit 2, I6)', async () => {
  const r = await cli(['guest', 'stay', '--tenant', 'simmerdown', '--booking', String(block.external_booking_id)]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/calendar block/);
});

test('guest --help lists stay and ask', async () => {
  const r = await cli(['guest', '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/stay/);
  expect(r.stdout).toMatch(/ask/);
});
