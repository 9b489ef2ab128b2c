// biome-ignore-all lint/suspicious/noThenProperty: table rows read as GIVEN/THEN specifications and are never awaited
import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../../src/core/commands/define-command.js';
import {
  describeOption,
  renderCommandHelp,
  renderHelp,
  renderUsage,
} from '../../../src/core/commands/help.js';
import { opt } from '../../../src/core/commands/options.js';
import { reply } from '../../../src/core/commands/reply.js';
import {
  allCommands,
  forgetCommand,
  historyCommand,
  moodCommand,
  settingsCommand,
  shareCommand,
} from './fixtures.js';

describe('renderUsage', () => {
  it.each([
    { command: moodCommand, then: '/mood <score> [emotions...] [-- note]' },
    { command: historyCommand, then: '/history [days]' },
    { command: settingsCommand, then: '/settings [setting] [value]' },
    { command: shareCommand, then: '/share <url>' },
    { command: forgetCommand, then: '/forget [confirm]' },
  ])('GIVEN /$command.name THEN the usage line is $then', ({ command, then }) => {
    expect(renderUsage(command)).toBe(then);
  });

  it('GIVEN an option after tags that is not a rest text THEN it is shown in name:value form', () => {
    const command = defineCommand({
      name: 'tag',
      description: 'Tag something',
      options: {
        tags: opt.tags({ max: 3, maxLength: 10, required: true, description: 'Tags' }),
        days: opt.integer({ min: 1, max: 9, description: 'Days' }),
      },
      run: () => reply.private('ok'),
    });
    expect(renderUsage(command)).toBe('/tag <tags...> [days:value]');
  });
});

describe('renderCommandHelp', () => {
  const help = renderCommandHelp(moodCommand);

  it('GIVEN /mood THEN it starts with the usage line and the description', () => {
    expect(help.split('\n').slice(0, 2)).toStrictEqual([
      '/mood <score> [emotions...] [-- note]',
      'Log how you feel, from 1 to 10',
    ]);
  });

  it('GIVEN /mood THEN each option is listed with its description, whether it is required and its bounds', () => {
    expect(help).toContain(
      'score     How you feel, 1 (awful) to 10 (great) (required; a whole number from 1 to 10)',
    );
    expect(help).toMatch(
      /emotions .*\(optional; up to 10 words or phrases, .*each up to 32 characters, such as tired, anxious, calm, happy\)/,
    );
    expect(help).toMatch(/note .*\(optional; text, up to 1000 characters, the rest of the line\)/);
  });

  it('GIVEN /mood THEN it ends with the usage example', () => {
    expect(help.endsWith('Example: /mood 6 tired')).toBe(true);
  });

  it('GIVEN a choice THEN the choices are listed', () => {
    expect(renderCommandHelp(settingsCommand)).toContain(
      'one of timezone, digest, digest-day, digest-hour, notes-consent',
    );
  });

  it('GIVEN a command without options or example THEN only the usage and description are shown', () => {
    const command = defineCommand({
      name: 'help',
      description: 'List the commands',
      run: () => reply.private(''),
    });
    expect(renderCommandHelp(command)).toBe('/help\nList the commands');
  });

  it('GIVEN a command without options under a title that names it THEN the bare usage line is left out', () => {
    const command = defineCommand({
      name: 'export',
      description: 'Get everything',
      run: () => reply.private(''),
    });
    expect(renderCommandHelp(command, { titled: true })).toBe('Get everything');
  });

  it('GIVEN a command with options under a title THEN the usage line stays, since it says more than the name', () => {
    expect(renderCommandHelp(moodCommand, { titled: true }).split('\n')[0]).toBe(renderUsage(moodCommand));
  });
});

describe('renderHelp', () => {
  const help = renderHelp(allCommands);

  it('GIVEN every command THEN each usage line is followed by its description, in order', () => {
    const lines = help.split('\n');
    allCommands.forEach((command, index) => {
      expect(lines[index * 2]).toBe(renderUsage(command));
      expect(lines[index * 2 + 1]).toBe(`  ${command.description}`);
    });
  });

  it('GIVEN every command THEN it explains the named form', () => {
    expect(help).toContain('name:value');
  });
});

describe('describeOption', () => {
  it('GIVEN an integer option with a small range THEN the range is shown', () => {
    expect(describeOption(opt.integer({ min: 1, max: 10, description: 'Score' }))).toBe(
      'a whole number from 1 to 10',
    );
  });

  it('GIVEN an integer option bounded only by the database (an entry id) THEN no meaningless maximum is shown', () => {
    expect(describeOption(opt.integer({ min: 1, max: 2_147_483_647, description: 'Entry' }))).toBe(
      'a whole number of 1 or more',
    );
  });
});
