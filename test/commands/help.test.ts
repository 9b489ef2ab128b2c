import { expect, it } from 'vitest';
import { newAccount, useApp } from '../support/app-harness.js';
import { describeEachDatabase } from '../support/test-database.js';

describeEachDatabase('/help', (getDb) => {
  const app = useApp(getDb);

  it('GIVEN /help THEN every command of the registry is listed with its description, in order', async () => {
    const result = await app().run('/help', newAccount());

    expect(result.outcome).toBe('ok');
    expect(result.reply.visibility).toBe('private');
    const text = result.reply.text;
    const positions = app()
      .registry.all()
      .map((command) => {
        expect(text).toContain(`  ${command.description}`);
        return text.indexOf(`/${command.name}`);
      });
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('GIVEN /help THEN it says answers are private', async () => {
    const result = await app().run('/help', newAccount());

    expect(result.reply.text).toContain('Your moods and notes are private');
  });

  it('GIVEN "/help mood" THEN the usage line, each option and the example of /mood are shown', async () => {
    const result = await app().run('/help mood', newAccount());

    expect(result.reply.title).toBe('/mood');
    const lines = result.reply.text.split('\n');
    expect(lines[0]).toBe('/mood <score> [emotions...] [-- note]');
    expect(result.reply.text).toMatch(
      /^\s+score\s+How you feel, 1 \(awful\) to 10 \(great\) \(required; a whole number from 1 to 10\)$/m,
    );
    expect(lines.at(-1)).toBe('Example: /mood 6 tired anxious -- long day at work');
  });

  it('GIVEN "/help /history" with the slash THEN the help of /history is shown', async () => {
    const result = await app().run('/help /history', newAccount());

    expect(result.reply.title).toBe('/history');
    expect(result.reply.text.split('\n')[0]).toBe('/history [days]');
  });

  it('GIVEN "/help nope" on Discord THEN it is a user error listing the commands there are', async () => {
    const result = await app().run('/help nope', newAccount(), 'discord');

    expect(result.outcome).toBe('user_error');
    expect(result.reply.text).toBe(
      `There is no /nope command. Commands: ${app()
        .registry.names()
        .map((n) => `/${n}`)
        .join(', ')}.`,
    );
  });

  it('GIVEN "/help nope" in the console THEN the commands listed end with /quit, the console\'s own', async () => {
    const result = await app().run('/help nope', newAccount(), 'console');

    expect(result.outcome).toBe('user_error');
    const names = app()
      .registry.names()
      .map((n) => `/${n}`);
    expect(result.reply.text).toBe(`There is no /nope command. Commands: ${[...names, '/quit'].join(', ')}.`);
  });

  it('GIVEN "/help quit" in the console THEN /quit is named once, by the title, above what it does', async () => {
    const result = await app().run('/help quit', newAccount(), 'console');

    expect(result.outcome).toBe('ok');
    expect(result.reply.title).toBe('/quit');
    expect(result.reply.text).toBe('Leave the console chat (/exit and Ctrl+D do the same)');
  });

  it('GIVEN "/help exit" in the console THEN it explains /quit, which /exit is another name of', async () => {
    const result = await app().run('/help exit', newAccount(), 'console');

    expect(result.reply.title).toBe('/quit');
  });

  it.each(['discord', 'slack'] as const)(
    'GIVEN "/help quit" on %s THEN there is no /quit command there',
    async (platform) => {
      const result = await app().run('/help quit', newAccount(), platform);

      expect(result.outcome).toBe('user_error');
      expect(result.reply.text).toMatch(/^There is no \/quit command\./);
      expect(result.reply.text).not.toContain('/quit,');
    },
  );

  it('GIVEN "/help" on Discord THEN /quit is not listed', async () => {
    const result = await app().run('/help', newAccount(), 'discord');

    expect(result.reply.text).not.toMatch(/^\/quit/m);
  });

  it('GIVEN "/help export", a command without options THEN its name is the title and is not repeated as a usage line', async () => {
    const result = await app().run('/help export', newAccount());

    expect(result.reply.title).toBe('/export');
    expect(result.reply.text.split('\n')[0]).toBe(app().registry.get('export')?.description);
  });
});
