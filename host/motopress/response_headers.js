// A response's headers as fetch's Headers answers them — get(name) case-insensitive, repeated values joined
// by ", ", null when absent — built from node:http's raw headers. Not Headers itself: in Node its first use
// loads the whole fetch implementation (undici), ~40 ms in a fresh process — most of what a CLI run's
// first request to the site cost.
export class ResponseHeaders {
  #values = new Map();

  /** @param {string[]} raw node:http's rawHeaders: name, value, name, value, … */
  constructor(raw = []) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = String(raw[i]).toLowerCase();
      const value = String(raw[i + 1]).trim();
      const before = this.#values.get(name);
      this.#values.set(name, before === undefined ? value : `${before}, ${value}`);
    }
  }

  /** @param {string} name @returns {string|null} */
  get(name) {
    return this.#values.get(String(name).toLowerCase()) ?? null;
  }

  has(name) {
    return this.#values.has(String(name).toLowerCase());
  }

  forEach(callback, thisArg) {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }

  // In name order, as Headers iterates.
  entries() {
    return [...this.#values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[Symbol.iterator]();
  }

  [Symbol.iterator]() {
    return this.entries();
  }
}
