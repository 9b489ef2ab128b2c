import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mood from '../../commands/mood.js';
import { createFieldCipher } from '../../src/crypto/create-field-cipher.js';
import { noteContext } from '../../src/crypto/note-context.js';
import type { Database, DatabaseKind } from '../../src/db/database.js';
import { ALBUM_IMAGE_PREFIX, Catalogue, predictMood, trackMoods } from '../../src/db/seed/catalogue.js';
import {
  createSeedPlan,
  FIXED_UNTIL,
  generateUserBundle,
  resolveSeedOptions,
  type SeedOptions,
  type SeedUserBundle,
} from '../../src/db/seed/generate.js';
import {
  arrayElement,
  type Cell,
  type SeedBatching,
  SeedRefusedError,
  type SeedSummary,
  seedDatabase,
  seedTables,
} from '../../src/db/seed/insert.js';
import { generateUser } from '../../src/db/seed/people.js';
import { seedPeriod } from '../../src/db/seed/period.js';
import { Random } from '../../src/db/seed/random.js';
import { emotionsByBand, type MoodBand, notesByBand } from '../../src/db/seed/vocabulary.js';
import { queryRows } from '../support/query-rows.js';
import { createTestDatabase, describeEachDatabase } from '../support/test-database.js';

const cipher = createFieldCipher({ currentKey: randomBytes(32).toString('hex') });

/** Small enough to be quick; seed 7 gives three of the twelve users a Spotify account. A fixed end: same rows every run. */
const small = { users: 12, days: 14, tracks: 30, seed: 7, until: FIXED_UNTIL } satisfies SeedOptions;
const period = seedPeriod(FIXED_UNTIL, small.days);
const periodStart = new Date(period.start).toISOString();
const periodEnd = new Date(period.until).toISOString();

/** The tables the seed writes, with the column that orders their rows. */
const seededTables = {
  users: 'id',
  chat_identities: 'id',
  user_settings: 'user_id',
  mood_entries: 'id',
  music_analysis: 'id',
  recommendations: 'id',
  personality_insights: 'id',
} as const;

async function rowsOf(
  database: Database,
  table: keyof typeof seededTables,
): Promise<Record<string, unknown>[]> {
  const rows = await queryRows<Record<string, unknown>>(
    database.db,
    sql`SELECT * FROM ${sql.identifier(table)} ORDER BY ${sql.identifier(seededTables[table])}`,
  );
  // Notes are encrypted with a random nonce too; what must match is the text they decrypt to.
  if (table === 'mood_entries') {
    return rows.map((row) => ({
      ...row,
      notes:
        typeof row.notes === 'string'
          ? cipher.decrypt(row.notes, noteContext(Number(row.user_id)))
          : row.notes,
    }));
  }
  // Token ciphertexts use a random nonce; whether a token is there is what must match.
  if (table === 'users') {
    return rows.map(({ spotify_access_token, spotify_refresh_token, ...rest }) => ({
      ...rest,
      hasAccessToken: spotify_access_token !== null,
      hasRefreshToken: spotify_refresh_token !== null,
    }));
  }
  return rows;
}

async function countOf(database: Database, table: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`,
  );
  return Number(row?.n);
}

async function countWhere(database: Database, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await queryRows<{ n: number }>(database.db, query);
  return Number(row?.n);
}

describe('GIVEN the seeded random generator', () => {
  it('THEN the same seed gives the same sequence', () => {
    const a = new Random(123);
    const b = new Random(123);
    expect(Array.from({ length: 50 }, () => a.uint32())).toEqual(
      Array.from({ length: 50 }, () => b.uint32()),
    );
  });

  // Benchmarks compare runs seeded months apart: the same seed must keep giving the same numbers.
  it('THEN seeds 42 and 2^32 - 1 give the numbers they always gave', () => {
    const first4 = (seed: number) => {
      const rng = new Random(seed);
      return Array.from({ length: 4 }, () => rng.uint32());
    };
    expect(first4(42)).toEqual([2837322924, 544945897, 479756282, 3500138142]);
    expect(first4(0xffff_ffff)).toEqual([835879718, 1921286648, 2356205009, 1885780724]);
  });

  it('THEN different seeds give different sequences', () => {
    const a = new Random(1);
    const b = new Random(2);
    expect(Array.from({ length: 10 }, () => a.uint32())).not.toEqual(
      Array.from({ length: 10 }, () => b.uint32()),
    );
  });

  it('THEN int() stays within its bounds, both ends included', () => {
    const rng = new Random(9);
    const seen = new Set(Array.from({ length: 2000 }, () => rng.int(1, 10)));
    expect([...seen].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

// The seed writes its mood entries in bulk, past /mood's option parser (the one check of their text):
// what it writes must be text that parser accepts as it is.
describe('GIVEN the seed’s word lists', () => {
  it('THEN every note, alone or two joined, and every emotion tag is what /mood’s options accept unchanged', () => {
    for (const band of Object.keys(notesByBand) as MoodBand[]) {
      const { plain, special } = notesByBand[band];
      const joined = plain.flatMap((first) => plain.map((second) => `${first} ${second}`));
      for (const note of [...plain, ...special, ...joined]) {
        expect(mood.options.note.parse(note, 'note')).toBe(note);
      }
      const tags = emotionsByBand[band];
      expect(mood.options.emotions.parse([...tags], 'emotions')).toEqual(tags);
      // The seed sends a row's tags joined by commas (insert.ts): a comma would split a tag.
      expect(tags.filter((tag) => tag.includes(','))).toEqual([]);
    }
  });
});

describe('GIVEN a catalogue of 500 tracks', () => {
  const catalogue = new Catalogue(42, 500);
  const tracks = Array.from({ length: 500 }, (_, i) => catalogue.track(i));

  it('THEN every track has a distinct 22-character base62 id and a Spotify-style album image', () => {
    expect(new Set(tracks.map((t) => t.spotifyTrackId)).size).toBe(500);
    for (const t of tracks) {
      expect(t.spotifyTrackId).toMatch(/^[0-9A-Za-z]{22}$/);
      expect(t.albumImage.startsWith(ALBUM_IMAGE_PREFIX)).toBe(true);
      expect(t.albumImage.slice(ALBUM_IMAGE_PREFIX.length)).toMatch(/^[0-9a-f]{24}$/);
    }
  });

  it('THEN the predicted mood follows valence and energy, with a confidence from 0 to 1', () => {
    for (const t of tracks) {
      expect(t.predictedMood).toBe(predictMood(t.audioFeatures.valence, t.audioFeatures.energy).mood);
      expect(t.moodConfidence).toBeGreaterThanOrEqual(0);
      expect(t.moodConfidence).toBeLessThanOrEqual(1);
      expect(t.audioFeatures.source).toBe('seed');
    }
    expect(new Set(tracks.map((t) => t.predictedMood))).toEqual(new Set(trackMoods));
  });

  it('THEN a track is the same however often it is made', () => {
    expect(catalogue.track(123)).toEqual(new Catalogue(42, 500).track(123));
  });
});

describeEachDatabase('GIVEN a database seeded with 12 users x 14 days and 30 tracks', (getDb) => {
  let summary: SeedSummary;
  beforeAll(async () => {
    summary = await seedDatabase(getDb().db, cipher, small);
  });

  it('THEN the returned counts are the rows in each table', async () => {
    for (const table of seedTables) {
      expect(summary.counts[table], table).toBe(await countOf(getDb(), table));
    }
  });

  it('THEN the counts follow the options', () => {
    expect(summary.counts.users).toBe(12);
    expect(summary.counts.user_settings).toBe(12);
    expect(summary.counts.music_analysis).toBe(12 * 20);
    expect(summary.counts.chat_identities).toBeGreaterThanOrEqual(12);
    expect(summary.counts.mood_entries).toBeGreaterThan(12 * 14 * 0.3);
    expect(summary.counts.mood_entries).toBeLessThanOrEqual(12 * 14 * 3);
    expect(summary.counts.personality_insights).toBeGreaterThan(0);
    expect(summary.counts.personality_insights).toBeLessThanOrEqual(12 * 2);
    expect(summary.counts.recommendations).toBeGreaterThan(0);
  });

  it('THEN every mood score is from 1 to 10 and every entry lies within the period', async () => {
    const outside = await countWhere(
      getDb(),
      sql`SELECT count(*)::int AS n FROM mood_entries e JOIN users u ON u.id = e.user_id
           WHERE e.mood_score NOT BETWEEN 1 AND 10
              OR e.created_at < ${periodStart}::timestamp OR e.created_at >= ${periodEnd}::timestamp
              OR e.created_at < u.created_at`,
    );
    expect(outside).toBe(0);
  });

  it('THEN analyses, recommendations and insights also lie within the period', async () => {
    const outside = await countWhere(
      getDb(),
      sql`SELECT count(*)::int AS n FROM (
            SELECT created_at AS at FROM music_analysis
            UNION ALL SELECT created_at FROM recommendations
            UNION ALL SELECT generated_at FROM personality_insights) t
           WHERE at < ${periodStart}::timestamp OR at >= ${periodEnd}::timestamp`,
    );
    expect(outside).toBe(0);
  });

  it('THEN every catalogue track is analysed at least once', async () => {
    const distinct = await countWhere(
      getDb(),
      sql`SELECT count(DISTINCT spotify_track_id)::int AS n FROM music_analysis`,
    );
    expect(distinct).toBe(small.tracks);
  });

  it('THEN each table’s id sequence continues after the ids the seed gave its rows', async () => {
    for (const table of seedTables.filter((t) => t !== 'user_settings')) {
      const [row] = await queryRows<{ max: number; last: number }>(
        getDb().db,
        sql`SELECT (SELECT max(id) FROM ${sql.identifier(table)})::int AS max,
                   pg_sequence_last_value(pg_get_serial_sequence(${table}, 'id')::regclass)::int AS last`,
      );
      expect(Number(row?.last), table).toBe(Number(row?.max));
    }
  });

  it('THEN recommendations link only to mood entries of their own user', async () => {
    const linked = await countWhere(
      getDb(),
      sql`SELECT count(*)::int AS n FROM recommendations WHERE mood_entry_id IS NOT NULL`,
    );
    const foreign = await countWhere(
      getDb(),
      sql`SELECT count(*)::int AS n FROM recommendations r JOIN mood_entries e ON e.id = r.mood_entry_id
           WHERE e.user_id <> r.user_id`,
    );
    expect(linked).toBeGreaterThan(0);
    expect(foreign).toBe(0);
  });

  it('THEN Spotify tokens are stored encrypted and decrypt to the generated plaintext', async () => {
    const rows = await queryRows<{
      id: number;
      username: string;
      spotify_id: string | null;
      spotify_access_token: string | null;
      spotify_refresh_token: string | null;
    }>(
      getDb().db,
      sql`SELECT id, username, spotify_id, spotify_access_token, spotify_refresh_token FROM users`,
    );
    let withTokens = 0;
    for (const row of rows) {
      const generated = generateUser(
        small.seed,
        Number(row.username.replace('seed_user_', '')),
        period,
      ).spotify;
      expect(row.spotify_id).toBe(generated?.spotifyId ?? null);
      if (!generated) {
        expect(row.spotify_access_token).toBeNull();
        expect(row.spotify_refresh_token).toBeNull();
        continue;
      }
      withTokens++;
      const userId = Number(row.id);
      expect(row.spotify_access_token?.startsWith('enc:v1:')).toBe(true);
      expect(row.spotify_refresh_token?.startsWith('enc:v1:')).toBe(true);
      const context = { table: 'users', userId } as const;
      expect(cipher.decrypt(row.spotify_access_token!, { ...context, column: 'spotify_access_token' })).toBe(
        generated.accessToken,
      );
      expect(
        cipher.decrypt(row.spotify_refresh_token!, { ...context, column: 'spotify_refresh_token' }),
      ).toBe(generated.refreshToken);
    }
    expect(withTokens).toBe(3);
  });
});

/** Seeds a fresh database of `kind` and reads every seeded table. */
async function seededRows(kind: DatabaseKind, options: SeedOptions, batching?: Partial<SeedBatching>) {
  const database = await createTestDatabase(kind);
  try {
    await seedDatabase(database.db, cipher, options, undefined, batching);
    const out: Record<string, Record<string, unknown>[]> = {};
    for (const table of Object.keys(seededTables) as (keyof typeof seededTables)[]) {
      out[table] = await rowsOf(database, table);
    }
    return out;
  } finally {
    await database.close();
  }
}

describeEachDatabase('GIVEN two fresh databases seeded with the same options', (getDb, kind) => {
  let first: Awaited<ReturnType<typeof seededRows>>;
  beforeAll(async () => {
    await seedDatabase(getDb().db, cipher, small);
    first = {};
    for (const table of Object.keys(seededTables) as (keyof typeof seededTables)[]) {
      first[table] = await rowsOf(getDb(), table);
    }
  });

  it('THEN every seeded table holds identical rows, ids included', async () => {
    const second = await seededRows(kind, small);
    for (const table of Object.keys(seededTables)) {
      expect(second[table], table).toEqual(first[table]);
      expect(second[table]?.length, table).toBeGreaterThan(0);
    }
  });

  it('WHEN a third is seeded in chunks of two users and statements of seven rows THEN it holds the same rows, ids included', async () => {
    // 14 days x 1.4 + 20 analyses + 4 = 43.6 rows a user: 100 rows a transaction makes chunks of 2 users.
    const chunked = await seededRows(kind, small, { rowsPerTransaction: 100, rowsPerStatement: 7 });
    for (const table of Object.keys(seededTables)) {
      expect(chunked[table], table).toEqual(first[table]);
    }
  });

  it('WHEN a third is seeded with another seed THEN its rows differ', async () => {
    const other = await seededRows(kind, { ...small, seed: small.seed + 1 });
    expect(other.mood_entries).not.toEqual(first.mood_entries);
    expect(other.music_analysis).not.toEqual(first.music_analysis);
    expect(other.chat_identities).not.toEqual(first.chat_identities);
  });
});

describeEachDatabase('GIVEN a seeded database', (getDb) => {
  beforeAll(async () => {
    await seedDatabase(getDb().db, cipher, { users: 6, days: 7, tracks: 10, seed: 1 });
    // A table the seed does not write: reset must empty it too.
    await getDb().db.execute(
      sql`INSERT INTO audit_log (user_id, platform, action, outcome) VALUES (1, 'console', 'mood.log', 'ok')`,
    );
  });

  it('WHEN it is seeded again without reset THEN that is refused and nothing changes', async () => {
    const before = await countOf(getDb(), 'mood_entries');
    const refusal = seedDatabase(getDb().db, cipher, small);
    await expect(refusal).rejects.toBeInstanceOf(SeedRefusedError);
    await expect(refusal).rejects.toThrow(/--reset/);
    expect(await countOf(getDb(), 'mood_entries')).toBe(before);
    expect(await countOf(getDb(), 'users')).toBe(6);
  });

  it('WHEN it is seeded again with reset THEN it holds exactly the new run, ids starting at 1', async () => {
    const summary = await seedDatabase(getDb().db, cipher, { ...small, reset: true });
    for (const table of seedTables) {
      expect(await countOf(getDb(), table), table).toBe(summary.counts[table]);
    }
    expect(await countOf(getDb(), 'audit_log')).toBe(0);
    const [ids] = await queryRows<{ users: number; entries: number }>(
      getDb().db,
      sql`SELECT (SELECT min(id) FROM users)::int AS users, (SELECT min(id) FROM mood_entries)::int AS entries`,
    );
    expect(ids).toEqual({ users: 1, entries: 1 });
    expect(summary.counts.users).toBe(small.users);
  });
});

// The seed sends each column as one PostgreSQL array literal that it writes itself (insert.ts).
describeEachDatabase('GIVEN values written as elements of an array literal', (getDb) => {
  async function roundTrip(type: string, values: Cell[]): Promise<unknown[]> {
    const literal = `{${values.map(arrayElement).join(',')}}`;
    const rows = await queryRows<{ v: unknown }>(
      getDb().db,
      sql`SELECT v FROM unnest(${literal}::${sql.raw(type)}[]) WITH ORDINALITY AS t(v, n) ORDER BY n`,
    );
    return rows.map((row) => row.v);
  }

  it('THEN text with quotes, backslashes, braces, commas, blanks, NULL and emoji arrives unchanged', async () => {
    const texts = [
      'plain',
      'say "hi"',
      'back\\slash',
      '\\"',
      '{braces}',
      'a,b',
      ' spaced ',
      '',
      'NULL',
      'null',
      'tab\tand\nnewline',
      "O'Brien",
      'Zoë 🌙',
      '佐藤 花子',
    ];
    expect(await roundTrip('text', [...texts, null])).toEqual([...texts, null]);
  });

  it('THEN numbers and booleans arrive unchanged', async () => {
    const numbers = (values: unknown[]) => values.map((v) => (v === null ? null : Number(v)));
    expect(numbers(await roundTrip('float8', [0, -1.5, 0.123, 1_782_172_800, null]))).toEqual([
      0,
      -1.5,
      0.123,
      1_782_172_800,
      null,
    ]);
    expect(numbers(await roundTrip('int4', [1, -7, 2_000_000_000, null]))).toEqual([
      1,
      -7,
      2_000_000_000,
      null,
    ]);
    expect(await roundTrip('bool', [true, false, null])).toEqual([true, false, null]);
  });
});

describeEachDatabase('GIVEN a database that refuses the mood entries of the third chunk', (getDb) => {
  let refusal: Promise<SeedSummary>;
  beforeAll(async () => {
    // The seed checks only that tables are empty: a trigger it does not know of fails its third chunk.
    await getDb().db.execute(
      sql.raw(`CREATE FUNCTION refuse_late_entries() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused by the test'; END $$`),
    );
    await getDb().db.execute(
      sql.raw(`CREATE TRIGGER refuse_late_entries BEFORE INSERT ON mood_entries
        FOR EACH ROW WHEN (NEW.user_id > 4) EXECUTE FUNCTION refuse_late_entries()`),
    );
    // 43.6 rows a user (see above): chunks of two users, so users 5 and 6 are the third chunk.
    refusal = seedDatabase(getDb().db, cipher, small, undefined, { rowsPerTransaction: 100 });
    await refusal.catch(() => {});
  });

  it('WHEN it is seeded in chunks of two users THEN seeding fails with the database’s error', async () => {
    const error: unknown = await refusal.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const cause = (error as Error).cause;
    expect(cause instanceof Error ? cause.message : (error as Error).message).toMatch(/refused by the test/);
  });

  it('THEN the two chunks before it are kept whole, and of the chunks it refused not a row', async () => {
    const plan = createSeedPlan(resolveSeedOptions(small));
    const firstFour = [0, 1, 2, 3].map((i) => generateUserBundle(plan, i));
    const total = (rows: (b: SeedUserBundle) => unknown[]) =>
      firstFour.reduce((n, b) => n + rows(b).length, 0);
    expect(await countOf(getDb(), 'users')).toBe(4);
    expect(await countOf(getDb(), 'user_settings')).toBe(4);
    expect(await countOf(getDb(), 'mood_entries')).toBe(total((b) => b.entries));
    expect(await countOf(getDb(), 'music_analysis')).toBe(total((b) => b.analyses));
    expect(await countOf(getDb(), 'recommendations')).toBe(total((b) => b.recommendations));
    expect(await countOf(getDb(), 'personality_insights')).toBe(total((b) => b.insights));
  });
});

describe('GIVEN seed options out of range', () => {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await database?.close();
  });

  it('THEN seeding is refused with a message naming the option', async () => {
    await expect(seedDatabase(database!.db, cipher, { ...small, days: 0 })).rejects.toThrow(/days/);
    expect(await countOf(database!, 'users')).toBe(0);
  });
});
