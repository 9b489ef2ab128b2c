import { z } from 'zod';
import type { Db } from '../database.js';
import { type PreparedStatement, runPrepared } from '../raw-query.js';

/** A delivery to record before it is acknowledged. */
export interface InboxEntry {
  /** The platform's own delivery id, prefixed by platform and kind; unique across the table. */
  deliveryKey: string;
  platform: string;
  workspaceId: string;
  externalUserId: string;
  kind: string;
  command: string;
  /** The sealed payload (see the inbox service): never plain text, since it may hold a note. */
  payload: string;
}

/** How a claimed delivery ended: `done` once answered, `dropped` when it was not run (see the service). */
export type InboxEnd = 'done' | 'dropped';

// Times are UTC wall-clock like every timestamp column here, taken from the database's clock so that
// every instance judges leases by the same one.
const NOW = `(now() AT TIME ZONE 'UTC')`;

const acceptStatement: PreparedStatement = {
  name: 'moodscale_inbox_accept_v2',
  text: `INSERT INTO inbox (delivery_key, platform, workspace_id, external_user_id, kind, command, payload,
                            claimed_by, lease_expires_at)
         SELECT k, p, w, u, kd, c, pl, $8, ${NOW} + make_interval(secs => $9::float8)
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                AS t(k, p, w, u, kd, c, pl)
          -- In key order: two groups holding the same redelivered keys wait for each other, never in a cycle.
          ORDER BY k
         ON CONFLICT (delivery_key) DO NOTHING
         RETURNING delivery_key`,
};

/**
 * Records deliveries in one statement, each claimed by `claimedBy` for `leaseMs`, and returns the keys
 * that were new: a key already present (a retry, a redelivery, another instance's copy) is left as it is.
 */
export async function acceptInboxEntries(
  db: Db,
  entries: readonly InboxEntry[],
  claimedBy: string,
  leaseMs: number,
): Promise<Set<string>> {
  if (entries.length === 0) return new Set();
  const rows = await runPrepared(db, acceptStatement, [
    entries.map((e) => e.deliveryKey),
    entries.map((e) => e.platform),
    entries.map((e) => e.workspaceId),
    entries.map((e) => e.externalUserId),
    entries.map((e) => e.kind),
    entries.map((e) => e.command),
    entries.map((e) => e.payload),
    claimedBy,
    leaseMs / 1000,
  ]);
  return new Set(rows.map((row) => keyRow.parse(row).delivery_key));
}

const keyRow = z.object({ delivery_key: z.string() });

const finishStatement: PreparedStatement = {
  name: 'moodscale_inbox_finish_v1',
  text: `UPDATE inbox i
            SET status = t.status, payload = NULL, done_at = ${NOW}, lease_expires_at = NULL
           FROM unnest($1::text[], $2::text[]) AS t(delivery_key, status)
          WHERE i.delivery_key = t.delivery_key AND i.status = 'claimed'`,
};

/** Ends deliveries: their payloads are deleted, their keys kept until pruned. */
export async function finishInboxEntries(
  db: Db,
  ends: ReadonlyArray<{ deliveryKey: string; end: InboxEnd }>,
): Promise<void> {
  if (ends.length === 0) return;
  await runPrepared(db, finishStatement, [ends.map((e) => e.deliveryKey), ends.map((e) => e.end)]);
}

// A row locked at this moment is being applied or finished by this instance's own work: it is skipped,
// not waited for (its lease is renewed next time). Waiting would lock rows in another order than those
// statements and deadlock with them under load (PostgreSQL breaks that after deadlock_timeout, failing a
// whole group of commands).
const renewStatement: PreparedStatement = {
  name: 'moodscale_inbox_renew_v2',
  text: `UPDATE inbox SET lease_expires_at = ${NOW} + make_interval(secs => $3::float8)
          WHERE id IN (SELECT id FROM inbox
                        WHERE delivery_key = ANY($1::text[]) AND status = 'claimed' AND claimed_by = $2
                        FOR UPDATE SKIP LOCKED)`,
};

/** Extends the lease of deliveries this instance is still working on (those not locked right now). */
export async function renewInboxLeases(
  db: Db,
  deliveryKeys: readonly string[],
  claimedBy: string,
  leaseMs: number,
): Promise<void> {
  if (deliveryKeys.length === 0) return;
  await runPrepared(db, renewStatement, [deliveryKeys, claimedBy, leaseMs / 1000]);
}

const markAppliedStatement: PreparedStatement = {
  name: 'moodscale_inbox_applied_v1',
  text: `UPDATE inbox SET applied_at = ${NOW}
          WHERE delivery_key = ANY($1::text[]) AND applied_at IS NULL`,
};

/** Records that the commands of these deliveries took effect (for commands whose effect is not /mood's). */
export async function markInboxApplied(db: Db, deliveryKeys: readonly string[]): Promise<void> {
  if (deliveryKeys.length === 0) return;
  await runPrepared(db, markAppliedStatement, [deliveryKeys]);
}

/** A delivery taken over from an instance whose lease ran out. */
export interface ClaimedInboxEntry {
  deliveryKey: string;
  platform: string;
  kind: string;
  command: string;
  payload: string | null;
  attempts: number;
  appliedAt: Date | null;
  receivedAt: Date;
}

const claimedRow = z.object({
  delivery_key: z.string(),
  platform: z.string(),
  kind: z.string(),
  command: z.string(),
  payload: z.string().nullable(),
  attempts: z.coerce.number(),
  applied_ms: z.coerce.number().nullable(),
  received_ms: z.coerce.number(),
});

const claimStatement: PreparedStatement = {
  name: 'moodscale_inbox_claim_v1',
  text: `UPDATE inbox i
            SET claimed_by = $1, lease_expires_at = ${NOW} + make_interval(secs => $2::float8),
                attempts = i.attempts + 1
          WHERE i.id IN (SELECT id FROM inbox
                          WHERE status = 'claimed' AND lease_expires_at < ${NOW}
                            AND platform = ANY($4::text[])
                          ORDER BY lease_expires_at
                          LIMIT $3
                          FOR UPDATE SKIP LOCKED)
      RETURNING i.delivery_key, i.platform, i.kind, i.command, i.payload, i.attempts,
                (extract(epoch FROM i.applied_at) * 1000)::float8 AS applied_ms,
                (extract(epoch FROM i.received_at) * 1000)::float8 AS received_ms`,
};

/**
 * Takes over, for `claimedBy`, at most `limit` deliveries of `platforms` whose lease ran out (their
 * instance died or stalled); rows another instance is taking over at the same moment are skipped, not
 * waited for.
 */
export async function claimExpiredInboxEntries(
  db: Db,
  claim: { claimedBy: string; leaseMs: number; limit: number; platforms: readonly string[] },
): Promise<ClaimedInboxEntry[]> {
  const { claimedBy, leaseMs, limit, platforms } = claim;
  const rows = await runPrepared(db, claimStatement, [claimedBy, leaseMs / 1000, limit, platforms]);
  return rows.map((raw) => {
    const row = claimedRow.parse(raw);
    return {
      deliveryKey: row.delivery_key,
      platform: row.platform,
      kind: row.kind,
      command: row.command,
      payload: row.payload,
      attempts: row.attempts,
      appliedAt: row.applied_ms === null ? null : new Date(row.applied_ms),
      receivedAt: new Date(row.received_ms),
    };
  });
}

/** What is waiting: deliveries not yet answered, and how long the oldest has waited. */
export interface InboxBacklog {
  pending: number;
  oldestPendingSeconds: number;
}

const backlogRow = z.object({
  pending: z.coerce.number(),
  oldest_seconds: z.coerce.number().nullable(),
});

const backlogStatement: PreparedStatement = {
  name: 'moodscale_inbox_backlog_v1',
  text: `SELECT count(*) AS pending,
                extract(epoch FROM ${NOW} - min(received_at))::float8 AS oldest_seconds
           FROM inbox WHERE status = 'claimed'`,
};

export async function inboxBacklog(db: Db): Promise<InboxBacklog> {
  const [raw] = await runPrepared(db, backlogStatement, []);
  const row = backlogRow.parse(raw);
  return { pending: row.pending, oldestPendingSeconds: Math.max(0, row.oldest_seconds ?? 0) };
}

const pruneStatement: PreparedStatement = {
  name: 'moodscale_inbox_prune_v1',
  text: `DELETE FROM inbox WHERE id IN (
           SELECT id FROM inbox
            WHERE status <> 'claimed' AND done_at < ${NOW} - make_interval(secs => $1::float8)
            LIMIT $2)
         RETURNING id`,
};

/**
 * Deletes the keys of deliveries that ended more than `retentionMs` ago, `batch` rows per statement so
 * that no statement holds many locks or runs long; returns how many went.
 */
export async function pruneInbox(
  db: Db,
  retentionMs: number,
  batch = 1000,
  maxBatches = 100,
): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const rows = await runPrepared(db, pruneStatement, [retentionMs / 1000, batch]);
    total += rows.length;
    if (rows.length < batch) break;
  }
  return total;
}
