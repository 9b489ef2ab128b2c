import { chmodSync, closeSync, fsyncSync, linkSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What a backup file holds: a pg_dump custom-format archive, or a PGlite data-directory tarball. */
export type BackupFormat = 'pg_dump' | 'pglite';

const EXTENSION: Record<BackupFormat, string> = { pg_dump: 'dump', pglite: 'pglite.tar.gz' };

/** A backup whose restore did not match its source is kept for inspection under this suffix. */
export const FAILED_SUFFIX = '.failed';

/**
 * moodscale-2026-11-25T03-30-00-123Z[-pre-migration].dump|pglite.tar.gz[.failed]. Retention and the
 * restore command only ever touch names of this shape, so nothing else in BACKUP_DIR is at risk.
 */
const NAME =
  /^moodscale-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(-pre-migration)?\.(dump|pglite\.tar\.gz)(\.failed)?$/;

/** Unfinished writes: never mistaken for a backup, removed by retention once they are old. */
const PARTIAL = /^\.moodscale-.+\.partial-\d+$/;

export interface BackupFileInfo {
  name: string;
  path: string;
  takenAt: Date;
  format: BackupFormat;
  preMigration: boolean;
  /** False for a backup that failed verification. */
  verified: boolean;
}

export function backupFileName(format: BackupFormat, takenAt: Date, preMigration = false): string {
  const stamp = takenAt.toISOString().replace(/[:.]/g, '-');
  return `moodscale-${stamp}${preMigration ? '-pre-migration' : ''}.${EXTENSION[format]}`;
}

export function parseBackupFileName(name: string): Omit<BackupFileInfo, 'path'> | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const [, day, hh, mm, ss, ms, pre, ext, failed] = match;
  const takenAt = new Date(`${day}T${hh}:${mm}:${ss}.${ms}Z`);
  if (Number.isNaN(takenAt.getTime())) return undefined;
  return {
    name,
    takenAt,
    format: ext === 'dump' ? 'pg_dump' : 'pglite',
    preMigration: pre !== undefined,
    verified: failed === undefined,
  };
}

/** Our backups in `dir`, oldest first; a missing directory holds none. */
export function listBackups(dir: string): BackupFileInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .flatMap((name) => {
      const info = parseBackupFileName(name);
      return info ? [{ ...info, path: join(dir, name) }] : [];
    })
    .sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
}

/** Leftovers of interrupted writes in `dir`, with their modification time. */
export function listPartialFiles(dir: string): { path: string; modifiedAt: Date }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => PARTIAL.test(name))
    .map((name) => ({ path: join(dir, name), modifiedAt: statSync(join(dir, name)).mtime }));
}

/** Where a backup is written before it is complete. */
export function partialPathFor(dir: string, name: string): string {
  return join(dir, `.${name}.partial-${process.pid}`);
}

/**
 * Makes a fully written temporary file a backup: flushed to disk, then linked under its final name
 * (link, unlike rename, refuses to replace an existing backup), then the directory entry flushed.
 */
export function publishBackup(partialPath: string, finalPath: string, dir: string): void {
  // Mood entries and notes are health data: only the owner may read a backup.
  chmodSync(partialPath, 0o600);
  fsyncPath(partialPath);
  linkSync(partialPath, finalPath);
  rmSync(partialPath, { force: true });
  fsyncPath(dir);
}

/** Moves a backup that failed verification out of the way of restores and "latest backup" checks. */
export function markFailed(path: string, dir: string): string {
  const failedPath = `${path}${FAILED_SUFFIX}`;
  linkSync(path, failedPath);
  rmSync(path, { force: true });
  fsyncPath(dir);
  return failedPath;
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
