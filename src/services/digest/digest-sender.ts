import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/database.js';
import type { DirectTarget } from '../../db/repositories/digest-data.js';
import {
  insertPersonalityInsights,
  type PersonalityInsightInput,
} from '../../db/repositories/personality-insights.js';
import {
  insertManyRecommendations,
  type RecommendationInput,
} from '../../db/repositories/recommendations.js';
import type { DirectMessageResult, SendDirect } from '../direct-messages.js';
import type { DigestData } from './build-digest.js';
import type { HeldBatch, HeldDigest } from './digest-claims.js';
import type { ComposeDigestMessage } from './digest-messages.js';
import type { RunTally } from './digest-outcomes.js';

export interface DigestSenderDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  compose: ComposeDigestMessage;
  sendDirect: SendDirect;
  /** An unexpected error while delivering one digest (alerts); the run goes on with the next user. */
  onFailure?: ((error: unknown) => void) | undefined;
}

/** Where one user's digest goes: the zone their week is counted in and their reachable accounts. */
export interface DigestRecipient {
  timeZone: string;
  targets: readonly DirectTarget[];
}

/**
 * The digest's sending step: each digest of a batch this instance claimed sent to every account of its
 * user, and its claim ended by the outcome; the insights and recommendations of a batch's sent digests
 * stored after it.
 *
 * Pacing: digests go one user at a time, one account at a time, through sendDirect's default 'digest'
 * lane, which each adapter spaces to the platform's limits (Discord: one DM a second, that is a channel
 * open and a message, 2 of the 50 requests a second a bot may make, with discord.js waiting out any 429
 * and its global limit; Slack: one message every 1.1 s, over one DM channel per user, the Web API
 * waiting out Retry-After). So no pacer is added here: a run cannot burst, and N instances send N DMs
 * a second between them, far below Discord's global limit for any instance count this app runs, while
 * each user's DM channel is written by the one instance holding that user's claim.
 */
export interface DigestSender {
  /** Ends a held digest as skipped without sending (nothing to send, DMs refused earlier). */
  skip(batch: HeldBatch, held: HeldDigest, reason: string, tally: RunTally): void;
  /** Sends a batch's digests one user at a time (the platforms space them), until `signal` aborts. */
  sendAll(
    batch: HeldBatch,
    digests: readonly DigestData[],
    recipient: (userId: number) => DigestRecipient,
    tally: RunTally,
    signal: AbortSignal | undefined,
  ): Promise<void>;
}

/** What the sent digests of a batch leave in the user's history, stored together after the batch. */
interface SentCopies {
  insights: PersonalityInsightInput[];
  recommendations: RecommendationInput[];
}

export function createDigestSender(deps: DigestSenderDeps): DigestSender {
  return {
    skip,
    async sendAll(batch, digests, recipient, tally, signal) {
      const copies: SentCopies = { insights: [], recommendations: [] };
      try {
        for (const digest of digests) {
          if (signal?.aborted) break;
          const { userId, period } = digest;
          const held = await batch.keep(userId);
          if (held === 'lost') {
            tally.report({ userId, period, result: 'taken' });
            continue;
          }
          if (held === 'expiring') {
            deps.log.warn(
              { userId, period },
              'the digest batch’s lease could not be renewed; its rest is left to a later run',
            );
            break;
          }
          await deliver(deps, batch, held, digest, recipient(userId), tally, copies);
        }
      } finally {
        await store(deps, copies);
      }
    },
  };
}

function skip(batch: HeldBatch, held: HeldDigest, reason: string, tally: RunTally): void {
  batch.end(held, { status: 'skipped', reason });
  tally.report({ userId: held.userId, period: held.period, result: 'skipped', reason });
}

async function deliver(
  deps: DigestSenderDeps,
  batch: HeldBatch,
  held: HeldDigest,
  computed: DigestData,
  to: DigestRecipient,
  tally: RunTally,
  copies: SentCopies,
): Promise<void> {
  const { userId, period } = held;
  if (computed.kind === 'empty') return skip(batch, held, 'no entries this week or the week before', tally);
  try {
    const { digest, message, insightStored } = await deps.compose(computed, to.timeZone);
    const results: DirectMessageResult[] = [];
    for (const target of to.targets) results.push(await deps.sendDirect(target, message));
    const sent = settle(batch, held, digest, to.targets, results, tally);
    if (sent && digest.kind === 'digest') keep(copies, digest, !insightStored, deps.clock.now());
  } catch (error) {
    deps.log.error({ err: error, userId, period }, 'digest delivery failed');
    deps.onFailure?.(error);
    batch.end(held, { status: 'failed', reason: error instanceof Error ? error.message : String(error) });
    tally.report({ userId, period, result: 'failed', reason: 'error' });
  }
}

/**
 * Ends the claim by what the platforms answered: sent when any took it, skipped when every one refused
 * DMs, failed otherwise (a later run retries). True when it was sent.
 */
function settle(
  batch: HeldBatch,
  held: HeldDigest,
  digest: DigestData,
  targets: readonly DirectTarget[],
  results: readonly DirectMessageResult[],
  tally: RunTally,
): boolean {
  const { userId, period } = held;
  if (results.includes('sent')) {
    batch.end(held, { status: 'sent' });
    tally.report({ userId, period, result: digest.kind === 'nudge' ? 'nudged' : 'sent' });
    return true;
  }
  if (results.every((r) => r === 'blocked')) {
    skip(batch, held, 'direct messages refused', tally);
    return false;
  }
  const where = targets.map((t, i) => `${t.platform}: ${results[i]}`).join(', ');
  batch.end(held, { status: 'failed', reason: `not delivered (${where})` });
  tally.report({ userId, period, result: 'failed', reason: where });
  return false;
}

/** Keeps a sent digest's insight (unless the enricher stored one) and recommendations for the history. */
function keep(copies: SentCopies, digest: DigestData, withInsight: boolean, now: Date): void {
  const insight = digest.insight;
  if (insight && withInsight)
    copies.insights.push({
      userId: digest.userId,
      musicDna: insight.musicDna,
      energyLevel: insight.energyLevel,
      positivityLevel: insight.positivityLevel,
      aiSuggestion: insight.suggestion,
      generatedAt: now,
    });
  for (const r of digest.recommendations)
    copies.recommendations.push({
      userId: digest.userId,
      moodEntryId: digest.latestEntryId,
      spotifyTrackId: r.track.spotifyTrackId,
      trackName: r.track.trackName,
      artistName: r.track.artistName,
      albumImage: r.track.albumImage,
      reason: r.reason,
      matchScore: r.matchScore,
      createdAt: now,
    });
}

async function store(deps: DigestSenderDeps, copies: SentCopies): Promise<void> {
  try {
    await insertPersonalityInsights(deps.db, copies.insights);
    await insertManyRecommendations(deps.db, copies.recommendations);
  } catch (error) {
    // The digests are out already; losing their copies in the history is logged, not retried.
    deps.log.error({ err: error }, 'storing the sent digests’ insights and recommendations failed');
    deps.onFailure?.(error);
  }
}
