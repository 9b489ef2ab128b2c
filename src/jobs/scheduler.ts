import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

/** A job run on a cron schedule. `run` should return soon after `signal` aborts (shutdown). */
export interface ScheduledJob {
  name: string;
  /** A node-cron expression (e.g. `0 * * * *`: every hour on the hour), read in `timeZone`. */
  cron: string;
  /** The zone the expression is read in: UTC unless given (the backup's BACKUP_SCHEDULE is server time). */
  timeZone?: string;
  run(now: Date, signal: AbortSignal): Promise<unknown>;
}

export interface SchedulerDeps {
  jobs: readonly ScheduledJob[];
  clock: Clock;
  logger: Logger;
  /** A job's run threw (alerts); the schedule goes on. */
  onFailure?: ((job: string, error: unknown) => void) | undefined;
}

export interface Scheduler {
  /** Runs a job now, as its schedule would (the tests' fixed clock, `npm run digest`). */
  runOnce(name: string, now?: Date): Promise<void>;
  /** Stops the schedules, asks running jobs to stop, and waits for them. */
  stop(): Promise<void>;
}

/**
 * Jobs on node-cron schedules: the one place MoodScale schedules anything (app.ts gives it every job:
 * the digest, the channel post, the backup), and a job that throws is reported to `onFailure` (the alert). A job never overlaps itself in this process (node-cron's noOverlap plus
 * our own guard for runOnce); across instances every instance runs every schedule, so a job must make
 * its own work safe to repeat (the digest claims each delivery in the database).
 */
export function startScheduler(deps: SchedulerDeps): Scheduler {
  const log = deps.logger.child({ component: 'scheduler' });
  const stopping = new AbortController();
  const running = new Map<string, Promise<void>>();
  const byName = new Map(deps.jobs.map((job) => [job.name, job]));

  function execute(job: ScheduledJob, now: Date): Promise<void> {
    const current = running.get(job.name);
    if (current) {
      log.info({ job: job.name }, 'job still running; this run is skipped');
      return current;
    }
    const started = performance.now();
    const run = (async () => {
      try {
        await job.run(now, stopping.signal);
        log.debug({ job: job.name, ms: Math.round(performance.now() - started) }, 'job finished');
      } catch (error) {
        log.error({ err: error, job: job.name }, 'job failed');
        deps.onFailure?.(job.name, error);
      } finally {
        running.delete(job.name);
      }
    })();
    running.set(job.name, run);
    return run;
  }

  const tasks: ScheduledTask[] = deps.jobs.map((job) =>
    cron.schedule(
      job.cron,
      async () => {
        if (!stopping.signal.aborted) await execute(job, deps.clock.now());
      },
      {
        name: job.name,
        noOverlap: true,
        timezone: job.timeZone ?? 'Etc/UTC',
        // node-cron writes to the console by default; its notes belong in our log.
        logger: {
          info: (message) => log.debug({ job: job.name }, message),
          warn: (message) => log.warn({ job: job.name }, message),
          error: (message, err) => log.error({ err: err ?? message, job: job.name }, 'node-cron error'),
          debug: (message) => log.debug({ detail: message, job: job.name }, 'node-cron'),
        },
      },
    ),
  );
  log.info({ jobs: deps.jobs.map((j) => `${j.name} (${j.cron})`) }, 'scheduler started');

  let stopped: Promise<void> | undefined;
  return {
    runOnce(name, now) {
      const job = byName.get(name);
      if (!job) return Promise.reject(new Error(`no scheduled job called ${name}`));
      return execute(job, now ?? deps.clock.now());
    },
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        for (const task of tasks) {
          await task.stop();
          await task.destroy();
        }
        await Promise.allSettled([...running.values()]);
        log.info('scheduler stopped');
      })();
      return stopped;
    },
  };
}
