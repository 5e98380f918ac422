// Upstream edits for the property tests: what hotels do to their MotoPress data between syncs.

const STATUSES = ['confirmed', 'confirmed', 'confirmed', 'pending', 'pending-user', 'pending-payment', 'cancelled', 'abandoned'];
const CUSTOMERS = [
  { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org', phone: '+44 20 7946 0018' },
  { first_name: 'Σοφία', last_name: 'Νικολάου', email: 'sofia@example.gr', phone: '(210) 555-0199 ext. 7' },
  { first_name: '', last_name: '', email: '', phone: '' },
  { first_name: 'Zoë', last_name: "O'Neil-Ñúñez", email: '', phone: 'call me' },
  { first_name: '花子', last_name: '', email: 'hanako@example.jp', phone: '090-1234-5678' },
];
const ROOM_TEMPLATE = {
  rate: 0, adults: 2, children: 0, guest_name: '', services: [], accommodation_price_per_days: [], fees: [],
  taxes: { accommodation: [], services: [], fees: [] }, discount: 0,
};

/**
 * Random edits through the simulator site's own methods: create (bookings and calendar blocks), cancel,
 * status, rooms, customer, dates, trash, restore, delete for good, add a unit, trash a unit.
 * @returns {() => string} makes one edit and says what it did
 */
export function upstreamEditor(site, rng) {
  const bookings = (trashed) => site.list('bookings').filter((e) => (e.meta.post_status === 'trash') === trashed);
  const published = () => site.list('accommodations').filter((e) => e.meta.post_status === 'publish');
  const rooms = (template) => {
    const units = [...published()];
    const n = Math.min(units.length, rng.pick([1, 1, 1, 2, 3]));
    const out = [];
    for (let i = 0; i < n; i++) {
      const [unit] = units.splice(rng.int(0, units.length - 1), 1);
      out.push({ ...ROOM_TEMPLATE, ...template, accommodation: unit.record.id, accommodation_type: unit.record.accommodation_type_id,
        adults: rng.int(1, 3), children: rng.int(0, 2), guest_name: rng.chance(0.3) ? 'Second Guest' : '' });
    }
    return out;
  };
  const dates = () => {
    const start = Date.UTC(2026, 11, 1) + rng.int(0, 120) * 86400000;
    const day = (ms) => new Date(ms).toISOString().slice(0, 10);
    return { check_in_date: day(start), check_out_date: day(start + rng.int(1, 6) * 86400000) };
  };
  const live = () => bookings(false);

  const edits = {
    create() {
      const block = rng.chance(0.25) ? live().find((e) => e.record.imported && !e.record.customer?.first_name && !e.record.customer?.email) : null;
      if (block) {
        const { ical_summary, ical_prodid, ical_description } = block.record;
        const [unit] = rooms(block.record.reserved_accommodations?.[0]).slice(0, 1);
        const created = site.createBooking({
          status: 'confirmed', imported: true, ical_summary, ical_prodid, ical_description, ...dates(),
          customer: { first_name: '', last_name: '', email: '', phone: '', country: '' }, reserved_accommodations: unit ? [{ ...unit, adults: 0, children: 0 }] : [],
        });
        return `create block ${created.record.id}`;
      }
      const created = site.createBooking({ status: rng.pick(STATUSES), ...dates(), customer: rng.pick(CUSTOMERS), reserved_accommodations: rooms() });
      return `create ${created.record.id}`;
    },
    cancel() {
      const b = rng.pick(live());
      if (!b) return null;
      site.updateBooking(b.record.id, { status: 'cancelled' });
      return `cancel ${b.record.id}`;
    },
    status() {
      const b = rng.pick(live());
      if (!b) return null;
      const status = rng.pick(STATUSES);
      site.updateBooking(b.record.id, { status });
      return `status ${b.record.id} ${status}`;
    },
    changeRooms() {
      const b = rng.pick(live());
      if (!b) return null;
      site.updateBooking(b.record.id, { reserved_accommodations: rooms(b.record.reserved_accommodations?.[0]) });
      return `rooms ${b.record.id}`;
    },
    changeCustomer() {
      const b = rng.pick(live());
      if (!b) return null;
      site.updateBooking(b.record.id, { customer: rng.pick(CUSTOMERS) });
      return `customer ${b.record.id}`;
    },
    changeDates() {
      const b = rng.pick(live());
      if (!b) return null;
      site.updateBooking(b.record.id, dates());
      return `dates ${b.record.id}`;
    },
    trash() {
      const b = rng.pick(live());
      if (!b) return null;
      site.trash('bookings', b.record.id);
      return `trash ${b.record.id}`;
    },
    restore() {
      const b = rng.pick(bookings(true));
      if (!b) return null;
      site.restore('bookings', b.record.id);
      return `restore ${b.record.id}`;
    },
    deleteForGood() {
      const b = rng.pick(site.list('bookings'));
      if (!b) return null;
      site.deletePermanently('bookings', b.record.id);
      return `delete ${b.record.id}`;
    },
    addUnit() {
      const type = rng.pick(site.list('accommodation_types').filter((e) => e.meta.post_status !== 'trash'));
      const unit = site.addUnit({ accommodation_type_id: type.record.id, title: `Prop unit ${rng.int(1, 9999)}` });
      return `add unit ${unit.record.id}`;
    },
    trashUnit() {
      const units = published();
      if (units.length <= 3) return null;
      const unit = rng.pick(units);
      site.trash('accommodations', unit.record.id);
      return `trash unit ${unit.record.id}`;
    },
  };
  const names = Object.keys(edits);
  return () => {
    for (;;) {
      const done = edits[rng.pick(names)]();
      if (done) return done;
    }
  };
}
