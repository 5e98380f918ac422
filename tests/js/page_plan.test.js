// js/page_plan.js reads a bookings page plan without parsing its rows: the plan it gives must equal the
// whole text parsed, on every profile of the simulator, with guest data made to look like the plan's own
// keys, and whatever the page holds (reservations, blocks, unknown units, errors).
import { loadCore } from '../../js/core.js';
import { readPagePlan } from '../../js/page_plan.js';
import { hotelPages } from './support/hotel_pages.js';

const TENANT = '6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11';
const NOW = '2026-11-28T10:00:00Z';

let core;
beforeAll(async () => { core = await loadCore(); });

// The core's plan text itself, as the embind session returns it.
function planText(session, bytes) {
  const input = core.writeInput(bytes);
  try {
    return new TextDecoder().decode(session.session.planPage(input.ptr, input.len));
  } finally {
    core.module._free(input.ptr);
  }
}

// Plans every page twice, with the same session state: once read by readPagePlan, once parsed whole.
function expectSamePlans({ knownUnits, knownTypes, pages }) {
  const lazy = core.bookingsSync({ tenantId: TENANT, now: NOW, knownUnits, knownTypes, stored: {} });
  const whole = core.bookingsSync({ tenantId: TENANT, now: NOW, knownUnits, knownTypes, stored: {} });
  try {
    for (const records of pages) {
      const bytes = new TextEncoder().encode(JSON.stringify(records));
      const read = lazy.planPage(bytes);
      const parsed = JSON.parse(planText(whole, bytes));
      expect(JSON.parse(JSON.stringify(read))).toEqual(parsed);
      if (read.rows_text) {
        expect(JSON.parse(read.rows_text.reservations)).toEqual(parsed.reservations);
        expect(JSON.parse(read.rows_text.reservation_accommodations)).toEqual(parsed.reservation_accommodations);
        expect(JSON.parse(read.rows_text.calendar_blocks)).toEqual(parsed.calendar_blocks);
      }
    }
  } finally {
    lazy.close();
    whole.close();
  }
}

describe('page plans read without parsing their rows', () => {
  test.each(['testhotel', 'indo', 'simmerdown', 'airbnb-heavy', 'large:400'])('%s: equal to the whole plan parsed', (profile) => {
    expectSamePlans(hotelPages(profile, 3));
  });

  test("guest data that spells the plan's keys does not move the cut", () => {
    const h = hotelPages('large:120', 4);
    const tricky = ['],"counts":{', '],"reservations":[', ',"reservation_accommodations":[', '],"unknown_units":', '"tenant_id":"x"'];
    let n = 0;
    for (const page of h.pages) {
      for (const b of page) {
        if (b.customer) b.customer.first_name = `${tricky[n % tricky.length]}${n}`;
        if (Array.isArray(b.reserved_accommodations) && b.reserved_accommodations[0]) b.reserved_accommodations[0].guest_name = tricky[(n + 2) % tricky.length];
        n += 1;
      }
    }
    expectSamePlans(h);
  });

  test('a page naming unknown units, and a page that is not JSON, read like any other', () => {
    const h = hotelPages('testhotel', 5);
    expectSamePlans({ ...h, knownUnits: {}, knownTypes: [] });
    const session = core.bookingsSync({ tenantId: TENANT, now: NOW, knownUnits: h.knownUnits, knownTypes: h.knownTypes, stored: {} });
    try {
      const plan = session.planPage(new TextEncoder().encode('[{"id": 1,'));
      expect(plan.errors.length).toBeGreaterThan(0);
      expect(plan.reservations).toEqual([]);
    } finally {
      session.close();
    }
  });

  test('text laid out otherwise is parsed whole', () => {
    expect(readPagePlan('{"counts":{},"reservations":[1]}')).toEqual({ counts: {}, reservations: [1] });
    const plan = readPagePlan('{"calendar_blocks":[],"counts":{"created":1},"delete_blocks":[],"delete_reservations":[],"errors":[],"reservation_accommodations":[{"a":1}],"reservations":[{"id":"r"}],"unknown_units":[],"warnings":[]}');
    expect(plan.rows_text).toEqual({ calendar_blocks: '[]', reservation_accommodations: '[{"a":1}]', reservations: '[{"id":"r"}]' });
    expect(plan.reservations).toEqual([{ id: 'r' }]);
    expect(Object.keys(plan)).toContain('reservations');
  });
});
