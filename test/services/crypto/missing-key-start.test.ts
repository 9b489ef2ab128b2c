import { beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createFieldCipher } from '../../../src/crypto/create-field-cipher.js';
import { noteContext } from '../../../src/crypto/note-context.js';
import { openDatabase } from '../../../src/db/open-database.js';
import { noteColumn } from '../../../src/db/repositories/encrypted-values.js';
import { createUser } from '../../../src/db/repositories/users.js';
import { keyUsage } from '../../../src/services/keys/key-rotation.js';
import { checkStoredKeys } from '../../../src/services/keys/stored-key-check.js';
import { captureLogger, type LogLine } from '../../integrations/audio-features/log-capture.js';
import { insertMoodEntry } from '../../support/mood-entries.js';
import { tempDir } from '../../support/temp-dir.js';
import {
  databaseKinds,
  describeEachDatabase,
  postgresAvailable,
  useMigratedPostgresDatabases,
} from '../../support/test-database.js';

const currentKey = 'b'.repeat(64);
const lostCipher = createFieldCipher({ currentKey: 'c'.repeat(64) });
const LOST = lostCipher.currentKeyId;

const WARN = 40;
const keyWarnings = (lines: LogLine[]) =>
  lines.filter((l) => l.level === WARN && l.msg.startsWith('stored values are encrypted with key'));

for (const kind of databaseKinds) {
  describe.skipIf(kind === 'postgres' && !postgresAvailable())(
    `GIVEN a database whose notes were written under a key this server does not have [${kind}]`,
    () => {
      const databases = useMigratedPostgresDatabases();
      let env: Record<string, string>;

      beforeAll(async () => {
        if (kind === 'postgres') {
          env = { DATABASE_URL: (await databases.create()).url };
        } else {
          env = { DATA_DIR: tempDir('moodscale-missing-key-') };
        }
        // As after restoring a backup on a new machine: the notes were written under another key.
        const database = await openDatabase(loadConfig(env).database, silentLogger());
        try {
          await database.migrate();
          const user = await createUser(database.db, 'restored-user');
          await insertMoodEntry(database.db, {
            userId: user.id,
            moodScore: 4,
            notes: lostCipher.encrypt('written before the move', noteContext(user.id)),
          });
        } finally {
          await database.close();
        }
      }, 60_000);

      const configWith = (more: Record<string, string>) =>
        loadConfig({
          ...env,
          ENCRYPTION_KEY: currentKey,
          PORT: '0',
          OPS_PORT: '0',
          LOG_LEVEL: 'silent',
          ...more,
        });

      it('GIVEN NODE_ENV=production THEN startApp refuses with a message naming the key id and ENCRYPTION_OLD_KEYS', async () => {
        const { logger } = captureLogger();

        const error = await startApp(configWith({ NODE_ENV: 'production' }), logger).then(
          (app) => app.stop().then(() => undefined),
          (e: unknown) => e,
        );

        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toContain(LOST);
        expect((error as Error).message).toContain('ENCRYPTION_OLD_KEYS');
        expect((error as Error).message).toContain('ENCRYPTION_ALLOW_UNREADABLE=true');
      });

      it('GIVEN NODE_ENV=production and ENCRYPTION_ALLOW_UNREADABLE=true THEN it starts and warns', async () => {
        const { logger, lines } = captureLogger();

        const app = await startApp(
          configWith({ NODE_ENV: 'production', ENCRYPTION_ALLOW_UNREADABLE: 'true' }),
          logger,
        );
        await app.stop();

        expect(keyWarnings(lines)).toEqual([
          expect.objectContaining({ keyIds: [LOST], count: 1, columns: ['mood_entries.notes'] }),
        ]);
        expect(keyWarnings(lines)[0]?.msg).toContain('ENCRYPTION_ALLOW_UNREADABLE=true');
      });

      it('GIVEN NODE_ENV=development THEN it starts and logs one warning naming the key id, the count and what to do', async () => {
        const { logger, lines } = captureLogger();

        const app = await startApp(configWith({ NODE_ENV: 'development' }), logger);
        await app.stop();

        const warnings = keyWarnings(lines);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ keyIds: [LOST], count: 1 });
        expect(warnings[0]?.msg).toContain(LOST);
        expect(warnings[0]?.msg).toContain('ENCRYPTION_OLD_KEYS');
      });
    },
  );
}

describeEachDatabase('the start-up census of key ids', (getDb) => {
  it('GIVEN more rows than the sample THEN it reads only the sampled rows and finds the lost key among them', async () => {
    const { db } = getDb();
    const cipher = createFieldCipher({ currentKey });
    const user = await createUser(db, 'census-user');
    // 30 notes: the first 2 under the lost key, the rest under the current one.
    for (let i = 0; i < 30; i++) {
      const under = i < 2 ? lostCipher : cipher;
      await insertMoodEntry(db, {
        userId: user.id,
        moodScore: 5,
        notes: under.encrypt(`note ${i}`, noteContext(user.id)),
      });
    }
    const { logger, lines } = captureLogger();
    const config = loadConfig({ NODE_ENV: 'development', ENCRYPTION_KEY: currentKey });

    const sample = { ends: 3, spread: 4 };

    const [sampled] = await keyUsage(db, [noteColumn], { sample });
    const found = await checkStoredKeys({ db, cipher, config, logger, sample });

    // The 3 oldest, the 3 newest and 5 ids spaced evenly from the first to the last, some of them shared.
    const seen = Object.values(sampled?.byKeyId ?? {}).reduce((a, b) => a + b, 0);
    expect(seen).toBeGreaterThanOrEqual(6);
    expect(seen).toBeLessThanOrEqual(11);
    expect(found?.keyIds).toEqual([LOST]);
    expect(found?.count).toBe(2);
    expect(keyWarnings(lines)).toHaveLength(1);
  });

  it('GIVEN every value under a configured key THEN it finds nothing and logs nothing', async () => {
    const { db } = getDb();
    const { logger, lines } = captureLogger();
    const config = loadConfig({
      NODE_ENV: 'production',
      ENCRYPTION_KEY: currentKey,
      ENCRYPTION_OLD_KEYS: 'c'.repeat(64),
    });
    const cipher = createFieldCipher({ currentKey, oldKeys: config.encryption.oldKeys });

    expect(await checkStoredKeys({ db, cipher, config, logger })).toBeUndefined();
    expect(keyWarnings(lines)).toEqual([]);
  });
});
