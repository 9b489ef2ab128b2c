import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import mood from '../../../commands/mood.js';
import type { Platform } from '../../../src/core/commands/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createFieldCipher } from '../../../src/crypto/create-field-cipher.js';
import { noteContext } from '../../../src/crypto/note-context.js';
import { noteColumn } from '../../../src/db/repositories/encrypted-values.js';
import { listMoodEntries } from '../../../src/db/repositories/mood-entries.js';
import { seedDatabase } from '../../../src/db/seed/insert.js';
import type { Outcome } from '../../../src/platforms/dispatcher.js';
import { keyUsage, rotateEncryptedValues } from '../../../src/services/keys/key-rotation.js';
import { createNoteCipher } from '../../../src/services/mood/note-cipher.js';
import { captureLogger } from '../../integrations/audio-features/log-capture.js';
import {
  createAppHarness,
  field,
  newAccount,
  textOf,
  useApp,
  userFor,
  userOf,
} from '../../support/app-harness.js';
import { naughtyStrings } from '../../support/fixtures.js';
import { insertMoodEntry } from '../../support/mood-entries.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';

const fileOf = (result: Outcome, contentType: string): string => {
  const file = result.reply.files?.find((f) => f.contentType === contentType);
  if (typeof file?.data !== 'string') throw new Error(`no ${contentType} file: ${textOf(result)}`);
  return file.data;
};
const exportedNotes = (result: Outcome): Array<string | null> =>
  (
    JSON.parse(fileOf(result, 'application/json')) as { moodEntries: Array<{ notes: string | null }> }
  ).moodEntries.map((e) => e.notes);

async function rawNotes(app: { db: Parameters<typeof queryRows>[0] }, userId: number): Promise<string[]> {
  const rows = await queryRows<{ notes: string | null }>(
    app.db,
    sql`SELECT notes FROM mood_entries WHERE user_id = ${userId} ORDER BY id`,
  );
  return rows.map((r) => r.notes).filter((n): n is string => n !== null);
}

describe('GIVEN the note cipher', () => {
  const cipher = createFieldCipher({ currentKey: 'a'.repeat(64) });
  const notes = createNoteCipher({ cipher, logger: silentLogger() });

  it('THEN every naughty string survives sealing and opening unchanged', () => {
    for (const [i, text] of naughtyStrings.entries()) {
      if (/\p{Cs}/u.test(text) || text.includes('\u0000')) continue;
      const sealed = notes.seal(7, text);
      expect(sealed?.startsWith(`enc:v1:${cipher.currentKeyId}:`)).toBe(true);
      expect(notes.open({ id: i, userId: 7, notes: sealed })).toBe(text);
    }
  });

  // The cipher seals what it is given; the text was checked once, where /mood parsed it.
  it('THEN a note with a NUL character is refused before it is encrypted, by the note option of /mood', () => {
    expect(() => mood.options.note.parse('a\u0000b', 'note')).toThrow(
      expect.objectContaining({ code: 'INVALID_CHARACTER', message: expect.stringMatching(/U\+0000/) }),
    );
  });

  it('THEN a plain-text note from before encryption is read as it is, and null stays null', () => {
    expect(notes.open({ id: 1, userId: 7, notes: 'written in 2025' })).toBe('written in 2025');
    expect(notes.seal(7, null)).toBeNull();
    expect(notes.open({ id: 1, userId: 7, notes: null })).toBeNull();
  });
});

describeEachDatabase('notes encrypted at rest', (getDb) => {
  const app = useApp(getDb);
  const secret = 'my therapist said ✨ "write it down", 3 times';

  it('GIVEN /mood with a note THEN the column holds only ciphertext under the current key, bound to the user', async () => {
    const logged = await app().run(`/mood 4 tired -- ${secret}`, newAccount());
    const userId = userOf(logged);

    const [stored] = await rawNotes(app(), userId);
    expect(stored).toMatch(new RegExp(`^enc:v1:${app().cipher.currentKeyId}:`));
    expect(stored).not.toContain('therapist');
    expect(app().cipher.decrypt(stored ?? '', noteContext(userId))).toBe(secret);
    expect(logged.reply.text).toContain('with your note');
  });

  it('GIVEN a note logged with /mood THEN /history shows it in clear', async () => {
    const who = newAccount();
    await app().run(`/mood 4 tired -- ${secret}`, who);

    const history = await app().run('/history', who);

    expect(field(history, 'Latest entries')).toContain(`4/10 tired — ${secret}`);
  });

  it('GIVEN a note logged with /mood THEN /export has it in clear in the JSON and the CSV', async () => {
    const who = newAccount();
    await app().run(`/mood 4 tired -- ${secret}`, who);

    const exported = await app().run('/export', who);

    expect(exportedNotes(exported)).toEqual([secret]);
    const csv = fileOf(exported, 'text/csv');
    expect(csv).toContain(`"my therapist said ✨ ""write it down"", 3 times"`);
    expect(csv).not.toContain('enc:v1:');
  });

  it('GIVEN a plain-text note stored before encryption THEN /history and /export still show it', async () => {
    const who = newAccount();
    const userId = await userFor(app(), who);
    await insertMoodEntry(app().db, { userId, moodScore: 6, notes: 'legacy diary line' });

    expect(field(await app().run('/history', who), 'Latest entries')).toContain('6/10 — legacy diary line');
    expect(exportedNotes(await app().run('/export', who))).toEqual(['legacy diary line']);
  });

  it('GIVEN a plain-text note WHEN keys:rotate runs THEN it is stored encrypted and still shown', async () => {
    const who = newAccount();
    const userId = await userFor(app(), who);
    await insertMoodEntry(app().db, { userId, moodScore: 6, notes: 'legacy line to migrate' });

    const run = await rotateEncryptedValues(app().db, app().cipher, silentLogger(), {
      columns: [noteColumn],
    });

    expect(run.columns[0]?.encrypted).toBeGreaterThanOrEqual(1);
    const [stored] = await rawNotes(app(), userId);
    expect(stored).toMatch(new RegExp(`^enc:v1:${app().cipher.currentKeyId}:`));
    expect(field(await app().run('/history', who), 'Latest entries')).toContain(
      '6/10 — legacy line to migrate',
    );
    expect(exportedNotes(await app().run('/export', who))).toEqual(['legacy line to migrate']);
  });

  it("GIVEN another user's ciphertext copied into a row THEN it is withheld with a log line, never shown", async () => {
    const { logger, lines } = captureLogger();
    const own = createAppHarness(getDb().db, { logger });
    const victim = newAccount('victim');
    const thief = newAccount('thief');
    const victimId = userOf(await own.run(`/mood 3 -- ${secret}`, victim));
    const thiefId = userOf(await own.run('/mood 5 -- mine', thief));
    await own.db.execute(
      sql`UPDATE mood_entries SET notes = (SELECT notes FROM mood_entries WHERE user_id = ${victimId})
           WHERE user_id = ${thiefId}`,
    );

    const history = await own.run('/history', thief);
    const exported = await own.run('/export', thief);

    expect(history.outcome).toBe('ok');
    expect(textOf(history)).not.toContain('therapist');
    expect(field(history, 'Latest entries')).toMatch(/5\/10$/);
    expect(exportedNotes(exported)).toEqual([null]);
    const withheld = lines.filter((l) => l.msg.startsWith('mood note withheld'));
    expect(withheld.length).toBeGreaterThanOrEqual(2);
    expect(withheld[0]).toMatchObject({ userId: thiefId, code: 'DECRYPTION_FAILED' });
    expect(JSON.stringify(lines)).not.toContain('therapist');
    expect(textOf(await own.run('/history', victim))).toContain(secret);
  });

  it('GIVEN notes of a period THEN the decrypting read returns them oldest first, legacy ones included', async () => {
    const userId = await userFor(app(), newAccount());
    const at = (day: number) => new Date(Date.UTC(2026, 2, day, 12));
    const seal = (text: string) => app().cipher.encrypt(text, noteContext(userId));
    await insertMoodEntry(app().db, { userId, moodScore: 5, notes: seal('before'), createdAt: at(1) });
    await insertMoodEntry(app().db, { userId, moodScore: 6, notes: seal('second'), createdAt: at(5) });
    await insertMoodEntry(app().db, {
      userId,
      moodScore: 7,
      notes: 'first, in plain text',
      createdAt: at(3),
    });
    await insertMoodEntry(app().db, { userId, moodScore: 8, notes: null, createdAt: at(4) });
    await insertMoodEntry(app().db, { userId, moodScore: 2, notes: seal('after'), createdAt: at(8) });

    const notes = await app().services.moods.notes(userId, { since: at(2), until: at(8) });

    expect(notes.map((n) => [n.note, n.moodScore])).toEqual([
      ['first, in plain text', 7],
      ['second', 6],
    ]);
  });
});

describeEachDatabase('notes across an account merge', (getDb) => {
  const as =
    (app: ReturnType<typeof createAppHarness>, platform: Platform, who: string) => (line: string) => {
      const [name, ...rest] = line.slice(1).split(' ');
      return app.dispatcher.dispatch({
        identity: { platform, workspaceId: platform === 'slack' ? 'T1' : '', externalUserId: who },
        command: name ?? '',
        input: { text: rest.join(' ') },
      });
    };
  const codeIn = (text: string) => /\/link redeem ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(text)?.[1];

  it('GIVEN notes on both accounts, one from before encryption WHEN they are linked THEN every note reads back and is bound to the surviving user', async () => {
    const app = createAppHarness(getDb().db);
    const discord = as(app, 'discord', newAccount('d'));
    const slack = as(app, 'slack', newAccount('s'));
    const owner = userOf(await discord('/mood 7 calm -- discord side'));
    const redeemer = userOf(await slack('/mood 4 tired -- slack side'));
    await insertMoodEntry(app.db, { userId: redeemer, moodScore: 5, notes: 'old plain slack note' });

    const linked = await slack(`/link redeem ${codeIn(textOf(await discord('/link new')))}`);
    expect(linked.outcome, textOf(linked)).toBe('ok');

    const history = field(await slack('/history'), 'Latest entries');
    for (const note of ['discord side', 'slack side', 'old plain slack note'])
      expect(history).toContain(note);
    expect(exportedNotes(await discord('/export')).sort()).toEqual(
      ['discord side', 'old plain slack note', 'slack side'].sort(),
    );
    const stored = await listMoodEntries(app.db, owner);
    expect(stored).toHaveLength(3);
    for (const entry of stored) {
      expect(entry.notes).toMatch(/^enc:v1:/);
      expect(() => app.cipher.decrypt(entry.notes ?? '', noteContext(owner))).not.toThrow();
      expect(() => app.cipher.decrypt(entry.notes ?? '', noteContext(redeemer))).toThrow();
    }
  });
});

describeEachDatabase('a seeded database', (getDb) => {
  it('GIVEN npm run db:seed THEN every seeded note is ciphertext under the seeding key that opens for its user', async () => {
    const cipher = createFieldCipher({ currentKey: '5'.repeat(64) });
    await seedDatabase(getDb().db, cipher, { users: 6, days: 10, tracks: 20, seed: 3 });

    const [usage] = await keyUsage(getDb().db, [noteColumn]);
    const rows = await queryRows<{ user_id: number; notes: string }>(
      getDb().db,
      sql`SELECT user_id, notes FROM mood_entries WHERE notes IS NOT NULL`,
    );
    expect(rows.length).toBeGreaterThan(5);
    expect(usage).toMatchObject({
      byKeyId: { [cipher.currentKeyId]: rows.length },
      plaintext: 0,
      malformed: 0,
    });
    for (const row of rows)
      expect(cipher.decrypt(row.notes, noteContext(row.user_id)).length).toBeGreaterThan(0);
  });
});
