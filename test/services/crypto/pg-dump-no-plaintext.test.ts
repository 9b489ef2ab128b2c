import { spawnSync } from 'node:child_process';
import { isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFieldCipher } from '../../../src/crypto/create-field-cipher.js';
import { noteContext } from '../../../src/crypto/note-context.js';
import type { Database } from '../../../src/db/database.js';
import { readSpotifyLink } from '../../../src/db/repositories/users.js';
import { users } from '../../../src/db/schema/index.js';
import { seedDatabase } from '../../../src/db/seed/insert.js';
import { queryRows } from '../../support/query-rows.js';
import { createTestDatabase, postgresAvailable } from '../../support/test-database.js';

const cipher = createFieldCipher({ currentKey: 'c'.repeat(64) });

describe.skipIf(!postgresAvailable())('GIVEN a seeded PostgreSQL database [postgres]', () => {
  let database: Database;
  let dump: string;
  let plaintexts: string[];
  let notes: string[];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await seedDatabase(database.db, cipher, { users: 60, days: 14, tracks: 40, seed: 11 });
    const linked = await database.db.select({ id: users.id }).from(users).where(isNotNull(users.spotifyId));
    plaintexts = [];
    for (const { id } of linked) {
      const link = await readSpotifyLink(database.db, cipher, id);
      if (link) plaintexts.push(link.accessToken, ...(link.refreshToken ? [link.refreshToken] : []));
    }
    const stored = await queryRows<{ user_id: number; notes: string }>(
      database.db,
      sql`SELECT user_id, notes FROM mood_entries WHERE notes IS NOT NULL`,
    );
    notes = [...new Set(stored.map((r) => cipher.decrypt(r.notes, noteContext(r.user_id))))];
    const url = new URL(
      (database.db as unknown as { $client: { options: { connectionString: string } } }).$client.options
        .connectionString,
    );
    const result = spawnSync('pg_dump', ['--no-owner', '--format=plain', url.toString()], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(result.status, result.stderr).toBe(0);
    dump = result.stdout;
  });

  afterAll(async () => {
    await database?.close();
  });

  it('THEN the seed linked some Spotify accounts whose tokens decrypt', () => {
    expect(plaintexts.length).toBeGreaterThanOrEqual(4);
  });

  it('THEN no plaintext token appears anywhere in pg_dump output', () => {
    for (const token of plaintexts) expect(dump.includes(token), 'plaintext token found in dump').toBe(false);
  });

  it('THEN the seed wrote notes, each of which decrypts for its user', () => {
    expect(notes.length).toBeGreaterThanOrEqual(20);
  });

  it('THEN no note text appears anywhere in pg_dump output', () => {
    const found = notes.filter((note) => dump.includes(note));
    expect(found, 'plaintext notes found in dump').toEqual([]);
  });

  it('THEN the dump holds the tokens in their encrypted form', () => {
    expect(dump).toMatch(/enc:v1:[0-9a-f]{8}:/);
  });
});
