import { randomBytes } from 'node:crypto';
import { daysOfWeek, isKnownTimeZone, previousWeek } from '../../core/calendar/index.js';
import type { Clock } from '../../core/clock.js';
import type { Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/database.js';
import {
  claimDigest,
  markDigestFailed,
  markDigestSent,
  markDigestSkipped,
} from '../../db/repositories/digest-deliveries.js';
import type { PersonalityInsightInput } from '../../db/repositories/personality-insights.js';
import { insertRecommendations, type RecommendationInput } from '../../db/repositories/recommendations.js';
import type { DirectMessageResult, SendDirect } from '../direct-messages.js';
import type { RankedTrack } from '../recommendations/rank-local.js';
import { buildDigest, type DigestData } from './build-digest.js';
import type { ChartRenderer } from './chart.js';
import {
  type CatalogueTrack,
  type DigestMoodRow,
  type DigestMusicRow,
  type DigestUser,
  type DirectTarget,
  findDigestUsers,
  insertInsights,
  listDigestUsers,
  listDirectTargets,
  moodsBetween,
  musicBetween,
  settledDigests,
  trackCatalogue,
} from './digest-queries.js';
import { dueDigestPeriod } from './digest-schedule.js';
import { chartFileName, renderDigest } from './render-digest.js';

/** How one user's digest of one week ended in this run. */
export interface DigestOutcome {
  userId: number;
  period: string;
  /**
   * sent: the digest went out; nudged: the short note for a quiet week went out; skipped: nothing to send
   * or DMs refused (marked, never retried); failed: no platform took it (retried by a later run);
   * taken: another instance holds or finished it.
   */
  result: 'sent' | 'nudged' | 'skipped' | 'failed' | 'taken';
  reason?: string;
}

export interface DigestRunSummary {
  /** Users looked at. */
  users: number;
  /** Digests this run tried to deliver (after opt-outs, unreachable users and settled ones). */
  due: number;
  sent: number;
  nudged: number;
  skipped: number;
  failed: number;
  taken: number;
}

/**
 * Optional model enrichment of a digest that is about to be sent (services.insights). A throw, a timeout
 * or undefined keeps the local insight: the digest always goes out.
 */
export interface DigestEnricher {
  insight?(digest: DigestData, context: { timeZone: string }): Promise<EnrichedInsight | undefined>;
}

export interface EnrichedInsight {
  musicDna?: string | undefined;
  suggestion?: string | undefined;
  /** True when the enricher stored the week's insight itself, so the digest stores no second one. */
  stored?: boolean;
}

export interface DigestRunnerDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  /** The app's direct messages; absent when no chat platform runs (console only): nothing is sent. */
  sendDirect?: SendDirect | undefined;
  /** Platforms whose adapters are running; accounts elsewhere (the console) cannot get a DM. */
  platforms: ReadonlyArray<'discord' | 'slack'>;
  /** Who claims, so that only this instance completes its own claims. Random when not given. */
  instanceId?: string;
  /** How long a claim holds before another instance may take it over (the claimer died). */
  leaseMs: number;
  /** Attempts per digest before a failing one is given up. */
  maxAttempts?: number;
  /** Users per batch of queries. */
  batchSize?: number;
  /** Renders the chart; without it the digest goes out as text only. */
  chart?: ChartRenderer | undefined;
  enrich?: DigestEnricher | undefined;
  enrichTimeoutMs?: number;
  /** Each user's outcome (metrics). */
  onOutcome?: ((outcome: DigestOutcome) => void) | undefined;
  /** An unexpected error while delivering one digest (alerts); the run goes on with the next user. */
  onFailure?: ((error: unknown) => void) | undefined;
}

export interface PreviewOptions {
  userIds?: readonly number[] | undefined;
  /** Called with each user's digest data, in user order. */
  visit(digest: DigestData): Promise<void> | void;
}

export interface DigestRunner {
  /** Sends every digest whose day and hour have arrived at `now` in its user's zone and that is not sent. */
  runDue(now: Date, signal?: AbortSignal): Promise<DigestRunSummary>;
  /** Sends one week's digests by hand (all users or `userIds`), still exactly once. */
  runWeek(
    period: string,
    options?: { userIds?: readonly number[] | undefined; signal?: AbortSignal },
  ): Promise<DigestRunSummary>;
  /** Computes one week's digests without claiming or sending anything (dry runs, the benchmark). */
  preview(period: string, options: PreviewOptions): Promise<{ users: number; digests: number }>;
}

/** The tracks recommendations come from, and the rankings made from them in this run. */
interface Catalogue {
  tracks: readonly CatalogueTrack[];
  rankings: Map<string, RankedTrack[]>;
}

const DEFAULT_BATCH = 500;
const CATALOGUE_LIMIT = 200_000;

function emptySummary(): DigestRunSummary {
  return { users: 0, due: 0, sent: 0, nudged: 0, skipped: 0, failed: 0, taken: 0 };
}

function groupBy<T extends { userId: number }>(rows: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const list = groups.get(row.userId);
    if (list) list.push(row);
    else groups.set(row.userId, [row]);
  }
  return groups;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const zoneOf = (user: DigestUser) => (isKnownTimeZone(user.timeZone) ? user.timeZone : 'UTC');

/**
 * The weekly digest: reads users in batches (one statement per kind of row per batch), computes each
 * digest with the pure builders, and delivers each (user, week) exactly once: claimed with a lease before
 * sending, marked sent, skipped or failed after. Sends go one user at a time; the platforms space them.
 */
export function createDigestRunner(deps: DigestRunnerDeps): DigestRunner {
  const { db, clock } = deps;
  const log = deps.logger.child({ component: 'digest' });
  const instanceId = deps.instanceId ?? `digest-${randomBytes(6).toString('hex')}`;
  const batchSize = deps.batchSize ?? DEFAULT_BATCH;
  const enrichTimeoutMs = deps.enrichTimeoutMs ?? 15_000;
  const maxAttempts = deps.maxAttempts ?? 3;

  /** Every user (or those of `userIds`) in batches of `batchSize`, in user order. */
  async function* batches(
    userIds: readonly number[] | undefined,
    signal?: AbortSignal,
  ): AsyncGenerator<DigestUser[]> {
    if (userIds) {
      for (let i = 0; i < userIds.length && !signal?.aborted; i += batchSize)
        yield await findDigestUsers(db, userIds.slice(i, i + batchSize));
      return;
    }
    let after = 0;
    while (!signal?.aborted) {
      const users = await listDigestUsers(db, after, batchSize);
      if (users.length === 0) return;
      yield users;
      after = users.at(-1)!.userId;
    }
  }

  /** The digests of one batch's users for one week: two queries, then pure code. */
  async function compute(
    users: readonly DigestUser[],
    period: string,
    catalogue: () => Promise<Catalogue>,
  ): Promise<DigestData[]> {
    if (users.length === 0) return [];
    const zoned = { userIds: users.map((u) => u.userId), timeZones: users.map(zoneOf) };
    const days = daysOfWeek(period);
    const from = daysOfWeek(previousWeek(period))[0]!;
    const [moods, music, { tracks, rankings }] = await Promise.all([
      moodsBetween(db, zoned, from, days[6]!),
      musicBetween(db, zoned, days[0]!, days[6]!),
      catalogue(),
    ]);
    const moodsOf = groupBy<DigestMoodRow>(moods);
    const musicOf = groupBy<DigestMusicRow>(music);
    return users.map((u) =>
      buildDigest({
        userId: u.userId,
        period,
        moods: moodsOf.get(u.userId) ?? [],
        music: musicOf.get(u.userId) ?? [],
        catalogue: tracks,
        rankings,
      }),
    );
  }

  /** The digest with the model's insight when an enricher gives one, and whether it stored it itself. */
  async function enriched(
    digest: DigestData,
    timeZone: string,
  ): Promise<{ digest: DigestData; stored: boolean }> {
    const insight = digest.insight;
    if (!deps.enrich?.insight || !insight) return { digest, stored: false };
    try {
      const better = await withTimeout(deps.enrich.insight(digest, { timeZone }), enrichTimeoutMs);
      if (!better) return { digest, stored: false };
      return {
        digest: {
          ...digest,
          insight: {
            ...insight,
            musicDna: better.musicDna?.trim() || insight.musicDna,
            suggestion: better.suggestion?.trim() || insight.suggestion,
          },
        },
        stored: better.stored === true,
      };
    } catch (error) {
      log.warn({ err: error, userId: digest.userId }, 'model insight failed; the digest uses the local one');
      return { digest, stored: false };
    }
  }

  async function withChart(digest: DigestData, reply: Reply): Promise<Reply> {
    if (!deps.chart || digest.kind !== 'digest') return reply;
    try {
      const png = await deps.chart.render(digest.period, digest.days);
      return { ...reply, files: [{ name: chartFileName(digest), contentType: 'image/png', data: png }] };
    } catch (error) {
      log.warn({ err: error, userId: digest.userId }, 'digest chart failed; sending the text alone');
      return reply;
    }
  }

  interface Stored {
    insights: PersonalityInsightInput[];
    recommendations: RecommendationInput[];
  }

  function report(summary: DigestRunSummary, outcome: DigestOutcome): void {
    summary[outcome.result]++;
    deps.onOutcome?.(outcome);
  }

  async function skip(userId: number, period: string, reason: string, summary: DigestRunSummary) {
    const claim = await claimDigest(db, {
      userId,
      period,
      claimedBy: instanceId,
      leaseMs: deps.leaseMs,
      now: clock.now(),
      maxAttempts,
    });
    if (!claim) return report(summary, { userId, period, result: 'taken' });
    await markDigestSkipped(db, claim.id, instanceId, reason);
    report(summary, { userId, period, result: 'skipped', reason });
  }

  async function deliver(
    computed: DigestData,
    timeZone: string,
    targets: readonly DirectTarget[],
    summary: DigestRunSummary,
    stored: Stored,
  ): Promise<void> {
    const { userId, period } = computed;
    const user = { userId, period };
    if (computed.kind === 'empty') {
      await skip(userId, period, 'no entries this week or the week before', summary);
      return;
    }
    // A database that does not answer the claim ends the run (the next hourly run resumes).
    const claim = await claimDigest(db, {
      userId,
      period,
      claimedBy: instanceId,
      leaseMs: deps.leaseMs,
      now: clock.now(),
      maxAttempts,
    });
    if (!claim) return report(summary, { ...user, result: 'taken' });
    try {
      const { digest, stored: insightStored } = await enriched(computed, timeZone);
      const message = await withChart(digest, renderDigest(digest));
      const results: DirectMessageResult[] = [];
      for (const target of targets) results.push(await deps.sendDirect!(target, message));
      if (results.includes('sent')) {
        if (!(await markDigestSent(db, claim.id, instanceId, clock.now())))
          log.warn({ userId, period }, 'digest sent after its lease was taken over');
        report(summary, { ...user, result: digest.kind === 'nudge' ? 'nudged' : 'sent' });
        if (digest.kind === 'digest') keep(digest, stored, !insightStored);
      } else if (results.every((r) => r === 'blocked')) {
        await markDigestSkipped(db, claim.id, instanceId, 'direct messages refused');
        report(summary, { ...user, result: 'skipped', reason: 'direct messages refused' });
      } else {
        const where = targets.map((t, i) => `${t.platform}: ${results[i]}`).join(', ');
        await markDigestFailed(db, claim.id, instanceId, `not delivered (${where})`);
        report(summary, { ...user, result: 'failed', reason: where });
      }
    } catch (error) {
      log.error({ err: error, userId, period }, 'digest delivery failed');
      deps.onFailure?.(error);
      await markDigestFailed(
        db,
        claim.id,
        instanceId,
        error instanceof Error ? error.message : String(error),
      ).catch((e: unknown) => log.error({ err: e, userId, period }, 'marking a digest failed did not work'));
      report(summary, { ...user, result: 'failed', reason: 'error' });
    }
  }

  function keep(digest: DigestData, stored: Stored, withInsight: boolean): void {
    const now = clock.now();
    const insight = digest.insight;
    if (insight && withInsight)
      stored.insights.push({
        userId: digest.userId,
        musicDna: insight.musicDna,
        energyLevel: insight.energyLevel,
        positivityLevel: insight.positivityLevel,
        aiSuggestion: insight.suggestion,
        generatedAt: now,
      });
    for (const r of digest.recommendations)
      stored.recommendations.push({
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

  async function store(stored: Stored): Promise<void> {
    try {
      await insertInsights(db, stored.insights);
      await insertRecommendations(db, stored.recommendations);
    } catch (error) {
      // The digests are out already; losing their copies in the history is logged, not retried.
      log.error({ err: error }, 'storing the sent digests’ insights and recommendations failed');
      deps.onFailure?.(error);
    }
  }

  /** Delivers one week to some of a batch's users: settled ones and unreachable ones drop out first. */
  async function deliverWeek(
    users: readonly DigestUser[],
    period: string,
    catalogue: () => Promise<Catalogue>,
    summary: DigestRunSummary,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (users.length === 0 || !deps.sendDirect || deps.platforms.length === 0) return;
    const ids = users.map((u) => u.userId);
    const settled = await settledDigests(db, ids, [period], maxAttempts);
    const open = users.filter((u) => !settled.has(`${u.userId}:${period}`));
    if (open.length === 0) return;
    const targets = await listDirectTargets(
      db,
      open.map((u) => u.userId),
    );
    const reachable = (userId: number) =>
      (targets.get(userId) ?? []).filter((t) => deps.platforms.includes(t.platform));
    // Accounts only on the console (or on a platform not running here) cannot get a DM: left alone.
    const due = open.filter((u) => reachable(u.userId).length > 0);
    summary.due += due.length;
    const sendable: DigestUser[] = [];
    for (const user of due) {
      if (signal?.aborted) return;
      if (user.dmBlocked) await skip(user.userId, period, 'direct messages refused earlier', summary);
      else sendable.push(user);
    }
    const digests = await compute(sendable, period, catalogue);
    const zones = new Map(sendable.map((u) => [u.userId, zoneOf(u)]));
    const stored: Stored = { insights: [], recommendations: [] };
    try {
      for (const digest of digests) {
        if (signal?.aborted) break;
        await deliver(digest, zones.get(digest.userId) ?? 'UTC', reachable(digest.userId), summary, stored);
      }
    } finally {
      await store(stored);
    }
  }

  /** The catalogue, read once per run when first needed, with the run's shared rankings. */
  function catalogueOnce(): () => Promise<Catalogue> {
    let loaded: Promise<Catalogue> | undefined;
    return () => {
      loaded ??= trackCatalogue(db, CATALOGUE_LIMIT).then((tracks) => ({ tracks, rankings: new Map() }));
      return loaded;
    };
  }

  return {
    async runDue(now, signal) {
      const summary = emptySummary();
      const catalogue = catalogueOnce();
      for await (const users of batches(undefined, signal)) {
        summary.users += users.length;
        const byPeriod = new Map<string, DigestUser[]>();
        for (const user of users) {
          if (!user.digestEnabled) continue;
          const period = dueDigestPeriod(now, { ...user, timeZone: zoneOf(user) });
          if (!period) continue;
          const list = byPeriod.get(period) ?? [];
          list.push(user);
          byPeriod.set(period, list);
        }
        for (const [period, group] of byPeriod) await deliverWeek(group, period, catalogue, summary, signal);
      }
      if (summary.due > 0) log.info({ ...summary }, 'digest run finished');
      return summary;
    },

    async runWeek(period, options = {}) {
      const summary = emptySummary();
      const catalogue = catalogueOnce();
      for await (const users of batches(options.userIds, options.signal)) {
        summary.users += users.length;
        const wanted = users.filter((u) => u.digestEnabled);
        await deliverWeek(wanted, period, catalogue, summary, options.signal);
      }
      log.info({ ...summary, period }, 'digest week run finished');
      return summary;
    },

    async preview(period, options) {
      const catalogue = catalogueOnce();
      // The catalogue loads beside the first batch's reads, and each batch's reads beside the previous
      // batch's visits: the database and this process work at the same time.
      void catalogue().catch(() => undefined);
      const source = batches(options.userIds);
      let users = 0;
      let digests = 0;
      const nextBatch = async (): Promise<DigestData[] | undefined> => {
        const batch = await source.next();
        if (batch.done) return undefined;
        users += batch.value.length;
        const wanted = batch.value.filter((u) => u.digestEnabled && !u.dmBlocked);
        return compute(wanted, period, catalogue);
      };
      let pending = nextBatch();
      try {
        for (let current = await pending; current; current = await pending) {
          pending = nextBatch();
          for (const digest of current) {
            digests++;
            await options.visit(digest);
          }
        }
      } finally {
        // A visit that threw leaves the next batch's reads running: their outcome no longer matters.
        pending.catch(() => undefined);
      }
      return { users, digests };
    },
  };
}
