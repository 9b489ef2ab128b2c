import type { Logger } from '../../core/logger.js';
import { DecryptionError } from '../../crypto/create-field-cipher.js';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import type { Db } from '../../db/database.js';
import {
  columnName,
  countStoredValues,
  type EncryptedColumn,
  encryptedColumns,
  nextStoredValues,
  replaceStoredValues,
  type StoredValueCounts,
  type ValueChange,
  type ValueSample,
} from '../../db/repositories/encrypted-values.js';

/** What one rotation run did to one column. */
export interface ColumnRotation {
  column: string;
  /** Values moved from an older key to the current one. */
  reencrypted: number;
  /** Plain-text values (notes from before encryption) now encrypted. */
  encrypted: number;
  /** Values changed by someone else between read and write: left to them (they write the current key). */
  changedMeanwhile: number;
  /** Values that could not be decrypted (key not configured, tampered, moved to another user): left as they are. */
  unreadable: number;
}

export interface RotationRun {
  columns: ColumnRotation[];
  /** True when the signal stopped the run between two batches; running it again finishes the work. */
  interrupted: boolean;
}

export interface RotationOptions {
  /** Rows read and written per transaction (default 500). */
  batchSize?: number;
  /** Checked between batches: an aborted signal ends the run after the batch in progress. */
  signal?: AbortSignal;
  /** Called after each committed batch. */
  onBatch?: (progress: { column: string; rows: number; changed: number }) => void;
  columns?: readonly EncryptedColumn[];
}

const DEFAULT_BATCH = 500;

/**
 * Re-encrypts every value not under the cipher's current key: values of older keys, and plain-text notes
 * from before notes were encrypted. Keyset pagination by id, one transaction per batch, each row written
 * only if it still holds what was read (compare-and-set). Values already under the current key are never
 * read again, so an interrupted run simply continues where it stopped when run again.
 */
export async function rotateEncryptedValues(
  db: Db,
  cipher: FieldCipher,
  logger: Logger,
  options: RotationOptions = {},
): Promise<RotationRun> {
  const batchSize = Math.max(1, Math.trunc(options.batchSize ?? DEFAULT_BATCH));
  const currentPrefix = `enc:v1:${cipher.currentKeyId}:`;
  const results: ColumnRotation[] = [];
  for (const column of options.columns ?? encryptedColumns) {
    const result: ColumnRotation = {
      column: columnName(column),
      reencrypted: 0,
      encrypted: 0,
      changedMeanwhile: 0,
      unreadable: 0,
    };
    results.push(result);
    let afterId = 0;
    for (;;) {
      // PGlite can answer without ever yielding to the event loop; let a signal (Ctrl-C) in between batches.
      await new Promise((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) return { columns: results, interrupted: true };
      const batch = await db.transaction(async (tx) => {
        const rows = await nextStoredValues(tx, column, {
          afterId,
          limit: batchSize,
          exceptKeyPrefix: currentPrefix,
        });
        const changes: Array<ValueChange & { wasPlaintext: boolean }> = [];
        for (const row of rows) {
          const next = reencrypt(cipher, column, row, logger, result);
          if (next) changes.push({ ...row, next: next.value, wasPlaintext: next.wasPlaintext });
        }
        const written = new Set(await replaceStoredValues(tx, column, changes));
        for (const change of changes) {
          if (!written.has(change.id)) result.changedMeanwhile++;
          else if (change.wasPlaintext) result.encrypted++;
          else result.reencrypted++;
        }
        return { rows: rows.length, lastId: rows.at(-1)?.id, changed: written.size };
      });
      if (batch.lastId === undefined) break;
      afterId = batch.lastId;
      options.onBatch?.({ column: result.column, rows: batch.rows, changed: batch.changed });
      if (batch.rows < batchSize) break;
    }
  }
  return { columns: results, interrupted: false };
}

function reencrypt(
  cipher: FieldCipher,
  column: EncryptedColumn,
  row: { id: number; userId: number; rowKey?: string; value: string },
  logger: Logger,
  result: ColumnRotation,
): { value: string; wasPlaintext: boolean } | undefined {
  const context = {
    table: column.table,
    column: column.column,
    userId: row.userId,
    ...(row.rowKey === undefined ? {} : { rowKey: row.rowKey }),
  };
  if (!row.value.startsWith('enc:')) {
    if (!column.encryptsPlaintext) {
      result.unreadable++;
      logger.warn({ column: result.column, id: row.id }, 'plain-text value left as it is (not a ciphertext)');
      return undefined;
    }
    return { value: cipher.encrypt(row.value, context), wasPlaintext: true };
  }
  try {
    return { value: cipher.encrypt(cipher.decrypt(row.value, context), context), wasPlaintext: false };
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    result.unreadable++;
    logger.warn(
      { column: result.column, id: row.id, userId: row.userId, code: error.code },
      `value left as it is: ${error.message}`,
    );
    return undefined;
  }
}

/** How many values each key id protects, per column. */
export interface KeyUsage extends StoredValueCounts {
  column: string;
}

/** Per column, the values under each key id: all of them, or those of a bounded `sample` (start-up's check). */
export async function keyUsage(
  db: Db,
  columns: readonly EncryptedColumn[] = encryptedColumns,
  options: { sample?: ValueSample } = {},
): Promise<KeyUsage[]> {
  const usage: KeyUsage[] = [];
  for (const column of columns) {
    usage.push({ column: columnName(column), ...(await countStoredValues(db, column, options)) });
  }
  return usage;
}

/**
 * Values no configured key can open: under a key id that is neither current nor old (a restored backup,
 * a typo in a secret), or malformed. Whatever a run found unreadable is counted by the run itself.
 */
export function unreadableValues(
  usage: readonly KeyUsage[],
  keys: { current: string; old: readonly string[] },
): { count: number; keyIds: string[] } {
  const known = new Set([keys.current, ...keys.old]);
  const keyIds = new Set<string>();
  let count = 0;
  for (const column of usage) {
    count += column.malformed;
    for (const [id, n] of Object.entries(column.byKeyId)) {
      if (known.has(id) || n === 0) continue;
      keyIds.add(id);
      count += n;
    }
  }
  return { count, keyIds: [...keyIds].sort() };
}

/**
 * The report an operator reads before retiring a key: per column, the values under each key id (marked
 * current, old or not configured) and the plain text left; then which old keys protect nothing any more.
 */
export function formatKeyUsage(
  usage: readonly KeyUsage[],
  keys: { current: string; old: readonly string[] },
): string {
  const label = (id: string) =>
    id === keys.current ? 'current' : keys.old.includes(id) ? 'old' : 'NOT CONFIGURED';
  const lines = ['Values per key:'];
  for (const column of usage) {
    const parts = Object.entries(column.byKeyId)
      .sort(([a], [b]) => (a === keys.current ? -1 : b === keys.current ? 1 : a.localeCompare(b)))
      .map(([id, n]) => `${n} under ${id} (${label(id)})`);
    if (column.plaintext) parts.push(`${column.plaintext} plain text`);
    if (column.malformed) parts.push(`${column.malformed} malformed`);
    lines.push(`  ${column.column}: ${parts.join(', ') || 'empty'}`);
  }
  const inUse = new Set(usage.flatMap((c) => Object.keys(c.byKeyId)));
  const retirable = [...new Set(keys.old)].filter((id) => id !== keys.current && !inUse.has(id));
  const stillUsed = [...new Set(keys.old)].filter((id) => id !== keys.current && inUse.has(id));
  const left = usage.reduce((n, c) => n + c.plaintext, 0);
  lines.push('');
  if (retirable.length)
    lines.push(
      `Protecting nothing any more (can be removed from ENCRYPTION_OLD_KEYS): ${retirable.join(', ')}`,
    );
  if (stillUsed.length)
    lines.push(`Still protecting values (keep in ENCRYPTION_OLD_KEYS): ${stillUsed.join(', ')}`);
  if (!keys.old.length) lines.push('No old keys are configured.');
  if (left) lines.push(`Plain text left: ${left} (run keys:rotate without --dry-run to encrypt notes).`);
  return `${lines.join('\n')}\n`;
}

/** One line per column of what a run changed. */
export function formatRotationRun(run: RotationRun, currentKeyId: string): string {
  const lines = [`${run.interrupted ? 'Interrupted' : 'Done'}: re-encrypting under key ${currentKeyId}`];
  for (const c of run.columns) {
    lines.push(
      `  ${c.column}: ${c.reencrypted} re-encrypted, ${c.encrypted} plain text encrypted, ` +
        `${c.changedMeanwhile} changed meanwhile, ${c.unreadable} left unreadable`,
    );
  }
  if (run.interrupted) lines.push('Run npm run keys:rotate again to finish; nothing done so far is lost.');
  return `${lines.join('\n')}\n`;
}
