import { describe, expect, it } from 'vitest';
import { suggest } from '../../../src/core/commands/autocomplete.js';
import { opt } from '../../../src/core/commands/options.js';

const emotions = opt.tags({
  max: 10,
  maxLength: 32,
  vocabulary: ['tired', 'restless', 'stressed', 'anxious', 'rested', 'calm'],
  description: 'Emotions',
});
const values = (suggestions: { value: string }[]) => suggestions.map((s) => s.value);

describe('suggest for tags', () => {
  it('GIVEN a partial word THEN prefix matches come first, then substring matches, each in vocabulary order', () => {
    expect(values(suggest(emotions, 're'))).toStrictEqual(['restless', 'rested', 'tired', 'stressed']);
  });

  it('GIVEN earlier comma-separated tags THEN each suggestion keeps them and completes the last one', () => {
    expect(suggest(emotions, 'Tired, anx')).toStrictEqual([
      { name: 'tired, anxious', value: 'tired, anxious' },
    ]);
  });

  it('GIVEN a tag already in the list THEN it is not suggested again', () => {
    expect(values(suggest(emotions, 'calm, ')).some((value) => value.endsWith('calm, calm'))).toBe(false);
    expect(values(suggest(emotions, 'calm, '))).toHaveLength(5);
  });

  it('GIVEN nothing typed THEN the vocabulary is suggested in order, up to the limit', () => {
    expect(values(suggest(emotions, '', 3))).toStrictEqual(['tired', 'restless', 'stressed']);
  });

  it('GIVEN capitals and spaces THEN matching ignores them', () => {
    expect(values(suggest(emotions, '  ANX '))).toStrictEqual(['anxious']);
  });

  it('GIVEN earlier tags that would make a value over 100 characters THEN that suggestion is left out', () => {
    const long = `${'x'.repeat(95)}, `;
    expect(suggest(emotions, `${long}ca`)).toStrictEqual([]);
  });

  it('GIVEN no match THEN there are no suggestions', () => {
    expect(suggest(emotions, 'zzz')).toStrictEqual([]);
  });
});

describe('suggest for time zones', () => {
  const zone = opt.timeZone({ description: 'Zone' });

  it('GIVEN the start of a name in lower case THEN the matching names are suggested', () => {
    expect(values(suggest(zone, 'europe/be'))).toStrictEqual(['Europe/Belgrade', 'Europe/Berlin']);
  });

  it('GIVEN a city THEN the zone is suggested', () => {
    expect(values(suggest(zone, 'berlin'))).toStrictEqual(['Europe/Berlin']);
    expect(values(suggest(zone, 'new york'))).toStrictEqual(['America/New_York']);
  });

  it('GIVEN a fragment THEN names starting with it come before names only containing it', () => {
    const found = values(suggest(zone, 'ber'));
    const firstSubstring = found.findIndex(
      (name) =>
        !name
          .toLowerCase()
          .split('/')
          .some((p) => p.startsWith('ber')),
    );
    const lastPrefix = found.findLastIndex((name) =>
      name
        .toLowerCase()
        .split('/')
        .some((p) => p.startsWith('ber')),
    );
    expect(found).toContain('Europe/Berlin');
    expect(firstSubstring === -1 || lastPrefix < firstSubstring).toBe(true);
  });

  it('GIVEN nothing typed THEN at most 25 names are suggested by default', () => {
    expect(suggest(zone, '')).toHaveLength(25);
  });

  it('GIVEN a suggestion THEN its name and value are the same zone', () => {
    expect(suggest(zone, 'UTC')[0]).toStrictEqual({ name: 'UTC', value: 'UTC' });
  });
});

describe('suggest for other kinds', () => {
  it('GIVEN a choice THEN matching choices are suggested, prefix first', () => {
    const setting = opt.choice({ choices: ['timezone', 'digest', 'digest-day'], description: 'd' });
    expect(values(suggest(setting, 'dig'))).toStrictEqual(['digest', 'digest-day']);
    expect(values(suggest(setting, 'day'))).toStrictEqual(['digest-day']);
  });

  it('GIVEN an integer THEN there are no suggestions', () => {
    expect(suggest(opt.integer({ min: 1, max: 10, description: 'd' }), '5')).toStrictEqual([]);
  });
});
