import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Db } from '../db/database.js';
import type { Alerter } from '../ops/alerts.js';
import type { BackupTarget } from '../ops/backup/backup-target.js';
import type { OpsMonitor } from '../ops/monitor.js';
import type { SendToChannel } from '../platforms/channel-messages.js';
import type { AuditWriter } from '../services/audit-writer.js';
import { createChannelDigestRunner } from '../services/channel-digest/run-channel-digests.js';
import type { ChartRenderer } from '../services/charts/index.js';
import { type CheckinRunner, createCheckinRunner } from '../services/checkins/checkin-runner.js';
import type { DigestEnricher, DigestRunner } from '../services/digest/digest-runner.js';
import type { SendDirect } from '../services/direct-messages.js';
import { createBackupJob } from './backup-job.js';
import { createChannelDigestJob } from './channel-digest-job.js';
import { createCheckinJob } from './checkin-job.js';
import { buildDigestRunner, createDigestJob, DIGEST_JOB } from './digest-job.js';
import { type ScheduledJob, type Scheduler, startScheduler } from './scheduler.js';

/** What the app's jobs need from it. */
export interface AppJobsDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  alerter: Pick<Alerter, 'raise'>;
  ops: Pick<OpsMonitor, 'backup' | 'digest' | 'checkin'>;
  sendDirect: SendDirect;
  sendToChannel: SendToChannel;
  /** The running chat platforms that can take DMs and channel posts (none: the console alone). */
  platforms: ReadonlyArray<'discord' | 'slack'>;
  digest: { enabled: boolean; leaseSeconds: number; enrich: DigestEnricher | undefined };
  /** The chart renderer the commands use too (one per process); the digest makes its own without it. */
  charts?: ChartRenderer | undefined;
  checkins: { enabled: boolean; leaseSeconds: number };
  /** Where check-in prompts are recorded as sent (the audit trail). */
  audit?: Pick<AuditWriter, 'record'> | undefined;
  backup:
    | { target: BackupTarget; settings: { dir: string; retentionDays: number; schedule: string } }
    | undefined;
}

export interface AppJobs {
  scheduler: Scheduler;
  /** The digest runner the schedule uses (also for `npm run digest`); undefined without a chat platform. */
  digests: DigestRunner | undefined;
  /** The check-in runner the schedule uses; undefined without a chat platform. */
  checkins: CheckinRunner | undefined;
}

/**
 * Every scheduled job of the app on one scheduler: the weekly digest, the daily check-in prompts, the
 * weekly channel post and the daily backup. Any job that throws raises the `job:<name>` alert; a failed backup and a failed digest
 * delivery raise theirs through the operations monitor and the runner.
 */
export function startAppJobs(deps: AppJobsDeps): AppJobs {
  const { alerter, ops, logger } = deps;
  const jobs: ScheduledJob[] = [];
  if (deps.backup) {
    const backups = createBackupJob({
      target: deps.backup.target,
      settings: deps.backup.settings,
      logger,
      clock: deps.clock,
      onResult: (r) => ops.backup(r.ok ? { ok: true, at: r.backup.takenAt } : { ok: false, error: r.error }),
    });
    // The backup age counts from the newest verified backup on disk, not from this start.
    const last = backups.lastSuccessAt();
    if (last) ops.backup({ ok: true, at: last });
    jobs.push(backups.job);
  }
  // The digest and the channel post go by DM and to channels: only with a chat platform.
  const digests =
    deps.platforms.length === 0
      ? undefined
      : buildDigestRunner({
          db: deps.db,
          logger,
          clock: deps.clock,
          sendDirect: deps.sendDirect,
          platforms: deps.platforms,
          leaseMs: deps.digest.leaseSeconds * 1000,
          enrich: deps.digest.enrich,
          chart: deps.charts,
          onOutcome: (o) => {
            if (o.result !== 'taken') ops.digest(o.result === 'nudged' ? 'sent' : o.result, o.reason);
          },
          // One user's digest that throws (not a refusal) would otherwise be a log line only.
          onFailure: (error) =>
            alerter.raise(`job:${DIGEST_JOB}`, `A weekly digest failed: ${messageOf(error)}`),
        });
  if (digests && deps.digest.enabled) jobs.push(createDigestJob(digests));
  const checkins =
    deps.platforms.length === 0
      ? undefined
      : createCheckinRunner({
          db: deps.db,
          logger,
          clock: deps.clock,
          sendDirect: deps.sendDirect,
          platforms: deps.platforms,
          leaseMs: deps.checkins.leaseSeconds * 1000,
          audit: deps.audit,
          onOutcome: (o) => {
            if (o.result !== 'taken') ops.checkin(o.result);
          },
        });
  if (checkins && deps.checkins.enabled) jobs.push(createCheckinJob(checkins));
  if (deps.platforms.length > 0) {
    // Posts only in channels an admin turned on, once per channel and week across instances.
    const channelPosts = createChannelDigestRunner({
      db: deps.db,
      logger,
      sendToChannel: deps.sendToChannel,
      onFailure: (f) =>
        alerter.raise(
          `channel-post:${f.platform}:${f.channelId}`,
          `The weekly post to ${f.platform} channel ${f.channelId} for ${f.period} failed: ${f.error}`,
        ),
    });
    jobs.push(createChannelDigestJob({ run: (now) => channelPosts.run(now), logger }));
  }
  const scheduler = startScheduler({
    jobs,
    clock: deps.clock,
    logger,
    onFailure: (job, error) => alerter.raise(`job:${job}`, `The ${job} run failed: ${messageOf(error)}`),
  });
  return { scheduler, digests, checkins };
}

/** An error's message for an alert (the stack goes to the log). */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
