/**
 * A bot process for the check-in kill-and-restart test: starts the app as `npm start` does (against the
 * fake Discord and the test database named in the environment), runs the check-in prompts due at
 * CHECKIN_NOW once as instance CHECKIN_INSTANCE (CHECKIN_CONCURRENCY prompts at once, the runner's default
 * when unset), prints the run's summary as one JSON line, then stops. With CHECKIN_WAIT_FOR_GO=1 it first
 * prints "ready" and waits for SIGUSR2, so two processes can run at the same moment. The test
 * SIGKILLs one midway.
 */
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { createCheckinRunner } from '../../src/services/checkins/checkin-runner.js';

const config = loadConfig();
const clock = fixedClock(process.env.CHECKIN_NOW ?? '');
const app = await startApp(config, silentLogger(), { clock });
const concurrency = Number(process.env.CHECKIN_CONCURRENCY ?? '');
const runner = createCheckinRunner({
  db: app.database.db,
  logger: silentLogger(),
  clock,
  sendDirect: app.sendDirect,
  platforms: ['discord'],
  leaseMs: config.checkins.leaseSeconds * 1000,
  instanceId: process.env.CHECKIN_INSTANCE ?? 'child',
  ...(concurrency > 0 ? { concurrency } : {}),
});
if (process.env.CHECKIN_WAIT_FOR_GO === '1') {
  const go = new Promise((resolve) => process.once('SIGUSR2', resolve));
  process.stdout.write('ready\n');
  await go;
}
const summary = await runner.runDue(clock.now());
process.stdout.write(`${JSON.stringify(summary)}\n`);
await app.stop();
