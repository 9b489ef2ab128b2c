import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mood from '../../commands/mood.js';
import { createFieldCipher } from '../../src/crypto/create-field-cipher.js';
import { noteContext } from '../../src/crypto/note-context.js';
import type { Database, DatabaseKind } from '../../src/db/database.js';
import { ALBUM_IMAGE_PREFIX, Catalogue, predictMood, trackMoods } from '../../src/db/seed/catalogue.js';
import { FIXED_UNTIL, type SeedOptions } from '../../src/db/seed/generate.js';
import { SeedRefusedError, type SeedSummary, seedDatabase, seedTables } from '../../src/db/seed/insert.js';
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
async function seededRows(kind: DatabaseKind, options: SeedOptions) {
  const database = await createTestDatabase(kind);
  try {
    await seedDatabase(database.db, cipher, options);
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
