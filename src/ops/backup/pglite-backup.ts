import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { backupFileName, partialPathFor, publishBackup } from './backup-files.js';
import { compareCounts, countRows, type SqlRunner } from './table-counts.js';
import type { TakenBackup } from './taken-backup.js';
import type { Verification } from './verification.js';

const gzipAsync = promisify(gzip);

export interface EmbeddedBackupOptions {
  /** The open embedded database (this process holds DATA_DIR's lock). */
  client: PGlite;
  dir: string;
  now: Date;
  preMigration?: boolean;
}

/**
 * The PGlite data directory as a gzipped tarball (dumpDataDir), which PGlite.create({ loadDataDir })
 * opens again. PGlite runs one statement at a time; the counts and the copy happen inside one
 * transaction, which holds PGlite's transaction queue, so no write can land between them.
 */
export async function backupEmbedded(options: EmbeddedBackupOptions): Promise<TakenBackup> {
  const started = performance.now();
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const name = backupFileName('pglite', options.now, options.preMigration);
  const finalPath = join(options.dir, name);
  const partialPath = partialPathFor(options.dir, name);
  const { counts, image } = await options.client.transaction(async (tx) => {
    const counts = await countRows(tx as SqlRunner);
    // Uncompressed: the database waits only for the copy; gzip runs after, off the query queue.
    const image = await options.client.dumpDataDir('none');
    return { counts, image };
  });
  try {
    writeFileSync(partialPath, await gzipAsync(Buffer.from(await image.arrayBuffer())), { mode: 0o600 });
    publishBackup(partialPath, finalPath, options.dir);
  } catch (error) {
    rmSync(partialPath, { force: true });
    throw error;
  }
  return {
    format: 'pglite',
    file: finalPath,
    bytes: statSync(finalPath).size,
    takenAt: options.now,
    durationMs: Math.round(performance.now() - started),
    counts,
  };
}

/**
 * Reads a PGlite backup file as the Blob that PGlite.create({ loadDataDir }) takes. It is gunzipped
 * here rather than by PGlite, whose streaming gunzip leaves a damaged file's error unhandled; zlib
 * throws on a bad checksum or a cut-short file, which is exactly what verification must catch.
 */
export function readEmbeddedImage(file: string): Blob {
  const bytes = readFileSync(file);
  const tar = isGzip(bytes) ? gunzipSync(bytes) : bytes;
  return new Blob([new Uint8Array(tar)], { type: 'application/x-tar' });
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Opens the tarball as a fresh in-memory PGlite, counts its rows, compares them. Never throws. */
export async function verifyEmbeddedBackup(
  file: string,
  expected: TakenBackup['counts'],
): Promise<Verification> {
  const started = performance.now();
  const done = (partial: Omit<Verification, 'restoredInto' | 'durationMs'>): Verification => ({
    ...partial,
    restoredInto: 'a fresh in-memory PGlite',
    durationMs: Math.round(performance.now() - started),
  });
  let scratch: PGlite | undefined;
  try {
    scratch = await PGlite.create({ loadDataDir: readEmbeddedImage(file) });
    const counts = await countRows(scratch as SqlRunner);
    const mismatches = compareCounts(expected, counts);
    return done({ ok: mismatches.length === 0, tables: Object.keys(counts).length, counts, mismatches });
  } catch (error) {
    return done({
      ok: false,
      tables: 0,
      counts: {},
      mismatches: [],
      error: error instanceof Error ? error.message : String(error),
    });
  } finally {
    await scratch?.close().catch(() => undefined);
  }
}
