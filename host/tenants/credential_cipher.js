// MotoPress credentials are encrypted at rest (SPEC §2) with AES-256-GCM through WebCrypto, so the same
// code runs in Node and edge runtimes. The key (MPHB_ENCRYPTION_KEY: 32 bytes, base64 or hex) never
// reaches the database or a log.
const VERSION = 'v1';

export class CipherError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function decodeKey(text) {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Uint8Array.from(text.match(/../g).map((h) => parseInt(h, 16)));
  const bytes = Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  return bytes;
}

const toBase64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/**
 * The 32 key bytes of MPHB_ENCRYPTION_KEY (base64 or 64 hex digits).
 * @throws {CipherError} missing_encryption_key | bad_encryption_key
 */
export function encryptionKeyBytes(keyText) {
  if (!keyText) throw new CipherError('missing_encryption_key', 'MPHB_ENCRYPTION_KEY is not set: credentials cannot be stored or read without it (32 bytes, base64 or hex; e.g. `openssl rand -base64 32`)');
  let raw;
  try {
    raw = decodeKey(keyText.trim());
  } catch {
    raw = new Uint8Array();
  }
  if (raw.length !== 32) throw new CipherError('bad_encryption_key', 'MPHB_ENCRYPTION_KEY must be 32 bytes, written as base64 or 64 hex digits');
  return raw;
}

/**
 * @param {string|undefined} keyText MPHB_ENCRYPTION_KEY
 * @returns {Promise<{encrypt(text: string): Promise<string>, decrypt(value: string): Promise<string>}>}
 * @throws {CipherError} missing_encryption_key | bad_encryption_key
 */
export async function createCipher(keyText = process.env.MPHB_ENCRYPTION_KEY) {
  const raw = encryptionKeyBytes(keyText);
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return {
    async encrypt(text) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(text));
      return `${VERSION}:${toBase64(iv)}:${toBase64(ciphertext)}`;
    },
    async decrypt(value) {
      const [version, iv, ciphertext] = String(value).split(':');
      if (version !== VERSION || !iv || !ciphertext) throw new CipherError('bad_ciphertext', 'stored credential is not in the v1 format');
      try {
        const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv) }, key, fromBase64(ciphertext));
        return new TextDecoder().decode(plain);
      } catch {
        throw new CipherError('decrypt_failed', 'stored credentials cannot be decrypted with this MPHB_ENCRYPTION_KEY');
      }
    },
  };
}
