// large — a big resort (MXN, UTC−06:00): 40 types (one draft), 300 units (one trashed), 10,000 bookings
// by default or any count from 1 to 1,000,000 (`large:N`). Includes an 8-room group booking.
import { HotelBuilder } from './hotel_builder.js';
import { DATA_NOW, DAY } from './record_builders.js';

export const LARGE_DEFAULT_BOOKINGS = 10000;
const TYPES = 40;
const UNITS = 300;

/** @type {Array<[string, string, number, number, number]>} title, unit code, adults, children, price */
const CATEGORIES = [
  ['Estándar', 'ST', 2, 1, 950], ['Superior', 'SU', 2, 1, 1250], ['Deluxe', 'DX', 2, 2, 1690.5], ['Junior Suite', 'JS', 3, 1, 2190],
  ['Suite', 'ST', 4, 2, 2990.5], ['Familiar', 'FA', 4, 3, 2450], ['Bungalow', 'BG', 3, 2, 2790], ['Villa', 'VI', 6, 4, 5490.5],
];
/** @type {Array<[string, string, number]>} title, view, price factor */
const VARIANTS = [['Vista Jardín', 'Garden', 1], ['Vista al Mar', 'Sea', 1.25], ['Doble', 'Pool', 1], ['King', 'Pool', 1.1], ['Twin', 'Garden', 0.95]];

/** The 40 type titles, with the FIELD-NOTES quirks sprinkled in (entities, raw specials, non-Latin). */
function typeTitle(i, cat, variant) {
  if (i === 3) return `${cat} ${variant} &amp; Terraza`;
  if (i === 7) return `${cat} – "${variant}" & Spa`;
  if (i === 11) return `${cat} 海景 ${variant}`;
  if (i === 17) return `Ξενία ${cat} &#8211; ${variant}`;
  if (i === 23) return `Casa Ñandú ${cat} ${variant}`;
  return `${cat} ${variant}`;
}

export function large(seed, bookingCount = LARGE_DEFAULT_BOOKINGS) {
  const h = new HotelBuilder({
    profile: 'large',
    title: 'Gran Hotel Pacífico',
    seed,
    currency: 'MXN',
    utcOffsetMinutes: -6 * 60,
    priceStep: 0.5,
    openedDay: -700,
    checkInTime: '15:00:00',
    checkOutTime: '12:00:00',
    coupons: ['VERANO10', 'GRUPO15', 'PACIFICO'],
    notes: ['Llegada tarde.', 'Cuna para bebé, por favor.', 'Aniversario 💍', 'Group: Congreso Médico 2027.', 'Need an invoice (factura).'],
    mix: {
      kinds: [[85, 'direct'], [5, 'guest'], [10, 'block']],
      rooms: [[90, 1], [7, 2], [2, 3], [1, 4]],
      blockChannels: [[60, 'airbnb'], [30, 'booking'], [10, 'vrbo']],
      guestChannels: [[80, 'airbnb'], [20, 'vrbo']],
      quoted: 0.5,
    },
  });
  const rng = h.rng;

  // Units per type: at least 2 each, the rest spread at random (300 in all, with the trashed one).
  const unitCounts = Array(TYPES).fill(2);
  for (let i = 0; i < UNITS - 1 - 2 * TYPES; i++) unitCounts[rng.int(0, TYPES - 1)] += 1;
  const draftIndex = TYPES - 1;
  const types = [];
  for (let i = 0; i < TYPES; i++) {
    const [cat, code, adults, children, price] = CATEGORIES[Math.floor(i / VARIANTS.length)];
    const [variant, view, factor] = VARIANTS[i % VARIANTS.length];
    const units = [];
    for (let n = 1; n <= unitCounts[i]; n++) units.push(`${code}${String(i + 1).padStart(2, '0')}-${100 + n}`);
    types.push(h.addType({
      title: typeTitle(i, cat, variant), excerpt: `${cat}, ${view.toLowerCase()} view`, adults, children,
      totalCapacity: i % 6 === 5 ? adults + children - 1 : adults + children, baseAdults: Math.min(2, adults),
      bedType: rng.pick(['King', 'Queen', '2 Double', 'Twin']), size: 20 + 8 * adults + rng.int(0, 12) + (i % 4 === 0 ? 0.5 : 0),
      view, price: Math.round(price * factor * 2) / 2, units, images: i % 3 === 0 ? 1 : 0,
      status: i === draftIndex ? 'draft' : 'publish',
      modifiedAt: i === draftIndex ? DATA_NOW - rng.int(120, 160) * DAY : undefined,
    }));
  }
  const draft = types[draftIndex];
  const trashedUnit = h.addUnit(types[0], { title: 'ST01-199', status: 'trash', modifiedAt: DATA_NOW - rng.int(20, 90) * DAY });

  const specials = [
    () => h.book({ kind: 'direct', status: 'confirmed', rooms: 8, checkIn: rng.int(20, 120), nights: rng.int(2, 4) }),
    () => h.book({ kind: 'direct', status: 'confirmed', rooms: [draft.units[0]], checkIn: rng.int(-183, -170), nights: 3 }),
    () => h.book({ kind: 'direct', status: 'confirmed', rooms: [trashedUnit], checkIn: rng.int(-150, -100), nights: 2 }),
    () => h.book({ kind: 'direct', status: 'confirmed', checkIn: rng.int(-2, 0), nights: rng.int(3, 6) }),
  ];
  for (const make of specials) if (h.bookings.length < bookingCount) make();
  if (h.bookings.length + 2 <= bookingCount) h.book({ duplicateOf: h.book({ kind: 'guest', channel: 'airbnb', quoted: true }) });
  while (h.bookings.length < bookingCount) h.book();
  return h.build();
}
