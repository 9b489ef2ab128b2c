import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isIsoWeek, isoWeekOf, localParts, previousWeek } from '../core/calendar/index.js';
import { systemClock } from '../core/clock.js';
import { renderPlainText } from '../core/commands/index.js';
import { UserError } from '../core/errors.js';
import { plural } from '../core/plural.js';
import { createChartRenderer } from '../services/charts/index.js';
import { createDigestRunner, type DigestRunSummary } from '../services/digest/digest-runner.js';
import { chartFileName, renderDigest } from '../services/digest/render-digest.js';
import { withDatabase, withSendingApp } from './one-off-runs.js';
import { type CliIo, readFlags, runCli } from './run-cli.js';
import { parseRunFlags, type RunFlags } from './run-flags.js';

const usage = `Usage: npm run digest -- --week 2026-W47 [--user ID ...] [--dry-run]

Runs or previews the weekly digest of one ISO week by hand.

  --week W      the ISO week, e.g. 2026-W47 (default: the last full week, in UTC)
  --user ID     only this MoodScale user id (repeatable); default: every user
  --dry-run     print each digest and write its chart under DATA_DIR/digests/<week>/, without
                claiming or sending anything
  --help        show this text

Without --dry-run the digests are sent by DM through the configured Discord and Slack bots, exactly
once per user and week (a digest already sent, by the schedule or an earlier run, is not sent again).
Opted-out users get nothing.
`;

/** The shared run flags, with --week read as the ISO week to send. */
type DigestFlags = Omit<RunFlags, 'value'> & { week: string };

function parseDigestFlags(args: string[]): DigestFlags {
  const { value, users, dryRun, help } = parseRunFlags(args, 'week', usage);
  const week =
    value?.trim().toUpperCase() ?? previousWeek(isoWeekOf(localParts(systemClock.now(), 'UTC').date));
  if (!isIsoWeek(week))
    throw new UserError(
      `--week expects an ISO week such as 2026-W47 (got ${JSON.stringify(value)})`,
      'BAD_FLAGS',
    );
  return { week, users, dryRun, help };
}

function summaryLine(week: string, s: DigestRunSummary): string {
  return (
    `${week}: ${plural(s.users, 'user')}, ${s.due} due; ${s.sent} sent, ${s.nudged} nudged, ${s.skipped} skipped, ` +
    `${s.failed} failed, ${s.taken} already handled elsewhere\n`
  );
}

/** `npm run digest`: see the usage above; src/cli/digest.ts runs it on the process. */
export async function main(io: CliIo): Promise<number> {
  const flags = readFlags(io, parseDigestFlags, usage);
  if (typeof flags === 'number') return flags;
  const { week, users, dryRun } = flags;
  return runCli(io, 'digest', async (config, logger) => {
    if (dryRun) {
      await withDatabase(config, logger, async (database) => {
        const chart = createChartRenderer();
        const dir = resolve(join(config.database.dataDir, 'digests', week));
        mkdirSync(dir, { recursive: true });
        const runner = createDigestRunner({
          db: database.db,
          logger,
          clock: systemClock,
          platforms: [],
          leaseMs: config.digest.leaseSeconds * 1000,
        });
        const result = await runner.preview(week, {
          userIds: users,
          async visit(digest) {
            const head = `--- user ${digest.userId}, ${week}: ${digest.kind} ---\n`;
            if (digest.kind === 'empty') {
              io.stdout.write(`${head}(nothing to send: no entries this week or the week before)\n\n`);
              return;
            }
            let text = renderPlainText(renderDigest(digest));
            if (digest.kind === 'digest') {
              const path = join(dir, `user-${digest.userId}-${chartFileName(digest)}`);
              writeFileSync(path, await chart.render(week, digest.days));
              text += `\n\nChart: ${path}`;
            }
            io.stdout.write(`${head}${text}\n\n`);
          },
        });
        io.stdout.write(
          `Dry run of ${week}: ${plural(result.digests, 'digest')} computed for ${plural(result.users, 'user')}; nothing was claimed or sent.\n`,
        );
      });
      return 0;
    }
    // The runner is the schedule's own (app.digests): the same chart, model enrichment and alerts.
    return withSendingApp(config, logger, async (app) => {
      const runner = app.digests;
      if (!runner) throw new Error('the digest runner needs a chat platform');
      const summary = await runner.runWeek(week, { userIds: users });
      io.stdout.write(summaryLine(week, summary));
      return summary.failed > 0 ? 1 : 0;
    });
  });
}
