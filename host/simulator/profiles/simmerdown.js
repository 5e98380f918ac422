// simmerdown — a Colombian hostel & suites (COP, UTC−05:00): 10 types, 12 units (one trashed upstream),
// exactly 101 bookings: direct, multi-room, every status, imported guests, calendar blocks, a stay imported
// twice, a draft type and a trashed unit still named by old bookings, a 20 KB description.
import { HotelBuilder } from './hotel_builder.js';
import { DATA_NOW, DAY } from './record_builders.js';

const BOOKINGS = 101;

function longDescription() {
  const para = '<p>Our penthouse sits on the fifth floor with a private terrace over the old town: ' +
    'hammocks, an outdoor shower, a kitchenette and views of the bay &amp; the fortress walls. ' +
    'Ask reception about salsa nights &#8211; the rooftop bar opens at 18:00.</p>\n';
  return `<h2>Penthouse Simmer Down</h2>\n${para.repeat(80)}<ul><li>Wi-Fi 300 Mb/s</li><li>Aire acondicionado</li></ul>`;
}

export function simmerdown(seed) {
  const h = new HotelBuilder({
    profile: 'simmerdown',
    title: 'Simmer Down Hostel & Suites',
    seed,
    currency: 'COP',
    utcOffsetMinutes: -5 * 60,
    priceStep: 1000,
    openedDay: -420,
    checkInTime: '15:00:00',
    checkOutTime: '11:00:00',
    coupons: ['SIMMER15', 'AMIGOS'],
    notes: ['Llegamos tarde, tipo 11 pm.', 'Do you have a towel for the beach?', 'Cumpleaños de mi novia 🎂', 'Vegetarian breakfast please.'],
    mix: {
      kinds: [[70, 'direct'], [10, 'guest'], [20, 'block']],
      rooms: [[88, 1], [9, 2], [3, 3]],
      blockChannels: [[70, 'airbnb'], [20, 'booking'], [10, 'vrbo']],
      guestChannels: [[85, 'airbnb'], [15, 'vrbo']],
      quoted: 0.6,
    },
  });
  const rng = h.rng;

  h.addType({ title: 'Cama en Dormitorio Mixto', excerpt: 'Bunk bed in a 6-bed dorm', adults: 1, bedType: 'Bunk', size: 30, view: 'Patio', price: 65000, units: ['Dorm A – Cama 1', 'Dorm A – Cama 2'] });
  const doble = h.addType({ title: 'Habitación Doble', excerpt: 'Double room with fan', adults: 2, children: 1, totalCapacity: 3, bedType: 'Double', size: 16, view: 'Street', price: 180000, units: ['Doble 1'] });
  const trashedAt = DATA_NOW - rng.int(30, 60) * DAY;
  const trashed = h.addUnit(doble, { title: 'Doble 2', status: 'trash', modifiedAt: trashedAt });
  h.addType({ title: 'Sea View &amp; Spa &#8211; "Deluxe"', excerpt: 'Balcony over the bay', adults: 2, children: 2, totalCapacity: 3, bedType: 'King', size: 32, view: 'Sea', price: 320000, units: ['Deluxe Mar'] });
  h.addType({ title: 'Rooftop & Jacuzzi – "Suite"', excerpt: 'Private jacuzzi on the roof', adults: 2, bedType: 'King', size: 40, view: 'City', price: 450000, units: ['Suite Rooftop'] });
  const draft = h.addType({ title: 'Casa Ñandú', status: 'draft', excerpt: 'Whole house, 2 bedrooms', adults: 4, children: 2, totalCapacity: 5, baseAdults: 4, size: 60, price: 600000, units: ['Casa Ñandú'], modifiedAt: DATA_NOW - rng.int(80, 100) * DAY });
  h.addType({ title: '海景 Ocean Room', excerpt: 'Ocean room', adults: 2, bedType: 'Queen', size: 20, view: 'Sea', price: 260000, units: ['海景 101'] });
  h.addType({ title: 'Ξενία Studio', excerpt: 'Studio with kitchenette', adults: 2, children: 1, totalCapacity: 3, bedType: 'Queen', size: 26, view: 'Garden', price: 210000, units: ['Ξενία'] });
  h.addType({ title: 'Triple Económica', excerpt: 'Three single beds', adults: 3, baseAdults: 3, bedType: '3 Single', size: 18, price: 220000, units: ['Triple 1'] });
  h.addType({ title: 'Familiar 5 pax', excerpt: 'Family room', adults: 5, children: 3, totalCapacity: 6, baseAdults: 4, bedType: 'King + bunk', size: 38, price: 380000, units: ['Familiar'] });
  h.addType({ title: 'Penthouse Simmer Down', excerpt: 'Top floor, private terrace', description: longDescription(), adults: 4, children: 2, totalCapacity: 6, baseAdults: 2, bedType: 'King + Sofa bed', size: 85.5, view: 'Sea & old town', price: 900000, units: ['Penthouse'] });

  // Old bookings of the draft type and of the trashed unit.
  for (let i = 0; i < 2; i++) h.book({ kind: 'direct', status: 'confirmed', rooms: draft.units, checkIn: rng.int(-180, -110), nights: rng.int(2, 6) });
  for (let i = 0; i < 2; i++) h.book({ kind: 'direct', status: 'confirmed', rooms: [trashed], checkIn: rng.int(-170, -80), nights: rng.int(1, 4) });
  // Every status, multi-room stays and an in-house guest.
  for (const status of ['cancelled', 'pending', 'abandoned', 'pending-user', 'pending-payment']) h.book({ kind: 'direct', status });
  h.book({ kind: 'direct', status: 'confirmed', rooms: 3 });
  h.book({ kind: 'direct', status: 'confirmed', rooms: 2 });
  h.book({ kind: 'direct', status: 'confirmed', checkIn: rng.int(-2, 0), nights: rng.int(4, 7) });
  // Imports: an Airbnb stay imported twice, a VRBO guest, Booking.com and VRBO blocks.
  const stay = h.book({ kind: 'guest', channel: 'airbnb', quoted: true });
  h.book({ duplicateOf: stay });
  h.book({ kind: 'guest', channel: 'vrbo' });
  h.book({ kind: 'block', channel: 'booking' });
  h.book({ kind: 'block', channel: 'vrbo' });

  while (h.bookings.length < BOOKINGS) h.book();
  return h.build();
}
