import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AudioFeatures } from '../../core/music.js';
import type { Db } from '../database.js';
import { selectRows } from '../raw-query.js';
import { musicAnalysis, type PendingImport, pendingImports } from '../schema/index.js';
import { raiseMoodVersions } from './mood-versions.js';
import { storableText } from './text-guard.js';

/** A waiting import as it is first stored: the sealed payload and when its preview runs out. */
export interface NewPendingImport {
  userId: number;
  fileName: string;
  format: string;
  payload: string;
  expiresAt: Date;
}

export async function insertPendingImport(db: Db, row: NewPendingImport): Promise<number> {
  const [stored] = await db.insert(pendingImports).values(row).returning({ id: pendingImports.id });
  if (!stored) throw new Error('The pending import was not stored.');
  return stored.id;
}

/** One of the user's imports, whatever its state; another user's id finds nothing. */
export async function findPendingImport(
  db: Db,
  userId: number,
  id: number,
): Promise<PendingImport | undefined> {
  const [row] = await db
    .select()
    .from(pendingImports)
    .where(and(eq(pendingImports.id, id), eq(pendingImports.userId, userId)));
  return row;
}

/** Replaces the payload of an import still in preview (a mood name mapped); false when it is not. */
export async function replacePendingPayload(
  db: Db,
  userId: number,
  id: number,
  payload: string,
): Promise<boolean> {
  const rows = await db
    .update(pendingImports)
    .set({ payload })
    .where(
      and(eq(pendingImports.id, id), eq(pendingImports.userId, userId), eq(pendingImports.status, 'preview')),
    )
    .returning({ id: pendingImports.id });
  return rows.length > 0;
}

/**
 * Claims an import for writing: a preview that has not run out, or an import whose writer stopped
 * (its lease ran out: a crash mid-import), so a second click or a resumed delivery waits its turn and
 * the writer that holds the lease is the only one. undefined when it cannot be claimed now.
 */
export async function claimPendingImport(
  db: Db,
  claim: { userId: number; id: number; now: Date; leaseUntil: Date },
): Promise<PendingImport | undefined> {
  const [row] = await db
    .update(pendingImports)
    .set({ status: 'importing', leaseExpiresAt: claim.leaseUntil })
    .where(
      and(
        eq(pendingImports.id, claim.id),
        eq(pendingImports.userId, claim.userId),
        sql`${pendingImports.payload} IS NOT NULL`,
        or(
          and(eq(pendingImports.status, 'preview'), sql`${pendingImports.expiresAt} > ${claim.now}`),
          and(eq(pendingImports.status, 'importing'), lt(pendingImports.leaseExpiresAt, claim.now)),
        ),
      ),
    )
    .returning();
  return row;
}

/** Marks an import done with its counts and drops its payload (the entries are in mood_entries now). */
export async function finishPendingImport(
  db: Db,
  id: number,
  result: { imported: number; skipped: number; now: Date },
): Promise<void> {
  await db
    .update(pendingImports)
    .set({
      status: 'done',
      payload: null,
      leaseExpiresAt: null,
      importedEntries: result.imported,
      skippedEntries: result.skipped,
      finishedAt: result.now,
    })
    .where(eq(pendingImports.id, id));
}

/** Drops a preview's file and marks it cancelled; false when it was not waiting for a confirmation. */
export async function cancelPendingImport(db: Db, userId: number, id: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(pendingImports)
    .set({ status: 'cancelled', payload: null, finishedAt: now })
    .where(
      and(eq(pendingImports.id, id), eq(pendingImports.userId, userId), eq(pendingImports.status, 'preview')),
    )
    .returning({ id: pendingImports.id });
  return rows.length > 0;
}

/** Extends the lease of an import being written (between batches). */
export async function renewImportLease(db: Db, id: number, leaseUntil: Date): Promise<void> {
  await db
    .update(pendingImports)
    .set({ leaseExpiresAt: leaseUntil })
    .where(and(eq(pendingImports.id, id), eq(pendingImports.status, 'importing')));
}

/**
 * Drops the payload of previews that ran out (their file is not kept a minute longer than needed) and
 * deletes rows finished or expired more than `keepFor` ago. Resolves with how many rows changed.
 */
export async function prunePendingImports(db: Db, now: Date, keepForMs: number): Promise<number> {
  const cleared = await db
    .update(pendingImports)
    .set({ payload: null })
    .where(
      and(
        eq(pendingImports.status, 'preview'),
        lt(pendingImports.expiresAt, now),
        sql`${pendingImports.payload} IS NOT NULL`,
      ),
    )
    .returning({ id: pendingImports.id });
  const before = new Date(now.getTime() - keepForMs);
  const deleted = await db
    .delete(pendingImports)
    .where(
      or(
        lt(pendingImports.finishedAt, before),
        and(inArray(pendingImports.status, ['preview']), lt(pendingImports.expiresAt, before)),
      ),
    )
    .returning({ id: pendingImports.id });
  return cleared.length + deleted.length;
}

const entryKeyRow = z.object({ ms: z.coerce.number(), score: z.coerce.number() });

/**
 * The (instant, score) of the user's entries between `from` and `to`, as "epochMs:score" keys: what an
 * import skips as already there.
 */
export async function entryKeysBetween(db: Db, userId: number, from: Date, to: Date): Promise<Set<string>> {
  const rows = await selectRows(
    db,
    sql`SELECT round(extract(epoch FROM created_at) * 1000)::float8 AS ms, mood_score AS score FROM mood_entries
         WHERE user_id = ${userId}
           AND created_at BETWEEN ${from.toISOString()}::timestamp AND ${to.toISOString()}::timestamp`,
    entryKeyRow,
  );
  return new Set(rows.map((r) => `${r.ms}:${r.score}`));
}

export const entryKey = (at: Date, score: number): string => `${at.getTime()}:${score}`;

/** One imported entry as stored: its note already sealed for the user. */
export interface ImportedRow {
  createdAt: Date;
  moodScore: number;
  emotions: string[] | null;
  notes: string | null;
}

const insertedRow = z.object({ id: z.coerce.number() });

/** A text[] literal for raw SQL; no tags is NULL, as /mood stores it. */
const textArray = (values: readonly string[] | null) =>
  values === null || values.length === 0
    ? sql`NULL::text[]`
    : sql`ARRAY[${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}]::text[]`;

/** Serialises a user's imports: each batch holds the user's row until it commits. */
const lockUser = (tx: Db, userId: number) =>
  tx.execute(sql`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`);

/**
 * Writes one batch in one transaction, skipping every row whose (instant, score) the user has already.
 * The user's row is locked first, so two imports of the same file (two instances, a double click) are
 * serialised and the second finds the first's rows. Resolves with how many rows were written.
 */
export async function insertImportedBatch(
  db: Db,
  userId: number,
  rows: readonly ImportedRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  return db.transaction(async (tx) => {
    await lockUser(tx, userId);
    const values = sql.join(
      rows.map(
        (r) =>
          sql`(${r.createdAt.toISOString()}::timestamp, ${r.moodScore}::int, ${textArray(r.emotions)}, ${r.notes}::text)`,
      ),
      sql`, `,
    );
    const inserted = await selectRows(
      tx,
      sql`INSERT INTO mood_entries (user_id, mood_score, emotions, notes, created_at)
          SELECT ${userId}, v.score, v.emotions, v.notes, v.at
            FROM (VALUES ${values}) AS v(at, score, emotions, notes)
           WHERE NOT EXISTS (SELECT 1 FROM mood_entries m
                              WHERE m.user_id = ${userId} AND m.created_at = v.at AND m.mood_score = v.score)
          RETURNING id`,
      insertedRow,
    );
    // Instances remembering this user's recent days count them again (see schema/mood-versions.ts).
    if (inserted.length > 0) await raiseMoodVersions(tx, [userId]);
    return inserted.length;
  });
}

/** One analysed share from a MoodScale export, as stored in music_analysis. */
export interface ImportedShareRow {
  createdAt: Date;
  spotifyTrackId: string;
  trackName: string;
  artistName: string;
  albumImage: string | null;
  audioFeatures: AudioFeatures | null;
  predictedMood: string | null;
  moodConfidence: number | null;
}

/**
 * Writes the user's analysed shares, skipping every one they have already (the same track at the same
 * instant), in one transaction. Resolves with how many were written.
 */
export async function insertImportedShares(
  db: Db,
  userId: number,
  shares: readonly ImportedShareRow[],
): Promise<number> {
  if (shares.length === 0) return 0;
  return db.transaction(async (tx) => {
    await lockUser(tx, userId);
    const existing = await selectRows(
      tx,
      sql`SELECT spotify_track_id AS track, round(extract(epoch FROM created_at) * 1000)::float8 AS ms
            FROM music_analysis WHERE user_id = ${userId}`,
      z.object({ track: z.string(), ms: z.coerce.number() }),
    );
    const seen = new Set(existing.map((r) => `${r.track}:${r.ms}`));
    const fresh = shares.filter((s) => {
      const key = `${s.spotifyTrackId}:${s.createdAt.getTime()}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (fresh.length === 0) return 0;
    await tx.insert(musicAnalysis).values(
      fresh.map((s) => ({
        userId,
        createdAt: s.createdAt,
        spotifyTrackId: storableText(s.spotifyTrackId, 'track id'),
        trackName: storableText(s.trackName, 'track name'),
        artistName: storableText(s.artistName, 'artist name'),
        albumImage: storableText(s.albumImage, 'album image'),
        audioFeatures: s.audioFeatures,
        predictedMood: storableText(s.predictedMood, 'predicted mood'),
        moodConfidence: s.moodConfidence,
      })),
    );
    return fresh.length;
  });
}
