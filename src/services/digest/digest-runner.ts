import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/database.js';
import { type DigestUser, findDigestUsers, listDirectTargets } from '../../db/repositories/digest-data.js';
import type { ChartRenderer } from '../charts/index.js';
import type { SendDirect } from '../direct-messages.js';
import type { DigestData } from './build-digest.js';
import { type Catalogue, catalogueOnce, computeDigests, userBatches, zoneOf } from './digest-batches.js';
import { createDigestClaims, type DigestClaims } from './digest-claims.js';
import { type DigestEnricher, digestMessageComposer } from './digest-messages.js';
import { type DigestOutcome, type DigestRunSummary, type RunTally, startTally } from './digest-outcomes.js';
import { dueDigestPeriod } from './digest-schedule.js';
import { createDigestSender, type DigestSender } from './digest-sender.js';

export type { DigestEnricher, EnrichedInsight } from './digest-messages.js';
export type { DigestOutcome, DigestRunSummary } from './digest-outcomes.js';

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

/** What the steps of every run share, made once per runner. */
interface RunContext {
  db: Db;
  log: Logger;
  batchSize: number;
  platforms: ReadonlyArray<'discord' | 'slack'>;
  claims: DigestClaims;
  /** Absent when nothing can be sent (no direct messages, or no chat platform running). */
  sender: DigestSender | undefined;
  onOutcome: ((outcome: DigestOutcome) => void) | undefined;
}

const DEFAULT_BATCH = 500;

/**
 * The weekly digest: reads users in batches (one statement per kind of row per batch), claims each
 * batch's open users with a lease in one statement, computes the digests of the users it won with the
 * pure builders, and delivers each (user, week) exactly once: marked sent, skipped or failed after.
 * Several instances share a week this way: each computes and sends only the batches it claimed, and a
 * batch whose instance died is taken over when its lease runs out; the lease is renewed while a batch
 * is sent. Sends go one user at a time; the platforms space them (see digest-sender). The steps live
 * beside it: digest-batches (reads and computing), digest-messages (model insight, chart),
 * digest-claims (leases), digest-sender (sending and outcomes).
 */
export function createDigestRunner(deps: DigestRunnerDeps): DigestRunner {
  const ctx = runContext(deps);
  return {
    runDue: (now, signal) => runDue(ctx, now, signal),
    runWeek: (period, options = {}) => runWeek(ctx, period, options),
    preview: (period, options) => preview(ctx, period, options),
  };
}

function runContext(deps: DigestRunnerDeps): RunContext {
  const { db, clock } = deps;
  const log = deps.logger.child({ component: 'digest' });
  const claims = createDigestClaims({
    db,
    clock,
    log,
    onFailure: deps.onFailure,
    instanceId: deps.instanceId ?? `digest-${randomBytes(6).toString('hex')}`,
    leaseMs: deps.leaseMs,
    maxAttempts: deps.maxAttempts ?? 3,
  });
  const compose = digestMessageComposer({
    log,
    chart: deps.chart,
    enrich: deps.enrich,
    enrichTimeoutMs: deps.enrichTimeoutMs ?? 15_000,
  });
  const { sendDirect, onFailure } = deps;
  const canSend = sendDirect !== undefined && deps.platforms.length > 0;
  return {
    db,
    log,
    batchSize: deps.batchSize ?? DEFAULT_BATCH,
    platforms: deps.platforms,
    claims,
    sender: canSend ? createDigestSender({ db, clock, log, compose, sendDirect, onFailure }) : undefined,
    onOutcome: deps.onOutcome,
  };
}

/** The batch's users whose digest is due at `now` in their own zone, by the week it covers. */
function dueByPeriod(users: readonly DigestUser[], now: Date): Map<string, DigestUser[]> {
  const byPeriod = new Map<string, DigestUser[]>();
  for (const user of users) {
    if (!user.digestEnabled) continue;
    const period = dueDigestPeriod(now, { ...user, timeZone: zoneOf(user) });
    if (!period) continue;
    const list = byPeriod.get(period) ?? [];
    list.push(user);
    byPeriod.set(period, list);
  }
  return byPeriod;
}

async function runDue(ctx: RunContext, now: Date, signal?: AbortSignal): Promise<DigestRunSummary> {
  const tally = startTally(ctx.onOutcome);
  const catalogue = catalogueOnce(ctx.db);
  for await (const users of userBatches(ctx.db, ctx.batchSize, undefined, signal)) {
    tally.summary.users += users.length;
    for (const [period, group] of dueByPeriod(users, now))
      await deliverWeek(ctx, group, period, catalogue, tally, signal);
  }
  if (tally.summary.due > 0) ctx.log.info({ ...tally.summary }, 'digest run finished');
  return tally.summary;
}

async function runWeek(
  ctx: RunContext,
  period: string,
  options: { userIds?: readonly number[] | undefined; signal?: AbortSignal },
): Promise<DigestRunSummary> {
  await refuseUnknownUsers(ctx.db, options.userIds);
  const tally = startTally(ctx.onOutcome);
  const catalogue = catalogueOnce(ctx.db);
  for await (const users of userBatches(ctx.db, ctx.batchSize, options.userIds, options.signal)) {
    tally.summary.users += users.length;
    const wanted = users.filter((u) => u.digestEnabled);
    await deliverWeek(ctx, wanted, period, catalogue, tally, options.signal);
  }
  ctx.log.info({ ...tally.summary, period }, 'digest week run finished');
  return tally.summary;
}

/**
 * Delivers one week to some of a batch's users: settled ones and unreachable ones drop out first, then
 * the rest are claimed in one statement, and only the users won are computed and sent. Users another
 * instance holds are its to send (a claim whose lease ran out is taken over by a later pass).
 */
async function deliverWeek(
  ctx: RunContext,
  users: readonly DigestUser[],
  period: string,
  catalogue: () => Promise<Catalogue>,
  tally: RunTally,
  signal: AbortSignal | undefined,
): Promise<void> {
  const sender = ctx.sender;
  if (users.length === 0 || !sender) return;
  const open = await ctx.claims.open(users, period);
  if (open.length === 0) return;
  const targets = await listDirectTargets(
    ctx.db,
    open.map((u) => u.userId),
  );
  const reachable = (userId: number) =>
    (targets.get(userId) ?? []).filter((t) => ctx.platforms.includes(t.platform));
  // Accounts only on the console (or on a platform not running here) cannot get a DM: left alone.
  const due = open.filter((u) => reachable(u.userId).length > 0);
  tally.summary.due += due.length;
  if (due.length === 0 || signal?.aborted) return;
  const batch = await ctx.claims.claim(
    due.map((u) => u.userId),
    period,
  );
  const won = new Map(batch.held.map((h) => [h.userId, h]));
  try {
    const sendable: DigestUser[] = [];
    for (const user of due) {
      const held = won.get(user.userId);
      if (!held) tally.report({ userId: user.userId, period, result: 'taken' });
      else if (user.dmBlocked) sender.skip(batch, held, 'direct messages refused earlier', tally);
      else sendable.push(user);
    }
    const digests = await computeDigests(ctx.db, sendable, period, catalogue);
    const zones = new Map(sendable.map((u) => [u.userId, zoneOf(u)]));
    const recipient = (userId: number) => ({
      timeZone: zones.get(userId) ?? 'UTC',
      targets: reachable(userId),
    });
    await sender.sendAll(batch, digests, recipient, tally, signal);
  } finally {
    await batch.close();
  }
}

/**
 * Asked for particular users (the digest CLI's --user), a run first checks they exist: an id without a
 * user is a typo to report, not "0 digests for 0 users".
 */
async function refuseUnknownUsers(db: Db, userIds: readonly number[] | undefined): Promise<void> {
  if (!userIds || userIds.length === 0) return;
  const found = new Set((await findDigestUsers(db, userIds)).map((u) => u.userId));
  const missing = [...new Set(userIds)].filter((id) => !found.has(id));
  if (missing.length === 0) return;
  const one = missing.length === 1;
  throw new UserError(
    `No such user${one ? '' : 's'}: ${missing.join(', ')} (no MoodScale user has ${one ? 'that id' : 'those ids'}), ` +
      'so nothing was computed or sent. A user id is the "id" under "user" in their /export.',
    'UNKNOWN_USER',
  );
}

async function preview(
  ctx: RunContext,
  period: string,
  options: PreviewOptions,
): Promise<{ users: number; digests: number }> {
  await refuseUnknownUsers(ctx.db, options.userIds);
  const catalogue = catalogueOnce(ctx.db);
  // The catalogue loads beside the first batch's reads, and each batch's reads beside the previous
  // batch's visits: the database and this process work at the same time.
  void catalogue().catch(() => undefined);
  const source = userBatches(ctx.db, ctx.batchSize, options.userIds);
  let users = 0;
  let digests = 0;
  const nextBatch = async (): Promise<DigestData[] | undefined> => {
    const batch = await source.next();
    if (batch.done) return undefined;
    users += batch.value.length;
    const wanted = batch.value.filter((u) => u.digestEnabled && !u.dmBlocked);
    return computeDigests(ctx.db, wanted, period, catalogue);
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
}
