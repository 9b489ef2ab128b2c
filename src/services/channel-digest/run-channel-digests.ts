import { randomUUID } from 'node:crypto';
import { HOUR_MS, previousWeek, type WeekSpan, weekSpan, weekSpanAt } from '../../core/calendar/index.js';
import type { Platform, Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/database.js';
import { listChannelDigests } from '../../db/repositories/channel-digest-channels.js';
import {
  claimChannelDigest,
  markChannelDigestFailed,
  markChannelDigestSent,
  markChannelDigestSkipped,
} from '../../db/repositories/channel-digest-deliveries.js';
import { gatherChannelWeek } from './channel-week.js';
import { hasSomethingToPost, renderChannelPost } from './render-channel-post.js';

/** How a post to a channel went: delivered, refused for good (bot not in the channel, no access), or failed. */
export type ChannelPostResult = 'sent' | 'refused' | 'failed';

/** Posts a public message to a channel; the platforms' implementation is src/platforms/channel-messages.ts. */
export type SendToChannel = (
  platform: Platform,
  workspaceId: string,
  channelId: string,
  reply: Reply,
) => Promise<ChannelPostResult>;

export type ChannelPostOutcome = 'sent' | 'skipped' | 'failed';

export interface ChannelDigestRunDeps {
  db: Db;
  logger: Logger;
  sendToChannel: SendToChannel;
  /** This process, for claims; a random id when not given. */
  instanceId?: string;
  /** How long a claim holds before another instance may take it over; 10 minutes by default. */
  leaseMs?: number;
  /** The UTC hour on Monday from which last week's post is due; 9 by default. */
  postHourUtc?: number;
  /** Metrics: one call per channel handled. */
  onOutcome?: (outcome: ChannelPostOutcome, platform: Platform) => void;
  /** Alerts: a post that failed (it is retried on the next run, up to 3 attempts in all). */
  onFailure?: (details: { platform: Platform; channelId: string; period: string; error: string }) => void;
}

export interface ChannelDigestRunSummary {
  period: string | undefined;
  sent: number;
  skipped: number;
  failed: number;
  /** Channels another instance holds or that are already done. */
  notClaimed: number;
}

/**
 * The week whose post is due at `now`: last week, from Monday `postHourUtc` on; none before that. Channel
 * posts use UTC weeks: a channel's members live in many time zones, and one shared boundary keeps a week's
 * figures the same for everyone.
 */
export function dueWeek(now: Date, postHourUtc = 9): WeekSpan | undefined {
  const current = weekSpanAt(now, 'UTC');
  if (now.getTime() < current.start.getTime() + postHourUtc * HOUR_MS) return undefined;
  return weekSpan(previousWeek(current.period), 'UTC');
}

/**
 * Posts last week's summary to every enabled channel, once per channel and week across instances and
 * restarts: each (channel, week) is claimed with a lease first and marked sent after. Channels are
 * handled one after another, so posts never burst (the platform clients wait out 429s themselves).
 */
export function createChannelDigestRunner(deps: ChannelDigestRunDeps) {
  const instanceId = deps.instanceId ?? `channel-digest-${randomUUID()}`;
  const leaseMs = deps.leaseMs ?? 10 * 60_000;
  const log = deps.logger.child({ component: 'channel-digest' });

  async function run(now: Date, week = dueWeek(now, deps.postHourUtc)): Promise<ChannelDigestRunSummary> {
    const summary: ChannelDigestRunSummary = {
      period: week?.period,
      sent: 0,
      skipped: 0,
      failed: 0,
      notClaimed: 0,
    };
    if (!week) return summary;
    // A channel turned on during or after the week gets its first post the week after.
    const channels = await listChannelDigests(deps.db, week.end);
    for (const row of channels) {
      const channel = { platform: row.platform, workspaceId: row.workspaceId, channelId: row.channelId };
      const claim = await claimChannelDigest(deps.db, {
        channel,
        period: week.period,
        claimedBy: instanceId,
        leaseMs,
        now,
      });
      if (!claim) {
        summary.notClaimed += 1;
        continue;
      }
      let outcome: ChannelPostOutcome;
      try {
        const data = await gatherChannelWeek(deps.db, channel, week);
        if (!hasSomethingToPost(data)) {
          await markChannelDigestSkipped(deps.db, claim.id, instanceId, 'nothing shared or logged');
          outcome = 'skipped';
        } else {
          const result = await deps.sendToChannel(
            channel.platform,
            channel.workspaceId,
            channel.channelId,
            renderChannelPost(data),
          );
          if (result === 'sent') {
            const kept = await markChannelDigestSent(deps.db, claim.id, instanceId, new Date());
            if (!kept)
              log.warn({ ...channel, period: week.period }, 'channel post sent after its lease ran out');
            outcome = 'sent';
          } else {
            throw new Error(result === 'refused' ? 'the platform refused the post' : 'the post failed');
          }
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await markChannelDigestFailed(deps.db, claim.id, instanceId, message);
        log.warn({ err: error, ...channel, period: week.period }, 'channel post failed');
        deps.onFailure?.({
          platform: channel.platform,
          channelId: channel.channelId,
          period: week.period,
          error: message,
        });
        outcome = 'failed';
      }
      summary[outcome] += 1;
      deps.onOutcome?.(outcome, channel.platform);
    }
    if (summary.sent + summary.failed > 0) log.info(summary, 'channel posts done');
    return summary;
  }

  return { instanceId, run };
}

export type ChannelDigestRunner = ReturnType<typeof createChannelDigestRunner>;
