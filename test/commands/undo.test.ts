import { expect, it } from 'vitest';
import { listMoodEntries } from '../../src/db/repositories/mood-entries.js';
import { countEntries, field, newAccount, textOf, useApp, userOf } from '../support/app-harness.js';
import { describeEachDatabase } from '../support/test-database.js';

const TEN_MINUTES = 10 * 60_000;

describeEachDatabase('/undo', (getDb) => {
  const app = useApp(getDb);

  it('GIVEN a logged mood THEN its answer offers an Undo button for that entry, for 10 minutes', async () => {
    const logged = await app().run('/mood 6 tired', newAccount());

    const [entry] = await listMoodEntries(app().db, userOf(logged));
    const undo = logged.reply.buttons?.find((b) => b.label === 'Undo');
    expect(undo?.action).toBe(`/undo entry:${entry!.id}`);
    expect(undo!.expiresAt!.getTime() - entry!.createdAt.getTime()).toBe(TEN_MINUTES);
  });

  it('GIVEN a logged mood WHEN the Undo button is pressed THEN that entry is removed and the answer says which', async () => {
    const who = newAccount();
    await app().run('/settings timezone Asia/Tokyo', who);
    const logged = await app().run('/mood 6 tired', who);
    const action = logged.reply.buttons?.find((b) => b.label === 'Undo')?.action ?? '';

    const undone = await app().run(action, who);

    expect(undone.outcome).toBe('ok');
    expect(undone.reply.visibility).toBe('private');
    expect(textOf(undone)).toMatch(/Removed the 6\/10 — tired you logged at \d\d:\d\d \(Asia\/Tokyo\)/);
    expect(await countEntries(app().db, userOf(logged))).toBe(0);
  });

  it('GIVEN two moods WHEN "/undo" is typed THEN only the latest is removed and the next /mood counts the one left', async () => {
    const who = newAccount();
    await app().run('/mood 4', who);
    await app().run('/mood 9', who);

    await app().run('/undo', who);
    const next = await app().run('/mood 8', who);

    const scores = (await listMoodEntries(app().db, userOf(next))).map((e) => e.moodScore);
    expect(scores.sort()).toEqual([4, 8]);
    expect(field(next, 'Today')).toBe('6.0 (2 entries)');
  });

  it('GIVEN an entry undone already WHEN its Undo is pressed again THEN nothing else is removed and the answer says why', async () => {
    const who = newAccount();
    await app().run('/mood 3', who);
    const logged = await app().run('/mood 5', who);
    const action = logged.reply.buttons?.find((b) => b.label === 'Undo')?.action ?? '';
    await app().run(action, who);

    const again = await app().run(action, who);

    expect(again.outcome).toBe('user_error');
    expect(textOf(again)).toContain('undone already or is more than 10 minutes old, so nothing was removed');
    expect(await countEntries(app().db, userOf(logged))).toBe(1);
  });

  it('GIVEN another user’s entry WHEN its Undo action is typed THEN it is not removed', async () => {
    const owner = newAccount();
    const logged = await app().run('/mood 7', owner);
    const action = logged.reply.buttons?.find((b) => b.label === 'Undo')?.action ?? '';

    const other = await app().run(action, newAccount());

    expect(other.outcome).toBe('user_error');
    expect(await countEntries(app().db, userOf(logged))).toBe(1);
  });

  it('GIVEN no mood in the last 10 minutes WHEN "/undo" is typed THEN the answer says there is nothing to undo', async () => {
    const result = await app().run('/undo', newAccount());

    expect(result.outcome).toBe('user_error');
    expect(textOf(result)).toContain('You have no mood from the last 10 minutes to undo');
  });

  it('GIVEN "/undo entry:0" THEN the answer says an entry is a number of 1 or more, without a technical maximum', async () => {
    const result = await app().run('/undo entry:0', newAccount());

    expect(result.outcome).toBe('user_error');
    expect(textOf(result)).toContain('of 1 or more');
    expect(textOf(result)).not.toContain('2147483647');
  });
});
