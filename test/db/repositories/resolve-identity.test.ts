import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import {
  applyAccountProfile,
  applyAccountProfiles,
  type IdentityKey,
  resolveIdentityUser,
  resolveIdentityUsers,
  usernameFor,
} from '../../../src/db/repositories/chat-identities.js';
import { createUser } from '../../../src/db/repositories/users.js';
import { queryRows } from '../../support/query-rows.js';
import { whileRowsLocked } from '../../support/row-locks.js';
import { describeEachDatabase } from '../../support/test-database.js';

const account = (): IdentityKey => ({
  platform: 'slack',
  workspaceId: 'T1',
  externalUserId: `U${randomBytes(5).toString('hex')}`,
});

describeEachDatabase('resolving a chat account in one statement', (getDb) => {
  it('GIVEN a new account THEN its user, identity and time zone are created together', async () => {
    const { db } = getDb();
    const key = account();
    const created = await resolveIdentityUser(db, key, { displayName: 'Ada', timeZone: 'Asia/Tokyo' });
    expect(created).toMatchObject({ username: usernameFor(key), timeZone: 'Asia/Tokyo', dmBlocked: false });
    const [settings] = await queryRows<{ time_zone: string }>(
      db,
      sql`SELECT time_zone FROM user_settings WHERE user_id = ${typeof created === 'object' ? created.userId : -1}`,
    );
    expect(settings?.time_zone).toBe('Asia/Tokyo');
  });

  it('GIVEN a known account THEN the same user comes back, with its settings, and nothing new is made', async () => {
    const { db } = getDb();
    const key = account();
    const first = await resolveIdentityUser(db, key, { displayName: null, timeZone: undefined });
    const again = await resolveIdentityUser(db, key, { displayName: null, timeZone: 'Europe/Paris' });
    expect(first).toMatchObject({ created: true });
    expect(again).toEqual({ ...(first as object), created: false });
    expect(again).toMatchObject({ timeZone: 'UTC' });
  });

  it('GIVEN a user made without a time zone THEN a profile that arrives later sets zone and display name', async () => {
    const { db } = getDb();
    const key = account();
    const made = await resolveIdentityUser(db, key, { displayName: 'ada', timeZone: undefined });
    if (typeof made !== 'object') throw new Error('not created');
    const zone = await applyAccountProfile(db, {
      userId: made.userId,
      identityId: made.identityId,
      timeZone: 'Asia/Tokyo',
      displayName: 'Ada L.',
    });
    expect(zone).toBe('Asia/Tokyo');
    const again = await resolveIdentityUser(db, key, { displayName: null, timeZone: undefined });
    expect(again).toMatchObject({ timeZone: 'Asia/Tokyo' });
    const [identity] = await queryRows<{ display_name: string }>(
      db,
      sql`SELECT display_name FROM chat_identities WHERE id = ${made.identityId}`,
    );
    expect(identity?.display_name).toBe('Ada L.');
  });

  it('GIVEN a user who has settings already THEN a late profile leaves their time zone alone', async () => {
    const { db } = getDb();
    const key = account();
    const made = await resolveIdentityUser(db, key, { displayName: null, timeZone: 'Europe/Lisbon' });
    if (typeof made !== 'object') throw new Error('not created');
    const zone = await applyAccountProfile(db, {
      userId: made.userId,
      identityId: made.identityId,
      timeZone: 'Asia/Tokyo',
    });
    expect(zone).toBeUndefined();
    expect(await resolveIdentityUser(db, key, { displayName: null, timeZone: undefined })).toMatchObject({
      timeZone: 'Europe/Lisbon',
    });
  });

  it('GIVEN a new account whose username is taken THEN nothing is written and the caller is told', async () => {
    const { db } = getDb();
    const key = account();
    await createUser(db, usernameFor(key));
    expect(await resolveIdentityUser(db, key, { displayName: null, timeZone: undefined })).toBe('taken');
    const identities = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM chat_identities WHERE external_user_id = ${key.externalUserId}`,
    );
    expect(identities[0]?.n).toBe(0);
  });

  it('GIVEN two first commands of one account at once THEN both resolve to one user, and no orphan user is left', async () => {
    const { db } = getDb();
    const key = account();
    const results = await Promise.all([
      resolveIdentityUser(db, key, { displayName: null, timeZone: undefined }),
      resolveIdentityUser(db, key, { displayName: null, timeZone: undefined }),
    ]);
    const users = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM users WHERE username = ${usernameFor(key)}`,
    );
    expect(users[0]?.n).toBe(1);
    expect(results.filter((r) => typeof r === 'object').length).toBeGreaterThanOrEqual(1);
  });

  it('GIVEN known, new and taken accounts in one call THEN each is answered in its own place', async () => {
    const { db } = getDb();
    const known = account();
    const fresh = account();
    const taken = account();
    const before = await resolveIdentityUser(db, known, { displayName: null, timeZone: 'Europe/Rome' });
    await createUser(db, usernameFor(taken));
    const answers = await resolveIdentityUsers(db, [
      { key: fresh, displayName: 'New', timeZone: 'Asia/Tokyo' },
      { key: taken, displayName: null, timeZone: undefined },
      { key: known, displayName: null, timeZone: undefined },
    ]);
    expect(answers[0]).toMatchObject({ username: usernameFor(fresh), timeZone: 'Asia/Tokyo', created: true });
    expect(answers[1]).toBe('taken');
    expect(answers[2]).toMatchObject({
      userId: typeof before === 'object' ? before.userId : -1,
      timeZone: 'Europe/Rome',
      created: false,
    });
  });

  it('GIVEN one account whose name cannot be stored THEN only it gets the error and the rest are resolved', async () => {
    const { db } = getDb();
    const bad = account();
    const good = account();
    const answers = await resolveIdentityUsers(db, [
      { key: bad, displayName: 'a\0b', timeZone: undefined },
      { key: good, displayName: 'Grace', timeZone: undefined },
    ]);
    expect(answers[0]).toBeInstanceOf(UserError);
    expect(answers[1]).toMatchObject({ username: usernameFor(good), created: true });
    const identities = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM chat_identities WHERE external_user_id = ${bad.externalUserId}`,
    );
    expect(identities[0]?.n).toBe(0);
  });

  it('GIVEN profiles of several new users in one call THEN each zone is stored and answered in order', async () => {
    const { db } = getDb();
    const made = await resolveIdentityUsers(db, [
      { key: account(), displayName: null, timeZone: undefined },
      { key: account(), displayName: null, timeZone: 'Europe/Oslo' },
    ]);
    const [a, b] = made;
    if (typeof a !== 'object' || typeof b !== 'object' || a instanceof UserError || b instanceof UserError) {
      throw new Error('not created');
    }
    const zones = await applyAccountProfiles(db, [
      { userId: a.userId, identityId: a.identityId, timeZone: 'America/Lima', displayName: 'Lima' },
      { userId: b.userId, identityId: b.identityId, timeZone: 'Asia/Tokyo' },
    ]);
    expect(zones).toEqual(['America/Lima', undefined]);
  });
});

// Row locks need a second connection: real PostgreSQL only (PGlite has one).
describeEachDatabase(
  'resolving accounts while their rows are locked',
  (getDb) => {
    it('GIVEN a known account whose identity row another transaction holds THEN it is resolved without waiting', async () => {
      const { db } = getDb();
      const key = account();
      const made = await resolveIdentityUser(db, key, { displayName: null, timeZone: 'Europe/Rome' });
      if (typeof made !== 'object') throw new Error('not created');
      const resolved = await whileRowsLocked(
        db,
        sql`SELECT id FROM chat_identities WHERE id = ${made.identityId}`,
        () => resolveIdentityUser(db, key, { displayName: null, timeZone: undefined }),
      );
      expect(resolved).toMatchObject({ userId: made.userId, timeZone: 'Europe/Rome', created: false });
    });
  },
  ['postgres'],
);
