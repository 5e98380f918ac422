// The MotoPress credentials of a legacy integration_configs row: plain text on many rows
// ({site_url, consumer_key, consumer_secret}), or {consumer_key_encrypted, consumer_secret_encrypted}
// with a key that may be the old code's default. A secret that cannot be read is reported, never guessed.
import { createCipher } from '../tenants/credential_cipher.js';

/**
 * @param {object|string|null} configData the row's config_data
 * @param {{legacyKey?: string}} [o] the key the legacy values were encrypted with (AES-256-GCM, mphb-sync's v1 form)
 * @returns {Promise<{ok: true, siteUrl, consumerKey, consumerSecret} | {ok: false, code, message}>}
 */
export async function readLegacyCredentials(configData, { legacyKey } = {}) {
  let config = configData;
  if (typeof config === 'string') {
    try {
      config = JSON.parse(config);
    } catch {
      return { ok: false, code: 'unreadable_config', message: 'config_data is not JSON' };
    }
  }
  if (!config || typeof config !== 'object') return { ok: false, code: 'no_integration', message: 'the tenant has no MotoPress integration row' };
  const siteUrl = typeof config.site_url === 'string' ? config.site_url : null;
  if (!siteUrl) return { ok: false, code: 'unreadable_config', message: 'config_data has no site_url' };
  if (typeof config.consumer_key === 'string' && typeof config.consumer_secret === 'string') {
    return { ok: true, siteUrl, consumerKey: config.consumer_key, consumerSecret: config.consumer_secret };
  }
  if (typeof config.consumer_key_encrypted === 'string' && typeof config.consumer_secret_encrypted === 'string') {
    if (!legacyKey) {
      return { ok: false, code: 'unreadable_secret', message: 'the consumer key and secret are encrypted and no --legacy-key was given; re-enter them with `mphb-sync tenant add` after adoption, or give the legacy key' };
    }
    try {
      const cipher = await createCipher(legacyKey);
      return { ok: true, siteUrl, consumerKey: await cipher.decrypt(config.consumer_key_encrypted), consumerSecret: await cipher.decrypt(config.consumer_secret_encrypted) };
    } catch (error) {
      return { ok: false, code: 'unreadable_secret', message: `the encrypted consumer key or secret cannot be read with --legacy-key (${error.message})` };
    }
  }
  return { ok: false, code: 'unreadable_config', message: 'config_data has neither consumer_key/consumer_secret nor their encrypted forms' };
}
