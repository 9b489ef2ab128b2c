import { randomBytes } from 'node:crypto';
import { dayNumber, localDay } from '../../core/calendar/index.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/database.js';
import {
  type CheckinCandidate,
  type CheckinHistory,
  claimCheckinPrompt,
  endPrompt,
  findCheckinCandidates,
  readCheckinHistories,
  recordSkippedPrompt,
  settledCheckinPrompts,
} from '../../db/repositories/checkins.js';
import { type DirectTarget, listDirectTargets } from '../../db/repositories/digest-data.js';
import { findUserById } from '../../db/repositories/users.js';
import type { CheckinPromptKind } from '../../db/schema/index.js';
import type { AuditWriter } from '../audit-writer.js';
import type { SendDirect } from '../direct-messages.js';
import { keepAskingReply, promptReply } from './checkin-messages.js';
import { dueSlot, previousSlot } from './schedule.js';

/** After this many prompts in a row without a mood, prompts stop and one message asks. */
export const UNANSWERED_LIMIT = 3;

export interface CheckinRunnerDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  /** The app's direct messages; absent when no chat platform runs: nothing is sent. */
  sendDirect?: SendDirect | undefined;
  platforms: ReadonlyArray<'discord' | 'slack'>;
  /** Who claims, so only this instance completes its own claims. Random when not given. */
  instanceId?: string;
  /** How long a claim holds before another instance may take it over (the claimer died). */
  leaseMs: number;
  maxAttempts?: number;
  /** Users read per statement. */
  batchSize?: number;
  /** Prompts being sent at once; the platform's client paces them to its limits. */
  concurrency?: number;
  onOutcome?: ((outcome: CheckinOutcome) => void) | undefined;
  /** The audit trail: each prompt sent or failed is recorded (who, platform, slot; never content). */
  audit?: Pick<AuditWriter, 'record'> | undefined;
}

export type CheckinResult = 'sent' | 'asked' | 'skipped' | 'failed' | 'taken';

export interface CheckinOutcome {
  userId: number;
  slotAt: Date;
  result: CheckinResult;
  reason?: string;
}

/** What a run did (or, dry, would do). */
export interface CheckinRunSummary {
  /** Users with check-ins on and a time near this hour. */
  candidates: number;
  /** Of them, with a slot due now that is not settled. */
  due: number;
  sent: number;
  /** "Keep the check-ins?" questions sent. */
  asked: number;
  skipped: Record<string, number>;
  failed: number;
  /** Held by another instance. */
  taken: number;
  /** What a dry run would do, per user. */
  plan: Array<{ userId: number; slotAt: Date; action: 'prompt' | 'keep' | 'skip'; reason?: string }>;
}

export interface CheckinRunner {
  /** Sends each prompt due at `now` in its user's zone, once. */
  runDue(
    now: Date,
    options?: { signal?: AbortSignal; userIds?: readonly number[]; dryRun?: boolean },
  ): Promise<CheckinRunSummary>;
}

const DEFAULT_BATCH = 500;
const NO_ACCOUNT = 'no Discord or Slack account to message (the console gets no DMs)';

interface Decision {
  user: CheckinCandidate;
  slotAt: Date;
  action: 'prompt' | 'keep' | 'skip';
  reason?: string;
  streakDays: number;
  target?: DirectTarget;
}

/**
 * Daily check-in prompts, run every minute: users whose chosen local time has come (within the same
 * local hour, so a run missed while the bot was down catches up, never later) get one DM per slot,
 * claimed in checkin_prompts with a lease before it is sent, exactly as digests are. The rules: no
 * prompt when a mood was logged since the previous slot; after three unanswered, one "keep them?"
 * message and then nothing until the user answers; refused DMs are skipped.
 */
export function createCheckinRunner(deps: CheckinRunnerDeps): CheckinRunner {
  const { db, clock } = deps;
  const log = deps.logger.child({ component: 'checkins' });
  const instanceId = deps.instanceId ?? `checkins-${randomBytes(6).toString('hex')}`;
  const maxAttempts = deps.maxAttempts ?? 3;
  const batchSize = deps.batchSize ?? DEFAULT_BATCH;
  const concurrency = deps.concurrency ?? 16;

  async function decide(batch: CheckinCandidate[], now: Date, dry: boolean): Promise<Decision[]> {
    const slotted = batch.flatMap((user) => {
      const slotAt = dueSlot({ times: user.times, days: user.days }, user.timeZone, now);
      return slotAt ? [{ user, slotAt }] : [];
    });
    const settled = await settledCheckinPrompts(
      db,
      slotted.map((s) => ({ userId: s.user.userId, slotAt: s.slotAt })),
      maxAttempts,
    );
    const open = slotted.filter((s) => !settled.has(`${s.user.userId}:${s.slotAt.getTime()}`));
    if (open.length === 0) return [];
    const ids = open.map((s) => s.user.userId);
    const [histories, targets] = await Promise.all([
      readCheckinHistories(
        db,
        open.map((s) => s.user),
        now,
      ),
      listDirectTargets(db, ids),
    ]);
    const decisions: Decision[] = [];
    for (const { user, slotAt } of open) {
      // A dry run (no platform running) judges every Discord or Slack account as the running bot would.
      const target = (targets.get(user.userId) ?? []).find((t) => dry || deps.platforms.includes(t.platform));
      const history = histories.get(user.userId);
      if (target) decisions.push({ ...rule(user, slotAt, history, now), target });
      // Accounts only on the console, or on a platform not running here, are left for an instance that can.
      else if (dry)
        decisions.push({ ...rule(user, slotAt, history, now), action: 'skip', reason: NO_ACCOUNT });
    }
    return decisions;
  }

  async function deliver(decision: Decision, summary: CheckinRunSummary): Promise<void> {
    const { user, slotAt } = decision;
    const outcome = (result: CheckinResult, reason?: string) =>
      deps.onOutcome?.({ userId: user.userId, slotAt, result, ...(reason ? { reason } : {}) });
    if (decision.action === 'skip') {
      await recordSkippedPrompt(db, { userId: user.userId, slotAt, reason: decision.reason ?? 'skipped' });
      const reason = decision.reason ?? 'skipped';
      summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
      outcome('skipped', reason);
      return;
    }
    const sendDirect = deps.sendDirect;
    if (!sendDirect || !decision.target) return;
    const kind: CheckinPromptKind = decision.action === 'keep' ? 'keep' : 'prompt';
    const held = await claimCheckinPrompt(db, {
      userId: user.userId,
      slotAt,
      kind,
      claimedBy: instanceId,
      leaseMs: deps.leaseMs,
      now: clock.now(),
      maxAttempts,
    });
    if (!held) {
      summary.taken++;
      outcome('taken');
      return;
    }
    const reply =
      kind === 'keep' ? keepAskingReply() : promptReply({ id: held.id, slotAt }, decision.streakDays);
    let result: Awaited<ReturnType<SendDirect>>;
    try {
      result = await sendDirect(decision.target, reply, { lane: 'prompt' });
    } catch (error) {
      log.error({ err: error, userId: user.userId }, 'check-in prompt failed unexpectedly');
      result = 'failed';
    }
    deps.audit?.record({
      userId: user.userId,
      platform: decision.target.platform,
      action: kind === 'keep' ? 'checkin-keep-question' : 'checkin-prompt',
      outcome: result === 'sent' ? 'ok' : result === 'blocked' ? 'denied' : 'error',
      details: { slot: slotAt.toISOString() },
    });
    if (result === 'sent') {
      await endPrompt.sent(db, held.id, instanceId, clock.now());
      if (kind === 'keep') summary.asked++;
      else summary.sent++;
      outcome(kind === 'keep' ? 'asked' : 'sent');
    } else if (result === 'blocked') {
      await endPrompt.skipped(db, held.id, instanceId, 'direct messages refused');
      summary.skipped['direct messages refused'] = (summary.skipped['direct messages refused'] ?? 0) + 1;
      outcome('skipped', 'direct messages refused');
    } else {
      await endPrompt.failed(db, held.id, instanceId, 'the platform did not take the message');
      summary.failed++;
      outcome('failed');
    }
  }

  return {
    async runDue(now, options = {}) {
      const summary: CheckinRunSummary = {
        candidates: 0,
        due: 0,
        sent: 0,
        asked: 0,
        skipped: {},
        failed: 0,
        taken: 0,
        plan: [],
      };
      const dry = options.dryRun === true;
      await refuseUnknownUsers(db, options.userIds);
      let after = 0;
      for (;;) {
        if (options.signal?.aborted) break;
        const batch = await findCheckinCandidates(db, {
          now,
          afterUserId: after,
          limit: batchSize,
          userIds: options.userIds,
        });
        if (batch.length === 0) break;
        after = batch[batch.length - 1]!.userId;
        summary.candidates += batch.length;
        const decisions = await decide(batch, now, dry);
        summary.due += decisions.length;
        if (dry) {
          for (const d of decisions)
            summary.plan.push({
              userId: d.user.userId,
              slotAt: d.slotAt,
              action: d.action,
              ...(d.reason ? { reason: d.reason } : {}),
            });
          continue;
        }
        await pool(decisions, concurrency, (d) => deliver(d, summary), options.signal);
        if (batch.length < batchSize) break;
      }
      if (summary.due > 0 && !dry) {
        const { plan: _plan, ...counts } = summary;
        log.info(counts, 'check-in run finished');
      }
      return summary;
    },
  };
}

/** An id no user has is a typo to report (the CLI's --user), not "0 prompts due". */
async function refuseUnknownUsers(db: Db, userIds: readonly number[] | undefined): Promise<void> {
  const missing: number[] = [];
  for (const id of new Set(userIds ?? [])) if (!(await findUserById(db, id))) missing.push(id);
  if (missing.length === 0) return;
  throw new UserError(
    `No such user: ${missing.join(', ')} (no MoodScale user has ${missing.length === 1 ? 'that id' : 'those ids'}), ` +
      'so nothing was claimed or sent. A user id is the "id" under "user" in their /export.',
    'UNKNOWN_USER',
  );
}

/** The prompt rules for one user's due slot. */
function rule(
  user: CheckinCandidate,
  slotAt: Date,
  history: CheckinHistory | undefined,
  now: Date,
): Omit<Decision, 'target'> {
  const base = { user, slotAt, streakDays: streakOf(history?.loggedDays ?? [], now, user.timeZone) };
  if (user.dmBlocked) return { ...base, action: 'skip', reason: 'direct messages refused' };
  const previous = previousSlot({ times: user.times, days: user.days }, user.timeZone, slotAt);
  const lastMood = history?.lastMoodAt ?? null;
  if (previous && lastMood && lastMood >= previous) {
    return { ...base, action: 'skip', reason: 'logged since the previous check-in' };
  }
  if ((history?.unanswered ?? 0) >= UNANSWERED_LIMIT) {
    return history?.keepAsked
      ? { ...base, action: 'skip', reason: 'stopped after 3 unanswered' }
      : { ...base, action: 'keep' };
  }
  return { ...base, action: 'prompt' };
}

/** Days in a row with a mood, ending today or yesterday (local), from local days newest first. */
export function streakOf(loggedDays: readonly string[], now: Date, timeZone: string): number {
  const today = dayNumber(localDay(now, timeZone));
  const days = loggedDays.map(dayNumber);
  let expected = days[0] === today ? today : today - 1;
  let streak = 0;
  for (const day of days) {
    if (day > expected) continue;
    if (day !== expected) break;
    streak++;
    expected--;
  }
  return streak;
}

/** Runs `work` over `items` with at most `limit` at once; stops taking new items once `signal` aborts. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
