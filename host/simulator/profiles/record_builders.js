// Shared pieces of the simulator's hotel profiles: the fixed calendar of the data, guest pools, iCal
// strings, and builders of the exact JSON records the MotoPress REST API serves (without `_links`).
// Shapes follow mphb-v1.openapi.json (components.schemas) plus /work/shared/motopress/FIELD-NOTES.md.

/** "Today" of every generated hotel: data never depends on the real clock. */
export const DATA_TODAY = '2026-11-01';
const TODAY_EPOCH_DAY = Date.UTC(2026, 10, 1) / 86400000;
/** The latest moment any generated post was created or modified (epoch seconds, UTC). */
export const DATA_NOW = TODAY_EPOCH_DAY * 86400 + 12 * 3600;
export const DAY = 86400;
export const HOUR = 3600;

// ---------------------------------------------------------------------------------------------------------
// Calendar

const dateCache = new Map();

/** 'YYYY-MM-DD' of the day `offset` days after DATA_TODAY (negative = before). */
export function dayDate(offset) {
  let s = dateCache.get(offset);
  if (s === undefined) {
    s = new Date((TODAY_EPOCH_DAY + offset) * 86400000).toISOString().slice(0, 10);
    dateCache.set(offset, s);
  }
  return s;
}

/** Month (1..12) and day of month of the day `offset` days after DATA_TODAY. */
export function dayMonthDay(offset) {
  const s = dayDate(offset);
  return [Number(s.slice(5, 7)), Number(s.slice(8, 10))];
}

/** Epoch seconds of local midnight of day `offset`, for a site at `utcOffsetMinutes`. */
export function localMidnight(offset, utcOffsetMinutes) {
  return (TODAY_EPOCH_DAY + offset) * DAY - utcOffsetMinutes * 60;
}

/** 'YYYY-MM-DDTHH:MM:SS' (no offset, no Z — as MotoPress sends it) of epoch seconds shifted by minutes. */
export function formatTime(epochSeconds, shiftMinutes = 0) {
  return new Date((epochSeconds + shiftMinutes * 60) * 1000).toISOString().slice(0, 19);
}

/** Rounds money to the hotel's price step (0.5 for USD/EUR/MXN, 1000 for IDR/COP). */
export function roundMoney(value, step) {
  return Math.round(value / step) * step;
}

// ---------------------------------------------------------------------------------------------------------
// Guests. [first, last, country, city, state, zip, email local part, phone style]

const GUESTS = [
  ['Ana', 'Restrepo', 'CO', 'Medellín', 'Antioquia', '050021', 'ana.restrepo', 'CO'],
  ['Juan Pablo', 'Gómez', 'CO', 'Bogotá', 'Cundinamarca', '110111', 'jpgomez', 'CO'],
  ['Valentina', 'Ospina Ñañez', 'CO', 'Cali', '', '', 'vale.ospina', 'CO'],
  ['Tom', 'Berg', 'US', 'Miami', 'FL', '33101', 'tom.berg', 'US'],
  ['Jennifer', 'Walsh', 'US', 'Austin', 'TX', '73301', 'jen.walsh', 'US'],
  ["Seán", "O'Brien", 'IE', 'Cork', '', 'T12 X2R8', 'sean.obrien', 'IE'],
  ['Made', 'Wirawan', 'ID', 'Denpasar', 'Bali', '80361', 'made.wirawan', 'ID'],
  ['Putu', 'Ayu Lestari', 'ID', 'Ubud', 'Bali', '80571', 'putu.ayu', 'ID'],
  ['Siti', 'Rahmawati', 'ID', 'Jakarta', 'DKI Jakarta', '10110', 'siti.r', 'ID'],
  ['Ξενία', 'Παπαδοπούλου', 'GR', 'Αθήνα', '', '105 57', 'xenia.p', 'GR'],
  ['Σοφία', 'Νικολάου', 'GR', 'Θεσσαλονίκη', '', '546 21', 'sofia.nik', 'GR'],
  ['花子', '山田', 'JP', '東京', '東京都', '100-0001', 'hanako.yamada', 'JP'],
  ['芳', '王', 'CN', '上海', '上海市', '200000', 'wang.fang', 'CN'],
  ['Дмитрий', 'Соколов', 'RU', 'Москва', '', '101000', 'd.sokolov', 'RU'],
  ['Zoë', 'Müller', 'DE', 'München', 'Bayern', '80331', 'zoe.mueller', 'DE'],
  ['François', 'Lefèvre', 'FR', 'Lyon', '', '69001', 'f.lefevre', 'FR'],
  ['João', 'Conceição', 'BR', 'São Paulo', 'SP', '01000-000', 'joao.c', 'BR'],
  ['Lucía', 'Fernández', 'ES', 'Sevilla', 'Andalucía', '41001', 'lucia.fdez', 'ES'],
  ['Oliver', 'Smith', 'GB', 'London', '', 'SW1A 1AA', 'oliver.smith', 'GB'],
  ['Chloe', 'Nguyen', 'AU', 'Sydney', 'NSW', '2000', 'chloe.ng', 'AU'],
  ['Nguyễn', 'Thị Lan', 'VN', 'Hà Nội', '', '100000', 'lan.nguyen', 'VN'],
  ['Ñusta', 'Quispe', 'PE', 'Cusco', '', '08000', 'nusta.q', 'PE'],
  ['Mateo', 'Hernández', 'MX', 'Ciudad de México', 'CDMX', '06000', 'mateo.hdz', 'MX'],
  ['Ximena', 'Ruiz', 'MX', 'Guadalajara', 'Jalisco', '44100', 'xime.ruiz', 'MX'],
  ['Lars', 'Østergaard', 'DK', 'København', '', '1050', 'lars.o', 'DK'],
  ['Ayşe', 'Yılmaz', 'TR', 'İstanbul', '', '34000', 'ayse.y', 'TR'],
  ['محمد', 'العلي', 'AE', 'دبي', '', '', 'm.alali', 'AE'],
  ['Priya', 'Sharma', 'IN', 'Bengaluru', 'Karnataka', '560001', 'priya.s', 'IN'],
  ['Emma', 'de Vries', 'NL', 'Utrecht', '', '3511 AA', 'emma.dv', 'NL'],
  ['Jan', 'Nowak', '', '', '', '', 'jan.nowak', ''],
];

const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com'];

/** A free-text phone in the style of the guest's country (sometimes empty). */
function phoneFor(rng, style) {
  if (rng.chance(0.08)) return '';
  const d = (n) => rng.digits(n);
  switch (style) {
    case 'CO': return `+57 3${rng.int(0, 2)}${rng.int(0, 9)} 555 ${d(4)}`;
    case 'US': return rng.chance(0.7) ? `(${rng.pick(['305', '786', '512', '212'])}) 555-${d(4)}` : `+1 305 555 ${d(4)}`;
    case 'ID': return rng.chance(0.6) ? `+62 812-${d(4)}-${d(4)}` : `0812${d(8)}`;
    case 'GR': return `+30 69${rng.int(0, 9)} ${d(3)} ${d(4)}`;
    case 'JP': return `090-${d(4)}-${d(4)}`;
    case 'CN': return `+86 138 ${d(4)} ${d(4)}`;
    case 'RU': return `+7 916 ${d(3)}-${d(2)}-${d(2)}`;
    case 'DE': return `+49 151 ${d(4)} ${d(4)}`;
    case 'FR': return `+33 6 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`;
    case 'BR': return `+55 11 9${d(4)}-${d(4)}`;
    case 'ES': return `+34 6${d(2)} ${d(2)} ${d(2)} ${d(2)}`;
    case 'GB': return `07700 900${d(3)}`;
    case 'AU': return `04${d(2)} ${d(3)} ${d(3)}`;
    case 'MX': return `+52 55 ${d(4)} ${d(4)}`;
    case 'IE': return `+353 87 ${d(3)} ${d(4)}`;
    default: return rng.chance(0.5) ? `+${rng.int(20, 99)} ${d(3)} ${d(3)} ${d(3)}` : d(10);
  }
}

/** A guest: its name and a filled MotoPress `customer` object (some fields left empty, as forms allow). */
export function randomGuest(rng) {
  const [first, last, country, city, state, zip, emailLocal, phoneStyle] = rng.pick(GUESTS);
  const full = rng.chance(0.6);
  const email = rng.chance(0.04) ? '' : `${emailLocal}${rng.chance(0.3) ? rng.int(1, 99) : ''}@${rng.pick(EMAIL_DOMAINS)}`;
  return {
    name: `${first} ${last}`,
    customer: {
      first_name: first,
      last_name: last,
      email,
      phone: phoneFor(rng, phoneStyle),
      country: rng.chance(0.1) ? '' : country,
      state: full ? state : '',
      city: full || rng.chance(0.5) ? city : '',
      zip: full ? zip : '',
      address1: full && rng.chance(0.5) ? `${rng.pick(['Calle', 'Jl.', 'Rue', 'Main St', 'Odos'])} ${rng.int(1, 240)}` : '',
    },
  };
}

/** A guest's name only (for the other rooms of a multi-room booking). */
export function randomGuestName(rng) {
  const [first, last] = rng.pick(GUESTS);
  return `${first} ${last}`;
}

/** The customer of an imported booking: an object of empty strings, never null. */
export function emptyCustomer() {
  return { first_name: '', last_name: '', email: '', phone: '', country: '', state: '', city: '', zip: '', address1: '' };
}

// ---------------------------------------------------------------------------------------------------------
// iCal strings of imported bookings (FIELD-NOTES: often wrapped in literal double quotes)

export const PRODIDS = {
  airbnb: '-//Airbnb Inc//Hosting Calendar 1.0//EN',
  booking: '-//admin.booking.com//NONSGML Booking.com//EN',
  vrbo: '-//HomeAway.com, Inc.//NONSGML HomeAway Calendar//EN',
  vrboNew: '-//Vrbo//Calendar//EN',
};

/** Wraps in literal double quotes, escaping inner quotes as iCal exports do. */
export function quoteIcal(text) {
  return `"${text.replace(/"/g, '\\"')}"`;
}

/** An Airbnb confirmation code: HM + 8 upper-case letters and digits. */
export function airbnbCode(rng) {
  return `HM${rng.chars(8, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789')}`;
}

/** The iCal fields of an imported calendar block ("not available"): empty description. */
export function blockIcal(rng, channel, quoted) {
  const q = (s) => (quoted ? quoteIcal(s) : s);
  if (channel === 'booking') return { summary: q('CLOSED - Not available'), description: '', prodid: rng.chance(0.5) ? q(PRODIDS.booking) : PRODIDS.booking };
  if (channel === 'vrbo') return { summary: q('Blocked'), description: '', prodid: q(rng.pick([PRODIDS.vrbo, PRODIDS.vrboNew])) };
  return { summary: q('Airbnb (Not available)'), description: '', prodid: rng.chance(0.7) ? q(PRODIDS.airbnb) : PRODIDS.airbnb };
}

/**
 * The iCal fields of an imported guest stay. Airbnb: "Reserved" and a description with the reservation URL
 * and the phone's last 4 digits, separated by a newline — or, inside quotes, by the two characters `\n`.
 * VRBO: "Reserved - <name>" and a reservation code line.
 * @returns {{summary: string, description: string, prodid: string, code: string}}
 */
export function guestIcal(rng, channel, quoted, code = null) {
  const q = (s) => (quoted ? quoteIcal(s) : s);
  if (channel === 'vrbo') {
    const c = code ?? `HA-${rng.chars(6, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}`;
    const nl = quoted ? '\\n' : '\n';
    return {
      summary: q(`Reserved - ${randomGuestName(rng).split(' ')[0]}`),
      description: q(`Reservation code: ${c}${nl}Phone Number (Last 4 Digits): ${rng.digits(4)}`),
      prodid: q(PRODIDS.vrboNew),
      code: c,
    };
  }
  const c = code ?? airbnbCode(rng);
  const nl = quoted && rng.chance(0.6) ? '\\n' : '\n';
  const text = `Reservation URL: https://www.airbnb.com/hosting/reservations/details/${c}${nl}Phone Number (Last 4 Digits): ${rng.digits(4)}`;
  return { summary: q('Reserved'), description: q(text), prodid: rng.chance(0.8) ? q(PRODIDS.airbnb) : PRODIDS.airbnb, code: c };
}

// ---------------------------------------------------------------------------------------------------------
// Records (exactly what GET /{collection}/{id} serves, without _links)

/** /accommodation_types record. */
export function typeRecord(t) {
  return {
    id: t.id,
    status: t.status,
    title: t.title,
    description: t.description,
    excerpt: t.excerpt,
    adults: t.adults,
    children: t.children,
    total_capacity: t.totalCapacity,
    base_adults: t.baseAdults,
    base_children: t.baseChildren,
    bed_type: t.bedType,
    size: t.size,
    view: t.view,
    services: t.services.map((s) => ({ id: s.id, title: s.title })),
    categories: t.categories.map(([id, name]) => ({ id, name })),
    tags: t.tags.map(([id, name]) => ({ id, name })),
    amenities: t.amenities.map(([id, name]) => ({ id, name })),
    attributes: t.attributes.map((a) => ({ id: a.id, title: a.title, terms: a.terms.map(([id, name]) => ({ id, name })) })),
    images: t.images.map((img) => ({ id: img.id, src: img.src, title: img.title, alt: img.alt })),
  };
}

/** /accommodations record (a physical unit). */
export function unitRecord(u) {
  return { id: u.id, status: u.status, accommodation_type_id: u.type.id, title: u.title, excerpt: u.excerpt };
}

/** /rates record. */
export function rateRecord(r) {
  return {
    id: r.id,
    status: r.status,
    title: r.title,
    description: r.description,
    accommodation_type_id: r.type.id,
    season_prices: r.seasonPrices.map((sp) => ({
      priority: sp.priority,
      base_price: sp.basePrice,
      season_id: sp.season.id,
      variations: sp.variations.map((v) => ({ adults: v.adults, children: v.children, price: v.price })),
    })),
  };
}

/** One `reserved_accommodations[]` entry. */
export function reservedRoom({ unitId, typeId, rateId, adults, children, guestName, nights, discount }) {
  return {
    accommodation: unitId,
    accommodation_type: typeId,
    rate: rateId,
    adults,
    children,
    guest_name: guestName,
    services: [],
    accommodation_price_per_days: nights.map(([date, price]) => ({ date, price })),
    fees: [],
    taxes: { accommodation: [], services: [], fees: [] },
    discount,
  };
}

/** /bookings record, properties in the order the plugin sends them. */
export function bookingRecord(b) {
  return {
    id: b.id,
    status: b.status,
    date_created: b.dateCreated,
    date_created_utc: b.dateCreatedUtc,
    key: b.key,
    check_in_date: b.checkInDate,
    check_out_date: b.checkOutDate,
    check_in_time: b.checkInTime,
    check_out_time: b.checkOutTime,
    customer: b.customer,
    reserved_accommodations: b.rooms,
    coupon_code: b.couponCode,
    currency: b.currency,
    total_price: b.totalPrice,
    checkout_id: b.checkoutId,
    payments: b.payments,
    imported: b.imported,
    ical_description: b.icalDescription,
    ical_prodid: b.icalProdid,
    ical_summary: b.icalSummary,
    note: b.note,
    internal_notes: b.internalNotes,
  };
}
