import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type App, startApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/core/logger.js';
import { withAdmin } from '../../support/postgres-admin.js';
import { tempDir } from '../../support/temp-dir.js';
import {
  postgresAvailable,
  postgresUrlFor,
  useMigratedPostgresDatabases,
} from '../../support/test-database.js';
import { expectHonestAnswers, recoveryMs, startMoodTraffic, storedEntries } from './mood-traffic.js';

describe.skipIf(!postgresAvailable())('GIVEN MoodScale on PostgreSQL taking /mood commands', () => {
  const databases = useMigratedPostgresDatabases();
  let name: string;
  let app: App;

  beforeAll(async () => {
    const created = await databases.create();
    name = created.name;
    const config = loadConfig({
      DATABASE_URL: created.url,
      DB_CONNECTION_TIMEOUT: '2000',
      DATA_DIR: tempDir('moodscale-fault-terminate-'),
      RATE_LIMIT_POINTS: '1000',
      PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, silentLogger());
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('WHEN every backend of its database is terminated three times mid-traffic THEN nothing confirmed is lost, failures say try again, and it recovers within 5 s', async () => {
    const traffic = startMoodTraffic(app.dispatcher, { prefix: 'terminate', workers: 6 });
    await new Promise((r) => setTimeout(r, 800));
    const terminatedAt: number[] = [];
    let killed = 0;
    for (let round = 0; round < 3; round++) {
      killed += await withAdmin(inject('postgresUrl'), async (admin) => {
        const { rowCount } = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        return rowCount ?? 0;
      });
      terminatedAt.push(Date.now());
      await new Promise((r) => setTimeout(r, 700));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const results = await traffic.stop();

    expect(killed).toBeGreaterThan(3);
    for (const at of terminatedAt) expect(recoveryMs(results, at)).toBeLessThan(5000);
    expect(results.filter((r) => r.confirmed).length).toBeGreaterThan(100);
    expectHonestAnswers(results, await storedEntries(postgresUrlFor(name), 'terminate'));
    // Still serving: the process did not go down with its connections.
    expect((await fetch(`${app.opsUrl}/readyz`)).status).toBe(200);
  });
});
