import { mkdirSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

/** Gives up after this many taken names; a directory holding that many copies of one name is a bug. */
const MAX_SUFFIX = 1000;

/**
 * Writes `data` as a new file named `name` in `dir` (created when missing, mode 0600) and returns its
 * absolute path. Never overwrites: when the name is taken, a suffix goes before the extension
 * ("export.json", "export-2.json", ...). The check and the write are one step (the `wx` flag), so two
 * writers at once still get two files.
 */
export function saveNewFile(dir: string, name: string, data: Uint8Array | string): string {
  mkdirSync(dir, { recursive: true });
  const extension = extname(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const path = join(dir, n === 1 ? name : `${stem}-${n}${extension}`);
    try {
      writeFileSync(path, data, { mode: 0o600, flag: 'wx' });
      return resolve(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`${MAX_SUFFIX} files named like ${name} already exist in ${resolve(dir)}.`);
}
