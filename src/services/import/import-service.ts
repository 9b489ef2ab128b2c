import { z } from 'zod';
import { localDay } from '../../core/calendar/index.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { AudioFeatures } from '../../core/music.js';
import type { CipherContext, FieldCipher } from '../../crypto/field-cipher.js';
import type { Db } from '../../db/database.js';
import { listIdentitiesOfUser } from '../../db/repositories/chat-identities.js';
import {
  cancelPendingImport,
  claimPendingImport,
  entryKey,
  entryKeysBetween,
  findPendingImport,
  finishPendingImport,
  type ImportedRow,
  insertImportedBatch,
  insertImportedShares,
  insertPendingImport,
  prunePendingImports,
  renewImportLease,
  replacePendingPayload,
} from '../../db/repositories/imports.js';
import type { AuditWriter } from '../audit-writer.js';
import type { NoteCipher } from '../mood/note-cipher.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { SettingsService } from '../settings-service.js';
import { applyMoodMap, parseImportFile } from './parse-import.js';
import type { ImportedSettings, ImportFormat, ImportProblem, ParsedImport } from './types.js';

/** How long a preview waits for its confirmation. */
export const PREVIEW_MINUTES = 30;
/** Rows per transaction when an import is written. */
export const IMPORT_BATCH = 500;
/** How long an import being written holds its claim between two batches. */
const LEASE_MS = 2 * 60_000;
/** Finished and expired imports are kept this long (their counts, for "that import is done already"). */
const KEEP_MS = 24 * 3_600_000;

export interface ImportLimits {
  maxEntries: number;
  maxBytes: number;
}

/** What /import shows before anything is written. */
export interface ImportPreview {
  id: number;
  fileName: string;
  format: ImportFormat;
  /** Rows read with a score. */
  readable: number;
  /** Of those, how many the user has already (same instant and score) or that repeat a row of the file. */
  alreadyThere: number;
  /** What a confirmation adds. */
  toAdd: number;
  /** The local days of the first and last readable entry. */
  from: string | null;
  to: string | null;
  /** Rows left out or changed, and why; in file order. */
  problems: ImportProblem[];
  /** Daylio moods that need a score before their rows can be imported. */
  unmapped: Array<{ name: string; rows: number }>;
  settings: ImportedSettings | undefined;
  shares: number;
  expiresAt: Date;
}

export type ImportOutcome =
  | { kind: 'imported'; imported: number; skipped: number; shares: number; settings: boolean }
  | { kind: 'done-already'; imported: number; skipped: number }
  | { kind: 'in-progress' }
  | { kind: 'cancelled' }
  | { kind: 'expired' };

export interface ImportUser {
  id: number;
  timeZone: string;
  /** Where the command ran, for the audit trail. */
  platform: string;
}

export interface ImportService {
  /** The largest file read (IMPORT_MAX_BYTES) and the most entries in one (IMPORT_MAX_ENTRIES). */
  readonly limits: ImportLimits;
  /** Reads the file and stores it sealed for its confirmation; writes no entry. */
  preview(user: ImportUser, file: { name: string; bytes: Uint8Array }): Promise<ImportPreview>;
  /** Gives a Daylio mood name a score, and shows the preview again. */
  mapMood(user: ImportUser, importId: number, name: string, score: number): Promise<ImportPreview>;
  /** Writes what the preview showed, once, however often it is confirmed. */
  confirm(user: ImportUser, importId: number): Promise<ImportOutcome>;
  /** Drops a preview; false when there was none to drop. */
  cancel(user: ImportUser, importId: number): Promise<boolean>;
  /** Drops expired previews' files and forgets old imports; resolves with how many rows changed. */
  prune(): Promise<number>;
}

const payloadContext = (userId: number): CipherContext => ({
  table: 'pending_imports',
  column: 'payload',
  userId,
});

// The sealed payload is read back through zod like any stored input.
const storedPayload = z.object({
  format: z.enum(['daylio', 'csv', 'moodscale']),
  entries: z.array(
    z.object({
      line: z.number(),
      at: z.coerce.date(),
      score: z.number().int().min(1).max(10).nullable(),
      moodName: z.string().optional(),
      emotions: z.array(z.string()),
      note: z.string().nullable(),
    }),
  ),
  problems: z.array(z.object({ line: z.number(), reason: z.string(), kept: z.boolean().optional() })),
  unmappedMoods: z.array(z.object({ name: z.string(), rows: z.number() })),
  moodMap: z.record(z.string(), z.number()).default({}),
  settings: z
    .object({
      timeZone: z.string().optional(),
      digestEnabled: z.boolean().optional(),
      digestDay: z.number().optional(),
      digestHour: z.number().optional(),
      llmNotesConsent: z.boolean().optional(),
      channelVibeOptIn: z.boolean().optional(),
    })
    .optional(),
  shares: z
    .array(
      z.object({
        at: z.coerce.date(),
        spotifyTrackId: z.string(),
        trackName: z.string(),
        artistName: z.string(),
        albumImage: z.string().nullable(),
        audioFeatures: z.unknown().nullable(),
        predictedMood: z.string().nullable(),
        moodConfidence: z.number().nullable(),
      }),
    )
    .optional(),
});

type StoredImport = z.infer<typeof storedPayload>;

export function createImportService(deps: {
  db: Db;
  cipher: FieldCipher;
  notes: NoteCipher;
  clock: Clock;
  logger: Logger;
  audit: AuditWriter;
  settings: SettingsService;
  /** Previews per user and hour (reading a file is the costly step). */
  limiter: RateLimiter;
  limits: ImportLimits;
  /** Told when a user's entries changed, so caches of their days are dropped. */
  onImported?: (userId: number) => void;
}): ImportService {
  const { db, cipher, clock } = deps;
  const log = deps.logger.child({ component: 'import' });

  const seal = (userId: number, stored: StoredImport) =>
    cipher.encrypt(JSON.stringify(stored), payloadContext(userId));
  const open = (userId: number, payload: string): StoredImport =>
    storedPayload.parse(JSON.parse(cipher.decrypt(payload, payloadContext(userId))));

  /** The rows a confirmation writes: scored, and each (instant, score) once. */
  function distinctRows(stored: StoredImport) {
    const seen = new Set<string>();
    const rows: Array<StoredImport['entries'][number] & { score: number }> = [];
    let repeated = 0;
    for (const entry of stored.entries) {
      if (entry.score === null) continue;
      const key = entryKey(entry.at, entry.score);
      if (seen.has(key)) {
        repeated += 1;
        continue;
      }
      seen.add(key);
      rows.push({ ...entry, score: entry.score });
    }
    return { rows, repeated };
  }

  async function describe(
    user: ImportUser,
    id: number,
    fileName: string,
    stored: StoredImport,
    expiresAt: Date,
  ): Promise<ImportPreview> {
    const { rows, repeated } = distinctRows(stored);
    // A loop, not Math.min(...): a file may hold more rows than a call takes arguments.
    let firstMs = Number.POSITIVE_INFINITY;
    let lastMs = Number.NEGATIVE_INFINITY;
    for (const r of rows) {
      firstMs = Math.min(firstMs, r.at.getTime());
      lastMs = Math.max(lastMs, r.at.getTime());
    }
    const first = rows.length ? new Date(firstMs) : null;
    const last = rows.length ? new Date(lastMs) : null;
    const existing = first && last ? await entryKeysBetween(db, user.id, first, last) : new Set<string>();
    const there = rows.filter((r) => existing.has(entryKey(r.at, r.score))).length;
    return {
      id,
      fileName,
      format: stored.format,
      readable: rows.length + repeated,
      alreadyThere: there + repeated,
      toAdd: rows.length - there,
      from: first ? localDay(first, user.timeZone) : null,
      to: last ? localDay(last, user.timeZone) : null,
      problems: stored.problems,
      unmapped: stored.unmappedMoods,
      settings: stored.settings,
      shares: stored.shares?.length ?? 0,
      expiresAt,
    };
  }

  function toStored(parsed: ParsedImport, moodMap: Record<string, number>): StoredImport {
    return {
      format: parsed.format,
      entries: parsed.entries,
      problems: parsed.problems,
      unmappedMoods: parsed.unmappedMoods,
      moodMap,
      ...(parsed.settings ? { settings: parsed.settings } : {}),
      ...(parsed.shares ? { shares: parsed.shares } : {}),
    };
  }

  async function pendingOf(user: ImportUser, importId: number) {
    const row = await findPendingImport(db, user.id, importId);
    if (!row) {
      throw new UserError(
        `I have no import ${importId} of yours. Run \`/import\` with the file again to see its preview.`,
        'NO_SUCH_IMPORT',
      );
    }
    return row;
  }

  return {
    limits: deps.limits,
    async preview(user, file) {
      const decision = await deps.limiter.consume(`import:${user.id}`);
      if (!decision.allowed) {
        const minutes = Math.max(1, Math.ceil(decision.retryAfterMs / 60_000));
        throw new UserError(
          `You have read several files in the last hour; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
          'RATE_LIMITED',
        );
      }
      const identities = await listIdentitiesOfUser(db, user.id);
      const parsed = parseImportFile({
        name: file.name,
        bytes: file.bytes,
        timeZone: user.timeZone,
        now: clock.now(),
        importer: {
          identities: identities.map((i) => ({ platform: i.platform, platformUserId: i.externalUserId })),
        },
        limits: deps.limits,
      });
      const stored = toStored(parsed, {});
      const expiresAt = new Date(clock.now().getTime() + PREVIEW_MINUTES * 60_000);
      const id = await insertPendingImport(db, {
        userId: user.id,
        fileName: file.name,
        format: parsed.format,
        payload: seal(user.id, stored),
        expiresAt,
      });
      log.info(
        { userId: user.id, importId: id, format: parsed.format, rows: parsed.entries.length },
        'import previewed',
      );
      return describe(user, id, file.name, stored, expiresAt);
    },

    async mapMood(user, importId, name, score) {
      const row = await pendingOf(user, importId);
      if (row.status !== 'preview' || row.payload === null || row.expiresAt <= clock.now()) {
        throw new UserError(
          'That preview is over (imported, cancelled or more than 30 minutes old). Run `/import` with the file again.',
          'IMPORT_OVER',
        );
      }
      const stored = open(user.id, row.payload);
      const key = name.trim().toLowerCase().replace(/\s+/g, ' ');
      if (!stored.unmappedMoods.some((m) => m.name === key) && !(key in stored.moodMap)) {
        throw new UserError(
          `The file has no mood called "${name}" that needs a score. The preview lists the ones that do.`,
          'NO_SUCH_MOOD',
        );
      }
      const moodMap = { ...stored.moodMap, [key]: score };
      const mapped = applyMoodMap(
        {
          format: stored.format,
          entries: stored.entries,
          problems: stored.problems,
          unmappedMoods: stored.unmappedMoods,
        },
        moodMap,
      );
      const next = { ...stored, entries: mapped.entries, unmappedMoods: mapped.unmappedMoods, moodMap };
      if (!(await replacePendingPayload(db, user.id, importId, seal(user.id, next)))) {
        throw new UserError('That preview is over. Run `/import` with the file again.', 'IMPORT_OVER');
      }
      return describe(user, importId, row.fileName, next, row.expiresAt);
    },

    async confirm(user, importId) {
      const now = clock.now();
      const claimed = await claimPendingImport(db, {
        userId: user.id,
        id: importId,
        now,
        leaseUntil: new Date(now.getTime() + LEASE_MS),
      });
      if (!claimed) {
        const row = await pendingOf(user, importId);
        if (row.status === 'done') {
          return {
            kind: 'done-already',
            imported: row.importedEntries ?? 0,
            skipped: row.skippedEntries ?? 0,
          };
        }
        if (row.status === 'importing') return { kind: 'in-progress' };
        if (row.status === 'cancelled') return { kind: 'cancelled' };
        return { kind: 'expired' };
      }
      const stored = open(user.id, claimed.payload ?? '');
      const { rows, repeated } = distinctRows(stored);
      let imported = 0;
      for (let i = 0; i < rows.length; i += IMPORT_BATCH) {
        const batch: ImportedRow[] = rows.slice(i, i + IMPORT_BATCH).map((r) => ({
          createdAt: r.at,
          moodScore: r.score,
          emotions: r.emotions.length ? r.emotions : null,
          notes: deps.notes.seal(user.id, r.note),
        }));
        imported += await insertImportedBatch(db, user.id, batch);
        await renewImportLease(db, importId, new Date(clock.now().getTime() + LEASE_MS));
      }
      const shares = stored.shares
        ? await insertImportedShares(
            db,
            user.id,
            stored.shares.map((s) => ({
              createdAt: s.at,
              spotifyTrackId: s.spotifyTrackId,
              trackName: s.trackName,
              artistName: s.artistName,
              albumImage: s.albumImage,
              // A MoodScale export's own analysis, read back as it was written.
              audioFeatures: (s.audioFeatures ?? null) as AudioFeatures | null,
              predictedMood: s.predictedMood,
              moodConfidence: s.moodConfidence,
            })),
          )
        : 0;
      const settings = stored.settings && Object.keys(stored.settings).length > 0;
      if (settings && stored.settings) await deps.settings.update(user.id, stored.settings);
      const skipped = rows.length + repeated - imported;
      await finishPendingImport(db, importId, { imported, skipped, now: clock.now() });
      deps.onImported?.(user.id);
      deps.audit.record({
        userId: user.id,
        platform: user.platform,
        action: 'import-applied',
        outcome: 'ok',
        details: { format: stored.format, imported, skipped, shares, settings: settings ? 1 : 0 },
      });
      log.info({ userId: user.id, importId, imported, skipped, shares }, 'import written');
      return { kind: 'imported', imported, skipped, shares, settings: Boolean(settings) };
    },

    async cancel(user, importId) {
      const row = await pendingOf(user, importId);
      if (row.status !== 'preview' || row.payload === null) return false;
      return cancelPendingImport(db, user.id, importId, clock.now());
    },

    prune: () => prunePendingImports(db, clock.now(), KEEP_MS),
  };
}
