// What database-backed commands share: the database (migrated on open), the core, the credential
// cipher, and a MotoPress client per tenant. Each command closes what it opened.
import { loadCore } from '../../js/core.js';
import { openDatabase } from '../db/database.js';
import { createMotoPressClient } from '../motopress/motopress_client.js';
import { createCipher } from '../tenants/credential_cipher.js';
import { loadCredentials } from '../tenants/tenant_store.js';

/** Runs fn({db, core, cipher(), clientFor(tenant)}) and always closes the database. */
export async function withContext(fn, options = {}) {
  const db = await openDatabase(options.database ?? {});
  let core;
  let cipher;
  try {
    return await fn({
      db,
      core: async () => (core ??= await loadCore()),
      cipher: async () => (cipher ??= await createCipher()),
      clientFor: async (tenant, clientOptions = {}) => {
        const credentials = await loadCredentials(db, await (cipher ??= await createCipher()), tenant.tenant_id);
        return createMotoPressClient({ ...credentials, tenant: tenant.slug, ...clientOptions });
      },
    });
  } finally {
    await db.close();
  }
}
