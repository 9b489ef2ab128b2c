/**
 * MoodScale's own /export JSON (src/services/privacy/privacy-service.ts, tables from
 * src/db/repositories/user-export.ts): `format: 'moodscale-export/1'`, `identities` (the chat accounts),
 * `settings` (zero or one row), `moodEntries` and `musicAnalysis` are read; every other table is left
 * alone. Dates are ISO strings, as JSON.stringify wrote the Date values.
 *
 * The export must belong to the person importing it: one of its identities must be one of theirs
 * (platform and the platform's user id). /forget erases the MoodScale user but the person keeps their
 * chat account, so that identity, not the user id, is what says whose export it is.
 */
import { z } from 'zod';
import { isKnownTimeZone } from '../../core/calendar/index.js';
import { UserError } from '../../core/errors.js';
import { cleanEmotions, cleanNote } from './clean.js';
import { dateTimeText, resolveInstant } from './dates.js';
import type {
  ImportedEntry,
  ImportedSettings,
  ImportedShare,
  ParseImportInput,
  Problems,
  RowContext,
} from './types.js';

export const MOODSCALE_EXPORT_FORMAT = 'moodscale-export/1';

const documentSchema = z.object({
  format: z.literal(MOODSCALE_EXPORT_FORMAT),
  identities: z.array(z.object({ platform: z.string(), externalUserId: z.string() })),
  settings: z.array(z.unknown()).default([]),
  moodEntries: z.array(z.unknown()),
  musicAnalysis: z.array(z.unknown()).default([]),
});

const entrySchema = z.object({
  moodScore: z.unknown(),
  emotions: z.array(z.string()).nullable().default(null),
  notes: z.string().nullable().default(null),
  createdAt: z.string(),
  noteUnreadable: z.string().optional(),
});

const shareSchema = z.object({
  spotifyTrackId: z.string().trim().min(1),
  trackName: z.string(),
  artistName: z.string(),
  albumImage: z.string().nullable().default(null),
  audioFeatures: z.record(z.string(), z.unknown()).nullable().default(null),
  predictedMood: z.string().nullable().default(null),
  moodConfidence: z.number().nullable().default(null),
  createdAt: z.string(),
});

const settingsFields = {
  timeZone: z.string().refine(isKnownTimeZone),
  digestEnabled: z.boolean(),
  digestDay: z.number().int().min(1).max(7),
  digestHour: z.number().int().min(0).max(23),
  llmNotesConsent: z.boolean(),
  channelVibeOptIn: z.boolean(),
} as const;

const REEXPORT = 'run /export again and import the file it sends you unchanged';

export interface MoodScaleExport {
  entries: ImportedEntry[];
  settings: ImportedSettings;
  shares: ImportedShare[];
}

/** True when a JSON object says it is a MoodScale export of some version. */
export function looksLikeMoodScaleExport(document: Record<string, unknown>): boolean {
  return typeof document.format === 'string' && document.format.startsWith('moodscale-export/');
}

/**
 * The export's entries, settings and shares. Throws a UserError when the document is another version,
 * is damaged as a whole, or belongs to someone else; an entry or share that can't be read is a problem.
 */
export function parseMoodScaleExport(
  name: string,
  document: Record<string, unknown>,
  input: Pick<ParseImportInput, 'importer' | 'limits'>,
  context: RowContext,
  problems: Problems,
): MoodScaleExport {
  if (document.format !== MOODSCALE_EXPORT_FORMAT) {
    throw new UserError(
      `${name} is a MoodScale export in the format ${JSON.stringify(document.format)}, which this server doesn't read (it reads ${MOODSCALE_EXPORT_FORMAT}). It was probably made by a newer MoodScale: ask whoever runs this bot to update it, then import the file again.`,
      'IMPORT_UNSUPPORTED_VERSION',
    );
  }
  const parsed = documentSchema.safeParse(document);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'its top level';
    throw new UserError(
      `${name} is a MoodScale export, but it is damaged (at ${where}) and can't be read; ${REEXPORT}.`,
      'IMPORT_DAMAGED_EXPORT',
    );
  }
  const data = parsed.data;
  const mine = new Set(input.importer.identities.map((i) => `${i.platform}\u0000${i.platformUserId}`));
  if (!data.identities.some((i) => mine.has(`${i.platform}\u0000${i.externalUserId}`))) {
    throw new UserError(
      `This export belongs to another account: none of the chat accounts in ${name} is yours, and a person can only import their own history. Run /export from your own account and import that file (accounts you link with /link count as yours).`,
      'IMPORT_FOREIGN_EXPORT',
    );
  }
  if (data.moodEntries.length > input.limits.maxEntries)
    throw tooManyEntries(name, data.moodEntries.length, input);
  return {
    entries: data.moodEntries.flatMap((raw, index) => {
      const entry = readEntry(raw, index + 1, context, problems);
      return entry ? [entry] : [];
    }),
    settings: readSettings(data.settings[0], problems),
    shares: data.musicAnalysis.flatMap((raw, index) => {
      const share = readShare(raw, index + 1, context, problems);
      return share ? [share] : [];
    }),
  };
}

/** The whole-file refusal for a file with more entries than one import takes. */
export function tooManyEntries(
  name: string,
  found: number,
  input: Pick<ParseImportInput, 'limits'>,
): UserError {
  const max = input.limits.maxEntries.toLocaleString('en-US');
  return new UserError(
    `${name} has ${found.toLocaleString('en-US')} entries, more than the ${max} one import takes. Split the file into parts of at most ${max} entries (a CSV file: keep the header line at the top of each part) and import them one after another.`,
    'IMPORT_TOO_MANY_ENTRIES',
  );
}

function readEntry(
  raw: unknown,
  line: number,
  context: RowContext,
  problems: Problems,
): ImportedEntry | null {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    problems.skip(
      line,
      `This entry is damaged (at ${issuePath(parsed.error)}) and can't be read; ${REEXPORT}.`,
    );
    return null;
  }
  const entry = parsed.data;
  const when = dateTimeText(entry.createdAt);
  if (when?.kind !== 'instant') {
    problems.skip(line, `The entry's time "${entry.createdAt}" can't be read; ${REEXPORT}.`);
    return null;
  }
  const score = entry.moodScore;
  if (typeof score !== 'number' || !Number.isInteger(score) || score < 1 || score > 10) {
    problems.skip(
      line,
      `The score must be a whole number from 1 to 10 (this entry has ${JSON.stringify(score) ?? 'none'}); fix it or remove the entry.`,
    );
    return null;
  }
  const at = resolveInstant(when.at, line, context, problems);
  if (at === null) return null;
  if (entry.noteUnreadable !== undefined) {
    problems.keep(
      line,
      `The note could not be carried over: ${entry.noteUnreadable}. The entry is imported without it.`,
    );
  }
  return {
    line,
    at,
    score,
    emotions: cleanEmotions(entry.emotions ?? [], line, problems, 'emotions'),
    note:
      entry.noteUnreadable === undefined && entry.notes !== null
        ? cleanNote(entry.notes, line, problems)
        : null,
  };
}

function readShare(
  raw: unknown,
  line: number,
  context: RowContext,
  problems: Problems,
): ImportedShare | null {
  const parsed = shareSchema.safeParse(raw);
  const when = parsed.success ? dateTimeText(parsed.data.createdAt) : null;
  if (!parsed.success || when?.kind !== 'instant') {
    const where = parsed.success ? 'createdAt' : issuePath(parsed.error);
    problems.skip(line, `Shared track ${line} is damaged (at ${where}) and can't be read; ${REEXPORT}.`);
    return null;
  }
  const share = parsed.data;
  if (when.at > context.now) {
    problems.skip(line, `Shared track ${line} ("${share.trackName}") is dated in the future; ${REEXPORT}.`);
    return null;
  }
  return {
    at: when.at,
    spotifyTrackId: share.spotifyTrackId,
    trackName: share.trackName,
    artistName: share.artistName,
    albumImage: share.albumImage,
    audioFeatures: share.audioFeatures,
    predictedMood: share.predictedMood,
    moodConfidence: share.moodConfidence,
  };
}

/** The settings row's valid fields; an invalid one is left out with a problem (line 0: the file). */
function readSettings(raw: unknown, problems: Problems): ImportedSettings {
  if (raw === undefined || raw === null || typeof raw !== 'object') return {};
  const row = raw as Record<string, unknown>;
  const settings: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(settingsFields)) {
    if (!(key in row)) continue;
    const parsed = schema.safeParse(row[key]);
    if (parsed.success) settings[key] = parsed.data;
    else {
      problems.keep(
        0,
        `The exported setting ${key} (${JSON.stringify(row[key])}) isn't valid here, so your current ${key} is kept.`,
      );
    }
  }
  return settings as ImportedSettings;
}

function issuePath(error: z.ZodError): string {
  return error.issues[0]?.path.join('.') || 'the entry itself';
}
