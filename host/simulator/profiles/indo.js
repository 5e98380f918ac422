// indo — a small new hotel in Bali (IDR, UTC+07:00): 3 types, 4 units, 6–8 bookings. Includes the
// production case: the newest booking names the newest unit, added after every other booking was made.
import { HotelBuilder } from './hotel_builder.js';
import { HOUR } from './record_builders.js';

export function indo(seed) {
  const h = new HotelBuilder({
    profile: 'indo',
    title: 'Villa Kembang Canggu',
    seed,
    currency: 'IDR',
    utcOffsetMinutes: 7 * 60,
    priceStep: 1000,
    openedDay: -200,
    checkInTime: '14:00:00',
    checkOutTime: '12:00:00',
    coupons: ['BALI10'],
    notes: ['Airport pickup please, flight QZ 7510.', 'Kami tiba sekitar jam 22.00.', 'Honeymoon 🌺 — any surprise welcome!'],
    mix: { kinds: [[70, 'direct'], [15, 'guest'], [15, 'block']], rooms: [[85, 1], [15, 2]], quoted: 0.7 },
  });
  const rng = h.rng;

  const bungalow = h.addType({
    title: 'Bungalow Kembang', excerpt: 'Thatched bungalow with an outdoor shower', adults: 2, children: 1,
    totalCapacity: 3, bedType: 'King', size: 28, view: 'Garden', price: 850000, units: ['Bungalow 1'],
  });
  h.addType({
    title: 'Joglo Family &amp; Garden', excerpt: 'Javanese teak house for families', adults: 4, children: 2,
    totalCapacity: 5, baseAdults: 2, bedType: 'King + 2 Single', size: 65, view: 'Rice field', price: 1600000,
    units: ['Joglo'],
  });
  h.addType({
    title: 'Lumbung Loft – "Sunset"', excerpt: 'Rice-barn loft facing the sea', adults: 2, children: 0,
    bedType: 'Queen', size: 22, view: 'Ocean', price: 1100000, units: ['Lumbung 海景'],
  });

  const count = rng.int(6, 8);
  h.book({ kind: 'direct', status: 'confirmed', checkIn: rng.int(-150, -60), nights: rng.int(3, 6) }); // past
  h.book({ kind: 'direct', status: 'confirmed', checkIn: rng.int(-3, 0), nights: rng.int(4, 8) }); // in-house
  h.book({ kind: 'guest', channel: 'airbnb', quoted: true, checkIn: rng.int(5, 60) });
  h.book({ kind: 'block', channel: 'airbnb', checkIn: rng.int(10, 120) });
  while (h.bookings.length < count - 1) h.book();

  // The production case: a unit added after all other bookings, then a booking of that unit.
  const unitAt = h.latestBookingCreated() + rng.int(2 * HOUR, 6 * HOUR);
  const newest = h.addUnit(bungalow, { title: 'Bungalow 2', at: unitAt });
  h.book({
    kind: 'direct', status: 'confirmed', rooms: [newest], checkIn: rng.int(5, 45), nights: rng.int(2, 5),
    createdAt: unitAt + rng.int(HOUR, 3 * HOUR),
  });
  return h.build();
}
