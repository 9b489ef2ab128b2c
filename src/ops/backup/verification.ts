import type { CountMismatch, TableCounts } from './table-counts.js';

/** The outcome of restoring a backup into a scratch database and counting its rows. */
export interface Verification {
  ok: boolean;
  /** Where it was restored (a scratch database name, or "in-memory PGlite"). */
  restoredInto: string;
  tables: number;
  counts: TableCounts;
  mismatches: CountMismatch[];
  /** Why the restore itself failed, when it did. */
  error?: string;
  durationMs: number;
}

export function describeMismatches(mismatches: CountMismatch[]): string {
  return mismatches
    .map((m) => `${m.table}: ${m.expected ?? 'missing'} in the source, ${m.actual ?? 'missing'} restored`)
    .join('; ');
}
