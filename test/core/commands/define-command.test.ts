import { describe, expect, it } from 'vitest';
import {
  type CommandContext,
  CommandRegistry,
  createCommandFactory,
  defineCommand,
} from '../../../src/core/commands/define-command.js';
import { opt } from '../../../src/core/commands/options.js';
import { parseCommandText } from '../../../src/core/commands/parse-text.js';
import { reply } from '../../../src/core/commands/reply.js';
import { UserError } from '../../../src/core/errors.js';
import { allCommands, historyCommand, moodCommand } from './fixtures.js';

const ok = () => reply.private('ok');

type MoodContext = CommandContext<typeof moodCommand.options>;

function contextFor(options: MoodContext['options']): MoodContext {
  return {
    user: { id: 1, username: 'ada', timeZone: 'Europe/Berlin' },
    options,
    platform: 'console',
    now: new Date('2025-01-01T12:00:00Z'),
    invocationId: 'inv-1',
  };
}

describe('defineCommand', () => {
  it('GIVEN no visibility, slow flag or options THEN the defaults are private, not slow and no options', () => {
    const help = defineCommand({ name: 'help', description: 'List the commands', run: ok });
    expect(help).toMatchObject({ name: 'help', visibility: 'private', slow: false, options: {} });
    expect(help.usageExample).toBeUndefined();
  });

  it('GIVEN a declaration THEN its handler can be called directly with typed options', async () => {
    const options = parseCommandText(moodCommand, '6 tired -- long day');
    expect(await moodCommand.run(contextFor(options), undefined)).toStrictEqual(reply.private('Saved 6.'));
  });

  it.each(['Mood', 'mood!', '', 'm'.repeat(33), 'mood command'])(
    'GIVEN the name %j THEN defining it throws a plain Error about the name',
    (name) => {
      const define = () => defineCommand({ name, description: 'x', run: ok });
      expect(define).toThrow(/a name is 1 to 32 lower-case letters, digits or hyphens/);
      expect(define).not.toThrow(UserError);
    },
  );

  it('GIVEN a name of 32 characters with digits and hyphens THEN it is accepted', () => {
    expect(() => defineCommand({ name: `a-1${'b'.repeat(29)}`, description: 'x', run: ok })).not.toThrow();
  });

  it.each(['', '   ', 'd'.repeat(101)])('GIVEN the description %j THEN defining it throws', (description) => {
    expect(() => defineCommand({ name: 'x', description, run: ok })).toThrow(/description must be 1 to 100/);
  });

  it('GIVEN an option name with capitals THEN defining it throws', () => {
    expect(() =>
      defineCommand({
        name: 'x',
        description: 'x',
        options: { Score: opt.integer({ min: 1, max: 2, description: 'd' }) },
        run: ok,
      }),
    ).toThrow(/option "Score" must be 1 to 32 lower-case/);
  });

  it('GIVEN a required option after an optional one THEN defining it throws', () => {
    expect(() =>
      defineCommand({
        name: 'x',
        description: 'x',
        options: {
          a: opt.integer({ min: 1, max: 2, description: 'd' }),
          b: opt.integer({ min: 1, max: 2, required: true, description: 'd' }),
        },
        run: ok,
      }),
    ).toThrow(/required option "b" must come before the optional ones/);
  });

  it('GIVEN a rest text that is not the last option THEN defining it throws', () => {
    expect(() =>
      defineCommand({
        name: 'x',
        description: 'x',
        options: {
          note: opt.text({ max: 10, rest: true, description: 'd' }),
          days: opt.integer({ min: 1, max: 2, description: 'd' }),
        },
        run: ok,
      }),
    ).toThrow(/"note" takes the rest of the input, so it must be the last option/);
  });

  it('GIVEN a usage example for another command THEN defining it throws', () => {
    expect(() => defineCommand({ name: 'x', description: 'x', usageExample: '/y', run: ok })).toThrow(
      /usage example must start with \/x/,
    );
  });

  it('GIVEN a usage example that does not parse THEN defining it throws with the reason', () => {
    expect(() =>
      defineCommand({
        name: 'x',
        description: 'x',
        usageExample: '/x 11',
        options: { n: opt.integer({ min: 1, max: 10, required: true, description: 'd' }) },
        run: ok,
      }),
    ).toThrow(/usage example does not parse: The n is a whole number from 1 to 10 \(you wrote 11\)/);
  });

  it('GIVEN a definition THEN it cannot be changed afterwards', () => {
    expect(Object.isFrozen(historyCommand)).toBe(true);
  });
});

describe('createCommandFactory', () => {
  interface Services {
    moods: { log(userId: number, score: number): string };
  }

  it('GIVEN a factory for the services THEN the handler receives them', async () => {
    const define = createCommandFactory<Services>();
    const mood = define({
      name: 'mood',
      description: 'Log a mood',
      options: { score: opt.integer({ min: 1, max: 10, required: true, description: 'Score' }) },
      run: ({ user, options }, { moods }) => reply.private(moods.log(user.id, options.score)),
    });
    const services: Services = { moods: { log: (userId, score) => `user ${userId} feels ${score}` } };
    const result = await mood.run(
      {
        user: { id: 7, username: 'ada', timeZone: 'UTC' },
        options: { score: 6 },
        platform: 'slack',
        now: new Date(),
        invocationId: 'i',
      },
      services,
    );
    expect(result.text).toBe('user 7 feels 6');
  });
});

describe('CommandRegistry', () => {
  const registry = new CommandRegistry(allCommands);

  it('GIVEN a list THEN each command is found by its name', () => {
    expect(registry.get('mood')).toBe(moodCommand);
    expect(registry.get('history')).toBe(historyCommand);
  });

  it('GIVEN a name with a slash, capitals or spaces THEN the command is still found', () => {
    expect(registry.get(' /Mood ')).toBe(moodCommand);
  });

  it('GIVEN an unknown name THEN lookup gives undefined', () => {
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.has('nope')).toBe(false);
  });

  it('GIVEN a list THEN names, all, size and iteration keep its order', () => {
    expect(registry.names()).toStrictEqual(['mood', 'history', 'settings', 'share', 'forget']);
    expect(registry.all()).toStrictEqual([...allCommands]);
    expect([...registry]).toStrictEqual([...allCommands]);
    expect(registry.size).toBe(5);
  });

  it('GIVEN two commands with the same name THEN building the registry throws', () => {
    const again = defineCommand({ name: 'mood', description: 'Another mood', run: ok });
    expect(() => new CommandRegistry([moodCommand, again])).toThrow(/Two commands are named "mood"/);
  });
});
