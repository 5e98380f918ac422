// testhotel — a fresh test tenant with a mix of everything (EUR, UTC+01:00): 5 types (one private),
// 8 units (one trashed), 40 bookings (one trashed, multi-room, in-house, every status, imports of every channel).
import { HotelBuilder } from './hotel_builder.js';
import { DATA_NOW, DAY } from './record_builders.js';

const BOOKINGS = 40;

export function testhotel(seed) {
  const h = new HotelBuilder({
    profile: 'testhotel',
    title: 'Test Hotel',
    seed,
    currency: 'EUR',
    utcOffsetMinutes: 60,
    priceStep: 0.5,
    openedDay: -300,
    checkInTime: '15:00:00',
    checkOutTime: '10:00:00',
    coupons: ['TEST10'],
    notes: ['Test booking — please ignore.', 'Allergic to feathers.', 'Ankunft gegen 21 Uhr.'],
    mix: {
      kinds: [[70, 'direct'], [15, 'guest'], [15, 'block']],
      rooms: [[85, 1], [10, 2], [5, 3]],
      blockChannels: [[60, 'airbnb'], [25, 'booking'], [15, 'vrbo']],
      guestChannels: [[75, 'airbnb'], [25, 'vrbo']],
      quoted: 0.5,
    },
  });
  const rng = h.rng;

  const standard = h.addType({ title: 'Standard Double', excerpt: 'Double room, courtyard side', adults: 2, children: 1, totalCapacity: 3, bedType: 'Double', size: 18, view: 'Courtyard', price: 89.5, units: ['Standard 101', 'Standard 102'] });
  const trashed = h.addUnit(standard, { title: 'Standard 103', status: 'trash', modifiedAt: DATA_NOW - rng.int(20, 50) * DAY });
  h.addType({ title: 'Superior Twin', excerpt: 'Two single beds', adults: 2, bedType: 'Twin', size: 22, view: 'Street', price: 104, units: ['Superior 201', 'Superior 202'] });
  h.addType({ title: 'Junior Suite &#8211; Garden', excerpt: 'Garden-facing junior suite', adults: 3, children: 1, totalCapacity: 3, baseAdults: 2, bedType: 'King', size: 34, view: 'Garden', price: 149.5, units: ['Junior Suite 301'] });
  h.addType({ title: 'Family Room', excerpt: 'Two rooms, one bathroom', adults: 4, children: 2, totalCapacity: 4, baseAdults: 2, bedType: 'Queen + 2 Single', size: 40, price: 172, units: ['Family 401'] });
  const privateType = h.addType({ title: 'Owner&#8217;s Apartment', status: 'private', excerpt: 'Kept for the owner', adults: 2, bedType: 'King', size: 55, view: 'Roof', price: 210, units: ['Apartment 501'], modifiedAt: DATA_NOW - rng.int(100, 140) * DAY });

  h.book({ kind: 'direct', status: 'confirmed', postStatus: 'trash' });
  h.book({ kind: 'direct', status: 'confirmed', rooms: [trashed], checkIn: rng.int(-150, -60), nights: rng.int(1, 5) });
  h.book({ kind: 'direct', status: 'confirmed', rooms: privateType.units, checkIn: rng.int(-180, -150), nights: rng.int(2, 6) });
  h.book({ kind: 'direct', status: 'confirmed', rooms: 3 });
  h.book({ kind: 'direct', status: 'confirmed', checkIn: rng.int(-2, 0), nights: rng.int(3, 6) }); // in-house
  for (const status of ['cancelled', 'pending', 'abandoned', 'pending-user', 'pending-payment']) h.book({ kind: 'direct', status });
  const stay = h.book({ kind: 'guest', channel: 'airbnb', quoted: true });
  h.book({ duplicateOf: stay });
  h.book({ kind: 'guest', channel: 'vrbo', quoted: false });
  h.book({ kind: 'block', channel: 'booking' });
  h.book({ kind: 'block', channel: 'airbnb', quoted: true });

  while (h.bookings.length < BOOKINGS) h.book();
  return h.build();
}
