import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type RESTPostAPIApplicationCommandsJSONBody,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../../../commands/index.js';
import { defineCommand, opt } from '../../../src/core/commands/index.js';
import {
  ANALYZE_TRACK_MENU,
  buildCommandJson,
  clip,
  toDiscordCommand,
  toDiscordOption,
} from '../../../src/platforms/discord/command-json.js';
import { canonicalCommand, diffCommands } from '../../../src/platforms/discord/register-commands.js';

const isChatInput = (
  command: RESTPostAPIApplicationCommandsJSONBody,
): command is RESTPostAPIChatInputApplicationCommandsJSONBody =>
  command.type === undefined || command.type === ApplicationCommandType.ChatInput;
const everything = buildCommandJson(allCommands);
const json = everything.filter(isChatInput);
const byName = (name: string) => {
  const found = json.find((c) => c.name === name);
  if (!found) throw new Error(`no ${name} command`);
  return found;
};

describe('Discord command JSON', () => {
  it('GIVEN the declared commands (share among them) THEN the "Analyze track" message menu (type 3, no description) comes after the slash commands', () => {
    expect(everything.map((c) => c.name)).toEqual([...allCommands.map((c) => c.name), ANALYZE_TRACK_MENU]);
    expect(everything.at(-1)).toEqual({
      type: ApplicationCommandType.Message,
      name: 'Analyze track',
      integration_types: [0],
      contexts: [0, 1],
    });
  });

  it('GIVEN every command THEN it installs to servers only and runs in server channels and the bot DM', () => {
    for (const command of everything) {
      expect(command, command.name).toMatchObject({ integration_types: [0], contexts: [0, 1] });
    }
  });

  it('GIVEN Discord holds a command registered before these fields THEN it counts as changed', () => {
    const { integration_types: _types, contexts: _contexts, ...older } = byName('mood');
    expect(diffCommands([byName('mood')], [older]).changed).toEqual(['mood']);
    expect(
      diffCommands([byName('mood')], [{ ...older, integration_types: [0], contexts: [1, 0] }]).changed,
    ).toEqual([]);
  });

  it('GIVEN commands without share THEN no message menu is declared', () => {
    const noShare = allCommands.filter((c) => c.name !== 'share');
    expect(buildCommandJson(noShare).map((c) => c.name)).toEqual(noShare.map((c) => c.name));
  });

  it('GIVEN Discord answers the message menu with an empty description THEN it equals the declared one', () => {
    const menu = everything.at(-1);
    if (!menu) throw new Error('no menu');
    const fromDiscord = { ...menu, id: '1', application_id: '2', version: '3', description: '' };
    expect(diffCommands(everything, [...json, fromDiscord])).toEqual({ added: [], removed: [], changed: [] });
  });

  it('GIVEN the declared commands THEN each becomes a CHAT_INPUT command of the same name and description', () => {
    expect(json.map((c) => c.name)).toEqual(allCommands.map((c) => c.name));
    for (const command of allCommands) {
      const built = byName(command.name);
      expect(built.type).toBe(ApplicationCommandType.ChatInput);
      expect(built.description).toBe(command.description);
    }
  });

  it('GIVEN /mood THEN score is a required integer 1..10, emotions an autocompleted string, note a string of at most 1000', () => {
    expect(byName('mood').options).toEqual([
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'score',
        description: 'How you feel, 1 (awful) to 10 (great)',
        required: true,
        min_value: 1,
        max_value: 10,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'emotions',
        description: 'Emotion tags, e.g. tired, anxious',
        required: false,
        autocomplete: true,
        max_length: 340,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'note',
        description: 'A note for yourself, up to 1,000 characters',
        required: false,
        max_length: 1000,
      },
    ]);
  });

  it('GIVEN /settings THEN its setting is a string with fixed choices', () => {
    const setting = byName('settings').options?.[0];
    expect(setting).toMatchObject({ type: ApplicationCommandOptionType.String, name: 'setting' });
    expect(setting && 'choices' in setting ? setting.choices?.map((c) => c.value) : []).toEqual([
      'timezone',
      'digest',
      'digest-day',
      'digest-hour',
      'notes-consent',
      'channel-vibe',
    ]);
  });

  it('GIVEN a command without options THEN its JSON has no options key', () => {
    expect(byName('export')).not.toHaveProperty('options');
  });

  it.each([
    [
      'number',
      opt.number({ description: 'd', min: 0.5, max: 2 }),
      { type: 10, min_value: 0.5, max_value: 2 },
    ],
    ['boolean', opt.boolean({ description: 'd' }), { type: 5 }],
    ['timeZone', opt.timeZone({ description: 'd' }), { type: 3, autocomplete: true, max_length: 64 }],
    ['url', opt.url({ description: 'd', max: 300 }), { type: 3, max_length: 300 }],
    ['text at the limit', opt.text({ description: 'd', max: 6000 }), { type: 3, max_length: 6000 }],
    [
      'tags without vocabulary',
      opt.tags({ description: 'd', max: 3, maxLength: 10 }),
      { type: 3, autocomplete: false },
    ],
  ] as const)('GIVEN a %s option THEN Discord gets its type and bounds', (_kind, option, expected) => {
    expect(toDiscordOption('x', option)).toMatchObject({
      name: 'x',
      description: 'd',
      required: false,
      ...expected,
    });
  });

  it('GIVEN a choice option with 25 choices (the most Discord shows) THEN all 25 are listed', () => {
    const choices = Array.from({ length: 25 }, (_, i) => `c${i}`) as [string, ...string[]];
    const option = toDiscordOption('pick', opt.choice({ description: 'd', choices }));
    expect(option).toMatchObject({ type: 3 });
    expect(option && 'choices' in option ? option.choices : []).toHaveLength(25);
  });

  it('GIVEN 25 options (the most Discord allows) THEN all 25 are built', () => {
    const options = Object.fromEntries(
      Array.from({ length: 25 }, (_, i) => [`o${i}`, opt.boolean({ description: 'd' })]),
    );
    const command = defineCommand({
      name: 'many',
      description: 'd',
      options,
      run: () => ({ visibility: 'private', text: '' }),
    });
    expect(toDiscordCommand(command).options).toHaveLength(25);
  });

  it('GIVEN text longer than a limit THEN clip cuts it with an ellipsis and never splits an emoji', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
    const cut = clip('ab😀😀', 4);
    expect(cut.length).toBeLessThanOrEqual(4);
    expect(cut).toBe('ab…');
  });
});

describe('comparing declared commands with what Discord has', () => {
  it('GIVEN Discord answers with ids, versions and without required:false THEN the commands are equal', () => {
    const declared = byName('mood');
    const fromDiscord = {
      ...declared,
      id: '1',
      application_id: '2',
      version: '3',
      default_member_permissions: null,
      nsfw: false,
      options: declared.options?.map(({ required, ...rest }) => (required ? { ...rest, required } : rest)),
    };
    expect(canonicalCommand(fromDiscord)).toBe(canonicalCommand(declared));
  });

  it('GIVEN the same commands in another order THEN nothing differs', () => {
    const diff = diffCommands(json, [...json].reverse());
    expect(diff).toEqual({ added: [], removed: [], changed: [] });
  });

  it('GIVEN a changed bound, a missing command and an extra one THEN each is named', () => {
    const remote = json
      .filter((c) => c.name !== 'help')
      .map((c) =>
        c.name === 'mood'
          ? { ...c, options: c.options?.map((o) => (o.name === 'score' ? { ...o, max_value: 5 } : o)) }
          : c,
      );
    remote.push({ type: 1, name: 'old', description: 'gone' });
    expect(diffCommands(json, remote)).toEqual({ added: ['help'], removed: ['old'], changed: ['mood'] });
  });
});
