import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Db } from '../db/database.js';
import { type ChartRenderer, createChartRenderer } from '../services/charts/index.js';
import {
  createDigestRunner,
  type DigestEnricher,
  type DigestOutcome,
  type DigestRunner,
} from '../services/digest/digest-runner.js';
import type { SendDirect } from '../services/direct-messages.js';
import type { ScheduledJob } from './scheduler.js';

export const DIGEST_JOB = 'weekly-digest';
/** Every hour on the hour: each user's own day and hour arrive at a whole hour in nearly every zone. */
export const DIGEST_CRON = '0 * * * *';

export interface DigestRunnerDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  sendDirect: SendDirect;
  /** The running chat platforms (DMs go nowhere else). */
  platforms: ReadonlyArray<'discord' | 'slack'>;
  leaseMs: number;
  /** The process's chart renderer (the services'); a new one when not given. */
  chart?: ChartRenderer | undefined;
  instanceId?: string;
  batchSize?: number;
  enrich?: DigestEnricher | undefined;
  onOutcome?: ((outcome: DigestOutcome) => void) | undefined;
  onFailure?: ((error: unknown) => void) | undefined;
}

/** The digest runner as the schedule and `npm run digest` both use it: with its chart renderer. */
export function buildDigestRunner(deps: DigestRunnerDeps): DigestRunner {
  return createDigestRunner({
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    sendDirect: deps.sendDirect,
    platforms: deps.platforms,
    leaseMs: deps.leaseMs,
    chart: deps.chart ?? createChartRenderer(),
    ...(deps.instanceId ? { instanceId: deps.instanceId } : {}),
    ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
    enrich: deps.enrich,
    onOutcome: deps.onOutcome,
    onFailure: deps.onFailure,
  });
}

/** The weekly digest as an hourly job: each run sends the digests whose local day and hour have come. */
export function createDigestJob(runner: Pick<DigestRunner, 'runDue'>): ScheduledJob {
  return { name: DIGEST_JOB, cron: DIGEST_CRON, run: (now, signal) => runner.runDue(now, signal) };
}
