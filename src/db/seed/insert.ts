import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import { plural } from '../../core/plural.js';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import { noteContext } from '../../crypto/note-context.js';
import type { Db } from '../database.js';
import { selectRows } from '../raw-query.js';
import type { CatalogueTrack } from './catalogue.js';
import {
  createSeedPlan,
  generateUserBundle,
  type ResolvedSeedOptions,
  resolveSeedOptions,
  type SeedOptions,
  type SeedPlan,
  type SeedUserBundle,
} from './generate.js';

/** The tables the seed writes, parents first. */
export const seedTables = [
  'users',
  'chat_identities',
  'user_settings',
  'mood_entries',
  'music_analysis',
  'recommendations',
  'personality_insights',
] as const;
export type SeedTable = (typeof seedTables)[number];

export interface SeedSummary {
  options: ResolvedSeedOptions;
  /** Rows this run inserted, per table. */
  counts: Record<SeedTable, number>;
  durationMs: number;
}

/** The database already holds data and the caller did not ask to reset it. */
export class SeedRefusedError extends UserError {
  constructor(readonly nonEmptyTables: string[]) {
    super(
      `Refusing to seed: the database is not empty (rows in ${nonEmptyTables.join(', ')}). ` +
        'Seed data must not mix with real data: run it again with --reset to delete ALL rows of all tables first, ' +
        'or point DATABASE_URL (or DATA_DIR) at an empty database.',
      'SEED_NOT_EMPTY',
    );
  }
}

/** How rows are cut into transactions and statements. */
export interface SeedBatching {
  /** About this many rows per transaction; a chunk is a run of whole users, at most 2,000 of them. */
  rowsPerTransaction: number;
  /** Rows per INSERT: one bind parameter per column (an array literal), so no parameter limit applies. */
  rowsPerStatement: number;
}

const defaultBatching: SeedBatching = { rowsPerTransaction: 60_000, rowsPerStatement: 10_000 };
/** Preparing a chunk gives the event loop a turn this often (ms), so the previous chunk's statements go out. */
const SLICE_MS = 15;

type Log = (message: string) => void;

/**
 * Fills the database with realistic, deterministic mock data: users with chat identities and settings,
 * mood entries, analysed tracks, recommendations and weekly insights. Users are generated and inserted
 * in chunks (one transaction each), so memory stays bounded however many users there are: while one
 * chunk is written, the next is generated, so the database and JavaScript work at the same time. Row ids
 * come from the tables' own sequences, taken chunk after chunk (users' and entries' as a chunk is
 * prepared, the others' as it is inserted); on an empty database the same options therefore give the same
 * rows, ids included (ciphertexts aside: each has a random nonce). Spotify tokens and mood notes are
 * encrypted with `cipher`, as the application stores them.
 */
export async function seedDatabase(
  db: Db,
  cipher: FieldCipher,
  options: SeedOptions,
  log: Log = () => {},
  batching: Partial<SeedBatching> = {},
): Promise<SeedSummary> {
  const { rowsPerTransaction, rowsPerStatement } = { ...defaultBatching, ...batching };
  const started = performance.now();
  const resolved = resolveOrThrow(options);
  if (resolved.reset) {
    await resetDatabase(db);
    log('deleted all rows of all tables (--reset)');
  } else {
    const nonEmpty = await nonEmptyTables(db);
    if (nonEmpty.length > 0) throw new SeedRefusedError(nonEmpty);
  }

  const plan = createSeedPlan(resolved);
  const counts = Object.fromEntries(seedTables.map((t) => [t, 0])) as Record<SeedTable, number>;
  const { users: userCount, days, analyses } = resolved;
  const rowsPerUser = days * 1.4 + analyses / userCount + 4;
  const usersPerChunk = Math.max(1, Math.min(2_000, Math.floor(rowsPerTransaction / rowsPerUser)));
  log(
    `seeding ${plural(userCount, 'user')} x ${plural(days, 'day')}, ${plural(resolved.tracks, 'track')}, ${plural(analyses, 'analysis', 'analyses')} ` +
      `(seed ${resolved.seed}, until ${resolved.until.toISOString()})`,
  );

  const tracks = new TrackCache(plan);
  let lastReport = performance.now();
  // One chunk is written while the next is prepared: two chunks in memory at a time.
  let writing: Promise<number> | undefined;
  const written = async (): Promise<void> => {
    if (!writing) return;
    const last = await writing;
    writing = undefined;
    if (performance.now() - lastReport > 5_000 || last === userCount) {
      lastReport = performance.now();
      log(`seeded ${last} of ${plural(userCount, 'user')} (${Math.round((100 * last) / userCount)}%)`);
    }
  };
  try {
    for (let first = 0; first < userCount; first += usersPerChunk) {
      const last = Math.min(userCount, first + usersPerChunk);
      const chunk = await prepareChunk(db, cipher, plan, tracks, first, last, rowsPerStatement);
      await written();
      writing = db
        .transaction(async (tx) => {
          for (const table of seedTables) await insertColumns(tx, table, chunk[table]);
        })
        .then(() => {
          for (const table of seedTables) counts[table] += chunk[table].length;
          return last;
        });
      // A failure is reported where it is awaited, not as an unhandled rejection meanwhile.
      writing.catch(() => {});
    }
    await written();
  } finally {
    // Never leave a transaction running behind an error: let it finish (or fail) first.
    await writing?.catch(() => {});
  }

  // Fresh statistics, so that whatever runs next (a benchmark) gets sensible query plans.
  await db.execute(sql.raw(`ANALYZE ${seedTables.map(quoted).join(', ')}`));
  return { options: resolved, counts, durationMs: Math.round(performance.now() - started) };
}

function resolveOrThrow(options: SeedOptions): ResolvedSeedOptions {
  try {
    return resolveSeedOptions(options);
  } catch (error) {
    if (error instanceof RangeError) throw new UserError(error.message, 'SEED_OPTIONS');
    throw error;
  }
}

/** The application's tables: every ordinary table of the public schema (migration records live elsewhere). */
export async function applicationTables(db: Db): Promise<string[]> {
  const rows = await selectRows(
    db,
    sql`SELECT tablename AS name FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    z.object({ name: z.string() }),
  );
  return rows.map((r) => r.name);
}

/** Deletes every row of every application table and restarts their id sequences. */
export async function resetDatabase(db: Db): Promise<void> {
  const tables = await applicationTables(db);
  if (tables.length === 0) return;
  await db.execute(sql.raw(`TRUNCATE TABLE ${tables.map(quoted).join(', ')} RESTART IDENTITY CASCADE`));
}

/** The application tables that hold at least one row. */
export async function nonEmptyTables(db: Db): Promise<string[]> {
  const tables = await applicationTables(db);
  if (tables.length === 0) return [];
  const columns = tables.map((t, i) => `EXISTS (SELECT 1 FROM ${quoted(t)}) AS t${i}`).join(', ');
  const [row] = await selectRows(db, sql.raw(`SELECT ${columns}`), z.record(z.string(), z.boolean()));
  return tables.filter((_, i) => row?.[`t${i}`] === true);
}

/** One chunk's rows, column by column, per table. */
type ChunkRows = Record<SeedTable, Columns>;

/**
 * Generates users [first, last) and turns them into rows: ids reserved, tokens and notes encrypted.
 * Gives the event loop a turn every few milliseconds, so the chunk being written meanwhile keeps going.
 */
async function prepareChunk(
  db: Db,
  cipher: FieldCipher,
  plan: SeedPlan,
  tracks: TrackCache,
  first: number,
  last: number,
  rowsPerStatement: number,
): Promise<ChunkRows> {
  const pause = pauser();
  const bundles: SeedUserBundle[] = [];
  for (let i = first; i < last; i++) {
    bundles.push(generateUserBundle(plan, i));
    await pause();
  }
  // Reserved outside the chunk being written, as chunks are prepared, one after the other: nextval() is
  // not transactional anyway. The other tables take their ids as rows are inserted, in chunk order too.
  const userIds = await reserveIds(db, 'users', bundles.length);
  const entryIds = await reserveIds(
    db,
    'mood_entries',
    bundles.reduce((n, b) => n + b.entries.length, 0),
  );

  const rows = Object.fromEntries(
    seedTables.map((t) => [t, new Columns(tableColumns[t].length, rowsPerStatement)]),
  ) as ChunkRows;
  tracks.nextChunk();
  let nextEntry = 0;
  for (let b = 0; b < bundles.length; b++) {
    const bundle = bundles[b] as SeedUserBundle;
    const userId = userIds(b);
    const { user } = bundle;
    const spotify = user.spotify;
    rows.users.push(
      userId,
      user.username,
      spotify?.spotifyId ?? null,
      spotify
        ? cipher.encrypt(spotify.accessToken, { table: 'users', column: 'spotify_access_token', userId })
        : null,
      spotify
        ? cipher.encrypt(spotify.refreshToken, { table: 'users', column: 'spotify_refresh_token', userId })
        : null,
      user.createdAt / 1000,
    );
    for (const identity of user.identities) {
      rows.chat_identities.push(
        userId,
        identity.platform,
        identity.workspaceId,
        identity.externalUserId,
        identity.displayName,
        identity.createdAt / 1000,
        identity.lastSeenAt / 1000,
      );
    }
    const s = user.settings;
    rows.user_settings.push(
      userId,
      s.timeZone,
      s.digestEnabled,
      s.digestDay,
      s.digestHour,
      s.llmNotesConsent,
      s.dmBlockedAt === null ? null : s.dmBlockedAt / 1000,
      s.updatedAt / 1000,
    );

    const firstEntry = nextEntry;
    for (const e of bundle.entries) {
      rows.mood_entries.push(
        entryIds(nextEntry++),
        userId,
        e.moodScore,
        e.emotions ? e.emotions.join(',') : null,
        e.notes === null ? null : cipher.encrypt(e.notes, noteContext(userId)),
        e.createdAt / 1000,
      );
    }
    for (const a of bundle.analyses) {
      const t = tracks.get(a.track);
      rows.music_analysis.push(
        userId,
        t.track.spotifyTrackId,
        t.track.trackName,
        t.track.artistName,
        t.track.albumImage,
        featuresJson(t),
        t.track.predictedMood,
        t.track.moodConfidence,
        a.createdAt / 1000,
      );
    }
    for (const r of bundle.recommendations) {
      const t = tracks.get(r.track).track;
      rows.recommendations.push(
        userId,
        r.moodEntry === null ? null : entryIds(firstEntry + r.moodEntry),
        t.spotifyTrackId,
        t.trackName,
        t.artistName,
        t.albumImage,
        r.reason,
        r.matchScore,
        r.createdAt / 1000,
      );
    }
    for (const i of bundle.insights) {
      rows.personality_insights.push(
        userId,
        i.musicDna,
        i.energyLevel,
        i.positivityLevel,
        i.aiSuggestion,
        i.generatedAt / 1000,
      );
    }
    await pause();
  }
  for (const table of seedTables) rows[table].finish();
  return rows;
}

/** Resolves at once, except every SLICE_MS, when it lets pending I/O (query results) run first. */
function pauser(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}

/** Epoch seconds to a TIMESTAMP holding UTC, the way the application stores times. */
const TIMESTAMP = (column: string) => `to_timestamp(${column}) AT TIME ZONE 'UTC'`;

type ColumnSpec = readonly [name: string, arrayType: string, select: string];

/** Each table's columns in the order prepareChunk pushes them: name, array element type, what to insert. */
const tableColumns: Record<SeedTable, readonly ColumnSpec[]> = {
  users: [
    ['id', 'int4', 'c0'],
    ['username', 'text', 'c1'],
    ['spotify_id', 'text', 'c2'],
    ['spotify_access_token', 'text', 'c3'],
    ['spotify_refresh_token', 'text', 'c4'],
    ['created_at', 'float8', TIMESTAMP('c5')],
  ],
  chat_identities: [
    ['user_id', 'int4', 'c0'],
    ['platform', 'text', 'c1'],
    ['workspace_id', 'text', 'c2'],
    ['external_user_id', 'text', 'c3'],
    ['display_name', 'text', 'c4'],
    ['created_at', 'float8', TIMESTAMP('c5')],
    ['last_seen_at', 'float8', TIMESTAMP('c6')],
  ],
  user_settings: [
    ['user_id', 'int4', 'c0'],
    ['time_zone', 'text', 'c1'],
    ['digest_enabled', 'bool', 'c2'],
    ['digest_day', 'int2', 'c3'],
    ['digest_hour', 'int2', 'c4'],
    ['llm_notes_consent', 'bool', 'c5'],
    ['dm_blocked_at', 'float8', TIMESTAMP('c6')],
    ['updated_at', 'float8', TIMESTAMP('c7')],
  ],
  mood_entries: [
    ['id', 'int4', 'c0'],
    ['user_id', 'int4', 'c1'],
    ['mood_score', 'int4', 'c2'],
    ['emotions', 'text', "string_to_array(c3, ',')"],
    ['notes', 'text', 'c4'],
    ['created_at', 'float8', TIMESTAMP('c5')],
  ],
  music_analysis: [
    ['user_id', 'int4', 'c0'],
    ['spotify_track_id', 'text', 'c1'],
    ['track_name', 'text', 'c2'],
    ['artist_name', 'text', 'c3'],
    ['album_image', 'text', 'c4'],
    ['audio_features', 'text', 'c5::jsonb'],
    ['predicted_mood', 'text', 'c6'],
    ['mood_confidence', 'float4', 'c7'],
    ['created_at', 'float8', TIMESTAMP('c8')],
  ],
  recommendations: [
    ['user_id', 'int4', 'c0'],
    ['mood_entry_id', 'int4', 'c1'],
    ['spotify_track_id', 'text', 'c2'],
    ['track_name', 'text', 'c3'],
    ['artist_name', 'text', 'c4'],
    ['album_image', 'text', 'c5'],
    ['reason', 'text', 'c6'],
    ['match_score', 'float4', 'c7'],
    ['created_at', 'float8', TIMESTAMP('c8')],
  ],
  personality_insights: [
    ['user_id', 'int4', 'c0'],
    ['music_dna', 'text', 'c1'],
    ['energy_level', 'float4', 'c2'],
    ['positivity_level', 'float4', 'c3'],
    ['ai_suggestion', 'text', 'c4'],
    ['generated_at', 'float8', TIMESTAMP('c5')],
  ],
};

/**
 * Takes `count` values from the table's id sequence; the result gives the i-th, ascending. On a database
 * the seed has to itself they are one run, and only its first comes back; otherwise all of them do.
 */
async function reserveIds(db: Db, table: SeedTable, count: number): Promise<(i: number) => number> {
  if (count === 0) return () => Number.NaN;
  const [taken] = await selectRows(
    db,
    sql`WITH taken AS (
          SELECT nextval(pg_get_serial_sequence(${table}, 'id'))::int AS id FROM generate_series(1, ${count}::int))
        SELECT min(id) AS first,
               CASE WHEN max(id) - min(id) + 1 = ${count}::int THEN NULL ELSE array_agg(id ORDER BY id) END AS ids
          FROM taken`,
    z.object({ first: z.coerce.number(), ids: z.array(z.coerce.number()).nullable() }),
  );
  if (!taken) throw new Error(`no ids were reserved for ${table}`);
  const { first, ids } = taken;
  return ids ? (i) => ids[i] as number : (i) => first + i;
}

export type Cell = string | number | boolean | null;

/**
 * Rows gathered column by column as PostgreSQL array literals (`{1,NULL}`, `{"a","b\"c"}`), one per column
 * and statement of `rowsPerStatement` rows. Each cell becomes text as it comes and each literal one flat
 * string, so a chunk held in memory is a few large strings rather than a million small values.
 */
class Columns {
  /** Per statement, one array literal per column. */
  readonly statements: string[][] = [];
  length = 0;
  private cells: string[][];
  private pending = 0;

  constructor(
    private readonly width: number,
    private readonly rowsPerStatement: number,
  ) {
    this.cells = this.empty();
  }

  push(...row: Cell[]): void {
    for (let i = 0; i < this.width; i++) (this.cells[i] as string[]).push(arrayElement(row[i] ?? null));
    this.length++;
    if (++this.pending === this.rowsPerStatement) this.flush();
  }

  /** Closes the last statement; call once, after the last push. */
  finish(): void {
    if (this.pending > 0) this.flush();
  }

  private flush(): void {
    this.statements.push(this.cells.map((column) => `{${column.join(',')}}`));
    this.cells = this.empty();
    this.pending = 0;
  }

  private empty(): string[][] {
    return Array.from({ length: this.width }, () => []);
  }
}

const ESCAPED = /[\\"]/;
const ESCAPED_ALL = /[\\"]/g;

/** One element of an array literal: text is quoted, its backslashes and double quotes escaped. */
export function arrayElement(value: Cell): string {
  if (value === null) return 'NULL';
  if (typeof value !== 'string') return String(value);
  return `"${ESCAPED.test(value) ? value.replace(ESCAPED_ALL, '\\$&') : value}"`;
}

/**
 * `INSERT INTO t (...) SELECT ... FROM unnest($1::int4[], $2::text[], ...)`: one parameter per column
 * however many rows, and several times faster than a VALUES list with a parameter per cell.
 */
async function insertColumns(db: Db, table: SeedTable, rows: Columns): Promise<void> {
  const spec = tableColumns[table];
  const names = spec.map(([name]) => quoted(name)).join(', ');
  const selects = spec.map(([, , select]) => select).join(', ');
  const aliases = spec.map((_, i) => `c${i}`).join(', ');
  for (const literals of rows.statements) {
    const params: SQL[] = spec.map(([, type], i) => sql`${sql.param(literals[i])}::${sql.raw(type)}[]`);
    await db.execute(
      sql`INSERT INTO ${sql.raw(quoted(table))} (${sql.raw(names)}) SELECT ${sql.raw(selects)} FROM unnest(${sql.join(params, sql`, `)}) AS t(${sql.raw(aliases)})`,
    );
  }
}

/** Tracks made from the catalogue once however often they are shared; below HOT_TRACKS, once per run. */
const HOT_TRACKS = 20_000;

interface CachedTrack {
  track: CatalogueTrack;
  /** Its audio features as JSON, made when an analysis first needs them. */
  json?: string;
}

function featuresJson(cached: CachedTrack): string {
  cached.json ??= JSON.stringify(cached.track.audioFeatures);
  return cached.json;
}

/**
 * The popular tracks (the lowest indexes: recommendations keep coming back to them) are kept for the
 * whole run; the long tail only for one chunk, so a catalogue of millions costs no more memory than its
 * typed arrays.
 */
class TrackCache {
  private readonly hot = new Map<number, CachedTrack>();
  private chunk = new Map<number, CachedTrack>();

  constructor(private readonly plan: SeedPlan) {}

  nextChunk(): void {
    this.chunk = new Map();
  }

  get(index: number): CachedTrack {
    const cache = index < HOT_TRACKS ? this.hot : this.chunk;
    let hit = cache.get(index);
    if (!hit) {
      hit = { track: this.plan.catalogue.track(index) };
      cache.set(index, hit);
    }
    return hit;
  }
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
