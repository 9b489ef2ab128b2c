import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupFileName } from '../../../src/ops/backup/backup-files.js';
import { pruneBackups } from '../../../src/ops/backup/retention.js';
import { tempDir } from './backup-support.js';

const now = new Date('2026-11-25T03:30:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

function touch(dir: string, name: string, modifiedAt = now): string {
  const path = join(dir, name);
  writeFileSync(path, 'x');
  utimesSync(path, modifiedAt, modifiedAt);
  return name;
}

describe('GIVEN a backup directory with old and recent files, ours and others', () => {
  it('WHEN pruned with 30 days THEN only our backups older than 30 days go', () => {
    const dir = tempDir();
    const recent = touch(dir, backupFileName('pg_dump', daysAgo(1)));
    const edge = touch(dir, backupFileName('pg_dump', daysAgo(29.9)));
    const old = touch(dir, backupFileName('pg_dump', daysAgo(31)));
    const oldPreMigration = touch(dir, backupFileName('pglite', daysAgo(45), true));
    const oldFailed = touch(dir, `${backupFileName('pg_dump', daysAgo(40))}.failed`);
    // Not ours, however old: names outside the pattern are never touched.
    const foreign = ['notes.txt', 'moodscale-manual.dump', 'other-2020-01-01.dump'].map((n) =>
      touch(dir, n, daysAgo(400)),
    );
    mkdirSync(join(dir, 'subdir'));

    const removed = pruneBackups(dir, 30, now).map((p) => p.split('/').pop());

    expect(removed.sort()).toEqual([old, oldFailed, oldPreMigration].sort());
    expect(readdirSync(dir).sort()).toEqual([recent, edge, ...foreign, 'subdir'].sort());
  });

  it('WHEN every backup is older than the retention THEN the newest verified one is still kept', () => {
    const dir = tempDir();
    const older = touch(dir, backupFileName('pg_dump', daysAgo(50)));
    const newest = touch(dir, backupFileName('pg_dump', daysAgo(40)));
    const newerButFailed = touch(dir, `${backupFileName('pg_dump', daysAgo(35))}.failed`);

    pruneBackups(dir, 30, now);

    expect(existsSync(join(dir, newest))).toBe(true);
    expect(existsSync(join(dir, older))).toBe(false);
    expect(existsSync(join(dir, newerButFailed))).toBe(false);
  });

  it('WHEN a partial file is a day old THEN it goes, and a fresh one (a backup being written) stays', () => {
    const dir = tempDir();
    const stale = touch(dir, `.${backupFileName('pg_dump', daysAgo(2))}.partial-123`, daysAgo(2));
    const writing = touch(dir, `.${backupFileName('pg_dump', now)}.partial-456`, now);

    pruneBackups(dir, 30, now);

    expect(existsSync(join(dir, stale))).toBe(false);
    expect(existsSync(join(dir, writing))).toBe(true);
  });

  it('WHEN the directory does not exist yet THEN nothing happens', () => {
    expect(pruneBackups(join(tempDir(), 'missing'), 30, now)).toEqual([]);
  });
});
