// Faults on demand, per hotel and per endpoint, deterministic per seed or scheduled per request.
//
// Spec: comma-separated faults, each `[hotel:][endpoint:]kind[=value][@when]`
//   hotel     a hotel name or * (default *)
//   endpoint  bookings | bookings/:id | accommodations | accommodations/:id | accommodation_types |
//             accommodation_types/:id | rates | rates/:id | * (default *)
//   kind      latency=MS | status=5xx | rate-limit=SECONDS (429 + Retry-After) | hang | truncate |
//             malformed | reset | unauthorized-after=N (every request after the hotel's Nth is 401)
//   when      @N (the Nth matching request) | @N+ (from the Nth on) | @N-M | @pX (probability X,
//             seeded) | omitted: every matching request
// e.g. "simmerdown:bookings:status=503@2,indo:*:latency=200,bookings:rate-limit=2@p0.1"
import { createHash } from 'node:crypto';

export const FAULT_KINDS = ['latency', 'status', 'rate-limit', 'hang', 'truncate', 'malformed', 'reset', 'unauthorized-after'];
const NEEDS_VALUE = new Set(['latency', 'status', 'rate-limit', 'unauthorized-after']);

export class FaultSpecError extends Error {
  constructor(spec, reason) {
    super(`bad fault "${spec}": ${reason}`);
    this.code = 'bad_fault_spec';
  }
}

function parseWhen(text, spec) {
  if (text === undefined) return { kind: 'always' };
  let m;
  const range = (from, to) => {
    if (!(from >= 1 && to >= from)) throw new FaultSpecError(spec, `"@${text}" can never fire: requests are counted from 1`);
    return { kind: 'range', from, to };
  };
  if ((m = /^(\d+)$/.exec(text))) return range(Number(m[1]), Number(m[1]));
  if ((m = /^(\d+)\+$/.exec(text))) return range(Number(m[1]), Infinity);
  if ((m = /^(\d+)-(\d+)$/.exec(text))) return range(Number(m[1]), Number(m[2]));
  if ((m = /^p(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(text))) return { kind: 'probability', p: Number(m[1]) };
  throw new FaultSpecError(spec, `"@${text}" is not @N, @N+, @N-M or @pX`);
}

const SPEC = /^(?:([a-z0-9-]+|\*):)?(?:((?:bookings|accommodations|accommodation_types|rates)(?:\/:id)?|\*):)?([a-z-]+)(?:=([^@]*))?(?:@(.*))?$/;

/** Parses one fault object or spec string into validated fault objects. */
export function parseFaults(input) {
  if (input === undefined || input === null || input === '') return [];
  if (Array.isArray(input)) {
    return input.map((f) => {
      const text = JSON.stringify(f);
      if (!f || typeof f !== 'object') throw new FaultSpecError(text, 'a fault must be an object');
      if (f.when !== undefined && typeof f.when !== 'string') throw new FaultSpecError(text, 'when must be a string such as "2", "2+", "2-4" or "p0.5"');
      return validate({ hotel: '*', endpoint: '*', ...f }, text);
    });
  }
  return String(input).split(',').map((s) => s.trim()).filter(Boolean).map((spec) => {
    const m = SPEC.exec(spec);
    if (!m) throw new FaultSpecError(spec, 'expected [hotel:][endpoint:]kind[=value][@when]');
    const [, first, endpoint, kind, value, when] = m;
    // "x:kind" is a hotel unless x names an endpoint (the regex prefers the endpoint group then).
    const single = endpoint === undefined && first !== undefined && isEndpoint(first);
    const fault = {
      hotel: single ? '*' : first ?? '*',
      endpoint: single ? first : endpoint ?? '*',
      kind,
      value: value === undefined ? undefined : Number(value),
      when,
    };
    return validate(fault, spec);
  });
}

function isEndpoint(text) {
  return text === '*' || /^(bookings|accommodations|accommodation_types|rates)(\/:id)?$/.test(text);
}

function validate(fault, spec) {
  if (!FAULT_KINDS.includes(fault.kind)) throw new FaultSpecError(spec, `unknown kind "${fault.kind}" (one of ${FAULT_KINDS.join(', ')})`);
  if (!isEndpoint(fault.endpoint)) throw new FaultSpecError(spec, `unknown endpoint "${fault.endpoint}"`);
  if (NEEDS_VALUE.has(fault.kind) && !(Number.isFinite(fault.value) && fault.value >= 0)) {
    throw new FaultSpecError(spec, `${fault.kind} needs a number, e.g. ${fault.kind}=${fault.kind === 'status' ? 503 : 2}`);
  }
  if (fault.kind === 'status' && !(fault.value >= 500 && fault.value <= 599)) throw new FaultSpecError(spec, 'status must be 5xx');
  const when = parseWhen(fault.when, spec);
  return { hotel: fault.hotel, endpoint: fault.endpoint, kind: fault.kind, value: fault.value, when };
}

/** Decides, request by request, which faults apply. Deterministic for a given seed and request order. */
export class FaultSchedule {
  /** @param {string|object[]} [faults] @param {number|string} [seed] */
  constructor(faults = [], seed = 1) {
    this.seed = seed;
    this.set(faults);
  }

  /** @param {string|object[]} faults */
  set(faults) {
    this.faults = parseFaults(faults).map((f, i) => ({ ...f, matched: 0, rng: seededStream(`${this.seed}:${i}`) }));
  }

  describe() {
    return this.faults.map(({ hotel, endpoint, kind, value, when, matched }) => ({ hotel, endpoint, kind, value, when, matched }));
  }

  /**
   * @param {string} hotel
   * @param {string} endpoint e.g. "bookings" or "bookings/:id"
   * @param {number} hotelRequestNumber 1-based count of this hotel's API requests
   * @returns {Array<{kind: string, value?: number}>}
   */
  pick(hotel, endpoint, hotelRequestNumber) {
    const active = [];
    for (const f of this.faults) {
      if (f.hotel !== '*' && f.hotel !== hotel) continue;
      if (f.endpoint !== '*' && f.endpoint !== endpoint) continue;
      if (f.kind === 'unauthorized-after') {
        if (hotelRequestNumber > f.value) active.push(f);
        continue;
      }
      f.matched += 1;
      const w = f.when;
      const hit = w.kind === 'always' || (w.kind === 'range' && f.matched >= w.from && f.matched <= w.to)
        || (w.kind === 'probability' && f.rng() < w.p);
      if (hit) active.push(f);
    }
    return active.map(({ kind, value }) => ({ kind, value }));
  }
}

// A deterministic stream of numbers in [0, 1) from a string seed (SHA-256 in counter mode).
function seededStream(seed) {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}:${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
}
