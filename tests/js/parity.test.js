// The native (g++) and WebAssembly builds of the core must produce byte-identical plans for the same
// input: the browser preview, the edge function and the Node host all make the same decisions.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadCore } from '../../js/core.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NATIVE = join(ROOT, 'build/native/mphb_plan_native');
const EXAMPLE = join(ROOT, 'examples/seaside-hotel');
const TENANT = '0b6e0f36-8f3e-4c55-9a51-4a1f6d2e9c10';
const NOW = '2026-11-28T10:00:00Z';

let core;
let dir;
beforeAll(async () => {
  core = await loadCore();
  dir = mkdtempSync(join(tmpdir(), 'mphb-parity-'));
});

function nativePlan(files) {
  const args = ['--tenant-id', TENANT, '--now', NOW];
  for (const [flag, bytes] of Object.entries(files)) {
    if (bytes === undefined) continue;
    const path = join(dir, `${flag}.json`);
    writeFileSync(path, bytes);
    args.push(`--${flag}`, path);
  }
  try {
    return execFileSync(NATIVE, args, { maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    if (error.status === 1) return error.stdout; // a plan with errors is still a plan
    throw error;
  }
}

function wasmPlan(files) {
  return Buffer.from(core.planJson({
    tenantId: TENANT, now: NOW,
    accommodationTypes: files.types, accommodations: files.units, bookings: files.bookings,
  }), 'utf8');
}

// A seeded generator of realistic, quirky bookings (xorshift32; no Math.random: runs are repeatable).
function generateHotel(seed, bookingCount) {
  let state = seed >>> 0 || 1;
  const next = () => { state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0; return state; };
  const pick = (list) => list[next() % list.length];
  const types = Array.from({ length: 4 }, (_, i) => ({ id: 10 + i, status: pick(['publish', 'draft']), title: pick(['Suite &amp; Spa', 'Habitación Doble', '海景房', { rendered: 'Loft &#8211; Top' }]), adults: 2, children: next() % 3, size: pick([20, 24.5, '31']) }));
  const units = Array.from({ length: 8 }, (_, i) => ({ id: 100 + i, status: pick(['publish', 'publish', 'trash']), accommodation_type_id: 10 + (i % 4), title: `Room ${i + 1}` }));
  const bookings = Array.from({ length: bookingCount }, (_, i) => {
    const imported = next() % 3 === 0;
    const rooms = Array.from({ length: 1 + (next() % 3 === 0 ? next() % 3 : 0) }, () => {
      const unit = next() % 10 === 0 ? 900 + (next() % 5) : 100 + (next() % 8);
      return { accommodation: unit, accommodation_type: 10 + (unit % 4), rate: imported ? 0 : 7, adults: 1 + (next() % 3), children: next() % 2, guest_name: pick(['', 'Zoë Ødegård', 'Ana']) };
    });
    const day = 1 + (next() % 27);
    return {
      id: pick([1000 + i, String(1000 + i)]),
      status: pick(['confirmed', 'pending', 'pending-user', 'pending-payment', 'cancelled', 'abandoned', 'weird-status']),
      date_created_utc: `2026-0${1 + (next() % 9)}-1${next() % 10}T12:4${next() % 10}:00`,
      check_in_date: `2026-12-${String(day).padStart(2, '0')}`,
      check_out_date: `2026-12-${String(day + 1 + (next() % 3)).padStart(2, '0')}`,
      check_in_time: '15:00:00', check_out_time: '11:00',
      customer: imported && next() % 2 ? { first_name: '', last_name: '', email: '', phone: '' } : { first_name: pick(['Ana', 'Jörg', '李']), last_name: 'X', email: 'a@b.c', phone: pick(['+57 311 555 0142', '(305) 555-0100', '12', '']) },
      reserved_accommodations: rooms,
      currency: 'EUR', total_price: pick([0, 240, 901.5, 0.1, 1e3, 12345.678]),
      imported,
      ical_summary: imported ? pick(['"Airbnb (Not available)"', '"Reserved"', 'Blocked']) : '',
      ical_description: imported ? pick(['', '"Reservation URL: https://www.airbnb.com/hosting/reservations/details/HM' + (next() % 50) + '\\nPhone Number (Last 4 Digits): 4417"']) : '',
      ical_prodid: imported ? pick(['"-//Airbnb Inc//Hosting Calendar 1.0//EN"', '-//Booking.com//EN', '-//Acme Channel//X//EN']) : '',
    };
  });
  return { types: JSON.stringify(types), units: JSON.stringify(units), bookings: JSON.stringify(bookings) };
}

test('the bundled example plans byte-identically natively and in WASM', () => {
  const files = {
    types: readFileSync(join(EXAMPLE, 'accommodation_types.json')),
    units: readFileSync(join(EXAMPLE, 'accommodations.json')),
    bookings: readFileSync(join(EXAMPLE, 'bookings.json')),
  };
  const native = nativePlan(files);
  expect(native.length).toBeGreaterThan(1000);
  expect(wasmPlan(files).equals(native)).toBe(true);
});

test.each([1, 2, 3, 42, 2026])('generated hotel (seed %i, 300 bookings) plans byte-identically', (seed) => {
  const files = generateHotel(seed, 300);
  const native = nativePlan(files);
  const plan = JSON.parse(native.toString('utf8'));
  expect(plan.reservations.length + plan.calendar_blocks.length).toBeGreaterThan(100);
  expect(wasmPlan(files).equals(native)).toBe(true);
});

test.each([
  ['truncated JSON', { bookings: '[{"id": 1, "status": "confirmed", "check_in_date": "2026-01-0' }],
  ['invalid UTF-8', { bookings: Buffer.from([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]) }],
  ['deep nesting', { bookings: '['.repeat(5000) }],
  ['huge numbers', { bookings: '[{"id": 1e400}]' }],
  ['wrong root', { types: '{"code":"rest_no_route","message":"No route","data":{"status":404}}' }],
  ['only units', { units: '[{"id": 5, "accommodation_type_id": 9, "title": "A"}]' }],
])('bad or partial input (%s) gives the same errors natively and in WASM', (_name, files) => {
  const native = nativePlan(files);
  expect(wasmPlan(files).equals(native)).toBe(true);
});
