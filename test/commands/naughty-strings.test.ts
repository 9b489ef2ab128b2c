import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { noteContext } from '../../src/crypto/note-context.js';
import { listMoodEntries } from '../../src/db/repositories/mood-entries.js';
import type { MoodEntry } from '../../src/db/schema/index.js';
import type { Outcome } from '../../src/platforms/dispatcher.js';
import { countEntries, field, newAccount, textOf, useApp, userOf } from '../support/app-harness.js';
import { naughtyStrings } from '../support/fixtures.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';

/** What a typed note becomes: line ends as \n and surrounding whitespace trimmed; nothing else changes. */
const asTyped = (note: string) => note.replace(/\r\n?/g, '\n').trim();
/** How /history previews a note on one line. */
const oneLine = (note: string) => note.replace(/\s+/g, ' ').trim();

/** A test title for a string: ASCII only, so direction marks and invisible characters cannot garble it. */
const titleOf = (s: string) =>
  JSON.stringify(s)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .slice(0, 48);

const notes = naughtyStrings.filter((s) => s.length <= 1000).map((s) => [titleOf(s), s]);

function exportedJson(result: Outcome): { moodEntries: Array<{ notes: string | null }> } {
  const file = result.reply.files?.find((f) => f.contentType === 'application/json');
  if (typeof file?.data !== 'string') throw new Error(`no JSON file in the reply: ${textOf(result)}`);
  return JSON.parse(file.data);
}

const codePoints = (s: string) => [...s].length;

function boundViolations(row: MoodEntry): string[] {
  const found: string[] = [];
  if (!Number.isInteger(row.moodScore) || row.moodScore < 1 || row.moodScore > 10) found.push('score');
  if ((row.emotions?.length ?? 0) > 10) found.push('tag count');
  if (row.emotions?.some((tag) => codePoints(tag) > 32)) found.push('tag length');
  if (row.notes !== null && codePoints(row.notes) > 1000) found.push('note length');
  return found;
}

const fragments = fc.constantFrom(
  ' ',
  ',',
  '--',
  ' -- ',
  '"',
  "'",
  '\\',
  ':',
  'note:',
  'emotions:',
  'score:',
);
const words = fc.constantFrom(
  '6',
  '10',
  '11',
  '0',
  '7.5',
  'tired',
  'NULL',
  '{a,b}',
  '\u0000',
  '\uD83D',
  '😀',
);
const argumentText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.array(fc.oneof(fragments, words), { maxLength: 25 }).map((parts) => parts.join('')),
  fc
    .tuple(
      fc.integer({ min: 0, max: 11 }),
      fc.array(fc.string({ maxLength: 36 }), { maxLength: 12 }),
      fc.string(),
    )
    .map(([score, tags, note]) => `${score} ${tags.join(', ')} -- ${note}`),
);

describeEachDatabase('/mood with hostile input', (getDb) => {
  const app = useApp(getDb, { rateLimit: { points: 1_000_000 } });

  it.each(notes)(
    'GIVEN the note %s THEN it is stored, exported and previewed exactly as typed',
    async (_, note) => {
      const who = newAccount();
      const logged = await app().run(`/mood 5 ok -- ${note}`, who);
      expect(logged.outcome, textOf(logged)).toBe('ok');

      const [row] = await listMoodEntries(app().db, userOf(logged));
      expect(row?.notes).not.toBe(asTyped(note));
      expect(app().cipher.decrypt(row?.notes ?? '', noteContext(userOf(logged)))).toBe(asTyped(note));
      expect(row?.emotions).toEqual(['ok']);

      const exported = exportedJson(await app().run('/export', who));
      expect(exported.moodEntries.map((e) => e.notes)).toEqual([asTyped(note)]);

      const history = await app().run('/history', who);
      expect(field(history, 'Latest entries')).toContain(`5/10 ok — ${oneLine(asTyped(note))}`);
    },
  );

  it('GIVEN a note with a NUL byte THEN the answer is a user error and nothing is stored', async () => {
    const before = await countEntries(app().db);

    const result = await app().run('/mood 5 ok -- before\u0000after', newAccount());

    expect(result.outcome).toBe('user_error');
    expect(result.reply.text).toContain('U+0000');
    expect(await countEntries(app().db)).toBe(before);
  });

  // The one check of /mood's text is its option parser, typed or delivered as options: nothing below it
  // (the service, the note cipher, the writer, the repository) checks again.
  it('GIVEN a NUL byte in a note or an emotion, typed or delivered as options (Discord) THEN each is a user error naming it and nothing is stored', async () => {
    const before = await countEntries(app().db);
    const inputs = [
      { text: '5 ok -- before\u0000after' },
      { text: '5 ok bad\u0000tag' },
      { values: { score: 5, note: 'before\u0000after' } },
      { values: { score: 5, emotions: ['ok', 'bad\u0000tag'] } },
      { values: { score: 5, emotions: 'ok, bad\u0000tag' } },
    ];
    for (const input of inputs) {
      const result = await app().dispatcher.dispatch({
        identity: { platform: 'console', workspaceId: '', externalUserId: newAccount() },
        command: 'mood',
        input,
      });
      expect(result.outcome, JSON.stringify(input)).toBe('user_error');
      expect(result.reply.text).toContain('U+0000');
    }
    expect(await countEntries(app().db)).toBe(before);
  });

  it('GIVEN any argument text THEN /mood answers ok or with a user error, and every stored row is within bounds', async () => {
    const who = newAccount();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(argumentText, async (text) => {
        const result = await app().dispatcher.dispatch({
          identity: { platform: 'console', workspaceId: '', externalUserId: who },
          command: 'mood',
          input: { text },
        });
        expect(['ok', 'user_error'], textOf(result)).toContain(result.outcome);
        if (result.outcome === 'ok') {
          accepted++;
          const [latest] = await listMoodEntries(app().db, userOf(result), { limit: 1 });
          const opened = latest?.notes
            ? { ...latest, notes: app().cipher.decrypt(latest.notes, noteContext(latest.userId)) }
            : latest;
          expect(opened && boundViolations(opened)).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );

    const [row] = await queryRows<{ bad: number }>(
      app().db,
      sql`SELECT count(*)::int AS bad FROM mood_entries
           WHERE mood_score NOT BETWEEN 1 AND 10
              OR coalesce(cardinality(emotions), 0) > 10
              OR (notes IS NOT NULL AND notes NOT LIKE 'enc:v1:%')
              OR EXISTS (SELECT 1 FROM unnest(emotions) AS tag WHERE char_length(tag) > 32)`,
    );
    expect(row?.bad).toBe(0);
    expect(accepted, 'the generators should also produce valid entries').toBeGreaterThan(0);
  });
});
