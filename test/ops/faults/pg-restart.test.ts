import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/core/logger.js';
import { withAdmin } from '../../support/postgres-admin.js';
import { tempDir } from '../../support/temp-dir.js';
import { expectHonestAnswers, recoveryMs, startMoodTraffic, storedEntries } from './mood-traffic.js';
import { type PrivateCluster, privateClusterUnavailable, startPrivateCluster } from './private-postgres.js';

const unavailable = privateClusterUnavailable();
if (unavailable) process.stderr.write(`[moodscale] PostgreSQL restart test skipped: ${unavailable}\n`);

describe.skipIf(unavailable !== undefined)(
  'GIVEN MoodScale on a PostgreSQL server of its own taking /mood commands',
  () => {
    let cluster: PrivateCluster;
    let app: App;

    beforeAll(async () => {
      cluster = await startPrivateCluster();
      await withAdmin(cluster.url(), (admin) => admin.query('CREATE DATABASE moodscale'));
      const config = loadConfig({
        DATABASE_URL: cluster.url('moodscale'),
        DB_CONNECTION_TIMEOUT: '2000',
        DATA_DIR: tempDir('moodscale-fault-restart-'),
        RATE_LIMIT_POINTS: '1000',
        PORT: '0',
        OPS_PORT: '0',
        LOG_LEVEL: 'silent',
      });
      app = await startApp(config, silentLogger());
    }, 120_000);

    afterAll(async () => {
      await app?.stop().catch(() => undefined);
      await cluster?.destroy();
    }, 60_000);

    for (const mode of ['fast', 'immediate'] as const) {
      it(`WHEN the server is restarted (${mode} stop) mid-traffic THEN nothing confirmed is lost, failures say try again, and it recovers within 5 s`, async () => {
        const prefix = `restart-${mode}`;
        const traffic = startMoodTraffic(app.dispatcher, { prefix, workers: 4 });
        await new Promise((r) => setTimeout(r, 800));
        await cluster.stop(mode);
        await new Promise((r) => setTimeout(r, 1000));
        const refusedWhileDown = traffic.results.filter((r) => !r.confirmed).length;
        await cluster.start();
        const backAt = Date.now();
        await new Promise((r) => setTimeout(r, 2500));
        const results = await traffic.stop();

        expect(refusedWhileDown).toBeGreaterThan(0);
        expect(recoveryMs(results, backAt)).toBeLessThan(5000);
        expectHonestAnswers(results, await storedEntries(cluster.url('moodscale'), prefix));
        expect((await fetch(`${app.opsUrl}/readyz`)).status).toBe(200);
      }, 60_000);
    }
  },
);
