// airbnb-heavy — vacation lofts fed mostly by channel calendars (USD, UTC−05:00): 4 types, 6 units,
// 150 bookings of which 105 (70 %) are imported calendar blocks, 30 imported guests (4 stays imported
// twice: duplicate channel codes) and 15 direct bookings. iCal strings mostly in literal quotes.
import { HotelBuilder } from './hotel_builder.js';

const BLOCKS = 105;
const GUESTS = 26;
const DUPLICATES = 4;
const DIRECT = 15;

export function airbnbHeavy(seed) {
  const h = new HotelBuilder({
    profile: 'airbnb-heavy',
    title: 'Little Havana Lofts',
    seed,
    currency: 'USD',
    utcOffsetMinutes: -5 * 60,
    priceStep: 0.5,
    openedDay: -450,
    checkInTime: '16:00:00',
    checkOutTime: '10:00:00',
    coupons: ['DIRECT10'],
    notes: ['Parking for one car?', 'Early check-in if possible.'],
    mix: {
      kinds: [[1, 'direct']],
      rooms: [[92, 1], [8, 2]],
      blockChannels: [[80, 'airbnb'], [10, 'booking'], [10, 'vrbo']],
      guestChannels: [[85, 'airbnb'], [15, 'vrbo']],
      quoted: 0.85,
    },
  });
  const rng = h.rng;

  h.addType({ title: 'Loft 1BR', excerpt: 'One-bedroom loft', adults: 2, children: 1, totalCapacity: 3, bedType: 'Queen', size: 45, view: 'Street', price: 119.5, units: ['Loft A', 'Loft B'] });
  h.addType({ title: 'Studio &amp; Patio', excerpt: 'Studio with a private patio', adults: 2, bedType: 'Queen', size: 30, view: 'Patio', price: 89, units: ['Studio 1', 'Studio 2'] });
  h.addType({ title: 'Casa Ñandú – "Penthouse"', excerpt: 'Top floor, two terraces', adults: 4, children: 2, totalCapacity: 5, baseAdults: 2, bedType: 'King + Queen', size: 90, view: 'Skyline', price: 249.5, units: ['Penthouse'] });
  h.addType({ title: '2BR Family', excerpt: 'Two bedrooms, full kitchen', adults: 4, children: 2, totalCapacity: 6, baseAdults: 4, bedType: '2 Queen', size: 70, price: 179, units: ['Family 2BR'] });

  const kinds = rng.shuffle([
    ...Array(BLOCKS).fill('block'), ...Array(GUESTS).fill('guest'), ...Array(DIRECT).fill('direct'),
  ]);
  const guests = [];
  let inHouse = false;
  for (const kind of kinds) {
    // The first direct booking is a guest in the house on DATA_TODAY.
    const stay = kind === 'direct' && !inHouse ? { checkIn: rng.int(-2, 0), nights: rng.int(3, 6), status: 'confirmed' } : {};
    inHouse ||= kind === 'direct';
    const b = h.book({ kind, ...stay });
    if (kind === 'guest') guests.push(b);
  }
  const isAirbnb = (g) => g.ical.prodid.includes('Airbnb');
  const originals = [...rng.shuffle(guests.filter(isAirbnb)), ...guests.filter((g) => !isAirbnb(g))];
  for (const original of originals.slice(0, DUPLICATES)) {
    h.book({ duplicateOf: original });
  }
  return h.build();
}
