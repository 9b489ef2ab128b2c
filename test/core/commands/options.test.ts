import { describe, expect, it } from 'vitest';
import { normaliseTag, opt } from '../../../src/core/commands/options.js';
import { canonicalTimeZone, closeTimeZones, timeZoneNames } from '../../../src/core/commands/time-zones.js';
import { UserError } from '../../../src/core/errors.js';

/** The error `run` throws; fails the test when it returns instead. */
function errorOf(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

const context = { name: 'score', example: '/mood 6 tired' };

describe('opt.integer', () => {
  const score = opt.integer({ min: 1, max: 10, required: true, description: 'Mood' });

  it('GIVEN text with surrounding spaces or a plus sign THEN it gives the number', () => {
    expect(score.parse(' 6 ', 'score')).toBe(6);
    expect(score.parse('+7', 'score')).toBe(7);
  });

  it('GIVEN a number from a platform THEN it is checked against the same bounds', () => {
    expect(score.parse(10, 'score')).toBe(10);
    expect(errorOf(() => score.parse(11, 'score')).message).toBe(
      'The score is a whole number from 1 to 10 (you wrote 11).',
    );
  });

  it('GIVEN 7.5 THEN the message says it must be a whole number', () => {
    const error = errorOf(() => score.parse('7.5', 'score'));
    expect(error.message).toBe('The score is a whole number from 1 to 10, without decimals (you wrote 7.5).');
    expect(error.code).toBe('NOT_A_WHOLE_NUMBER');
  });

  it('GIVEN a label THEN messages use the label instead of the name', () => {
    const days = opt.integer({ min: 1, max: 365, label: 'number of days', description: 'Days back' });
    expect(errorOf(() => days.parse('0', 'days')).message).toBe(
      'The number of days is a whole number from 1 to 365 (you wrote 0).',
    );
  });

  it('GIVEN a long word THEN the message quotes only its first 40 characters', () => {
    const message = errorOf(() => score.parse('w'.repeat(100), 'score')).message;
    expect(message).toBe(`The score must be a number from 1 to 10 (you wrote "${'w'.repeat(40)}…").`);
  });

  it('GIVEN nothing for a required integer THEN the message names what is missing and shows the example', () => {
    const error = errorOf(() => score.resolve(undefined, context));
    expect(error.message).toBe('Tell me a score from 1 to 10, for example `/mood 6 tired`.');
    expect(error.code).toBe('MISSING_OPTION');
  });

  it('GIVEN nothing for an optional integer THEN it is undefined', () => {
    const days = opt.integer({ min: 1, max: 365, description: 'Days back' });
    expect(days.resolve(undefined, { name: 'days', example: '/history 30' })).toBeUndefined();
  });

  it('GIVEN bounds that are not whole numbers or are reversed THEN declaring it is a programming error', () => {
    expect(() => opt.integer({ min: 10, max: 1, description: 'x' })).toThrow(Error);
    expect(() => opt.integer({ min: 0.5, max: 1, description: 'x' })).toThrow(/whole-number bounds/);
    expect(() => opt.integer({ min: 10, max: 1, description: 'x' })).not.toThrow(UserError);
  });
});

describe('opt.number', () => {
  const weight = opt.number({ min: 0, max: 1, description: 'Weight' });

  it('GIVEN a fraction within the bounds THEN it is accepted', () => {
    expect(weight.parse('0.25', 'weight')).toBe(0.25);
    expect(weight.parse('.5', 'weight')).toBe(0.5);
  });

  it('GIVEN a number outside the bounds THEN the message gives the bounds', () => {
    expect(errorOf(() => weight.parse('2', 'weight')).message).toBe(
      'The weight is a number from 0 to 1 (you wrote 2).',
    );
  });

  it('GIVEN exponent notation or infinity THEN it is not a number it accepts', () => {
    expect(errorOf(() => weight.parse('1e-1', 'weight')).code).toBe('NOT_A_NUMBER');
    expect(errorOf(() => weight.parse(Number.POSITIVE_INFINITY, 'weight')).code).toBe('NOT_A_NUMBER');
  });
});

describe('opt.text', () => {
  const note = opt.text({ max: 10, rest: true, description: 'Note' });

  it('GIVEN text with surrounding whitespace and CRLF line ends THEN it is trimmed and the ends become \\n', () => {
    expect(note.parse('  a\r\nb\tc  ', 'note')).toBe('a\nb\tc');
  });

  it('GIVEN text over the limit THEN the message gives the limit and the length', () => {
    expect(errorOf(() => note.parse('x'.repeat(11), 'note')).message).toMatch(
      /^The note can be at most 10 characters \(yours has 11\)/,
    );
  });

  it('GIVEN a NUL or a bell character THEN it is refused as unstorable', () => {
    expect(errorOf(() => note.parse('a\u0000b', 'note')).code).toBe('INVALID_CHARACTER');
    expect(errorOf(() => note.parse('a\u0007b', 'note')).message).toMatch(/U\+0007/);
  });

  it('GIVEN blank text THEN an optional text is undefined', () => {
    expect(note.resolve('   ', { name: 'note', example: '/mood 6' })).toBeUndefined();
  });

  it('GIVEN it is declared with rest THEN the declaration says so', () => {
    expect(note.rest).toBe(true);
    expect(opt.text({ max: 5, description: 'Word' }).rest).toBe(false);
  });
});

describe('opt.tags', () => {
  const emotions = opt.tags({
    max: 3,
    maxLength: 12,
    vocabulary: ['Tired', ' calm '],
    description: 'Emotions',
  });

  it('GIVEN messy tags THEN they are lower-cased, trimmed, collapsed, de-duplicated and empties dropped', () => {
    expect(emotions.parse('  Very   TIRED ,very tired, , Calm\t\tMind,', 'emotions')).toStrictEqual([
      'very tired',
      'calm mind',
    ]);
  });

  it('GIVEN a string without commas THEN each word is a tag', () => {
    expect(emotions.parse('tired  calm', 'emotions')).toStrictEqual(['tired', 'calm']);
  });

  it('GIVEN a list (what the text parser passes) THEN each item is one tag, even one holding spaces or a comma', () => {
    expect(emotions.parse(['very tired', 'calm,sad'], 'emotions')).toStrictEqual(['very tired', 'calm,sad']);
  });

  it('GIVEN more tags than allowed THEN the message gives the limit and the count', () => {
    expect(errorOf(() => emotions.parse('a b c d', 'emotions')).message).toMatch(
      /^You can give at most 3 emotions \(you gave 4\)/,
    );
  });

  it('GIVEN repeats beyond the limit THEN only distinct tags count', () => {
    expect(emotions.parse('a a a a b', 'emotions')).toStrictEqual(['a', 'b']);
  });

  it('GIVEN a tag longer than allowed THEN the message quotes it with its length', () => {
    expect(errorOf(() => emotions.parse('overwhelmed-ish', 'emotions')).message).toMatch(
      /at most 12 characters \("overwhelmed-ish" has 15\)/,
    );
  });

  it('GIVEN no tags THEN the value is an empty list', () => {
    expect(emotions.resolve(undefined, { name: 'emotions', example: '/mood 6' })).toStrictEqual([]);
  });

  it('GIVEN required tags and only commas THEN the tags are missing', () => {
    const required = opt.tags({ max: 3, maxLength: 8, required: true, description: 'Emotions' });
    expect(
      errorOf(() => required.resolve(' , ', { name: 'emotions', example: '/mood 6 tired' })).message,
    ).toBe('Tell me at least one of the emotions, for example `/mood 6 tired`.');
  });

  it('GIVEN a vocabulary THEN it is kept normalised for suggestions', () => {
    expect(emotions.vocabulary).toStrictEqual(['tired', 'calm']);
  });

  it('GIVEN the same word in another Unicode form THEN it is one tag', () => {
    expect(normaliseTag('Cafe\u0301')).toBe(normaliseTag('café'));
  });
});

describe('opt.choice', () => {
  const setting = opt.choice({ choices: ['timezone', 'digest-day'], description: 'Setting' });

  it('GIVEN another casing THEN the declared spelling is returned', () => {
    expect(setting.parse(' Digest-Day ', 'setting')).toBe('digest-day');
  });

  it('GIVEN something else THEN the message lists the choices', () => {
    expect(errorOf(() => setting.parse('colour', 'setting')).message).toBe(
      'The setting is one of timezone, digest-day (you wrote "colour").',
    );
  });

  it('GIVEN repeated or spaced choices THEN declaring it is a programming error', () => {
    expect(() => opt.choice({ choices: ['a', 'A'], description: 'x' })).toThrow(/distinct/);
    expect(() => opt.choice({ choices: ['a b'], description: 'x' })).toThrow(/without spaces/);
  });
});

describe('opt.boolean', () => {
  const flag = opt.boolean({ description: 'Digest on or off' });

  it.each([
    ['on', true],
    ['yes', true],
    ['TRUE', true],
    ['off', false],
    ['No', false],
    ['false', false],
  ])('GIVEN %s THEN it is %s', (given, expected) => {
    expect(flag.parse(given, 'digest')).toBe(expected);
  });

  it('GIVEN a real boolean from a platform THEN it is kept', () => {
    expect(flag.parse(false, 'digest')).toBe(false);
  });

  it('GIVEN another word THEN the message leads with on or off, as the README and help do', () => {
    expect(errorOf(() => flag.parse('maybe', 'digest')).message).toBe(
      'The digest is on or off; yes/no and true/false work too (you wrote "maybe").',
    );
  });
});

describe('opt.timeZone', () => {
  const zone = opt.timeZone({ description: 'Your time zone' });

  it('GIVEN a name in another casing THEN the canonical name is returned', () => {
    expect(zone.parse('europe/berlin', 'timezone')).toBe('Europe/Berlin');
    expect(zone.parse('america/new_york', 'timezone')).toBe('America/New_York');
  });

  it('GIVEN UTC in any casing THEN it is UTC', () => {
    expect(zone.parse('utc', 'timezone')).toBe('UTC');
    expect(timeZoneNames()).toContain('UTC');
  });

  it('GIVEN a city that only one zone ends in THEN that zone is returned', () => {
    expect(zone.parse('new york', 'timezone')).toBe('America/New_York');
  });

  it('GIVEN an alias the runtime resolves THEN a name from the list is returned', () => {
    const kolkata = canonicalTimeZone('Asia/Kolkata');
    expect(kolkata).toBeDefined();
    expect(timeZoneNames()).toContain(kolkata);
  });

  it('GIVEN "Europe/Berln" THEN the message suggests Europe/Berlin', () => {
    const error = errorOf(() => zone.parse('Europe/Berln', 'timezone'));
    expect(error.message).toBe('"Europe/Berln" is not a time zone I know. Did you mean Europe/Berlin?');
    expect(error.code).toBe('UNKNOWN_TIME_ZONE');
  });

  it('GIVEN a misspelled city alone THEN the zone with that city is suggested', () => {
    expect(closeTimeZones('tokio')).toContain('Asia/Tokyo');
    expect(closeTimeZones('Berln')).toContain('Europe/Berlin');
  });

  it('GIVEN a fragment many zones contain THEN at most 3 are suggested', () => {
    expect(closeTimeZones('america')).toHaveLength(3);
    expect(errorOf(() => zone.parse('lin', 'timezone')).message.split(' or ')).toHaveLength(3);
  });

  it('GIVEN nothing like a time zone THEN the message gives examples instead', () => {
    expect(errorOf(() => zone.parse('xyzzy', 'timezone')).message).toBe(
      '"xyzzy" is not a time zone I know. Use a name like Europe/Berlin, America/New_York or UTC.',
    );
  });
});

describe('opt.url', () => {
  const link = opt.url({ required: true, label: 'link', description: 'A Spotify link' });

  it('GIVEN an https or http link THEN it is returned normalised', () => {
    expect(link.parse('https://open.spotify.com/track/1', 'url')).toBe('https://open.spotify.com/track/1');
    expect(link.parse('HTTP://Example.com', 'url')).toBe('http://example.com/');
  });

  it.each(['ftp://example.com', 'javascript:alert(1)', 'mailto:a@b.c', 'example.com', 'https://'])(
    'GIVEN %s THEN it is refused',
    (given) => {
      expect(errorOf(() => link.parse(given, 'url')).code).toBe('INVALID_URL');
    },
  );

  it('GIVEN a link longer than the limit THEN it is refused', () => {
    expect(errorOf(() => link.parse(`https://a.b/${'x'.repeat(2000)}`, 'url')).code).toBe('TOO_LONG');
  });
});

describe('every builder', () => {
  it('GIVEN a description over 100 characters or blank THEN declaring it is a programming error', () => {
    expect(() => opt.text({ max: 5, description: 'x'.repeat(101) })).toThrow(/description must be 1 to 100/);
    expect(() => opt.boolean({ description: ' ' })).toThrow(/description must be 1 to 100/);
  });

  it('GIVEN a declaration THEN it carries kind, description, required and bounds', () => {
    const score = opt.integer({ min: 1, max: 10, required: true, description: 'Mood' });
    expect(score).toMatchObject({
      kind: 'integer',
      description: 'Mood',
      required: true,
      bounds: { min: 1, max: 10 },
    });
    expect(opt.tags({ max: 10, maxLength: 32, description: 'Tags' })).toMatchObject({
      kind: 'tags',
      required: false,
      bounds: { max: 10, maxLength: 32 },
    });
  });
});
