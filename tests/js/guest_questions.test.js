// The guest's questions through the real WASM build: every case of tests/fixtures/guest_questions.json —
// the table the native suite (tests/native/guest_questions_test.cpp) checks too — gives the same
// language, intent, facts and answer here; and a stay built by the core from database-shaped rows is
// answered the same way. Same core, same answers, in every host.
import { readFileSync } from 'node:fs';

import { loadCore } from '../../js/core.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/guest_questions.json', import.meta.url), 'utf8'));
let core;
beforeAll(async () => { core = await loadCore(); });

test('the table covers every intent in both languages, with unanswerable questions', () => {
  const intents = ['room_unit', 'room_type', 'room_count', 'check_in', 'check_out', 'stay_dates', 'nights', 'guests', 'bed_type', 'size', 'view', 'capacity', 'status'];
  for (const intent of intents) {
    for (const language of ['es', 'en']) {
      expect(fixture.cases.some((c) => c.intent === intent && c.language === language && c.answered)).toBe(true);
    }
  }
  expect(fixture.cases.filter((c) => c.answered).length).toBeGreaterThanOrEqual(40);
  expect(fixture.cases.filter((c) => !c.answered && c.intent === null).length).toBeGreaterThanOrEqual(8);
});

describe.each(fixture.cases.map((c) => [c.question, c]))('%s', (_, c) => {
  test(`${c.stay} stay → ${c.error_code ?? c.intent ?? 'not answered'}`, () => {
    const out = core.answerQuestion(fixture.stays[c.stay], c.question);
    if (c.error_code) {
      expect(out.errors.map((e) => e.code)).toContain(c.error_code);
      expect(out.answered).toBe(false);
      return;
    }
    expect(out.errors).toEqual([]);
    expect({ language: out.language, intent: out.intent, answered: out.answered }).toEqual({ language: c.language, intent: c.intent, answered: c.answered });
    expect(out.answered).toBe(out.answer !== null);
    if (c.facts) expect(out.facts).toEqual(c.facts);
    for (const text of c.answer_contains ?? []) expect(out.answer).toContain(text);
    for (const text of c.context_contains ?? []) expect(out.context).toContain(text);
    expect(out.answer ?? '').not.toMatch(/sin asignar|unassigned/i);
  });
});

test('the context of an unanswerable question names every room of the stay', () => {
  for (const stay of Object.values(fixture.stays)) {
    const out = core.answerQuestion(stay, 'Do you have a spa?');
    expect(out.answered).toBe(false);
    for (const room of stay.rooms) if (room.unit_name) expect(out.context).toContain(room.unit_name);
  }
});

test('a stay built by the core from database rows is answered like the table says', () => {
  const { stay, errors } = core.guestStay({
    tenant: { tenant_id: '6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11', name: 'Villa Kembang Canggu', slug: 'indo' },
    reservation: { id: 'r-1', external_booking_id: 2432, status: 'active', guest_name: 'Ana Pérez', check_in_date: '2026-11-10',
      check_out_date: '2026-11-13', check_in_time: '14:00:00', check_out_time: '12:00:00', adults: 3, children: 0, room_count: 2 },
    reservation_accommodations: [
      { position: 1, accommodation_unit_id: 'u-2', mphb_accommodation_id: 62, mphb_type_id: 14, adults: 1, children: 0, guest_name: null },
      { position: 0, accommodation_unit_id: 'u-1', mphb_accommodation_id: 61, mphb_type_id: 12, adults: 2, children: 0, guest_name: null },
    ],
    accommodation_units: [
      { id: 'u-1', mphb_accommodation_id: 61, accommodation_type_id: 't-1', name: 'Bungalow 2', is_placeholder: false },
      { id: 'u-2', mphb_accommodation_id: 62, accommodation_type_id: 't-2', name: 'Lumbung 海景', is_placeholder: false },
    ],
    accommodation_types: [
      { id: 't-1', mphb_type_id: 12, name: 'Bungalow Kembang', bed_type: 'King', size: '28.00', view: 'Garden', adults: 2, children: 1, total_capacity: 3 },
      { id: 't-2', mphb_type_id: 14, name: 'Lumbung Loft – "Sunset"', bed_type: 'Queen', size: 22, view: 'Ocean', adults: 2, children: 0, total_capacity: 0 },
    ],
  });
  expect(errors).toEqual([]);
  expect(stay.rooms.map((r) => r.unit_name)).toEqual(['Bungalow 2', 'Lumbung 海景']);
  expect(stay.rooms.map((r) => r.capacity)).toEqual([3, 2]);
  const type = core.answerQuestion(stay, '¿Qué tipo de habitación tengo?');
  expect(type).toMatchObject({ answered: true, intent: 'room_type', language: 'es' });
  expect(type.answer).toContain('Bungalow Kembang');
  expect(type.answer).toContain('Lumbung Loft – "Sunset"');
  expect(core.answerQuestion(stay, 'What size is my room?').facts).toEqual({
    rooms: [{ position: 0, unit_name: 'Bungalow 2', size_m2: 28 }, { position: 1, unit_name: 'Lumbung 海景', size_m2: 22 }],
  });
  expect(core.answerQuestion(stay, 'When do I check out?').facts).toEqual({ check_out_date: '2026-11-13', check_out_time: '12:00' });
});

test('any bytes as a question or a stay give an answer object, never a throw', () => {
  const stay = fixture.stays.multi;
  for (const question of ['', '\u0000', '\uFFFF'.repeat(300), '🏨'.repeat(600), 'a'.repeat(1001), '¿¿??']) {
    const out = core.answerQuestion(stay, question);
    expect(typeof out.answered).toBe('boolean');
  }
  for (const bad of ['', '[]', '{', '{"rooms": 5}', new Uint8Array([0xff, 0xfe])]) {
    const out = core.answerQuestion(bad, 'Which room am I in?');
    expect(out.answered).toBe(false);
    expect(out.errors.length).toBeGreaterThan(0);
  }
});
