import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Db } from '../db/database.js';
import { createChartRenderer } from '../services/digest/chart.js';
import {
  createDigestRunner,
  type DigestEnricher,
  type DigestOutcome,
  type DigestRunner,
  type DigestRunSummary,
} from '../services/digest/digest-runner.js';
import type { SendDirect } from '../services/direct-messages.js';
import { type ScheduledJob, startScheduler } from './scheduler.js';

export const DIGEST_JOB = 'weekly-digest';
/** Every hour on the hour: each user's own day and hour arrive at a whole hour in nearly every zone. */
export const DIGEST_CRON = '0 * * * *';

export interface DigestSchedulerDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  sendDirect: SendDirect;
  /** The running chat platforms (DMs go nowhere else). */
  platforms: ReadonlyArray<'discord' | 'slack'>;
  leaseMs: number;
  instanceId?: string;
  batchSize?: number;
  enrich?: DigestEnricher | undefined;
  /** Other jobs to run on the same scheduler (the channel digest). */
  jobs?: readonly ScheduledJob[];
  onOutcome?: ((outcome: DigestOutcome) => void) | undefined;
  onFailure?: ((error: unknown) => void) | undefined;
}

export interface DigestScheduler {
  runner: DigestRunner;
  /** Runs the hourly digest now, as the schedule would at `now`. */
  runOnce(now: Date): Promise<DigestRunSummary>;
  /** Runs it through the scheduler itself: a run that throws is logged and reported like a scheduled one. */
  runScheduled(now: Date): Promise<void>;
  stop(): Promise<void>;
}

/** The weekly digest as an hourly job (plus any other jobs given), started on node-cron. */
export function startDigestScheduler(deps: DigestSchedulerDeps): DigestScheduler {
  const runner = createDigestRunner({
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    sendDirect: deps.sendDirect,
    platforms: deps.platforms,
    leaseMs: deps.leaseMs,
    chart: createChartRenderer(),
    ...(deps.instanceId ? { instanceId: deps.instanceId } : {}),
    ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
    enrich: deps.enrich,
    onOutcome: deps.onOutcome,
    onFailure: deps.onFailure,
  });
  const digestJob: ScheduledJob = {
    name: DIGEST_JOB,
    cron: DIGEST_CRON,
    run: (now, signal) => runner.runDue(now, signal),
  };
  const scheduler = startScheduler({
    jobs: [digestJob, ...(deps.jobs ?? [])],
    clock: deps.clock,
    logger: deps.logger,
    onFailure: (_job, error) => deps.onFailure?.(error),
  });
  return {
    runner,
    runOnce: (now) => runner.runDue(now),
    runScheduled: (now) => scheduler.runOnce(DIGEST_JOB, now),
    stop: () => scheduler.stop(),
  };
}
