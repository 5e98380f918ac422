// `sync-all --dry-run`: what a Sync All of one tenant would do, from Node, writing nothing. The same
// MotoPress requests as a full pass (accommodations, every bookings page, units the database lacks, the
// bookings missing from the pass), the database read once, no lock taken (nothing is written), and the
// decisions the core's dry run makes with the sync's own planners (js/preview_driver.js).
import { PreviewDriver, PreviewStopped } from '../../js/preview_driver.js';
import { pagesAsJson } from '../motopress/pages_json.js';
import { SyncError } from '../sync/sync_errors.js';
import { loadPreviewState } from './preview_state.js';
import { getCollectionsTogether } from '../motopress/collections_together.js';

/**
 * @param {object} o
 * @param {object} o.db  @param {import('../../js/core.js').MphbCore} o.core
 * @param {{tenant_id: string, slug: string}} o.tenant  @param {object} o.client a MotoPress client
 * @param {() => Date} [o.clock]
 * @param {(event: {type, stage, current, total, message}) => void} [o.onEvent]
 * @returns {Promise<{diff: object, diffText: string, requests: number}>} diff: see SyncPreviewSession.diff
 * @throws {SyncError} motopress_error / motopress_unauthorized / accommodations_failed / unresolved_units
 */
export async function runDryRun({ db, core, tenant, client, clock = () => new Date(), onEvent = () => {} }) {
  const emit = (event) => onEvent({ current: 0, total: 0, message: '', ...event });
  const stored = await loadPreviewState(db, tenant.tenant_id);
  const preview = core.syncPreview({ tenantId: tenant.tenant_id, now: clock().toISOString(), stored });
  let requests = 0;
  const fail = (error, stage) => {
    if (error instanceof PreviewStopped) return new SyncError(error.code, `tenant ${tenant.slug}: dry run: ${error.message}`, { stage, errors: error.errors });
    if (error.endpoint) {
      const code = error.code === 'unauthorized' || error.code === 'forbidden' ? 'motopress_unauthorized' : 'motopress_error';
      return new SyncError(code, `tenant ${tenant.slug}: dry run: ${stage} stage failed: ${error.message}`, { stage, cause: error.code, endpoint: error.endpoint });
    }
    return error;
  };
  try {
    const driver = new PreviewDriver(preview, {
      fetchUnit: async (id) => {
        const r = await client.getOne('accommodations', id);
        requests += 1;
        return { id, status: r.status, body: r.body };
      },
      fetchBooking: async (id) => {
        const r = await client.getOne('bookings', id);
        requests += 1;
        return { status: r.status, body: r.bytes ? new TextDecoder().decode(r.bytes) : '' };
      },
    });
    emit({ type: 'progress', stage: 'accommodations', message: 'fetching accommodation types and accommodations' });
    try {
      const [types, units] = await getCollectionsTogether(client, ['accommodation_types', 'accommodations']);
      requests += types.requests + units.requests;
      driver.accommodations(pagesAsJson(types.bodies), pagesAsJson(units.bodies));
    } catch (error) {
      throw fail(error, 'accommodations');
    }
    let pass;
    try {
      pass = await client.streamCollection('bookings', {
        parse: false,
        onPage: async ({ page, bytes, totalPages }) => {
          await driver.page(bytes);
          emit({ type: 'progress', stage: 'reservations', current: page, total: totalPages, message: `page ${page} of ${totalPages}` });
        },
      });
      requests += pass.requests;
      emit({ type: 'progress', stage: 'reconcile', message: 'confirming bookings missing from the pass' });
      await driver.finish({ total: pass.total });
    } catch (error) {
      throw fail(error, 'reservations');
    }
    const diffText = driver.diffText();
    return { diff: JSON.parse(diffText), diffText, requests };
  } finally {
    preview.close();
  }
}
