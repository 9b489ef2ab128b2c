import { rmSync } from 'node:fs';
import { DAY_MS } from '../../core/calendar/index.js';
import { listBackups, listPartialFiles } from './backup-files.js';

/**
 * Deletes our backups older than `retentionDays` and stale partial files, and nothing else in `dir`.
 * The newest verified backup is always kept, however old: if backups have been failing for longer
 * than the retention period, the last good one is the one that matters most.
 */
export function pruneBackups(dir: string, retentionDays: number, now: Date): string[] {
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  const backups = listBackups(dir);
  const newestVerified = backups.filter((b) => b.verified).at(-1);
  const removed: string[] = [];
  for (const backup of backups) {
    if (backup === newestVerified || backup.takenAt.getTime() >= cutoff) continue;
    rmSync(backup.path, { force: true });
    removed.push(backup.path);
  }
  // A partial file a day old belongs to a run that died; a younger one may still be being written.
  for (const partial of listPartialFiles(dir)) {
    if (partial.modifiedAt.getTime() >= now.getTime() - DAY_MS) continue;
    rmSync(partial.path, { force: true });
    removed.push(partial.path);
  }
  return removed;
}
