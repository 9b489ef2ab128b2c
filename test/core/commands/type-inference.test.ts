import { describe, expectTypeOf, it } from 'vitest';
import {
  type AnyCommand,
  type CommandContext,
  CommandRegistry,
  createCommandFactory,
  defineCommand,
} from '../../../src/core/commands/define-command.js';
import { opt, type TypedOptions } from '../../../src/core/commands/options.js';
import { parseCommandText, parseStructuredOptions } from '../../../src/core/commands/parse-text.js';
import { type Reply, reply } from '../../../src/core/commands/reply.js';
import { moodCommand, settingsCommand } from './fixtures.js';

// These assertions are checked by `tsc --noEmit`; at run time they only have to not throw.
describe('type inference of declared options', () => {
  it('GIVEN /mood THEN a required integer is number, tags are string[] and an optional text is string | undefined', () => {
    expectTypeOf<TypedOptions<typeof moodCommand.options>>().toEqualTypeOf<{
      score: number;
      emotions: string[];
      note: string | undefined;
    }>();
  });

  it('GIVEN an optional choice THEN it is the union of its literal choices or undefined', () => {
    expectTypeOf<TypedOptions<typeof settingsCommand.options>['setting']>().toEqualTypeOf<
      'timezone' | 'digest' | 'digest-day' | 'digest-hour' | 'notes-consent' | undefined
    >();
  });

  it('GIVEN each builder, required or not THEN its value type follows', () => {
    const options = {
      count: opt.integer({ min: 1, max: 3, required: true, description: 'd' }),
      ratio: opt.number({ min: 0, max: 1, description: 'd' }),
      mode: opt.choice({ choices: ['a', 'b'], required: true, description: 'd' }),
      flag: opt.boolean({ description: 'd' }),
      strict: opt.boolean({ required: true, description: 'd' }),
      zone: opt.timeZone({ description: 'd' }),
      link: opt.url({ required: true, description: 'd' }),
      label: opt.text({ max: 10, required: true, description: 'd' }),
      tags: opt.tags({ max: 2, maxLength: 5, description: 'd' }),
    };
    expectTypeOf<TypedOptions<typeof options>>().toEqualTypeOf<{
      count: number;
      ratio: number | undefined;
      mode: 'a' | 'b';
      flag: boolean | undefined;
      strict: boolean;
      zone: string | undefined;
      link: string;
      label: string;
      tags: string[];
    }>();
  });

  it('GIVEN a handler THEN its context carries the typed options and the user', () => {
    defineCommand({
      name: 'typed',
      description: 'Types only',
      options: { score: opt.integer({ min: 1, max: 10, required: true, description: 'd' }) },
      run(context) {
        expectTypeOf(context.options.score).toEqualTypeOf<number>();
        expectTypeOf(context.user.id).toEqualTypeOf<number>();
        expectTypeOf(context.platform).toEqualTypeOf<'discord' | 'slack' | 'console'>();
        // @ts-expect-error: an option that was not declared does not exist
        void context.options.colour;
        return reply.private('ok');
      },
    });
  });

  it('GIVEN the parsers THEN they return the declared option types', () => {
    expectTypeOf(parseCommandText(moodCommand, '6')).toEqualTypeOf<
      TypedOptions<typeof moodCommand.options>
    >();
    expectTypeOf(parseStructuredOptions(moodCommand, { score: 6 }).score).toEqualTypeOf<number>();
  });

  it('GIVEN a factory THEN services are typed without annotations and options are still inferred', () => {
    interface Services {
      clock: { now(): Date };
    }
    const define = createCommandFactory<Services>();
    const command = define({
      name: 'when',
      description: 'Tell the time',
      options: { zone: opt.timeZone({ description: 'd' }) },
      run({ options }, { clock }) {
        expectTypeOf(clock.now()).toEqualTypeOf<Date>();
        expectTypeOf(options.zone).toEqualTypeOf<string | undefined>();
        return reply.private(clock.now().toISOString());
      },
    });
    expectTypeOf(command.run).parameter(1).toEqualTypeOf<Services>();
    expectTypeOf(command.run).returns.toEqualTypeOf<Reply | Promise<Reply>>();
  });

  it('GIVEN commands with different options THEN one registry holds them all', () => {
    const registry = new CommandRegistry([moodCommand, settingsCommand]);
    expectTypeOf(registry.get('mood')).toEqualTypeOf<AnyCommand | undefined>();
    expectTypeOf<CommandContext<typeof moodCommand.options>['options']['score']>().toEqualTypeOf<number>();
  });
});
