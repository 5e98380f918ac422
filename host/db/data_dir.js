// The embedded database's directory holds guests' personal data and the tenants' site URLs: only its
// owner may read or write it. Created 0700 (files 0600); an existing one is tightened the same way; one
// that other users can write is refused (its contents can no longer be trusted), naming the fix. The
// directory's own 0700 is what keeps others out while the engine writes; files are tightened again on close.
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export class DataDirError extends Error {
  constructor(message) {
    super(message);
    this.code = 'unsafe_data_dir';
  }
}

/** Every directory under path 0700, every file 0600 (the embedded engine creates its files 0666). */
export async function tighten(path) {
  const entries = await readdir(path, { withFileTypes: true });
  await chmod(path, 0o700);
  for (const e of entries) {
    const child = join(path, e.name);
    if (e.isDirectory()) await tighten(child);
    else if (e.isFile()) await chmod(child, 0o600);
  }
}

/**
 * @param {string} dir the data directory (e.g. $MPHB_DATA_DIR/pglite)
 * @param {{parents?: string[]}} [o] directories above it that must not be writable by others either
 * @throws {DataDirError} unsafe_data_dir
 */
export async function ensurePrivateDataDir(dir, { parents = [] } = {}) {
  for (const d of [...parents, dir]) {
    const s = await stat(d).catch(() => null);
    if (s && (s.mode & 0o022) !== 0) {
      throw new DataDirError(`the data directory ${d} is writable by other users (mode ${(s.mode & 0o777).toString(8)}): anyone could change the stored site URLs or read guests' data; run \`chmod 700 ${d}\` (and check what is in it) before starting mphb-sync`);
    }
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const d of parents) await chmod(d, 0o700).catch(() => {});
  await tighten(dir);
}
