// "The old approach" of SPEC §6 B1, re-implemented to be measured against: how the legacy (muva-era) sync
// wrote a tenant (see /work/shared/legacy/README.md). Booking pages are fetched one by one, then every
// booking costs its own database round trips, each statement on its own (autocommit, no batching):
//   unit lookup (by the first room's type) → select the reservation → insert or update it → per room:
//   junction insert (after a delete of the old rooms when the reservation existed).
// The accommodations step before it: types fetched page by page, then per type a select and an insert
// or update (one row per type, as the legacy sync did).
//
// It writes into its own scratch schema (mphb_bench_legacy) so the product's tables are never touched.
// Unlike the legacy sync it processes every booking (cancelled, past and blocks too): the comparison is
// about the write pattern, for the same work the product does, not about what the legacy sync skipped.
import postgres from 'postgres';

const SCHEMA = 'mphb_bench_legacy';

// The legacy tables, reduced to the columns the old sync wrote (muva-era-schema.sql).
const DDL = `
drop schema if exists ${SCHEMA} cascade;
create schema ${SCHEMA};
create table ${SCHEMA}.accommodation_units (
  id uuid primary key default gen_random_uuid(),
  tenant_id varchar(50) not null,
  name varchar,
  motopress_type_id integer,
  motopress_unit_id integer,
  status varchar default 'active',
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
create table ${SCHEMA}.guest_reservations (
  id uuid primary key default gen_random_uuid(),
  tenant_id varchar(255) not null,
  guest_name varchar(255) not null,
  phone_full varchar(40) not null default 'N/A',
  phone_last_4 varchar(4) not null default '0000',
  check_in_date date not null,
  check_out_date date not null,
  reservation_code varchar(20),
  status varchar(20) default 'active',
  accommodation_unit_id uuid references ${SCHEMA}.accommodation_units (id) on delete set null,
  guest_email varchar(255),
  adults integer default 1,
  children integer default 0,
  total_price numeric(12, 2),
  currency varchar(3) default 'COP',
  booking_source varchar(20) default 'manual',
  external_booking_id varchar(100),
  accommodation_unit_id_key text generated always as (coalesce(accommodation_unit_id::text, '')) stored,
  created_at timestamp default now(),
  updated_at timestamp default now(),
  constraint uq_motopress_booking_unit unique (tenant_id, external_booking_id, accommodation_unit_id_key)
);
create table ${SCHEMA}.reservation_accommodations (
  id uuid primary key default gen_random_uuid(),
  reservation_id uuid not null references ${SCHEMA}.guest_reservations (id) on delete cascade,
  accommodation_unit_id uuid references ${SCHEMA}.accommodation_units (id) on delete set null,
  motopress_accommodation_id integer,
  motopress_type_id integer,
  room_rate numeric(10, 2),
  created_at timestamptz default now()
);`;

// Status as the product maps it, so both write the same bookings (the legacy skipped cancelled ones).
const STATUS = { confirmed: 'active', pending: 'pending_admin', 'pending-user': 'pending', 'pending-payment': 'pending_payment', cancelled: 'cancelled', abandoned: 'cancelled' };

function guestFields(booking) {
  const c = booking.customer ?? {};
  const room0 = booking.reserved_accommodations?.[0] ?? {};
  const name = [c.first_name, c.last_name].filter(Boolean).join(' ') || room0.guest_name || 'Guest';
  const digits = String(c.phone ?? '').replace(/\D/g, '');
  const code = /[A-Z0-9]{10,}/.exec(booking.ical_description ?? '')?.[0] ?? null;
  return {
    name: name.slice(0, 255),
    phone: (c.phone || 'N/A').slice(0, 40),
    last4: digits.length >= 4 ? digits.slice(-4) : '0000',
    email: c.email || null,
    code,
    source: /airbnb\.com/i.test(booking.ical_description ?? '') ? 'mphb-airbnb' : 'motopress',
  };
}

/** Creates (or empties) the scratch schema. Not part of the timed run: the legacy tables already existed. */
export async function prepareOldApproach(databaseUrl) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(DDL);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Runs the old approach once for a tenant.
 * @param {{databaseUrl: string, client: object, tenantId: string}} o client: a MotoPress client (concurrency 1)
 * @returns {Promise<{requests: number, roundTrips: number, bookings: number, rooms: number}>}
 */
export async function runOldApproach({ databaseUrl, client, tenantId }) {
  // One connection: the legacy sync awaited each statement before the next.
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  let roundTrips = 0;
  // Named prepared statements: after its first use each statement is exactly one round trip (postgres.js
  // sends an unprepared parameterised query as describe-then-execute, two round trips).
  const q = (text, params) => { roundTrips += 1; return sql.unsafe(text, params, { prepare: true }); };
  let requests = 0;
  let rooms = 0;
  try {
    const pagesOneByOne = async (collection) => {
      const records = [];
      // Sequential pages: the next page is asked for only after the previous one has arrived.
      const pass = await client.streamCollection(collection, { onPage: ({ records: page }) => { records.push(...page); } });
      requests += pass.requests;
      return records;
    };

    // Accommodations: one row per type (motopress_unit_id = the type id), a select and a write per type.
    for (const type of await pagesOneByOne('accommodation_types')) {
      const found = await q(`select id from ${SCHEMA}.accommodation_units where tenant_id = $1 and motopress_unit_id = $2`, [tenantId, type.id]);
      if (found.length === 1) {
        await q(`update ${SCHEMA}.accommodation_units set name = $2, updated_at = now() where id = $1`, [found[0].id, type.title]);
      } else {
        await q(`insert into ${SCHEMA}.accommodation_units (tenant_id, name, motopress_unit_id) values ($1, $2, $3)`, [tenantId, type.title, type.id]);
      }
    }

    // Reservations: all pages first, then booking by booking.
    const bookings = await pagesOneByOne('bookings');
    for (const b of bookings) {
      const room0 = b.reserved_accommodations?.[0] ?? {};
      // Unit lookup by the first room's type; a miss auto-creates a bare row (the legacy behaviour).
      let [unit] = await q(`select id from ${SCHEMA}.accommodation_units where tenant_id = $1 and motopress_type_id = $2 limit 1`, [tenantId, room0.accommodation_type ?? null]);
      if (!unit && room0.accommodation_type) {
        [unit] = await q(`insert into ${SCHEMA}.accommodation_units (tenant_id, name, motopress_type_id) values ($1, $2, $3) returning id`,
          [tenantId, `Alojamiento ${room0.accommodation_type}`, room0.accommodation_type]);
      }
      const g = guestFields(b);
      const existing = await q(`select id from ${SCHEMA}.guest_reservations where tenant_id = $1 and external_booking_id = $2`, [tenantId, String(b.id)]);
      const values = [tenantId, g.name, g.phone, g.last4, b.check_in_date, b.check_out_date, g.code, STATUS[b.status] ?? 'inactive',
        unit?.id ?? null, g.email, room0.adults ?? 1, room0.children ?? 0, b.total_price ?? null, String(b.currency ?? 'COP').slice(0, 3), g.source, String(b.id)];
      let reservationId;
      if (existing.length === 1) {
        reservationId = existing[0].id;
        await q(`update ${SCHEMA}.guest_reservations set guest_name = $2, phone_full = $3, phone_last_4 = $4, check_in_date = $5, check_out_date = $6,
            reservation_code = $7, status = $8, accommodation_unit_id = $9, guest_email = $10, adults = $11, children = $12, total_price = $13,
            currency = $14, booking_source = $15, updated_at = now() where id = $1`, [reservationId, ...values.slice(1, 15)]);
        await q(`delete from ${SCHEMA}.reservation_accommodations where reservation_id = $1`, [reservationId]);
      } else {
        [{ id: reservationId }] = await q(`insert into ${SCHEMA}.guest_reservations (tenant_id, guest_name, phone_full, phone_last_4, check_in_date,
            check_out_date, reservation_code, status, accommodation_unit_id, guest_email, adults, children, total_price, currency, booking_source,
            external_booking_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) returning id`, values);
      }
      for (const room of b.reserved_accommodations ?? []) {
        await q(`insert into ${SCHEMA}.reservation_accommodations (reservation_id, accommodation_unit_id, motopress_accommodation_id, motopress_type_id, room_rate)
          values ($1, $2, $3, $4, $5)`, [reservationId, unit?.id ?? null, room.accommodation ?? null, room.accommodation_type ?? null, room.rate ?? null]);
        rooms += 1;
      }
    }
    return { requests, roundTrips, bookings: bookings.length, rooms };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
