import { systemClock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import { plural } from '../core/plural.js';
import { type CheckinRunSummary, createCheckinRunner } from '../services/checkins/checkin-runner.js';
import { withDatabase, withSendingApp } from './one-off-runs.js';
import { type CliIo, readFlags, runCli } from './run-cli.js';
import { parseRunFlags, type RunFlags } from './run-flags.js';

const usage = `Usage: npm run checkins -- [--at 2026-12-07T09:00Z] [--user ID ...] [--dry-run]

Runs or previews the daily check-in prompts due at one moment, as the every-minute schedule does.

  --at TIME     the moment, an ISO date-time with a zone (default: now); a prompt is due from its user's
                chosen local time until the end of that local hour
  --user ID     only this MoodScale user id (repeatable); default: every user with check-ins on
  --dry-run     print what each due user would get (a prompt, the "keep them?" question, or nothing
                and why), without claiming or sending anything
  --help        show this text

Without --dry-run the prompts are sent by DM through the configured Discord and Slack bots, exactly
once per user and time (a prompt already sent, by the schedule or an earlier run, is not sent again).
`;

/** The shared run flags, with --at read as the moment to act at. */
type CheckinFlags = Omit<RunFlags, 'value'> & { at: Date };

function parseCheckinFlags(args: string[]): CheckinFlags {
  const { value, users, dryRun, help } = parseRunFlags(args, 'at', usage);
  const raw = value?.trim();
  // A time without a zone would be read in this server's zone; the flag asks for one so it means one moment.
  if (
    raw !== undefined &&
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(raw)
  ) {
    throw new UserError(
      `--at expects an ISO date-time with a zone, such as 2026-12-07T09:00Z or 2026-12-07T10:00+01:00 (got ${JSON.stringify(value)})`,
      'BAD_FLAGS',
    );
  }
  const at = raw === undefined ? systemClock.now() : new Date(raw);
  if (Number.isNaN(at.getTime())) throw new UserError(`--at is not a real moment: ${raw}`, 'BAD_FLAGS');
  return { at, users, dryRun, help };
}

function summaryLine(at: Date, s: CheckinRunSummary): string {
  const skipped = Object.entries(s.skipped)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  return (
    `${at.toISOString()}: ${plural(s.candidates, 'user')} near their time, ${s.due} due; ${s.sent} prompts sent, ` +
    `${s.asked} asked whether to keep them, ${Object.values(s.skipped).reduce((a, b) => a + b, 0)} skipped` +
    `${skipped ? ` (${skipped})` : ''}, ${s.failed} failed, ${s.taken} already handled elsewhere\n`
  );
}

function planLine(step: CheckinRunSummary['plan'][number]): string {
  const what =
    step.action === 'prompt'
      ? 'would get the prompt'
      : step.action === 'keep'
        ? 'would be asked whether to keep check-ins (3 unanswered)'
        : `would get nothing: ${step.reason}`;
  return `user ${step.userId}, slot ${step.slotAt.toISOString()}: ${what}`;
}

/** `npm run checkins`: see the usage above; src/cli/checkins.ts runs it on the process. */
export async function main(io: CliIo): Promise<number> {
  const flags = readFlags(io, parseCheckinFlags, usage);
  if (typeof flags === 'number') return flags;
  const { at, users, dryRun } = flags;
  return runCli(io, 'checkins', async (config, logger) => {
    if (dryRun) {
      await withDatabase(config, logger, async (database) => {
        const runner = createCheckinRunner({
          db: database.db,
          logger,
          clock: systemClock,
          platforms: [],
          leaseMs: config.checkins.leaseSeconds * 1000,
        });
        const summary = await runner.runDue(at, { dryRun: true, ...(users ? { userIds: users } : {}) });
        for (const step of summary.plan) io.stdout.write(`${planLine(step)}\n`);
        io.stdout.write(
          `Dry run at ${at.toISOString()}: ${plural(summary.due, 'prompt')} due for ${plural(summary.candidates, 'user')} near their time; nothing was claimed or sent.\n`,
        );
      });
      return 0;
    }
    return withSendingApp(config, logger, async (app) => {
      const runner = app.checkins;
      if (!runner) throw new Error('the check-in runner needs a chat platform');
      const summary = await runner.runDue(at, users ? { userIds: users } : {});
      io.stdout.write(summaryLine(at, summary));
      return summary.failed > 0 ? 1 : 0;
    });
  });
}
