// Seeded hotels for the MotoPress REST API simulator. `generateHotel(spec, seed)` returns every type,
// unit, booking and rate of one simulated site, each as the exact JSON the API serves plus WordPress post
// metadata. Same (spec, seed) → identical data; nothing depends on the clock (DATA_TODAY is 2026-11-01).
import { airbnbHeavy } from './airbnb_heavy.js';
import { indo } from './indo.js';
import { large, LARGE_DEFAULT_BOOKINGS } from './large.js';
import { simmerdown } from './simmerdown.js';
import { testhotel } from './testhotel.js';

export { DATA_TODAY } from './record_builders.js';
export { LARGE_DEFAULT_BOOKINGS } from './large.js';

export const PROFILE_NAMES = ['indo', 'simmerdown', 'testhotel', 'airbnb-heavy', 'large'];
export const LARGE_MAX_BOOKINGS = 1000000;

const PROFILES = { indo, simmerdown, testhotel, 'airbnb-heavy': airbnbHeavy };

/**
 * @typedef {{ record: object, meta: { created_gmt: string, modified_gmt: string, post_status: string, title: string } }} Entity
 *   record: exactly the JSON the REST API serves for GET /{collection}/{id}, without _links.
 *   meta.post_status: types/units 'publish'|'draft'|'private'|'trash'; bookings the booking status or 'trash';
 *   rates 'active'|'disabled'. record.status always equals meta.post_status.
 */

/**
 * @param {string} spec  'indo' | 'simmerdown' | 'testhotel' | 'airbnb-heavy' | 'large' | 'large:<bookings>'
 * @param {number} seed
 * @returns {{ profile: string, title: string, types: Entity[], units: Entity[], bookings: Entity[], rates: Entity[] }}
 */
export function generateHotel(spec, seed) {
  if (typeof spec !== 'string') throw new TypeError(`generateHotel: profile must be a string, got ${typeof spec}`);
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new TypeError(`generateHotel: seed must be a finite number, got ${String(seed)}`);
  }
  if (spec === 'large') return large(seed, LARGE_DEFAULT_BOOKINGS);
  if (spec.startsWith('large:')) {
    const n = spec.slice('large:'.length);
    if (!/^[0-9]+$/.test(n) || Number(n) < 1 || Number(n) > LARGE_MAX_BOOKINGS) {
      throw new RangeError(`generateHotel: bad profile "${spec}": the booking count after "large:" must be an integer from 1 to ${LARGE_MAX_BOOKINGS}`);
    }
    return large(seed, Number(n));
  }
  const make = Object.hasOwn(PROFILES, spec) ? PROFILES[spec] : null;
  if (!make) {
    throw new RangeError(`generateHotel: unknown profile "${spec}"; expected one of ${PROFILE_NAMES.join(', ')} or large:<bookings>`);
  }
  return make(seed);
}
