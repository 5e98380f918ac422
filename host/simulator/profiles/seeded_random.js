// A small seeded pseudo-random generator for the simulator's hotel profiles. sfc32 (Chris Doty-Humphrey's
// "small fast counter", 128-bit state) seeded from a string hash, so one (profile, seed) pair always gives
// the same sequence on every platform. It never reads Math.random or the clock.

/**
 * cyrb128: hashes a string to four 32-bit words (the sfc32 state).
 * @param {string} text
 * @returns {number[]}
 */
function hash128(text) {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export class SeededRandom {
  /** @param {string|number} seed any string or number; equal seeds give equal sequences */
  constructor(seed) {
    [this.a, this.b, this.c, this.d] = hash128(String(seed));
    for (let i = 0; i < 12; i++) this.nextUint32(); // warm up: spread similar seeds apart
  }

  /** @returns {number} an unsigned 32-bit integer */
  nextUint32() {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** @returns {number} a float in [0, 1) */
  next() {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min, max) {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`SeededRandom.int: bad range [${min}, ${max}]`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of a non-empty array. */
  pick(list) {
    if (list.length === 0) throw new RangeError('SeededRandom.pick: empty list');
    return list[Math.floor(this.next() * list.length)];
  }

  /** One element of `[[weight, value], ...]`, chosen with probability proportional to its weight. */
  weighted(pairs) {
    let total = 0;
    for (const [w] of pairs) total += w;
    let r = this.next() * total;
    for (const [w, value] of pairs) {
      r -= w;
      if (r < 0) return value;
    }
    return pairs[pairs.length - 1][1];
  }

  /** True with probability p. */
  chance(p) {
    return this.next() < p;
  }

  /** Shuffles `list` in place (Fisher–Yates) and returns it. */
  shuffle(list) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = list[i];
      list[i] = list[j];
      list[j] = tmp;
    }
    return list;
  }

  /** `length` characters drawn from `alphabet`. */
  chars(length, alphabet) {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** `length` decimal digits (leading zeros kept). */
  digits(length) {
    return this.chars(length, '0123456789');
  }

  /** A new generator seeded from this one (an independent stream). */
  fork(label = '') {
    return new SeededRandom(`${label}:${this.nextUint32()}:${this.nextUint32()}`);
  }
}

/** @param {string|number} seed */
export function seededRandom(seed) {
  return new SeededRandom(seed);
}
