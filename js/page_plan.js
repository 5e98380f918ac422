// A bookings page plan read without parsing its rows. The rows go to the database as the JSON text the core
// wrote (PostgreSQL expands them with json_to_recordset), so the host need not build them as JavaScript
// objects and serialize them again: `rows_text` holds the three row arrays as text, and the arrays
// themselves are parsed only if something reads them (repair, the offline plan, tests).
//
// The core writes the plan with its keys in sorted order — calendar_blocks, counts, delete_blocks,
// delete_reservations, errors, reservation_accommodations, reservations, unknown_units, warnings — and its
// rows are flat objects of fixed columns. Inside a JSON string every quote is escaped, so the markers below
// (a quote, a key, a quote) can only be the plan's own keys. Anything else is parsed whole.

const ROW_ARRAYS = ['calendar_blocks', 'reservation_accommodations', 'reservations'];
const HEAD = '{"calendar_blocks":';

/**
 * @param {string} text the core's page plan
 * @returns {object} the plan; `reservations`, `reservation_accommodations` and `calendar_blocks` are parsed
 *   on first read; `rows_text` (not enumerable) has them as JSON text
 */
export function readPagePlan(text) {
  const cut = locateRows(text);
  if (!cut) return JSON.parse(text);
  const skeleton = `${text.slice(0, cut.calendar_blocks[0])}[]${text.slice(cut.calendar_blocks[1], cut.reservation_accommodations[0])}[]`
    + `${text.slice(cut.reservation_accommodations[1], cut.reservations[0])}[]${text.slice(cut.reservations[1])}`;
  const plan = JSON.parse(skeleton);
  const rowsText = Object.fromEntries(ROW_ARRAYS.map((k) => [k, text.slice(cut[k][0], cut[k][1])]));
  for (const key of ROW_ARRAYS) {
    let parsed;
    Object.defineProperty(plan, key, {
      enumerable: true,
      configurable: true,
      get: () => (parsed ??= JSON.parse(rowsText[key])),
      set: (value) => { parsed = value; rowsText[key] = null; },
    });
  }
  Object.defineProperty(plan, 'rows_text', { value: rowsText, enumerable: false });
  return plan;
}

// [start, end) of each row array ('[' … ']'), or null when the text is not laid out as expected.
function locateRows(text) {
  if (!text.startsWith(HEAD)) return null;
  const blocksStart = HEAD.length;
  const blocksEnd = text.indexOf('],"counts":{', blocksStart);
  if (blocksEnd < 0) return null;
  const junctionKey = text.indexOf(',"reservation_accommodations":', blocksEnd);
  if (junctionKey < 0) return null;
  const junctionStart = junctionKey + ',"reservation_accommodations":'.length;
  const junctionEnd = text.indexOf('],"reservations":', junctionStart);
  if (junctionEnd < 0) return null;
  const reservationsStart = junctionEnd + '],"reservations":'.length;
  const reservationsEnd = text.indexOf('],"unknown_units":', reservationsStart);
  if (reservationsEnd < 0) return null;
  if (text[blocksStart] !== '[' || text[junctionStart] !== '[' || text[reservationsStart] !== '[') return null;
  return {
    calendar_blocks: [blocksStart, blocksEnd + 1],
    reservation_accommodations: [junctionStart, junctionEnd + 1],
    reservations: [reservationsStart, reservationsEnd + 1],
  };
}
