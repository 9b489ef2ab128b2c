/**
 * What the /import parsers return. Pure values: no database, no clock (the caller passes `now`), so the
 * import service can preview a file, seal the result and import it later exactly as previewed.
 */

/** One mood entry read from a file. */
export interface ImportedEntry {
  /** 1-based line of the file where the record starts (MoodScale JSON: 1-based index in moodEntries). */
  line: number;
  /** The instant, UTC. */
  at: Date;
  /** 1..10; null only for a Daylio row whose custom mood name has no score yet (see applyMoodMap). */
  score: number | null;
  /** Daylio only: the mood as written ("rad", "good", or a custom name), trimmed. */
  moodName?: string;
  /** Normalised as /mood's emotions option normalises its tags, within its limits. */
  emotions: string[];
  note: string | null;
}

/**
 * Something about one row the user should know, in words they understand. Most are rows that could not
 * be read and were left out; with `kept: true` the row was imported with a change the reason describes
 * (a note cut to the limit, a time moved out of a daylight-saving gap, a note that could not be carried
 * over). `line` is the row's line as in ImportedEntry; 0 means the file as a whole (MoodScale export
 * settings). Shared tracks of a MoodScale export number their position in musicAnalysis, and their
 * reasons begin "Shared track".
 */
export interface ImportProblem {
  line: number;
  reason: string;
  kept?: boolean;
}

/** A shared track of a MoodScale export (a musicAnalysis row), without its ids. */
export interface ImportedShare {
  at: Date;
  spotifyTrackId: string;
  trackName: string;
  artistName: string;
  albumImage: string | null;
  audioFeatures: unknown | null;
  predictedMood: string | null;
  moodConfidence: number | null;
}

/** The settings of a MoodScale export, each present only when it was there and valid. */
export interface ImportedSettings {
  timeZone?: string;
  digestEnabled?: boolean;
  digestDay?: number;
  digestHour?: number;
  llmNotesConsent?: boolean;
  channelVibeOptIn?: boolean;
}

export type ImportFormat = 'daylio' | 'csv' | 'moodscale';

/** A whole file, read. Entries are in the order of the file. */
export interface ParsedImport {
  format: ImportFormat;
  entries: ImportedEntry[];
  problems: ImportProblem[];
  /**
   * Daylio mood names that have no score yet, lower-cased with inner whitespace collapsed (the form a
   * moodMap key takes), and how many rows carry each; in order of first appearance.
   */
  unmappedMoods: Array<{ name: string; rows: number }>;
  /** MoodScale export only. */
  settings?: ImportedSettings;
  /** MoodScale export only (its musicAnalysis rows). */
  shares?: ImportedShare[];
}

export interface ParseImportInput {
  /** The file name as uploaded (quoted in messages). */
  name: string;
  bytes: Uint8Array;
  /** IANA zone; times without an offset are local to it. */
  timeZone: string;
  /** Rows dated after this are problems ("in the future"). */
  now: Date;
  /** Daylio mood name (lower-cased) -> score 1..10; overrides DAYLIO_DEFAULT_SCORES too. */
  moodMap?: Readonly<Record<string, number>>;
  /** The importing person's chat accounts: a MoodScale export must belong to one of them. */
  importer: { identities: ReadonlyArray<{ platform: string; platformUserId: string }> };
  limits: { maxEntries: number; maxBytes: number };
}

/**
 * /mood's limits, which imported entries keep so that an import stores nothing /mood would refuse:
 * the emotions option (commands/emotion-tags.ts: max 10, maxLength 32) and the note option
 * (commands/mood.ts: max 1000), in code points. Services do not import commands; a test checks these
 * against those declarations.
 */
export const MAX_EMOTIONS = 10;
export const MAX_EMOTION_LENGTH = 32;
export const MAX_NOTE_LENGTH = 1000;

/** What every row parser needs besides the row. */
export interface RowContext {
  timeZone: string;
  now: Date;
}

/** Collects an import's problems. */
export class Problems {
  readonly items: ImportProblem[] = [];
  /** The row was left out. */
  skip(line: number, reason: string): void {
    this.items.push({ line, reason });
  }
  /** The row was imported, with the change `reason` describes. */
  keep(line: number, reason: string): void {
    this.items.push({ line, reason, kept: true });
  }
}
