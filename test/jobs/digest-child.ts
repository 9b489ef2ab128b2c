/**
 * A bot process for the kill-and-restart test: starts the app as `npm start` does (against the fake
 * Discord and the test database named in the environment), runs the hourly digest once at DIGEST_NOW as
 * instance DIGEST_INSTANCE, then stops. The test SIGKILLs the first one midway.
 */
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { buildDigestRunner } from '../../src/jobs/digest-job.js';

const config = loadConfig();
const clock = fixedClock(process.env.DIGEST_NOW ?? '');
const app = await startApp(config, silentLogger(), { clock });
const digests = buildDigestRunner({
  db: app.database.db,
  logger: silentLogger(),
  clock,
  sendDirect: app.sendDirect,
  platforms: ['discord'],
  leaseMs: config.digest.leaseSeconds * 1000,
  instanceId: process.env.DIGEST_INSTANCE ?? 'child',
  batchSize: 3,
});
const summary = await digests.runDue(clock.now());
process.stdout.write(`${JSON.stringify(summary)}\n`);
await app.stop();
