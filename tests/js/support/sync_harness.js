// Sync tests against real parts: the simulator, a real database (PGlite or PostgreSQL), the real WASM
// core and the real MotoPress client. `await harness.syncAll('indo')` runs exactly what the CLI runs.
import { loadCore } from '../../../js/core.js';
import { createMotoPressClient } from '../../../host/motopress/motopress_client.js';
import { startSimulator } from '../../../host/simulator/simulator_server.js';
import { runSync } from '../../../host/sync/sync_runner.js';
import { createCipher } from '../../../host/tenants/credential_cipher.js';
import { addTenant } from '../../../host/tenants/tenant_store.js';
import { openTestDatabase } from './test_databases.js';

const TEST_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * @param {'pglite'|'postgres'} kind
 * @param {{hotels?: string, seed?: number, faults?: any, latencyMs?: number}} [simOptions]
 */
export async function createSyncHarness(kind, simOptions = {}) {
  const [db, core, sim, cipher] = await Promise.all([
    openTestDatabase(kind), loadCore(), startSimulator({ hotels: 'indo', seed: 1, ...simOptions }), createCipher(TEST_KEY),
  ]);
  const tenants = new Map();
  const harness = {
    db, core, sim, cipher,
    /** Registers a simulator hotel as a tenant (slug = hotel name unless given). */
    async addTenant(hotel, { slug = hotel, tenantId } = {}) {
      const h = sim.hotels.find((x) => x.name === hotel);
      const tenant = await addTenant(db, cipher, {
        slug, name: h.title, siteUrl: h.siteUrl, consumerKey: h.keys.readWrite.key, consumerSecret: h.keys.readWrite.secret, tenantId,
      });
      tenants.set(slug, { ...tenant, hotel });
      return tenant;
    },
    tenant: (slug) => tenants.get(slug),
    client(slug, options = {}) {
      const t = tenants.get(slug);
      const h = sim.hotels.find((x) => x.name === t.hotel);
      return createMotoPressClient({
        siteUrl: h.siteUrl, consumerKey: h.keys.readWrite.key, consumerSecret: h.keys.readWrite.secret, tenant: slug,
        sleep: async () => {}, retries: 2, timeoutMs: 5000, ...options,
      });
    },
    /**
     * Runs a sync like the CLI; resolves to the result or rejects with the SyncError. `pass` defaults to
     * 'full': these suites check what a full pass does (reconcile included); the incremental pass, the
     * product's default for re-syncs, has its own suites (sync_incremental*.test.js).
     */
    async syncAll(slug, { kind: syncKind = 'sync-all', events = [], clock, clientOptions, pass = 'full' } = {}) {
      const t = tenants.get(slug);
      return runSync({ db, core, tenant: { tenant_id: t.tenant_id, slug }, client: harness.client(slug, clientOptions), kind: syncKind, clock, pass, onEvent: (e) => events.push(e) });
    },
    async close() {
      await sim.stop();
      await db.close();
    },
  };
  return harness;
}
