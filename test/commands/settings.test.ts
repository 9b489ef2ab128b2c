import { describe, expect, it } from 'vitest';
import { getUserSettings } from '../../src/db/repositories/user-settings.js';
import type { UserSettings } from '../../src/db/schema/index.js';
import type { Outcome } from '../../src/platforms/dispatcher.js';
import { field, instantTodayInOnlyOne, newAccount, useApp, userOf } from '../support/app-harness.js';
import { insertMoodEntry } from '../support/mood-entries.js';
import { describeEachDatabase } from '../support/test-database.js';

describeEachDatabase('/settings', (getDb) => {
  const app = useApp(getDb);

  const run = (line: string) => app().run(line, newAccount());
  /** Runs `/settings <args>` as a new user; returns the outcome and the settings stored afterwards. */
  async function change(args: string): Promise<{ result: Outcome; stored: UserSettings }> {
    const result = await run(`/settings ${args}`);
    return { result, stored: await getUserSettings(app().db, userOf(result)) };
  }

  it('GIVEN a new user WHEN they type /settings THEN every setting is shown with its default', async () => {
    const result = await run('/settings');

    expect(result.reply.title).toBe('Your settings');
    expect(result.reply.visibility).toBe('private');
    expect(result.reply.fields?.map((f) => [f.name, f.value])).toEqual([
      ['timezone', 'UTC'],
      ['digest', 'on'],
      ['digest-day', 'Monday'],
      ['digest-hour', '09:00'],
      ['notes-consent', 'off: your notes are never sent to the language model'],
      [
        'channel-vibe',
        'off: your moods never count toward any channel post (only tracks you share in a channel appear there)',
      ],
    ]);
  });

  it('GIVEN "timezone Europe/Berlin" THEN the time zone is saved and shown', async () => {
    const { result, stored } = await change('timezone Europe/Berlin');

    expect(result.reply.title).toBe('Settings saved');
    expect(field(result, 'timezone')).toBe('Europe/Berlin');
    expect(stored.timeZone).toBe('Europe/Berlin');
  });

  it("GIVEN a user seen before WHEN they change to Europe/Berlin THEN the next /mood counts days on Berlin's calendar", async () => {
    const who = newAccount();
    const userId = userOf(await app().run('/settings', who)); // resolves and caches the user with UTC
    await app().run('/settings timezone Europe/Berlin', who);
    const { at, todayInZone } = instantTodayInOnlyOne(new Date(), 'Europe/Berlin', 'UTC');
    await insertMoodEntry(app().db, { userId, moodScore: 2, createdAt: at });

    const result = await app().run('/mood 8', who);

    expect(field(result, 'Today')).toBe(todayInZone ? '5.0 (2 entries)' : '8.0 (1 entry)');
  });

  it('GIVEN the misspelt "timezone Europe/Berln" THEN it is refused with Europe/Berlin as suggestion', async () => {
    const { result, stored } = await change('timezone Europe/Berln');

    expect(result.outcome).toBe('user_error');
    expect(result.reply.text).toMatch(
      /^"Europe\/Berln" is not a time zone I know\. Did you mean Europe\/Berlin\b/,
    );
    expect(stored.timeZone).toBe('UTC');
  });

  it('GIVEN "digest off" THEN the weekly digest is turned off', async () => {
    const { result, stored } = await change('digest off');

    expect(field(result, 'digest')).toBe('off');
    expect(stored.digestEnabled).toBe(false);
  });

  it('GIVEN "digest-day fri" THEN the digest day is Friday (ISO day 5)', async () => {
    const { result, stored } = await change('digest-day fri');

    expect(field(result, 'digest-day')).toBe('Friday');
    expect(stored.digestDay).toBe(5);
  });

  it('GIVEN "digest-hour 9pm" THEN the digest hour is 21', async () => {
    const { result, stored } = await change('digest-hour 9pm');

    expect(field(result, 'digest-hour')).toBe('21:00');
    expect(stored.digestHour).toBe(21);
  });

  it('GIVEN "digest-hour 25" THEN it is refused and the hour stays 9', async () => {
    const { result, stored } = await change('digest-hour 25');

    expect(result.outcome).toBe('user_error');
    expect(result.reply.text).toBe(
      'The digest hour is a whole hour from 0 to 23, or like 9am (you wrote "25").',
    );
    expect(stored.digestHour).toBe(9);
  });

  it('GIVEN "digest maybe" THEN it is refused naming on or off first, as the README and help do', async () => {
    const { result, stored } = await change('digest maybe');

    expect(result.outcome).toBe('user_error');
    expect(result.reply.text).toBe(
      'The digest is on or off; yes/no and true/false work too (you wrote "maybe").',
    );
    expect(stored.digestEnabled).toBe(true);
  });

  it('GIVEN "notes-consent on" THEN consent to send notes to the language model is recorded', async () => {
    const { result, stored } = await change('notes-consent on');

    expect(field(result, 'notes-consent')).toBe(
      'on: your notes may be sent to the language model for insights',
    );
    expect(stored.llmNotesConsent).toBe(true);
  });

  it('GIVEN "channel-vibe on" THEN the opt-in is recorded and the answer says it is anonymous and from 5 people', async () => {
    const { result, stored } = await change('channel-vibe on');

    expect(field(result, 'channel-vibe')).toMatch(
      /^on: .*anonymous.*at least 5 people, never with your name/,
    );
    expect(stored.channelVibeOptIn).toBe(true);
    const off = await change('channel-vibe off');
    expect(off.stored.channelVibeOptIn).toBe(false);
  });

  it('GIVEN a setting without a value THEN the answer asks for the value with an example', async () => {
    const result = await run('/settings digest-day');

    expect(result.outcome).toBe('user_error');
    expect(result.reply.text).toBe('Tell me the new digest-day, for example `/settings digest-day monday`.');
  });

  it('GIVEN an unknown setting THEN the answer lists the settings there are', async () => {
    const result = await run('/settings colour blue');

    expect(result.outcome).toBe('user_error');
    expect(result.reply.text).toContain('timezone, digest, digest-day, digest-hour, notes-consent');
  });

  describe('the weekly digest, which only Discord and Slack can deliver', () => {
    const NOT_IN_CONSOLE =
      'The weekly digest comes as a direct message on Discord or Slack, so none arrives in the console';

    it('GIVEN a console user with no other account WHEN they type /settings THEN it says the digest never arrives in the console, and how to get it', async () => {
      const result = await app().run('/settings', newAccount(), 'console');

      expect(result.reply.text).toContain(NOT_IN_CONSOLE);
      expect(result.reply.text).toContain('link a Discord or Slack account with `/link`');
    });

    it('GIVEN a console user WHEN they turn the digest off THEN the note is gone', async () => {
      const result = await app().run('/settings digest off', newAccount(), 'console');

      expect(result.reply.text).not.toContain(NOT_IN_CONSOLE);
    });

    it('GIVEN a console user with a linked Slack account WHEN they type /settings THEN there is no note', async () => {
      const who = newAccount();
      const code = /\/link redeem ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(
        (await app().run('/link new', who)).reply.text,
      )?.[1];
      await app().run(`/link redeem ${code}`, newAccount(), 'slack');

      const result = await app().run('/settings', who, 'console');

      expect(result.reply.text).not.toContain(NOT_IN_CONSOLE);
    });

    it('GIVEN a Discord user WHEN they type /settings THEN there is no note', async () => {
      const result = await app().run('/settings', newAccount(), 'discord');

      expect(result.reply.text).not.toContain(NOT_IN_CONSOLE);
    });
  });
});
