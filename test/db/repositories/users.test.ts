import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { createFieldCipher } from '../../../src/crypto/create-field-cipher.js';
import {
  clearSpotifyLink,
  countUsers,
  createUser,
  deleteUser,
  findOrCreateUserByUsername,
  findUserById,
  findUserByUsername,
  readSpotifyLink,
  saveSpotifyLink,
} from '../../../src/db/repositories/users.js';
import { naughtyStrings, newUser } from '../../support/fixtures.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';

const cipher = createFieldCipher({ currentKey: 'a'.repeat(64) });

describeEachDatabase('users repository', (getDb) => {
  it('GIVEN a new username WHEN created THEN it can be found by id and by name', async () => {
    const { db } = getDb();
    const user = await createUser(db, 'alice_users_1');
    expect(user.id).toBeGreaterThan(0);
    expect(user.createdAt).toBeInstanceOf(Date);
    expect(await findUserById(db, user.id)).toEqual(user);
    expect(await findUserByUsername(db, 'alice_users_1')).toEqual(user);
  });

  it('GIVEN a taken username WHEN created again THEN the database refuses it', async () => {
    const { db } = getDb();
    await createUser(db, 'taken_name');
    await expect(createUser(db, 'taken_name')).rejects.toThrow();
  });

  it('GIVEN concurrent findOrCreate calls for one name THEN exactly one user exists', async () => {
    const { db } = getDb();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => findOrCreateUserByUsername(db, 'racer')),
    );
    expect(new Set(results.map((r) => r.user.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('GIVEN naughty usernames THEN each is stored and read back verbatim', async () => {
    const { db } = getDb();
    for (const [i, text] of naughtyStrings.entries()) {
      const user = await createUser(db, `${i}:${text}`);
      expect((await findUserById(db, user.id))?.username).toBe(`${i}:${text}`);
    }
  });

  it('GIVEN a username with a NUL byte THEN a UserError says so and nothing is stored', async () => {
    const { db } = getDb();
    const before = await countUsers(db);
    await expect(createUser(db, 'bad\u0000name')).rejects.toBeInstanceOf(UserError);
    expect(await countUsers(db)).toBe(before);
  });

  it('GIVEN Spotify tokens WHEN saved THEN the columns hold ciphertext and read back decrypted', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await saveSpotifyLink(db, cipher, user.id, {
      spotifyId: 'sp_1',
      accessToken: 'access-plain',
      refreshToken: 'refresh-plain',
    });
    const [raw] = await queryRows<{ a: string; r: string }>(
      db,
      sql`SELECT spotify_access_token AS a, spotify_refresh_token AS r FROM users WHERE id = ${user.id}`,
    );
    expect(raw!.a).not.toContain('access-plain');
    expect(raw!.r).not.toContain('refresh-plain');
    expect(await readSpotifyLink(db, cipher, user.id)).toEqual({
      spotifyId: 'sp_1',
      accessToken: 'access-plain',
      refreshToken: 'refresh-plain',
    });
  });

  it('GIVEN a linked user WHEN the link is cleared THEN no Spotify data remains', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await saveSpotifyLink(db, cipher, user.id, { spotifyId: 's', accessToken: 'a', refreshToken: null });
    await clearSpotifyLink(db, user.id);
    expect(await readSpotifyLink(db, cipher, user.id)).toBeUndefined();
    const found = await findUserById(db, user.id);
    expect([found?.spotifyId, found?.spotifyAccessToken, found?.spotifyRefreshToken]).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('GIVEN a user WHEN deleted THEN it is gone and deleting again reports false', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    expect(await deleteUser(db, user.id)).toBe(true);
    expect(await findUserById(db, user.id)).toBeUndefined();
    expect(await deleteUser(db, user.id)).toBe(false);
  });
});
