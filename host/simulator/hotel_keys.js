// Each simulated hotel's REST API keys, derived from the seed so that the printed keys stay the same
// across restarts with the same seed. Like the plugin's keys: a consumer key and secret per permission.
import { createHash } from 'node:crypto';

function hex(seed, hotel, label) {
  return createHash('sha256').update(`mphb-simulator:${seed}:${hotel}:${label}`).digest('hex').slice(0, 40);
}

/** @typedef {{key: string, secret: string, permissions: 'read_write'|'read'|'write'}} Key */

/**
 * @returns {{readWrite: Key, read: Key, write: Key}}
 */
export function deriveHotelKeys(seed, hotel) {
  const make = (permissions) => ({
    key: `ck_${hex(seed, hotel, `${permissions}:key`)}`,
    secret: `cs_${hex(seed, hotel, `${permissions}:secret`)}`,
    permissions,
  });
  return { readWrite: make('read_write'), read: make('read'), write: make('write') };
}
