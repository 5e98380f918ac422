// A preview transcript: everything a dry run (`sync-all --dry-run`) fed the core — the stored state, the
// upstream lists, every bookings page and each single-record answer — recorded while the real dry run
// runs, so that the same inputs can be replayed through another build of the core (WASM here, native g++
// in `mphb_plan_native --preview`) and the diffs compared byte for byte.
//
// Transcript (JSON-serialisable; strings hold exactly the bytes the core was given, decoded as UTF-8):
//   {tenant_id, now, stored, accommodation_types, accommodations, pages: [text, …],
//    units: {"<id>": {status, body}}, bookings: {"<id>": {status, body: text}}, total}
import { runDryRun } from '../../../host/preview/dry_run.js';
import { pagesAsJson } from '../../../host/motopress/pages_json.js';
import { PreviewDriver, PreviewStopped } from '../../../js/preview_driver.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Runs runDryRun once, recording what the database and MotoPress answered.
 * @param {object} o
 * @param {object} o.db an open database (its query results are passed through unchanged)
 * @param {import('../../../js/core.js').MphbCore} o.core
 * @param {{tenant_id: string, slug: string}} o.tenant
 * @param {object} o.client a MotoPress client (every method is delegated; three are observed)
 * @param {() => Date} [o.clock] the dry run's clock; `now` is the ISO string of the time it gave
 * @returns {Promise<{transcript: object, diffText: string}>} diffText: the dry run's own diff text
 * @throws whatever runDryRun throws (a dry run that stops has no diff to compare), or an Error when the
 *   stored state was not read exactly once
 */
export async function recordPreviewTranscript({ db, core, tenant, client, clock = () => new Date() }) {
  const transcript = {
    tenant_id: tenant.tenant_id, now: null, stored: null, accommodation_types: null, accommodations: null,
    pages: [], units: {}, bookings: {}, total: null,
  };
  // runDryRun reads the clock once; record the very time it used rather than asking the clock again.
  const recordingClock = () => {
    const time = clock();
    transcript.now ??= time.toISOString();
    return time;
  };
  const { db: recordingDb, storedTexts } = recordStoredState(db);
  const { diffText } = await runDryRun({ db: recordingDb, core, tenant, client: recordingClient(client, transcript), clock: recordingClock });
  if (storedTexts.length !== 1) throw new Error(`preview transcript: expected the stored state to be read once, it was read ${storedTexts.length} times`);
  transcript.stored = storedTexts[0];
  return { transcript, diffText };
}

/**
 * Replays a transcript through the WASM core with the same driver as the dry run.
 * @param {import('../../../js/core.js').MphbCore} core
 * @param {object} transcript from recordPreviewTranscript (or its JSON parsed back)
 * @returns {Promise<string>} the diff text; a preview the core stopped (PreviewStopped) still answers its
 *   diff, whose errors say why — as the native `--preview` mode prints it
 */
export async function replayPreviewTranscript(core, transcript) {
  const preview = core.syncPreview({ tenantId: transcript.tenant_id, now: transcript.now, stored: transcript.stored });
  try {
    const driver = new PreviewDriver(preview, {
      fetchUnit: async (id) => {
        const unit = transcript.units[String(id)];
        return unit ? { id, status: unit.status, body: unit.body } : { id, status: 404, body: null };
      },
      fetchBooking: async (id) => {
        const booking = transcript.bookings[String(id)];
        return booking ? { status: booking.status, body: booking.body } : { status: 404, body: '' };
      },
    });
    try {
      driver.accommodations(utf8Encoder.encode(transcript.accommodation_types), utf8Encoder.encode(transcript.accommodations));
      for (const page of transcript.pages) await driver.page(utf8Encoder.encode(page));
      await driver.finish({ total: transcript.total });
    } catch (error) {
      if (!(error instanceof PreviewStopped)) throw error;
    }
    return driver.diffText();
  } finally {
    preview.close();
  }
}

// The database as given, its query results also kept: the dry run reads the stored state with one
// statement answering one row {state} (host/preview/preview_state.js), and that text is what the core got.
function recordStoredState(db) {
  const storedTexts = [];
  const query = async (...args) => {
    const rows = await db.query(...args);
    if (Array.isArray(rows) && rows.length === 1 && typeof rows[0]?.state === 'string') storedTexts.push(rows[0].state);
    return rows;
  };
  return { db: { ...db, query }, storedTexts };
}

// The client as given, with the answers the dry run hands the core written into the transcript.
function recordingClient(client, transcript) {
  return {
    ...client,
    async getCollection(collection, options) {
      const answer = await client.getCollection(collection, options);
      // The core gets the pages joined as one array of pages (pagesAsJson), exactly as runDryRun joins them.
      if (collection === 'accommodation_types' || collection === 'accommodations') transcript[collection] = utf8Decoder.decode(pagesAsJson(answer.bodies));
      return answer;
    },
    async streamCollection(collection, options = {}) {
      if (collection !== 'bookings') return client.streamCollection(collection, options);
      const { onPage } = options;
      const summary = await client.streamCollection(collection, {
        ...options,
        // Recorded in delivery order: the order the core read the pages in.
        onPage: async (event) => {
          transcript.pages.push(utf8Decoder.decode(event.bytes));
          return onPage?.(event);
        },
      });
      transcript.total = summary.total ?? null;
      return summary;
    },
    async getOne(collection, id, options) {
      const answer = await client.getOne(collection, id, options);
      if (collection === 'accommodations') transcript.units[String(id)] = { status: answer.status, body: answer.body };
      if (collection === 'bookings') transcript.bookings[String(id)] = { status: answer.status, body: answer.bytes ? utf8Decoder.decode(answer.bytes) : '' };
      return answer;
    },
  };
}
