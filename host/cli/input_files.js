// Reads the MotoPress export files a command was given. Files stay bytes: the core validates the JSON
// and its UTF-8, so a bad byte is reported with its JSON path rather than silently replaced here.
import { readFile } from 'node:fs/promises';

export class InputFileError extends Error {
  /** @param {string} flag  @param {string} file  @param {string} reason */
  constructor(flag, file, reason) {
    super(`cannot read ${flag} ${file}: ${reason}`);
    this.code = 'unreadable_input';
    this.flag = flag;
    this.file = file;
  }
}

/**
 * @param {Record<string, string|undefined>} files flag name → path (undefined when not given)
 * @returns {Promise<Record<string, Uint8Array|undefined>>}
 */
export async function readInputFiles(files) {
  /** @type {Record<string, Uint8Array|undefined>} */
  const out = {};
  for (const [flag, file] of Object.entries(files)) {
    if (file === undefined) continue;
    try {
      out[flag] = await readFile(file);
    } catch (error) {
      const reason = error.code === 'ENOENT' ? 'no such file'
        : error.code === 'EISDIR' ? 'is a directory'
          : error.code === 'EACCES' ? 'permission denied'
            : error.message;
      throw new InputFileError(flag, file, reason);
    }
  }
  return out;
}
