import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/database.js';
import type { DirectTarget } from '../../db/repositories/digest-data.js';
import {
  insertPersonalityInsights,
  type PersonalityInsightInput,
} from '../../db/repositories/personality-insights.js';
import { insertRecommendations, type RecommendationInput } from '../../db/repositories/recommendations.js';
import type { DirectMessageResult, SendDirect } from '../direct-messages.js';
import type { DigestData } from './build-digest.js';
import type { DigestClaims, HeldDigest } from './digest-claims.js';
import type { ComposeDigestMessage } from './digest-messages.js';
import type { RunTally } from './digest-outcomes.js';

export interface DigestSenderDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  claims: DigestClaims;
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
 * The digest's sending step: each digest claimed, sent to every account of its user, and its claim ended
 * by the outcome; the insights and recommendations of a batch's sent digests stored after it.
 */
export interface DigestSender {
  /** Claims a digest only to mark it skipped (nothing to send, DMs refused earlier). */
  skip(userId: number, period: string, reason: string, tally: RunTally): Promise<void>;
  /** Sends a batch's digests one user at a time (the platforms space them), until `signal` aborts. */
  sendAll(
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
    skip: (userId, period, reason, tally) => skip(deps, userId, period, reason, tally),
    async sendAll(digests, recipient, tally, signal) {
      const copies: SentCopies = { insights: [], recommendations: [] };
      try {
        for (const digest of digests) {
          if (signal?.aborted) break;
          await deliver(deps, digest, recipient(digest.userId), tally, copies);
        }
      } finally {
        await store(deps, copies);
      }
    },
  };
}

async function skip(deps: DigestSenderDeps, userId: number, period: string, reason: string, tally: RunTally) {
  const held = await deps.claims.claim(userId, period);
  if (!held) return tally.report({ userId, period, result: 'taken' });
  await deps.claims.skipped(held, reason);
  tally.report({ userId, period, result: 'skipped', reason });
}

async function deliver(
  deps: DigestSenderDeps,
  computed: DigestData,
  to: DigestRecipient,
  tally: RunTally,
  copies: SentCopies,
): Promise<void> {
  const { userId, period } = computed;
  if (computed.kind === 'empty')
    return skip(deps, userId, period, 'no entries this week or the week before', tally);
  // A database that does not answer the claim ends the run (the next hourly run resumes).
  const held = await deps.claims.claim(userId, period);
  if (!held) return tally.report({ userId, period, result: 'taken' });
  try {
    const { digest, message, insightStored } = await deps.compose(computed, to.timeZone);
    const results: DirectMessageResult[] = [];
    for (const target of to.targets) results.push(await deps.sendDirect(target, message));
    const sent = await settle(deps, held, digest, to.targets, results, tally);
    if (sent && digest.kind === 'digest') keep(copies, digest, !insightStored, deps.clock.now());
  } catch (error) {
    deps.log.error({ err: error, userId, period }, 'digest delivery failed');
    deps.onFailure?.(error);
    await deps.claims
      .failed(held, error instanceof Error ? error.message : String(error))
      .catch((e: unknown) =>
        deps.log.error({ err: e, userId, period }, 'marking a digest failed did not work'),
      );
    tally.report({ userId, period, result: 'failed', reason: 'error' });
  }
}

/**
 * Ends the claim by what the platforms answered: sent when any took it, skipped when every one refused
 * DMs, failed otherwise (a later run retries). True when it was sent.
 */
async function settle(
  deps: DigestSenderDeps,
  held: HeldDigest,
  digest: DigestData,
  targets: readonly DirectTarget[],
  results: readonly DirectMessageResult[],
  tally: RunTally,
): Promise<boolean> {
  const { userId, period } = held;
  if (results.includes('sent')) {
    if (!(await deps.claims.sent(held)))
      deps.log.warn({ userId, period }, 'digest sent after its lease was taken over');
    tally.report({ userId, period, result: digest.kind === 'nudge' ? 'nudged' : 'sent' });
    return true;
  }
  if (results.every((r) => r === 'blocked')) {
    await deps.claims.skipped(held, 'direct messages refused');
    tally.report({ userId, period, result: 'skipped', reason: 'direct messages refused' });
    return false;
  }
  const where = targets.map((t, i) => `${t.platform}: ${results[i]}`).join(', ');
  await deps.claims.failed(held, `not delivered (${where})`);
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
    await insertRecommendations(deps.db, copies.recommendations);
  } catch (error) {
    // The digests are out already; losing their copies in the history is logged, not retried.
    deps.log.error({ err: error }, 'storing the sent digests’ insights and recommendations failed');
    deps.onFailure?.(error);
  }
}
