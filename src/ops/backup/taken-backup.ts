import type { BackupFormat } from './backup-files.js';
import type { TableCounts } from './table-counts.js';

/** A backup file just written, with the row counts of the snapshot it holds. */
export interface TakenBackup {
  format: BackupFormat;
  file: string;
  bytes: number;
  takenAt: Date;
  durationMs: number;
  /** Rows per table in exactly the state the file holds (see postgres-backup.ts for how). */
  counts: TableCounts;
}
