import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { acquireDataDirLock, LOCK_FILE_NAME } from '../../src/db/data-dir-lock.js';
import { openPgliteDatabase } from '../../src/db/pglite.js';
import { tempDir as makeTempDir } from '../support/temp-dir.js';

const tempDir = () => makeTempDir('moodscale-lock-');

describe('GIVEN an embedded database directory', () => {
  it('WHEN a live process holds it THEN a second opener gets a UserError naming the pid and what to do', async () => {
    const dir = tempDir();
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, LOCK_FILE_NAME), String(holder.pid));
      expect(() => acquireDataDirLock(dir)).toThrow(UserError);
      expect(() => acquireDataDirLock(dir)).toThrow(
        new RegExp(`in use by another MoodScale process \\(pid ${holder.pid}\\).*DATA_DIR`),
      );
    } finally {
      holder.kill();
    }
  });

  it('WHEN the lock was left by a process that died THEN it is taken over', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE_NAME), '999999999');
    const lock = acquireDataDirLock(dir);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
  });

  it('WHEN the database is open THEN opening it again fails cleanly, and after closing it opens', async () => {
    const dir = tempDir();
    const first = await openPgliteDatabase({ dataDir: dir, slowQueryMs: 1000 }, silentLogger());
    // Same process: the pid matches, so simulate another owner the way a second process would see it.
    writeFileSync(join(dir, LOCK_FILE_NAME), String(process.ppid));
    await expect(
      openPgliteDatabase({ dataDir: dir, slowQueryMs: 1000 }, silentLogger()),
    ).rejects.toBeInstanceOf(UserError);
    writeFileSync(join(dir, LOCK_FILE_NAME), String(process.pid));
    await first.close();
    const second = await openPgliteDatabase({ dataDir: dir, slowQueryMs: 1000 }, silentLogger());
    await second.close();
  });

  it('WHEN data is written and the database reopened THEN the data persisted', async () => {
    const dir = tempDir();
    const first = await openPgliteDatabase({ dataDir: dir, slowQueryMs: 1000 }, silentLogger());
    await first.migrate();
    const { createUser, findUserByUsername } = await import('../../src/db/repositories/users.js');
    await createUser(first.db, 'persisted');
    await first.close();
    const second = await openPgliteDatabase({ dataDir: dir, slowQueryMs: 1000 }, silentLogger());
    expect((await findUserByUsername(second.db, 'persisted'))?.username).toBe('persisted');
    await second.close();
  });
});
