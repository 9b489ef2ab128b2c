import { expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import {
  attachIdentity,
  detachIdentity,
  findIdentity,
  listIdentitiesOfUser,
  reassignIdentities,
  touchIdentity,
} from '../../../src/db/repositories/chat-identities.js';
import { getUserSettings, updateUserSettings } from '../../../src/db/repositories/user-settings.js';
import { newUser } from '../../support/fixtures.js';
import { describeEachDatabase } from '../../support/test-database.js';

const key = (externalUserId: string, workspaceId = 'T1') => ({
  platform: 'slack' as const,
  workspaceId,
  externalUserId,
});

describeEachDatabase('chat identities repository', (getDb) => {
  it('GIVEN an attached identity THEN it is found with its user', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const identity = await attachIdentity(db, key('U1'), user.id, 'Alice');
    const found = await findIdentity(db, key('U1'));
    expect(found?.identity).toEqual(identity);
    expect(found?.user.id).toBe(user.id);
  });

  it('GIVEN the same external id in another workspace THEN it is a different identity', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await attachIdentity(db, key('U2', 'T1'), user.id);
    expect(await findIdentity(db, key('U2', 'T2'))).toBeUndefined();
  });

  it('GIVEN an identity attached to one user WHEN another user attaches it THEN the first keeps it', async () => {
    const { db } = getDb();
    const first = await newUser(db);
    const second = await newUser(db);
    await attachIdentity(db, key('U3'), first.id);
    const again = await attachIdentity(db, key('U3'), second.id);
    expect(again.userId).toBe(first.id);
    expect(await listIdentitiesOfUser(db, second.id)).toEqual([]);
  });

  it('GIVEN two users WHEN identities are reassigned THEN the target holds them all', async () => {
    const { db } = getDb();
    const a = await newUser(db);
    const b = await newUser(db);
    await attachIdentity(db, { platform: 'discord', workspaceId: '', externalUserId: 'D4' }, a.id);
    await attachIdentity(db, key('U4'), b.id);
    expect(await reassignIdentities(db, a.id, b.id)).toBe(1);
    expect((await listIdentitiesOfUser(db, b.id)).map((i) => i.platform)).toEqual(['discord', 'slack']);
  });

  it('GIVEN an identity WHEN touched THEN last_seen_at moves; WHEN detached THEN it is gone', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const identity = await attachIdentity(db, key('U5'), user.id);
    const at = new Date('2030-01-01T00:00:00Z');
    await touchIdentity(db, identity.id, at);
    expect((await findIdentity(db, key('U5')))?.identity.lastSeenAt).toEqual(at);
    expect(await detachIdentity(db, identity.id)).toBe(true);
    expect(await findIdentity(db, key('U5'))).toBeUndefined();
  });

  it('GIVEN a NUL byte in an external id THEN a UserError is thrown', async () => {
    const user = await newUser(getDb().db);
    await expect(attachIdentity(getDb().db, key('U\u0000'), user.id)).rejects.toBeInstanceOf(UserError);
  });
});

describeEachDatabase('user settings repository', (getDb) => {
  it('GIVEN a user who changed nothing THEN the defaults apply: UTC, digest Monday 09:00, no note consent', async () => {
    const user = await newUser(getDb().db);
    expect(await getUserSettings(getDb().db, user.id)).toMatchObject({
      timeZone: 'UTC',
      digestEnabled: true,
      digestDay: 1,
      digestHour: 9,
      llmNotesConsent: false,
      dmBlockedAt: null,
    });
  });

  it('GIVEN two partial updates THEN both apply and untouched settings keep their values', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await updateUserSettings(db, user.id, { timeZone: 'Europe/Berlin' });
    await updateUserSettings(db, user.id, { digestEnabled: false });
    expect(await getUserSettings(db, user.id)).toMatchObject({
      timeZone: 'Europe/Berlin',
      digestEnabled: false,
      digestHour: 9,
    });
  });

  it('GIVEN an hour outside 0..23 THEN the database refuses it', async () => {
    const user = await newUser(getDb().db);
    await expect(updateUserSettings(getDb().db, user.id, { digestHour: 24 })).rejects.toThrow();
  });
});
