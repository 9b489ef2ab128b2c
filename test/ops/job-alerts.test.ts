import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * A scheduled job that fails as a whole raises an admin alert, each through the path its schedule
 * takes (App.runJob runs it as the schedule would). The failure is made real: a table the job reads
 * is renamed away for the run, or the backup directory is replaced by a file.
 */
describe('GIVEN MoodScale on Discord with backups on', () => {
  let fake: FakeDiscord;
  let app: App;
  let backupDir: string;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    const dataDir = tempDir('moodscale-job-alerts-');
    backupDir = join(dataDir, 'backups');
    const config = loadConfig({
      DATA_DIR: dataDir,
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      BACKUP_ENABLED: 'true',
      BACKUP_DIR: backupDir,
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, silentLogger());
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  /** Runs `work` with `table` renamed away, then puts it back. */
  async function without(table: string, work: () => Promise<void>): Promise<void> {
    const db = app.database.db;
    await db.execute(sql.raw(`ALTER TABLE ${table} RENAME TO ${table}_away`));
    try {
      await work();
    } finally {
      await db.execute(sql.raw(`ALTER TABLE ${table}_away RENAME TO ${table}`));
    }
  }

  it('WHEN the weekly digest run fails THEN the job:weekly-digest alert opens', async () => {
    expect(app.alerter.open()).not.toContain('job:weekly-digest');
    await without('user_settings', () => app.runJob('weekly-digest'));
    expect(app.alerter.open()).toContain('job:weekly-digest');
  });

  it('WHEN the weekly channel post run fails THEN the job:channel-digest alert opens', async () => {
    expect(app.alerter.open()).not.toContain('job:channel-digest');
    // A Wednesday: on a Monday before 09:00 UTC no week is due yet and the run reads nothing (CI once
    // ran this at Monday 00:07 and the alert never opened).
    const midWeek = new Date('2026-12-02T12:00:00Z');
    await without('channel_digest_channels', () => app.runJob('channel-digest', midWeek));
    expect(app.alerter.open()).toContain('job:channel-digest');
  });

  it('WHEN the backup fails THEN the backup-failed alert opens, and a later good backup resolves it', async () => {
    rmSync(backupDir, { recursive: true, force: true });
    writeFileSync(backupDir, 'not a directory');
    await app.runJob('backup');
    expect(app.alerter.open()).toContain('backup-failed');

    rmSync(backupDir);
    await app.runJob('backup');
    expect(app.alerter.open()).not.toContain('backup-failed');
  }, 60_000);
});
