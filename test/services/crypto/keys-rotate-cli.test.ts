import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { createFieldCipher } from '../../../src/crypto/create-field-cipher.js';
import { noteContext } from '../../../src/crypto/note-context.js';
import type { Database, Db } from '../../../src/db/database.js';
import { openPgliteDatabase } from '../../../src/db/pglite.js';
import { createUser, readSpotifyLink, saveSpotifyLink } from '../../../src/db/repositories/users.js';
import { useMigratedDataDirs } from '../../support/migrated-data-dir.js';
import { insertMoodEntry } from '../../support/mood-entries.js';
import { queryRows } from '../../support/query-rows.js';
import {
  type CliRun,
  type CliRunOptions,
  runCliInProcess,
  runCliScript,
} from '../../support/run-cli-script.js';
import { tempDir } from '../../support/temp-dir.js';
import { createTestDatabase, postgresAvailable } from '../../support/test-database.js';

const oldKey = 'd'.repeat(64);
const newKey = 'e'.repeat(64);
const oldCipher = createFieldCipher({ currentKey: oldKey });
const newOnly = createFieldCipher({ currentKey: newKey });
const OLD = oldCipher.currentKeyId;
const NEW = newOnly.currentKeyId;

/** `env` for the database, and the old key beside the new one. */
function withKeys(env: Record<string, string>): CliRunOptions {
  return {
    env: { ENCRYPTION_KEY: newKey, ENCRYPTION_OLD_KEYS: oldKey, ...env },
    drop: (name) => name.startsWith('ENCRYPTION_') || name === 'DATABASE_URL' || name === 'DATA_DIR',
  };
}

/** Runs `npm run keys:rotate`'s program (src/cli/keys-rotate-main.ts) in this process. */
function rotate(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runCliInProcess('keys-rotate', args, withKeys(env));
}

/**
 * Runs `npm run keys:rotate` as a process, the way npm does: for the one run that proves the entry
 * (src/cli/keys-rotate.ts) hands the process's arguments, environment and streams to the program and
 * exits with its code. That run ends with code 2, so an entry that dropped the code would fail it.
 */
function rotateAsProcess(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runCliScript('keys-rotate', args, withKeys(env));
}

/** A user with Spotify tokens under the old key, a note under the old key and one in plain text. */
async function fill(db: Db): Promise<number> {
  const user = await createUser(db, 'cli-rotate');
  await saveSpotifyLink(db, oldCipher, user.id, { spotifyId: 'sp', accessToken: 'acc', refreshToken: 'ref' });
  await insertMoodEntry(db, {
    userId: user.id,
    moodScore: 5,
    notes: oldCipher.encrypt('sealed note', noteContext(user.id)),
  });
  await insertMoodEntry(db, { userId: user.id, moodScore: 6, notes: 'plain note' });
  return user.id;
}

async function readBack(db: Db, userId: number): Promise<unknown> {
  const rows = await queryRows<{ notes: string }>(
    db,
    sql`SELECT notes FROM mood_entries WHERE user_id = ${userId} ORDER BY id`,
  );
  return {
    link: await readSpotifyLink(db, newOnly, userId),
    notes: rows.map((r) => newOnly.decrypt(r.notes, noteContext(userId))),
  };
}

function expectRotated(
  dry: Awaited<ReturnType<typeof rotate>>,
  real: Awaited<ReturnType<typeof rotate>>,
): void {
  expect(dry.code, dry.stderr).toBe(0);
  expect(dry.stdout).not.toContain('re-encrypting');
  expect(dry.stdout).toContain(`mood_entries.notes: 1 under ${OLD} (old), 1 plain text`);
  expect(dry.stdout).toContain(`Still protecting values (keep in ENCRYPTION_OLD_KEYS): ${OLD}`);
  expect(real.code, real.stderr).toBe(0);
  expect(real.stdout).toContain(`Done: re-encrypting under key ${NEW}`);
  expect(real.stdout).toContain(
    'mood_entries.notes: 1 re-encrypted, 1 plain text encrypted, 0 changed meanwhile, 0 left unreadable',
  );
  expect(real.stdout).toContain(`users.spotify_access_token: 1 under ${NEW} (current)`);
  expect(real.stdout).toContain(`mood_entries.notes: 2 under ${NEW} (current)`);
  expect(real.stdout).toContain(`can be removed from ENCRYPTION_OLD_KEYS): ${OLD}`);
}

const expected = {
  link: { spotifyId: 'sp', accessToken: 'acc', refreshToken: 'ref' },
  notes: ['sealed note', 'plain note'],
};

describe('npm run keys:rotate on the embedded database (DATA_DIR)', () => {
  // Each DATA_DIR starts migrated (a copy of the run's migrated PGlite), and is removed after its test.
  const dataDirs = useMigratedDataDirs('moodscale-rotate-');

  it('GIVEN --dry-run THEN it only reports; without it every value ends under the new key', async () => {
    const dataDir = await dataDirs();
    const open = () => openPgliteDatabase({ dataDir, slowQueryMs: 10_000 }, silentLogger());
    let database = await open();
    await database.migrate();
    const userId = await fill(database.db);
    await database.close();

    const dry = await rotate(['--dry-run'], { DATA_DIR: dataDir });
    const real = await rotate(['--batch-size', '1'], { DATA_DIR: dataDir });

    expectRotated(dry, real);
    database = await open();
    try {
      expect(await readBack(database.db, userId)).toEqual(expected);
    } finally {
      await database.close();
    }
  }, 120_000);

  it('GIVEN a note sealed under a key that is not configured THEN both runs name the key and exit with code 2', async () => {
    const strayDir = await dataDirs();
    const stray = createFieldCipher({ currentKey: 'f'.repeat(64) });
    const database = await openPgliteDatabase({ dataDir: strayDir, slowQueryMs: 10_000 }, silentLogger());
    await database.migrate();
    const user = await createUser(database.db, 'cli-rotate-stray');
    await insertMoodEntry(database.db, {
      userId: user.id,
      moodScore: 4,
      notes: stray.encrypt('from another key', noteContext(user.id)),
    });
    await database.close();

    const dry = await rotate(['--dry-run'], { DATA_DIR: strayDir });
    const real = await rotateAsProcess([], { DATA_DIR: strayDir });

    for (const run of [dry, real]) {
      expect(run.code, run.stdout).toBe(2);
      expect(run.stderr).toContain('1 stored value cannot be read with the configured keys');
      expect(run.stderr).toContain(stray.currentKeyId);
      expect(run.stderr).toContain('ENCRYPTION_OLD_KEYS');
    }
    expect(real.stdout).toContain('1 left unreadable');
  }, 120_000);

  it('GIVEN a bad option THEN it exits with code 1 and points to --help', async () => {
    const result = await rotate(['--batch-size', 'lots'], { DATA_DIR: tempDir('moodscale-rotate-') });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--batch-size expects a whole number');
    expect(result.stderr).toContain('npm run keys:rotate -- --help');
  }, 60_000);
});

describe.skipIf(!postgresAvailable())('npm run keys:rotate on PostgreSQL (DATABASE_URL) [postgres]', () => {
  let database: Database | undefined;
  afterAll(async () => {
    await database?.close();
  });

  it('GIVEN --dry-run THEN it only reports; without it every value ends under the new key', async () => {
    database = await createTestDatabase('postgres');
    const userId = await fill(database.db);
    const url = (database.db as unknown as { $client: { options: { connectionString: string } } }).$client
      .options.connectionString;

    const dry = await rotate(['--dry-run'], { DATABASE_URL: url });
    const real = await rotate([], { DATABASE_URL: url });

    expectRotated(dry, real);
    expect(await readBack(database.db, userId)).toEqual(expected);
  }, 120_000);
});
