// The fleet's knobs, read once from the environment (or given by a caller), each checked: a bad value
// names its variable and is refused before anything starts. docs/fleet.md lists them.
export class FleetSettingsError extends Error {
  constructor(message) {
    super(message);
    this.code = 'invalid_fleet_setting';
  }
}

// name → [environment variable, default, minimum, maximum]
const KNOBS = {
  retryLimit: ['MPHB_FLEET_RETRY_LIMIT', 4, 0, 100],
  // A repair waits out a busy tenant or a backing-off host by retrying: hours of backoff before its dead letter.
  repairRetryLimit: ['MPHB_FLEET_REPAIR_RETRY_LIMIT', 12, 0, 100],
  retryDelaySeconds: ['MPHB_FLEET_RETRY_DELAY_SECONDS', 30, 0, 86_400],
  retryDelayMaxSeconds: ['MPHB_FLEET_RETRY_DELAY_MAX_SECONDS', 1800, 1, 86_400],
  heartbeatSeconds: ['MPHB_FLEET_HEARTBEAT_SECONDS', 30, 10, 3600],
  monitorSeconds: ['MPHB_FLEET_MONITOR_SECONDS', 10, 1, 600],
  expireSeconds: ['MPHB_FLEET_EXPIRE_SECONDS', 4 * 3600, 60, 86_399],
  pollSeconds: ['MPHB_FLEET_POLL_SECONDS', 2, 0.5, 600],
  schedulerSeconds: ['MPHB_FLEET_SCHEDULER_SECONDS', 15, 1, 3600],
  hostRequests: ['MPHB_FLEET_HOST_REQUESTS', 4, 1, 64],
  hostBackoffSeconds: ['MPHB_FLEET_HOST_BACKOFF_SECONDS', 60, 1, 3600],
  hostBackoffMaxSeconds: ['MPHB_FLEET_HOST_BACKOFF_MAX_SECONDS', 900, 1, 86_400],
};

/**
 * @param {Partial<Record<keyof typeof KNOBS, number>>} [given] values that win over the environment
 * @param {Record<string, string|undefined>} [env]
 * @returns {Record<keyof typeof KNOBS, number> & {syncsPerHost: number, pagesPerSync: number}}
 *   syncsPerHost × pagesPerSync ≤ hostRequests: the requests one host sees in flight at most
 * @throws {FleetSettingsError} naming the variable (or option) and the allowed range
 */
export function fleetSettings(given = {}, env = process.env) {
  /** @type {any} */
  const settings = {};
  for (const [name, [variable, fallback, min, max]] of Object.entries(KNOBS)) {
    const fromCaller = given[name] !== undefined;
    const raw = fromCaller ? given[name] : env[variable];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    const integral = !['pollSeconds'].includes(name);
    if (!Number.isFinite(value) || value < min || value > max || (integral && !Number.isInteger(value))) {
      const what = fromCaller ? name : variable;
      throw new FleetSettingsError(`${what} must be ${integral ? 'an integer' : 'a number'} from ${min} to ${max}, not ${JSON.stringify(raw)}`);
    }
    settings[name] = value;
  }
  // A host's K requests in flight: up to 4 pages of one sync, the rest as more syncs of the host at once.
  settings.pagesPerSync = Math.min(4, settings.hostRequests);
  settings.syncsPerHost = Math.max(1, Math.floor(settings.hostRequests / settings.pagesPerSync));
  if (settings.retryDelayMaxSeconds < settings.retryDelaySeconds) {
    throw new FleetSettingsError(`MPHB_FLEET_RETRY_DELAY_MAX_SECONDS (${settings.retryDelayMaxSeconds}) must be at least MPHB_FLEET_RETRY_DELAY_SECONDS (${settings.retryDelaySeconds})`);
  }
  return settings;
}

/**
 * The settings of a worker with `concurrency` jobs at once (`worker`, `serve --schedule`).
 * @param {number} concurrency the --concurrency flag
 * @throws {FleetSettingsError} a bad flag or variable, named
 */
export function workerSettings(concurrency, env = process.env) {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new FleetSettingsError(`--concurrency must be an integer from 1 to 64, not ${concurrency}`);
  }
  return fleetSettings({}, env);
}
