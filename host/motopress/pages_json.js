// The pages of a collection (their raw bodies) as one JSON array of pages — the shape the core reads —
// without parsing or re-serialising them.
const utf8 = new TextEncoder();

/** @param {Uint8Array[]} bodies @returns {Uint8Array} `[page1,page2,…]` */
export function pagesAsJson(bodies) {
  /** @type {Uint8Array[]} */
  const parts = [utf8.encode('[')];
  bodies.forEach((b, i) => parts.push(...(i > 0 ? [utf8.encode(','), b] : [b])));
  parts.push(utf8.encode(']'));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
