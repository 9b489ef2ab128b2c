import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { createFieldCipher } from '../../../src/crypto/create-field-cipher.js';
import { noteContext } from '../../../src/crypto/note-context.js';
import type { Db } from '../../../src/db/database.js';
import {
  countStoredValues,
  encryptedColumns,
  nextStoredValues,
  noteColumn,
  replaceStoredValues,
} from '../../../src/db/repositories/encrypted-values.js';
import { insertPendingImport } from '../../../src/db/repositories/imports.js';
import { acceptInboxEntries } from '../../../src/db/repositories/inbox.js';
import { createUser, readSpotifyLink, saveSpotifyLink } from '../../../src/db/repositories/users.js';
import {
  formatKeyUsage,
  keyUsage,
  type RotationRun,
  rotateEncryptedValues,
} from '../../../src/services/keys/key-rotation.js';
import { captureLogger } from '../../integrations/audio-features/log-capture.js';
import { insertMoodEntry } from '../../support/mood-entries.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';

const oldKey = 'a'.repeat(64);
const newKey = 'b'.repeat(64);
const lostKey = 'c'.repeat(64);
const oldCipher = createFieldCipher({ currentKey: oldKey });
const lostCipher = createFieldCipher({ currentKey: lostKey });
const rotating = createFieldCipher({ currentKey: newKey, oldKeys: [oldKey] });
const newOnly = createFieldCipher({ currentKey: newKey });
const OLD = oldCipher.currentKeyId;
const NEW = rotating.currentKeyId;

const sum = (run: RotationRun, column: string) => {
  const c = run.columns.find((x) => x.column === column);
  return c ? c.reencrypted + c.encrypted : 0;
};

async function notesOf(db: Db): Promise<Array<{ id: number; user_id: number; notes: string }>> {
  return queryRows(db, sql`SELECT id, user_id, notes FROM mood_entries WHERE notes IS NOT NULL ORDER BY id`);
}

describeEachDatabase('npm run keys:rotate, interrupted and resumed', (getDb) => {
  const tokens = new Map<number, { access: string; refresh: string }>();
  const plainNotes = new Map<string, number>();
  let first: RotationRun;
  let second: RotationRun;

  beforeAll(async () => {
    const { db } = getDb();
    for (let i = 0; i < 4; i++) {
      const user = await createUser(db, `rotate-${i}`);
      const link = {
        spotifyId: `sp${i}`,
        accessToken: `access-${i}-secret`,
        refreshToken: `refresh-${i}-secret`,
      };
      await saveSpotifyLink(db, oldCipher, user.id, link);
      tokens.set(user.id, { access: link.accessToken, refresh: link.refreshToken });
      for (let n = 0; n < 2; n++) {
        const text = `old-key note ${i}.${n} 😀`;
        await insertMoodEntry(db, {
          userId: user.id,
          moodScore: 5,
          notes: oldCipher.encrypt(text, noteContext(user.id)),
        });
        plainNotes.set(text, user.id);
      }
      const legacy = `plain legacy note ${i}`;
      await insertMoodEntry(db, { userId: user.id, moodScore: 6, notes: legacy });
      plainNotes.set(legacy, user.id);
      const fresh = `already new ${i}`;
      await insertMoodEntry(db, {
        userId: user.id,
        moodScore: 7,
        notes: rotating.encrypt(fresh, noteContext(user.id)),
      });
      plainNotes.set(fresh, user.id);
      await insertMoodEntry(db, { userId: user.id, moodScore: 7, notes: null });
    }
  });

  it('GIVEN values under an old key THEN the dry report counts them per column and key, and plain text', async () => {
    const usage = await keyUsage(getDb().db);

    expect(usage).toEqual([
      { column: 'users.spotify_access_token', byKeyId: { [OLD]: 4 }, plaintext: 0, malformed: 0 },
      { column: 'users.spotify_refresh_token', byKeyId: { [OLD]: 4 }, plaintext: 0, malformed: 0 },
      { column: 'mood_entries.notes', byKeyId: { [OLD]: 8, [NEW]: 4 }, plaintext: 4, malformed: 0 },
      { column: 'inbox.payload', byKeyId: {}, plaintext: 0, malformed: 0 },
      { column: 'pending_imports.payload', byKeyId: {}, plaintext: 0, malformed: 0 },
    ]);
    const text = formatKeyUsage(usage, { current: NEW, old: [OLD] });
    expect(text).toContain(
      `mood_entries.notes: 4 under ${NEW} (current), 8 under ${OLD} (old), 4 plain text`,
    );
    expect(text).toContain(`Still protecting values (keep in ENCRYPTION_OLD_KEYS): ${OLD}`);
  });

  it('GIVEN a run stopped after its first batch THEN only that batch is under the new key', async () => {
    const stop = new AbortController();
    first = await rotateEncryptedValues(getDb().db, rotating, silentLogger(), {
      batchSize: 3,
      signal: stop.signal,
      onBatch: () => stop.abort(),
    });

    expect(first.interrupted).toBe(true);
    expect(first.columns).toEqual([
      {
        column: 'users.spotify_access_token',
        reencrypted: 3,
        encrypted: 0,
        changedMeanwhile: 0,
        unreadable: 0,
      },
    ]);
    const usage = await keyUsage(getDb().db);
    expect(usage.map((u) => u.byKeyId)).toEqual([
      { [NEW]: 3, [OLD]: 1 },
      { [OLD]: 4 },
      { [OLD]: 8, [NEW]: 4 },
      {},
      {},
    ]);
    expect(usage[2]?.plaintext).toBe(4);
  });

  it('GIVEN the run is started again THEN it finishes: every value under the new key, no plain text left', async () => {
    second = await rotateEncryptedValues(getDb().db, rotating, silentLogger(), { batchSize: 3 });

    expect(second.interrupted).toBe(false);
    expect(second.columns).toEqual([
      {
        column: 'users.spotify_access_token',
        reencrypted: 1,
        encrypted: 0,
        changedMeanwhile: 0,
        unreadable: 0,
      },
      {
        column: 'users.spotify_refresh_token',
        reencrypted: 4,
        encrypted: 0,
        changedMeanwhile: 0,
        unreadable: 0,
      },
      { column: 'mood_entries.notes', reencrypted: 8, encrypted: 4, changedMeanwhile: 0, unreadable: 0 },
      { column: 'inbox.payload', reencrypted: 0, encrypted: 0, changedMeanwhile: 0, unreadable: 0 },
      { column: 'pending_imports.payload', reencrypted: 0, encrypted: 0, changedMeanwhile: 0, unreadable: 0 },
    ]);
    const usage = await keyUsage(getDb().db);
    expect(usage).toEqual([
      { column: 'users.spotify_access_token', byKeyId: { [NEW]: 4 }, plaintext: 0, malformed: 0 },
      { column: 'users.spotify_refresh_token', byKeyId: { [NEW]: 4 }, plaintext: 0, malformed: 0 },
      { column: 'mood_entries.notes', byKeyId: { [NEW]: 16 }, plaintext: 0, malformed: 0 },
      { column: 'inbox.payload', byKeyId: {}, plaintext: 0, malformed: 0 },
      { column: 'pending_imports.payload', byKeyId: {}, plaintext: 0, malformed: 0 },
    ]);
    expect(formatKeyUsage(usage, { current: NEW, old: [OLD] })).toContain(
      `Protecting nothing any more (can be removed from ENCRYPTION_OLD_KEYS): ${OLD}`,
    );
  });

  it('THEN both runs together changed each value exactly once', () => {
    for (const column of ['users.spotify_access_token', 'users.spotify_refresh_token']) {
      expect(sum(first, column) + sum(second, column)).toBe(4);
    }
    expect(sum(first, 'mood_entries.notes') + sum(second, 'mood_entries.notes')).toBe(12);
  });

  it('THEN everything reads back with the new key alone, each value for its own user', async () => {
    const { db } = getDb();
    for (const [userId, token] of tokens) {
      const link = await readSpotifyLink(db, newOnly, userId);
      expect(link).toMatchObject({ accessToken: token.access, refreshToken: token.refresh });
    }
    const opened = new Map(
      (await notesOf(db)).map((row) => [newOnly.decrypt(row.notes, noteContext(row.user_id)), row.user_id]),
    );
    expect(opened).toEqual(plainNotes);
  });

  it('GIVEN a third run THEN it finds nothing left to do', async () => {
    const third = await rotateEncryptedValues(getDb().db, rotating, silentLogger(), { batchSize: 3 });

    for (const column of third.columns) {
      expect(column.reencrypted + column.encrypted + column.unreadable + column.changedMeanwhile).toBe(0);
    }
  });
});

describeEachDatabase('key rotation and values it cannot read', (getDb) => {
  it('GIVEN a note under a key that is not configured and a note moved to another user THEN both are left as they are, logged and reported', async () => {
    const { db } = getDb();
    const alice = await createUser(db, 'rot-alice');
    const bob = await createUser(db, 'rot-bob');
    const lost = lostCipher.encrypt('under a lost key', noteContext(alice.id));
    const moved = oldCipher.encrypt('alice only', noteContext(alice.id));
    await insertMoodEntry(db, { userId: alice.id, moodScore: 4, notes: lost });
    await insertMoodEntry(db, { userId: bob.id, moodScore: 4, notes: moved });
    const { logger, lines } = captureLogger();

    const run = await rotateEncryptedValues(db, rotating, logger, { columns: [noteColumn] });

    expect(run.columns).toEqual([
      { column: 'mood_entries.notes', reencrypted: 0, encrypted: 0, changedMeanwhile: 0, unreadable: 2 },
    ]);
    expect((await notesOf(db)).map((r) => r.notes)).toEqual([lost, moved]);
    expect(lines.map((l) => l.code).sort()).toEqual(['DECRYPTION_FAILED', 'UNKNOWN_KEY']);
    expect(JSON.stringify(lines)).not.toContain('alice only');
    const usage = await keyUsage(db, [noteColumn]);
    const text = formatKeyUsage(usage, { current: NEW, old: [OLD] });
    expect(text).toContain(`1 under ${lostCipher.currentKeyId} (NOT CONFIGURED)`);
    expect(text).toContain(`1 under ${OLD} (old)`);
  });

  it('GIVEN malformed enc: values THEN they are counted apart and left as they are', async () => {
    const { db } = getDb();
    const user = await createUser(db, 'rot-malformed');
    await insertMoodEntry(db, { userId: user.id, moodScore: 4, notes: 'enc:not really' });

    const run = await rotateEncryptedValues(db, rotating, silentLogger(), { columns: [noteColumn] });

    expect(run.columns[0]?.unreadable).toBe(3);
    expect((await countStoredValues(db, noteColumn)).malformed).toBe(1);
  });
});

describeEachDatabase('compare-and-set of re-encrypted values', (getDb) => {
  it('GIVEN a value changed after it was read THEN the stale change is not written', async () => {
    const { db } = getDb();
    const user = await createUser(db, 'cas');
    await insertMoodEntry(db, { userId: user.id, moodScore: 4, notes: 'as read' });
    const [read] = await nextStoredValues(db, noteColumn, { afterId: 0, limit: 10, userId: user.id });
    if (!read) throw new Error('the note was not found');
    await db.execute(sql`UPDATE mood_entries SET notes = 'written meanwhile' WHERE id = ${read.id}`);

    const written = await replaceStoredValues(db, noteColumn, [{ ...read, next: 'from the rotation' }]);

    expect(written).toEqual([]);
    expect((await notesOf(db)).map((r) => r.notes)).toEqual(['written meanwhile']);
  });

  it('GIVEN a row moved to another user after it was read THEN the stale change is not written', async () => {
    const { db } = getDb();
    const user = await createUser(db, 'cas-a');
    const other = await createUser(db, 'cas-b');
    const entry = await insertMoodEntry(db, { userId: user.id, moodScore: 4, notes: 'moving' });
    const [read] = await nextStoredValues(db, noteColumn, { afterId: entry.id - 1, limit: 1 });
    if (!read) throw new Error('the note was not found');
    await db.execute(sql`UPDATE mood_entries SET user_id = ${other.id} WHERE id = ${read.id}`);

    expect(await replaceStoredValues(db, noteColumn, [{ ...read, next: 'bound to the old user' }])).toEqual(
      [],
    );
    const [row] = await notesOf(db).then((rows) => rows.filter((r) => r.id === entry.id));
    expect(row?.notes).toBe('moving');
  });

  it('GIVEN values already under the current key THEN the keyset read skips them', async () => {
    const { db } = getDb();
    const user = await createUser(db, 'cas-skip');
    await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 4,
      notes: rotating.encrypt('new', noteContext(user.id)),
    });
    await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 4,
      notes: oldCipher.encrypt('old', noteContext(user.id)),
    });

    const rows = await nextStoredValues(db, noteColumn, {
      afterId: 0,
      limit: 10,
      userId: user.id,
      exceptKeyPrefix: `enc:v1:${NEW}:`,
    });

    expect(rows.map((r) => oldCipher.decrypt(r.value, noteContext(user.id)))).toEqual(['old']);
  });
});

describeEachDatabase('key rotation and deliveries waiting in the inbox', (getDb) => {
  const payloadContext = (deliveryKey: string) => ({
    table: 'inbox',
    column: 'payload',
    userId: 0,
    rowKey: deliveryKey,
  });

  it('GIVEN a delivery left by a crash, sealed under the old key THEN it is resealed under the new one and opens without the old key', async () => {
    const { db } = getDb();
    const key = `slack:command:T1:rotate-${Date.now()}`;
    const payload = JSON.stringify({ command: '/mood', text: '3 tired -- a note' });
    await acceptInboxEntries(
      db,
      [
        {
          deliveryKey: key,
          platform: 'slack',
          workspaceId: 'T1',
          externalUserId: 'U1',
          kind: 'command',
          command: 'mood',
          payload: oldCipher.encrypt(payload, payloadContext(key)),
        },
      ],
      'dead-instance',
      1000,
    );
    const run = await rotateEncryptedValues(db, rotating, silentLogger());
    expect(run.columns.find((c) => c.column === 'inbox.payload')).toMatchObject({
      reencrypted: 1,
      unreadable: 0,
    });
    const [row] = await queryRows<{ payload: string }>(
      db,
      sql`SELECT payload FROM inbox WHERE delivery_key = ${key}`,
    );
    expect(row?.payload.startsWith(`enc:v1:${NEW}:`)).toBe(true);
    expect(newOnly.decrypt(row?.payload ?? '', payloadContext(key))).toBe(payload);
  });
});

describe('GIVEN the list of encrypted columns', () => {
  it('THEN it names the Spotify tokens, the notes, the inbox payloads and pending imports, with what each is bound to', () => {
    expect(
      encryptedColumns.map((c) => [c.table, c.column, c.userIdColumn, c.rowKeyColumn, c.encryptsPlaintext]),
    ).toEqual([
      ['users', 'spotify_access_token', 'id', undefined, false],
      ['users', 'spotify_refresh_token', 'id', undefined, false],
      ['mood_entries', 'notes', 'user_id', undefined, true],
      ['inbox', 'payload', null, 'delivery_key', false],
      ['pending_imports', 'payload', 'user_id', undefined, false],
    ]);
  });
});

describeEachDatabase('key rotation and imports waiting for their confirmation', (getDb) => {
  it('GIVEN an /import preview sealed under the old key THEN it is resealed under the new one, bound to its user', async () => {
    const { db } = getDb();
    const user = await createUser(db, `rot-import-${Date.now()}`);
    const context = { table: 'pending_imports', column: 'payload', userId: user.id };
    const payload = JSON.stringify({ format: 'csv', entries: [] });
    const id = await insertPendingImport(db, {
      userId: user.id,
      fileName: 'moods.csv',
      format: 'csv',
      payload: oldCipher.encrypt(payload, context),
      expiresAt: new Date(Date.now() + 60_000),
    });

    const run = await rotateEncryptedValues(db, rotating, silentLogger());

    expect(run.columns.find((c) => c.column === 'pending_imports.payload')).toMatchObject({ unreadable: 0 });
    const [row] = await queryRows<{ payload: string }>(
      db,
      sql`SELECT payload FROM pending_imports WHERE id = ${id}`,
    );
    expect(row?.payload.startsWith(`enc:v1:${NEW}:`)).toBe(true);
    expect(newOnly.decrypt(row?.payload ?? '', context)).toBe(payload);
  });
});
