import { expect, it } from 'vitest';
import { noteContext } from '../../src/crypto/note-context.js';
import { listMoodEntries } from '../../src/db/repositories/mood-entries.js';
import { countEntries, field, newAccount, textOf, useApp, userOf } from '../support/app-harness.js';
import { describeEachDatabase } from '../support/test-database.js';

describeEachDatabase('/mood', (getDb) => {
  const app = useApp(getDb);

  it('GIVEN a new user WHEN they type "/mood 6 tired" THEN exactly one entry with score 6 and the tag tired is stored', async () => {
    const result = await app().run('/mood 6 tired', newAccount());

    const rows = await listMoodEntries(app().db, userOf(result));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ moodScore: 6, emotions: ['tired'], notes: null });
  });

  it('GIVEN "/mood 6 tired" THEN the answer is private, titled "Mood logged: 6/10" and repeats what was saved', async () => {
    const result = await app().run('/mood 6 tired', newAccount());

    expect(result.outcome).toBe('ok');
    expect(result.reply.visibility).toBe('private');
    expect(result.reply.title).toBe('Mood logged: 6/10');
    expect(result.reply.text).toBe('Saved 6/10 — tired.');
  });

  it("GIVEN a user's first entry THEN the answer shows today's and the 7-day average, a 1-day streak and no trend yet", async () => {
    const result = await app().run('/mood 6 tired', newAccount());

    expect(field(result, 'Today')).toBe('6.0 (1 entry)');
    expect(field(result, '7-day average')).toBe('6.0');
    expect(field(result, 'Streak')).toBe('1 day');
    expect(field(result, 'Trend')).toBe('not enough history yet for a trend');
  });

  it("GIVEN a second entry on the same day THEN today's average covers both entries", async () => {
    const who = newAccount();
    await app().run('/mood 4', who);

    const result = await app().run('/mood 7', who);

    expect(field(result, 'Today')).toBe('5.5 (2 entries)');
  });

  it('GIVEN "/mood 6 tired, anxious -- long day at work" THEN the emotions and the note are stored', async () => {
    const result = await app().run('/mood 6 tired, anxious -- long day at work', newAccount());

    const [row] = await listMoodEntries(app().db, userOf(result));
    expect(row).toMatchObject({ moodScore: 6, emotions: ['tired', 'anxious'] });
    expect(app().cipher.decrypt(row?.notes ?? '', noteContext(userOf(result)))).toBe('long day at work');
    expect(result.reply.text).toBe('Saved 6/10 — tired, anxious, with your note.');
  });

  it(`GIVEN "/mood 5 "tired, sad" 'anxious'" THEN each quoted tag is stored as one tag, its comma kept`, async () => {
    const result = await app().run(`/mood 5 "tired, sad" 'anxious'`, newAccount());

    expect(result.outcome).toBe('ok');
    const [row] = await listMoodEntries(app().db, userOf(result));
    expect(row?.emotions).toEqual(['tired, sad', 'anxious']);
  });

  it('GIVEN a tag that holds a comma THEN the answer quotes it, so it reads as one tag', async () => {
    const result = await app().run(`/mood 5 "tired, sad" 'anxious'`, newAccount());

    expect(result.reply.text).toBe('Saved 5/10 — "tired, sad", anxious.');
  });

  it('GIVEN tags with quotes, backslashes, braces and the word null THEN each tag is stored verbatim', async () => {
    const result = await app().run('/mood 5 "a\\"b", back\\slash, {x}, null, "NULL"', newAccount());

    expect(result.outcome).toBe('ok');
    const [row] = await listMoodEntries(app().db, userOf(result));
    expect(row?.emotions).toEqual(['a"b', 'back\\slash', '{x}', 'null']);
  });

  const rejected: Array<[string, string, string]> = [
    ['a score above 10', '/mood 11', 'The score is a whole number from 1 to 10 (you wrote 11).'],
    ['a score of 0', '/mood 0', 'The score is a whole number from 1 to 10 (you wrote 0).'],
    [
      'a score with decimals',
      '/mood 7.5',
      'The score is a whole number from 1 to 10, without decimals (you wrote 7.5).',
    ],
    ['a score in words', '/mood six', 'The score must be a number from 1 to 10 (you wrote "six").'],
    [
      'no score at all',
      '/mood',
      'Tell me a score from 1 to 10, for example `/mood 6 tired anxious -- long day at work`.',
    ],
    [
      '11 emotion tags',
      '/mood 5 a b c d e f g h i j k',
      'You can give at most 10 emotions (you gave 11); leave some out and try again.',
    ],
    [
      'a 33-character tag',
      `/mood 5 ${'a'.repeat(33)}`,
      `Each of the emotions can be at most 32 characters ("${'a'.repeat(33)}" has 33); shorten it.`,
    ],
    [
      'a 1001-character note',
      `/mood 5 -- ${'n'.repeat(1001)}`,
      'The note can be at most 1000 characters (yours has 1001); shorten it and try again.',
    ],
  ];

  it.each(rejected)(
    'GIVEN %s WHEN logged THEN the answer says what to fix and nothing is stored',
    async (_, line, message) => {
      const before = await countEntries(app().db);

      const result = await app().run(line, newAccount());

      expect(result.outcome).toBe('user_error');
      expect(result.reply.visibility).toBe('private');
      expect(result.reply.text).toBe(message);
      expect(await countEntries(app().db)).toBe(before);
    },
  );

  it('GIVEN exactly 10 tags of 32 characters and a 1000-character note THEN the entry is accepted at the limits', async () => {
    const tags = Array.from({ length: 10 }, (_, i) => String(i).padEnd(32, 'x'));
    const result = await app().run(`/mood 10 ${tags.join(' ')} -- ${'n'.repeat(1000)}`, newAccount());

    expect(result.outcome, textOf(result)).toBe('ok');
    const [row] = await listMoodEntries(app().db, userOf(result));
    expect(row?.emotions).toEqual(tags);
    expect(app().cipher.decrypt(row?.notes ?? '', noteContext(userOf(result)))).toHaveLength(1000);
  });

  it('GIVEN too many or too long tags THEN the message speaks of "emotions" in the plural', async () => {
    const tooMany = await app().run('/mood 5 a b c d e f g h i j k', newAccount());
    const tooLong = await app().run(`/mood 5 ${'a'.repeat(33)}`, newAccount());

    expect(tooMany.reply.text).toContain('at most 10 emotions');
    expect(tooLong.reply.text).toContain('Each of the emotions');
  });
});
