// The mphb-sync core, loaded from its WebAssembly build. Identical in Node 20, jest, edge runtimes and
// browsers: it does no I/O of its own beyond loading its .wasm (read from disk on Node, fetched by URL
// elsewhere) and never reads a clock; time ("now") and all data are arguments.
//
//   import { loadCore } from 'mphb-sync';
//   const core = await loadCore();
//   const plan = core.plan({ tenantId, now: new Date().toISOString(), accommodationTypes, accommodations, bookings });
//
// Inputs may be JSON text (string), bytes (Uint8Array / ArrayBuffer), or already-parsed values (they are
// serialised first). Large inputs are written straight into the module's memory with
// TextEncoder.encodeInto; nothing is copied byte by byte in JS.
import createMphbCore from '../dist/wasm/mphb_core.mjs';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Instantiates the core. Each instance is independent (its own memory); reuse one per process or worker.
 * @param {object} [moduleOptions] passed to the Emscripten factory (e.g. `locateFile` or `wasmBinary`).
 * @returns {Promise<MphbCore>}
 */
export async function loadCore(moduleOptions = {}) {
  const module = await createMphbCore(moduleOptions);
  return new MphbCore(module);
}

export class MphbCore {
  /** @param {object} module an instantiated Emscripten module of mphb_core */
  constructor(module) {
    this.module = module;
  }

  /** The core's version string. */
  get version() {
    return this.module.version();
  }

  /**
   * The offline dry run: what a sync would write for these MotoPress exports, with no database.
   * Each export is a JSON array as the API returns a page, or an array of pages; omit one to leave it out.
   * @param {object} input
   * @param {string} input.tenantId  UUID of the tenant (namespace of every row id)
   * @param {string} input.now  ISO-8601 timestamp (the only notion of time the core has)
   * @param {string|Uint8Array|ArrayBuffer|object[]} [input.accommodationTypes]  /accommodation_types records
   * @param {string|Uint8Array|ArrayBuffer|object[]} [input.accommodations]  /accommodations records (units)
   * @param {string|Uint8Array|ArrayBuffer|object[]} [input.bookings]  /bookings records
   * @returns {string} compact JSON of the plan (see plan())
   */
  planJson({ tenantId, now, accommodationTypes, accommodations, bookings }) {
    if (typeof tenantId !== 'string') throw new TypeError('tenantId must be a string');
    if (typeof now !== 'string') throw new TypeError('now must be an ISO-8601 string');
    const buffers = [accommodationTypes, accommodations, bookings].map((value) => this.#write(value));
    try {
      const view = this.module.planOffline(
        tenantId,
        now,
        buffers[0].ptr, buffers[0].len,
        buffers[1].ptr, buffers[1].len,
        buffers[2].ptr, buffers[2].len,
      );
      // The view points into wasm memory owned by the core; decode it before the next call.
      return decoder.decode(view);
    } finally {
      for (const b of buffers) if (b.ptr) this.module._free(b.ptr);
    }
  }

  /**
   * Like planJson, parsed: `{accommodation_types, accommodation_units, reservations,
   * reservation_accommodations, calendar_blocks, warnings, errors}`, each an array. Rows are named like
   * the database columns; warnings and errors are `{code, path, message, tenant_id}` with a JSON path
   * into the input such as `bookings[17].reserved_accommodations[0].accommodation`. Bad input never
   * throws: it shows up in `errors`.
   */
  plan(input) {
    return JSON.parse(this.planJson(input));
  }

  // Copies one input into wasm memory. Returns {ptr, len}; len -1 means "not given".
  #write(value) {
    if (value === undefined || value === null) return { ptr: 0, len: -1 };
    let bytes = null;
    let text = null;
    if (typeof value === 'string') text = value;
    else if (value instanceof Uint8Array) bytes = value;
    else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
    else text = JSON.stringify(value);

    const capacity = bytes ? bytes.length : text.length * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
    const ptr = this.module._malloc(Math.max(capacity, 1));
    if (!ptr) throw new RangeError(`mphb core: cannot allocate ${capacity} bytes`);
    // Read HEAPU8 after _malloc: memory growth replaces the buffer.
    const heap = this.module.HEAPU8;
    if (bytes) {
      heap.set(bytes, ptr);
      return { ptr, len: bytes.length };
    }
    const { written } = encoder.encodeInto(text, heap.subarray(ptr, ptr + capacity));
    return { ptr, len: written };
  }
}
