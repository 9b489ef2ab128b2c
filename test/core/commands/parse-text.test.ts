// biome-ignore-all lint/suspicious/noThenProperty: table rows read as GIVEN/THEN specifications and are never awaited
import { describe, expect, it } from 'vitest';
import { type CommandShape, defineCommand } from '../../../src/core/commands/define-command.js';
import { opt } from '../../../src/core/commands/options.js';
import {
  parseCommandText,
  parseStructuredOptions,
  splitCommandLine,
} from '../../../src/core/commands/parse-text.js';
import { reply } from '../../../src/core/commands/reply.js';
import { UserError } from '../../../src/core/errors.js';
import { forgetCommand, historyCommand, moodCommand, settingsCommand, shareCommand } from './fixtures.js';

/** One row: the argument text, what should happen in words, and the exact result or the error. */
interface Case {
  given: string;
  then: string;
  options?: Record<string, unknown>;
  error?: RegExp;
}

/** A readable test title for inputs holding control characters or thousands of characters. */
function show(text: string): string {
  let escaped = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const invisible = code < 0x20 || (code >= 0xd800 && code <= 0xdfff);
    escaped += invisible ? JSON.stringify(char).slice(1, -1) : char;
  }
  return escaped.length > 60 ? `${escaped.slice(0, 40)}… (${text.length} chars)` : escaped;
}

function runCase(command: CommandShape, { given, options, error }: Case): void {
  if (error) {
    let thrown: unknown;
    try {
      parseCommandText(command, given);
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).message).toMatch(error);
  } else {
    expect(parseCommandText(command, given)).toStrictEqual(options);
  }
}

/** `[shown input, then, case]` rows: `%s` keeps long titles whole, where `$then` would cut them. */
const rows = (cases: Case[]): [string, string, Case][] =>
  cases.map((row) => [show(row.given), row.then, row]);

const moodCases: Case[] = [
  {
    given: '6 tired anxious -- long day at work',
    then: 'the score is positional, tags run until --, and the rest is the note',
    options: { score: 6, emotions: ['tired', 'anxious'], note: 'long day at work' },
  },
  {
    given: '6 tired, anxious',
    then: 'comma-separated tags are split on the commas',
    options: { score: 6, emotions: ['tired', 'anxious'], note: undefined },
  },
  {
    given: '6 very tired, anxious',
    then: 'with commas, the words between two commas form one tag',
    options: { score: 6, emotions: ['very tired', 'anxious'], note: undefined },
  },
  {
    given: '6 "very tired" anxious',
    then: 'a quoted tag stays one tag',
    options: { score: 6, emotions: ['very tired', 'anxious'], note: undefined },
  },
  {
    given: 'score:6 note:"long day"',
    then: 'named options are read and a double-quoted note is unquoted',
    options: { score: 6, emotions: [], note: 'long day' },
  },
  {
    given: `score:6 emotions:"tired, anxious" note:'it was "fine"'`,
    then: 'a quoted tag list is split on commas and double quotes survive inside single quotes',
    options: { score: 6, emotions: ['tired', 'anxious'], note: 'it was "fine"' },
  },
  {
    given: 'score:6 emotions:"very tired"',
    then: 'a quoted named value without commas is one tag',
    options: { score: 6, emotions: ['very tired'], note: undefined },
  },
  {
    given: `5 "tired, sad" 'anxious'`,
    then: 'a quoted tag holding a comma stays one tag beside the next quoted one',
    options: { score: 5, emotions: ['tired, sad', 'anxious'], note: undefined },
  },
  {
    given: '5 "tired, sad", very tired, calm',
    then: 'a quoted tag mixes with comma-separated words, which are still split on their commas',
    options: { score: 5, emotions: ['tired, sad', 'very tired', 'calm'], note: undefined },
  },
  {
    given: 'score:6 emotions:tired, anxious',
    then: 'an unquoted named tag list is split on its commas',
    options: { score: 6, emotions: ['tired', 'anxious'], note: undefined },
  },
  {
    given: 'score:6 note:"she said \\"hi\\" twice"',
    then: 'escaped double quotes inside double quotes are kept',
    options: { score: 6, emotions: [], note: 'she said "hi" twice' },
  },
  {
    given: "score:6 note:'it\\'s fine'",
    then: 'an escaped single quote inside single quotes is kept',
    options: { score: 6, emotions: [], note: "it's fine" },
  },
  {
    given: '6 emotions:tired note:long day',
    then: 'positional and named options mix and an unquoted rest note runs to the end',
    options: { score: 6, emotions: ['tired'], note: 'long day' },
  },
  {
    given: 'note:"long day" 6 tired',
    then: 'a quoted rest note may come first and positional values still fill score and emotions',
    options: { score: 6, emotions: ['tired'], note: 'long day' },
  },
  {
    given: '  6   Tired  ANXIOUS   ',
    then: 'surrounding whitespace is trimmed and tags are lower-cased',
    options: { score: 6, emotions: ['tired', 'anxious'], note: undefined },
  },
  {
    given: '6 tired Tired TIRED',
    then: 'repeated tags are kept once',
    options: { score: 6, emotions: ['tired'], note: undefined },
  },
  { given: '6', then: 'only the score is needed', options: { score: 6, emotions: [], note: undefined } },
  { given: '10', then: 'the upper bound is accepted', options: { score: 10, emotions: [], note: undefined } },
  {
    given: '6, tired',
    then: 'a comma after the score separates it from the tags',
    options: { score: 6, emotions: ['tired'], note: undefined },
  },
  {
    given: 'SCORE: 6 Emotions: calm',
    then: 'option names are case-insensitive and a space may follow the colon',
    options: { score: 6, emotions: ['calm'], note: undefined },
  },
  {
    given: '6 tired -- a -- b',
    then: 'everything after the first -- is the note, even another --',
    options: { score: 6, emotions: ['tired'], note: 'a -- b' },
  },
  {
    given: '6 tired -- "quoted" note:x',
    then: 'after -- nothing is interpreted',
    options: { score: 6, emotions: ['tired'], note: '"quoted" note:x' },
  },
  {
    given: '6 tired — long day',
    then: 'the dash a phone makes of -- works as --',
    options: { score: 6, emotions: ['tired'], note: 'long day' },
  },
  {
    given: '6 note:“curly quotes”',
    then: 'curly quotes from a phone keyboard quote like straight ones',
    options: { score: 6, emotions: [], note: 'curly quotes' },
  },
  {
    given: '6 --',
    then: 'an empty note after -- is no note',
    options: { score: 6, emotions: [], note: undefined },
  },
  {
    given: '6 tired -- line one\r\nline two\tend',
    then: 'newlines (normalised from CRLF) and tabs are kept in the note',
    options: { score: 6, emotions: ['tired'], note: 'line one\nline two\tend' },
  },
  {
    given: `6 -- ${'x'.repeat(1000)}`,
    then: 'a note of exactly 1000 characters is accepted',
    options: { score: 6, emotions: [], note: 'x'.repeat(1000) },
  },
  {
    given: `6 -- ${'😀'.repeat(1000)}`,
    then: 'the note limit counts an emoji as one character',
    options: { score: 6, emotions: [], note: '😀'.repeat(1000) },
  },
  {
    given: `6 ${'a'.repeat(32)}`,
    then: 'a 32-character tag is accepted',
    options: { score: 6, emotions: ['a'.repeat(32)], note: undefined },
  },
  {
    given: '6 a b c d e f g h i j',
    then: 'ten tags are accepted',
    options: { score: 6, emotions: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], note: undefined },
  },
  {
    given: '6 emotions:',
    then: 'a named option with no value is left out',
    options: { score: 6, emotions: [], note: undefined },
  },
  // Errors.
  {
    given: '11',
    then: 'a score above 10 is refused',
    error: /^The score is a whole number from 1 to 10 \(you wrote 11\)\.$/,
  },
  {
    given: '0',
    then: 'a score below 1 is refused',
    error: /^The score is a whole number from 1 to 10 \(you wrote 0\)\.$/,
  },
  { given: '-3', then: 'a negative score is refused', error: /whole number from 1 to 10 \(you wrote -3\)/ },
  {
    given: '7.5',
    then: 'a fractional score is refused',
    error: /^The score is a whole number .*without decimals \(you wrote 7\.5\)\.$/,
  },
  {
    given: 'six',
    then: 'a word for the score is refused',
    error: /^The score must be a number from 1 to 10 \(you wrote "six"\)\.$/,
  },
  {
    given: 'tired 6',
    then: 'tags before the score are read as the score',
    error: /must be a number from 1 to 10 \(you wrote "tired"\)/,
  },
  {
    given: '',
    then: 'an empty command says what is missing and shows an example',
    error: /^Tell me a score from 1 to 10, for example `\/mood 6 tired`\.$/,
  },
  { given: '   ', then: 'blank text is like no text', error: /^Tell me a score from 1 to 10/ },
  {
    given: 'emotions:tired -- long day',
    then: 'a missing score is reported when other options are given',
    error: /^Tell me a score/,
  },
  { given: 'score:""', then: 'an empty quoted score is missing', error: /^Tell me a score/ },
  {
    given: '6 a b c d e f g h i j k',
    then: 'an eleventh tag is refused',
    error: /^You can give at most 10 emotions \(you gave 11\)/,
  },
  {
    given: `6 ${'a'.repeat(33)}`,
    then: 'a 33-character tag is refused, quoting it',
    error: /at most 32 characters \("a{33}" has 33\)/,
  },
  {
    given: `6 -- ${'x'.repeat(1001)}`,
    then: 'a 1001-character note is refused with the limit and the length',
    error: /^The note can be at most 1000 characters \(yours has 1001\)/,
  },
  {
    given: '6 colour:blue',
    then: 'an unknown named option is refused, listing the valid ones',
    error: /^I don't know the option "colour"\. \/mood takes: score, emotions, note\./,
  },
  {
    given: '6 emotion:tired',
    then: 'a misspelled option name gets a suggestion',
    error: /Did you mean emotions\?/,
  },
  {
    given: '6 constructor:x',
    then: 'a name inherited by every object is still unknown',
    error: /don't know the option "constructor"/,
  },
  {
    given: '6 note:"long day',
    then: 'an unterminated double quote is refused',
    error: /^The quote " before "long day" is never closed; add a closing "/,
  },
  {
    given: "6 'tired",
    then: 'an unterminated single quote is refused',
    error: /quote ' before "tired" is never closed/,
  },
  {
    given: '6 tired -- long\u0000day',
    then: 'a NUL character is refused',
    error: /control character \(U\+0000\) that can't be stored/,
  },
  {
    given: '6 tired\u0007',
    then: 'another C0 control character is refused',
    error: /control character \(U\+0007\)/,
  },
  {
    given: '6 \uD83D tired',
    then: 'half of a surrogate pair is refused',
    error: /broken character \(U\+D83D/,
  },
  {
    given: '6 score:7',
    then: 'the same option twice is refused',
    error: /^You gave the score twice; give it once\.$/,
  },
  {
    given: '6 tired emotions:calm',
    then: 'tags given by position and by name are refused',
    error: /gave the emotions twice/,
  },
  {
    given: `6 ${'x'.repeat(10_001)}`,
    then: 'text over 10000 characters is refused before parsing',
    error: /too long for one command/,
  },
];

describe('parseCommandText for /mood <score> [emotions...] [-- note]', () => {
  it.each(rows(moodCases))('GIVEN `%s` THEN %s', (_shown, _then, row) => runCase(moodCommand, row));
});

/** A command whose one option is a plain (not rest) text, like /help and /share. */
const soleTextCommand = defineCommand({
  name: 'echo',
  description: 'Says a text back',
  options: { text: opt.text({ max: 100, description: 'The text' }) },
  run: ({ options }) => reply.private(options.text ?? ''),
});

const otherCases: { command: CommandShape; cases: Case[] }[] = [
  {
    command: historyCommand,
    cases: [
      { given: '', then: 'the optional days are undefined', options: { days: undefined } },
      { given: '30', then: 'the days are read', options: { days: 30 } },
      { given: 'days:365', then: 'the days can be named', options: { days: 365 } },
      {
        given: '366',
        then: 'too many days are refused with the label',
        error: /^The number of days is a whole number from 1 to 365 \(you wrote 366\)\.$/,
      },
      {
        given: '30 days',
        then: 'an extra word is refused with the usage',
        error: /^I don't know where "days" goes.*Usage: `\/history \[days\]`/,
      },
      {
        given: '30 -- hi',
        then: 'text after -- is refused as there is no note',
        error: /^\/history takes no text after --/,
      },
    ],
  },
  {
    command: settingsCommand,
    cases: [
      { given: '', then: 'both are undefined', options: { setting: undefined, value: undefined } },
      {
        given: 'timezone Europe/Berlin',
        then: 'the choice and the rest are read',
        options: { setting: 'timezone', value: 'Europe/Berlin' },
      },
      {
        given: 'DIGEST-HOUR 8',
        then: 'the choice is matched case-insensitively',
        options: { setting: 'digest-hour', value: '8' },
      },
      {
        given: 'notes-consent "yes please"',
        then: 'a quoted rest value is unquoted',
        options: { setting: 'notes-consent', value: 'yes please' },
      },
      {
        given: 'digest-day next monday',
        then: 'the rest value keeps its spaces',
        options: { setting: 'digest-day', value: 'next monday' },
      },
      {
        given: 'setting:digest value:off',
        then: 'both can be named',
        options: { setting: 'digest', value: 'off' },
      },
      {
        given: 'value:"off" digest',
        then: 'a named rest value first leaves the choice positional',
        options: { setting: 'digest', value: 'off' },
      },
      {
        given: 'colour blue',
        then: 'an unknown setting lists the choices',
        error:
          /^The setting is one of timezone, digest, digest-day, digest-hour, notes-consent \(you wrote "colour"\)\.$/,
      },
      {
        given: `timezone ${'x'.repeat(101)}`,
        then: 'a value over its limit is refused',
        error: /^The value can be at most 100 characters \(yours has 101\)/,
      },
    ],
  },
  {
    command: shareCommand,
    cases: [
      {
        given: 'https://open.spotify.com/track/abc',
        then: 'the link is read',
        options: { url: 'https://open.spotify.com/track/abc' },
      },
      {
        given: '<https://open.spotify.com/track/abc|Song>',
        then: "Slack's link markup is unwrapped",
        options: { url: 'https://open.spotify.com/track/abc' },
      },
      {
        given: 'url:https://open.spotify.com/track/abc',
        then: 'the link can be named',
        options: { url: 'https://open.spotify.com/track/abc' },
      },
      {
        given: '',
        then: 'a missing link shows the example',
        error: /^Tell me a link starting with https:\/\/, for example `\/share https:\/\/open\.spotify\.com/,
      },
      {
        given: 'ftp://example.com/x',
        then: 'another scheme is refused',
        error:
          /^The link must be a web address starting with https:\/\/ or http:\/\/ \(you wrote "ftp:\/\/example\.com\/x"\)\.$/,
      },
      {
        given: 'javascript:alert(1)',
        then: 'a javascript: link is read as an unknown option',
        error: /don't know the option "javascript"/,
      },
      { given: 'not-a-link', then: 'plain text is refused', error: /must be a web address/ },
      {
        given: 'not a link',
        then: 'words after the only option are part of it, so the link is refused, not the extra words',
        error:
          /^The link must be a web address starting with https:\/\/ or http:\/\/ \(you wrote "not a link"\)\.$/,
      },
      {
        given: 'https://open.spotify.com/track/abc what a song',
        then: 'a link followed by words is not a link',
        error: /^The link must be a web address/,
      },
    ],
  },
  {
    command: soleTextCommand,
    cases: [
      {
        given: 'two words here',
        then: 'the only option, a text, takes the whole line',
        options: { text: 'two words here' },
      },
      {
        given: 'text:two words',
        then: 'named, it takes the whole rest too',
        options: { text: 'two words' },
      },
      {
        given: '"quoted words" more',
        then: 'a quoted value ends at its quote, and a word after it has nowhere to go',
        error: /^I don't know where "more" goes/,
      },
    ],
  },
  {
    command: forgetCommand,
    cases: [
      { given: '', then: 'no confirmation is undefined', options: { confirm: undefined } },
      { given: 'confirm', then: 'the confirmation is read', options: { confirm: 'confirm' } },
      { given: 'CONFIRM', then: 'the confirmation is case-insensitive', options: { confirm: 'confirm' } },
      {
        given: 'yes',
        then: 'another word is refused',
        error: /^The confirmation is one of confirm \(you wrote "yes"\)\.$/,
      },
    ],
  },
];

describe.each(otherCases.map(({ command, cases }) => ({ name: command.name, command, cases })))(
  'parseCommandText for /$name',
  ({ command, cases }) => {
    it.each(rows(cases))('GIVEN `%s` THEN %s', (_shown, _then, row) => runCase(command, row));
  },
);

describe('splitCommandLine', () => {
  it.each([
    { given: '/mood 6 tired', then: { name: 'mood', args: '6 tired' } },
    { given: '/mood', then: { name: 'mood', args: '' } },
    { given: '  /Mood   6  tired  ', then: { name: 'mood', args: '6  tired' } },
    { given: '/mood\n6 tired', then: { name: 'mood', args: '6 tired' } },
    { given: 'mood 6', then: undefined },
    { given: '/', then: undefined },
    { given: '/mood:6', then: undefined },
  ])('GIVEN $given THEN it gives $then', ({ given, then }) => {
    expect(splitCommandLine(given)).toStrictEqual(then);
  });
});

describe('parseStructuredOptions', () => {
  it('GIVEN typed values from a platform THEN they are validated and normalised like text', () => {
    expect(
      parseStructuredOptions(moodCommand, { score: 6, emotions: 'Tired, Very  Anxious', note: ' long day ' }),
    ).toStrictEqual({ score: 6, emotions: ['tired', 'very anxious'], note: 'long day' });
  });

  it('GIVEN a tag string without commas THEN it is split on spaces, as typed text is', () => {
    expect(
      parseStructuredOptions(moodCommand, { score: 6, emotions: 'tired anxious' }).emotions,
    ).toStrictEqual(['tired', 'anxious']);
  });

  it('GIVEN null for an optional option THEN it is undefined', () => {
    expect(parseStructuredOptions(moodCommand, { score: 6, note: null })).toStrictEqual({
      score: 6,
      emotions: [],
      note: undefined,
    });
  });

  it('GIVEN a score of 11 THEN the message is the same as for typed text', () => {
    expect(() => parseStructuredOptions(moodCommand, { score: 11 })).toThrow(
      new UserError('The score is a whole number from 1 to 10 (you wrote 11).', 'OUT_OF_RANGE'),
    );
  });

  it('GIVEN no score THEN the missing message shows the example', () => {
    expect(() => parseStructuredOptions(moodCommand, {})).toThrow(
      /^Tell me a score from 1 to 10, for example/,
    );
  });

  it('GIVEN a key the command does not declare THEN a UserError lists the valid ones', () => {
    expect(() => parseStructuredOptions(moodCommand, { score: 6, colour: 'blue' })).toThrow(
      /don't know the option "colour"\. \/mood takes: score, emotions, note/,
    );
  });

  it('GIVEN a value of the wrong type THEN it is a UserError, not a crash', () => {
    expect(() => parseStructuredOptions(moodCommand, { score: 6, note: { text: 'x' } })).toThrow(UserError);
    expect(() => parseStructuredOptions(moodCommand, { score: [6] })).toThrow(UserError);
  });
});
