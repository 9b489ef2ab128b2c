/**
 * One MoodScale instance of bench/digest's multi-instance run, in a process of its own (forked by
 * bench/digest.ts): opens the bench database, builds the digest runner as the app does (batches of 500,
 * both chat platforms running) with a platform stand-in that answers each DM after the given time (or at
 * once) and records where it went, says it is ready, and on 'go' runs one week. Sends back how long the run took, its summary
 * and the accounts it sent to, then exits.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { createDigestRunner, type DigestRunSummary } from '../src/services/digest/digest-runner.js';
import type { SendDirect } from '../src/services/direct-messages.js';
import { openBenchDatabase } from './support.js';

/** What an instance sends its parent when its run is over. */
export interface InstanceReport {
  kind: 'done';
  instanceId: string;
  seconds: number;
  /** CPU time of this process (user + system) during the run. */
  cpuSeconds: number;
  summary: DigestRunSummary;
  /** `platform:workspace:account` of every DM sent, in order. */
  deliveries: string[];
}

const [url, instanceId, week, dmMsArg = '0'] = process.argv.slice(2);
if (!url || !instanceId || !week || !process.send) {
  throw new Error('usage: forked by bench/digest.ts with <database url> <instance id> <week> [<ms per DM>]');
}
/** How long the platform stand-in takes to answer each DM (0: at once). */
const dmMs = Number(dmMsArg);

const database = openBenchDatabase(url, {
  maxConnections: 4,
  statementTimeoutMs: 120_000,
  slowQueryMs: 60_000,
});
const deliveries: string[] = [];
const sendDirect: SendDirect = async (to) => {
  if (dmMs > 0) await delay(dmMs);
  deliveries.push(`${to.platform}:${to.workspaceId}:${to.externalUserId}`);
  return 'sent';
};
const runner = createDigestRunner({
  db: database.db,
  logger: silentLogger(),
  clock: systemClock,
  sendDirect,
  platforms: ['discord', 'slack'],
  leaseMs: 600_000,
  batchSize: 500,
  instanceId,
});
// The pool's first connection is opened before 'ready', so every instance starts the run alike.
await database.ping();
const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
process.send({ kind: 'ready' });
await go;
const cpu = process.cpuUsage();
const started = performance.now();
const summary = await runner.runWeek(week);
const used = process.cpuUsage(cpu);
const report: InstanceReport = {
  kind: 'done',
  instanceId,
  seconds: (performance.now() - started) / 1000,
  cpuSeconds: (used.user + used.system) / 1e6,
  summary,
  deliveries,
};
await new Promise<void>((resolve) => process.send?.(report, () => resolve()));
await database.close();
process.exit(0);
