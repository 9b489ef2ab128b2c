import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import { plural } from '../../core/plural.js';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import { noteContext } from '../../crypto/note-context.js';
import type { Db } from '../database.js';
import { selectRows } from '../raw-query.js';
import { chatIdentities, type NewChatIdentity, type NewUser, userSettings, users } from '../schema/index.js';
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

/** Rows per multi-row statement: one bind parameter per column (an array), so no parameter limit applies. */
const ROWS_PER_STATEMENT = 10_000;
/** Rows per drizzle `values([...])`: at most 8 columns x 1,000 rows = 8,000 parameters (limit 65,535). */
const ROWS_PER_VALUES = 1_000;
/** About this many rows per transaction; a chunk is a run of whole users. */
const ROWS_PER_TRANSACTION = 60_000;

type Log = (message: string) => void;

/**
 * Fills the database with realistic, deterministic mock data: users with chat identities and settings,
 * mood entries, analysed tracks, recommendations and weekly insights. Users are generated and inserted
 * in chunks (one transaction each), so memory stays bounded however many users there are. Row ids come
 * from the tables' own sequences, reserved before each chunk is inserted; on an empty database the same
 * options therefore give the same rows, ids included (ciphertexts aside: each has a random nonce). Spotify
 * tokens and mood notes are encrypted with `cipher`, as the application stores them.
 */
export async function seedDatabase(
  db: Db,
  cipher: FieldCipher,
  options: SeedOptions,
  log: Log = () => {},
): Promise<SeedSummary> {
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
  const usersPerChunk = Math.max(1, Math.min(2_000, Math.floor(ROWS_PER_TRANSACTION / rowsPerUser)));
  log(
    `seeding ${plural(userCount, 'user')} x ${plural(days, 'day')}, ${plural(resolved.tracks, 'track')}, ${plural(analyses, 'analysis', 'analyses')} ` +
      `(seed ${resolved.seed}, until ${resolved.until.toISOString()})`,
  );

  let lastReport = performance.now();
  for (let first = 0; first < userCount; first += usersPerChunk) {
    const last = Math.min(userCount, first + usersPerChunk);
    const bundles: SeedUserBundle[] = [];
    for (let i = first; i < last; i++) bundles.push(generateUserBundle(plan, i));
    await db.transaction(async (tx) => {
      await insertChunk(tx, cipher, plan, bundles, counts);
    });
    if (performance.now() - lastReport > 5_000 || last === userCount) {
      lastReport = performance.now();
      log(`seeded ${last} of ${plural(userCount, 'user')} (${Math.round((100 * last) / userCount)}%)`);
    }
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

async function insertChunk(
  db: Db,
  cipher: FieldCipher,
  plan: SeedPlan,
  bundles: readonly SeedUserBundle[],
  counts: Record<SeedTable, number>,
): Promise<void> {
  const entryCount = bundles.reduce((n, b) => n + b.entries.length, 0);
  const userIds = await reserveIds(db, 'users', bundles.length);
  const entryIds = await reserveIds(db, 'mood_entries', entryCount);

  const userRows: NewUser[] = [];
  const identityRows: NewChatIdentity[] = [];
  const settingsRows: (typeof userSettings.$inferInsert)[] = [];
  const entries = new Columns(6);
  const analyses = new Columns(9);
  const recommendations = new Columns(9);
  const insights = new Columns(6);
  const tracks = new TrackCache(plan);

  let nextEntry = 0;
  bundles.forEach((bundle, b) => {
    const userId = userIds[b] as number;
    const { user } = bundle;
    const spotify = user.spotify;
    userRows.push({
      id: userId,
      username: user.username,
      spotifyId: spotify?.spotifyId ?? null,
      spotifyAccessToken: spotify
        ? cipher.encrypt(spotify.accessToken, { table: 'users', column: 'spotify_access_token', userId })
        : null,
      spotifyRefreshToken: spotify
        ? cipher.encrypt(spotify.refreshToken, { table: 'users', column: 'spotify_refresh_token', userId })
        : null,
      createdAt: new Date(user.createdAt),
    });
    for (const identity of user.identities) {
      identityRows.push({
        userId,
        platform: identity.platform,
        workspaceId: identity.workspaceId,
        externalUserId: identity.externalUserId,
        displayName: identity.displayName,
        createdAt: new Date(identity.createdAt),
        lastSeenAt: new Date(identity.lastSeenAt),
      });
    }
    const s = user.settings;
    settingsRows.push({
      userId,
      timeZone: s.timeZone,
      digestEnabled: s.digestEnabled,
      digestDay: s.digestDay,
      digestHour: s.digestHour,
      llmNotesConsent: s.llmNotesConsent,
      dmBlockedAt: s.dmBlockedAt === null ? null : new Date(s.dmBlockedAt),
      updatedAt: new Date(s.updatedAt),
    });

    const firstEntry = nextEntry;
    for (const e of bundle.entries) {
      entries.push(
        entryIds[nextEntry++],
        userId,
        e.moodScore,
        e.emotions ? e.emotions.join(',') : null,
        e.notes === null ? null : cipher.encrypt(e.notes, noteContext(userId)),
        e.createdAt / 1000,
      );
    }
    for (const a of bundle.analyses) {
      const t = tracks.get(a.track);
      analyses.push(
        userId,
        t.track.spotifyTrackId,
        t.track.trackName,
        t.track.artistName,
        t.track.albumImage,
        t.featuresJson,
        t.track.predictedMood,
        t.track.moodConfidence,
        a.createdAt / 1000,
      );
    }
    for (const r of bundle.recommendations) {
      const t = tracks.get(r.track).track;
      recommendations.push(
        userId,
        r.moodEntry === null ? null : entryIds[firstEntry + r.moodEntry],
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
      insights.push(
        userId,
        i.musicDna,
        i.energyLevel,
        i.positivityLevel,
        i.aiSuggestion,
        i.generatedAt / 1000,
      );
    }
  });

  for (let i = 0; i < userRows.length; i += ROWS_PER_VALUES) {
    await db.insert(users).values(userRows.slice(i, i + ROWS_PER_VALUES));
  }
  for (let i = 0; i < identityRows.length; i += ROWS_PER_VALUES) {
    await db.insert(chatIdentities).values(identityRows.slice(i, i + ROWS_PER_VALUES));
  }
  for (let i = 0; i < settingsRows.length; i += ROWS_PER_VALUES) {
    await db.insert(userSettings).values(settingsRows.slice(i, i + ROWS_PER_VALUES));
  }
  counts.users += userRows.length;
  counts.chat_identities += identityRows.length;
  counts.user_settings += settingsRows.length;

  counts.mood_entries += await insertColumns(db, 'mood_entries', entries, [
    ['id', 'int4', 'c0'],
    ['user_id', 'int4', 'c1'],
    ['mood_score', 'int4', 'c2'],
    ['emotions', 'text', "string_to_array(c3, ',')"],
    ['notes', 'text', 'c4'],
    ['created_at', 'float8', TIMESTAMP('c5')],
  ]);
  counts.music_analysis += await insertColumns(db, 'music_analysis', analyses, [
    ['user_id', 'int4', 'c0'],
    ['spotify_track_id', 'text', 'c1'],
    ['track_name', 'text', 'c2'],
    ['artist_name', 'text', 'c3'],
    ['album_image', 'text', 'c4'],
    ['audio_features', 'text', 'c5::jsonb'],
    ['predicted_mood', 'text', 'c6'],
    ['mood_confidence', 'float4', 'c7'],
    ['created_at', 'float8', TIMESTAMP('c8')],
  ]);
  counts.recommendations += await insertColumns(db, 'recommendations', recommendations, [
    ['user_id', 'int4', 'c0'],
    ['mood_entry_id', 'int4', 'c1'],
    ['spotify_track_id', 'text', 'c2'],
    ['track_name', 'text', 'c3'],
    ['artist_name', 'text', 'c4'],
    ['album_image', 'text', 'c5'],
    ['reason', 'text', 'c6'],
    ['match_score', 'float4', 'c7'],
    ['created_at', 'float8', TIMESTAMP('c8')],
  ]);
  counts.personality_insights += await insertColumns(db, 'personality_insights', insights, [
    ['user_id', 'int4', 'c0'],
    ['music_dna', 'text', 'c1'],
    ['energy_level', 'float4', 'c2'],
    ['positivity_level', 'float4', 'c3'],
    ['ai_suggestion', 'text', 'c4'],
    ['generated_at', 'float8', TIMESTAMP('c5')],
  ]);
}

/** Epoch seconds to a TIMESTAMP holding UTC, the way the application stores times. */
const TIMESTAMP = (column: string) => `to_timestamp(${column}) AT TIME ZONE 'UTC'`;

/** Takes `count` values from the table's id sequence, ascending. */
async function reserveIds(db: Db, table: SeedTable, count: number): Promise<number[]> {
  if (count === 0) return [];
  const rows = await selectRows(
    db,
    sql`SELECT nextval(pg_get_serial_sequence(${table}, 'id'))::int AS id FROM generate_series(1, ${count}::int)`,
    z.object({ id: z.coerce.number() }),
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Rows gathered column by column, ready to be sent as one array parameter per column. */
class Columns {
  readonly values: unknown[][];
  length = 0;

  constructor(width: number) {
    this.values = Array.from({ length: width }, () => []);
  }

  push(...row: unknown[]): void {
    for (let i = 0; i < row.length; i++) (this.values[i] as unknown[]).push(row[i] ?? null);
    this.length++;
  }
}

type ColumnSpec = readonly [name: string, arrayType: string, select: string];

/**
 * `INSERT INTO t (...) SELECT ... FROM unnest($1::int4[], $2::text[], ...)`: one parameter per column
 * however many rows, and several times faster than a VALUES list with a parameter per cell.
 */
async function insertColumns(
  db: Db,
  table: SeedTable,
  rows: Columns,
  spec: readonly ColumnSpec[],
): Promise<number> {
  const names = spec.map(([name]) => quoted(name)).join(', ');
  const selects = spec.map(([, , select]) => select).join(', ');
  const aliases = spec.map((_, i) => `c${i}`).join(', ');
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const end = Math.min(rows.length, start + ROWS_PER_STATEMENT);
    const params: SQL[] = spec.map(
      ([, type], i) => sql`${sql.param((rows.values[i] as unknown[]).slice(start, end))}::${sql.raw(type)}[]`,
    );
    await db.execute(
      sql`INSERT INTO ${sql.raw(quoted(table))} (${sql.raw(names)}) SELECT ${sql.raw(selects)} FROM unnest(${sql.join(params, sql`, `)}) AS t(${sql.raw(aliases)})`,
    );
  }
  return rows.length;
}

/** A track and its features as JSON, made once per chunk however often it is shared. */
class TrackCache {
  private readonly cache = new Map<number, { track: CatalogueTrack; featuresJson: string }>();

  constructor(private readonly plan: SeedPlan) {}

  get(index: number): { track: CatalogueTrack; featuresJson: string } {
    let hit = this.cache.get(index);
    if (!hit) {
      const track = this.plan.catalogue.track(index);
      hit = { track, featuresJson: JSON.stringify(track.audioFeatures) };
      this.cache.set(index, hit);
    }
    return hit;
  }
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
