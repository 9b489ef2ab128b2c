import type { CheckinRunner } from '../services/checkins/checkin-runner.js';
import type { ScheduledJob } from './scheduler.js';

export const CHECKIN_JOB = 'daily-checkins';
/** Every minute: a check-in time may be any minute of a local day, in any zone. */
export const CHECKIN_CRON = '* * * * *';

/** The check-in prompts as a job: each run sends the prompts whose local time has come. */
export function createCheckinJob(runner: Pick<CheckinRunner, 'runDue'>): ScheduledJob {
  return {
    name: CHECKIN_JOB,
    cron: CHECKIN_CRON,
    run: (now, signal) => runner.runDue(now, { signal }),
  };
}
