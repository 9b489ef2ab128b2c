import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseTag } from '../../../src/core/commands/options.js';
import { parseCommandText, parseStructuredOptions } from '../../../src/core/commands/parse-text.js';
import { codePointLength } from '../../../src/core/commands/text.js';
import { UserError } from '../../../src/core/errors.js';
import { emotionVocabulary, moodCommand } from './fixtures.js';

type MoodOptions = ReturnType<typeof parseCommandText<typeof moodCommand.options>>;

/** Every bound /mood declares, checked on a parse result; returns what is violated, or nothing. */
function violations(options: MoodOptions): string[] {
  const found: string[] = [];
  const { score, emotions, note } = options;
  if (!Number.isInteger(score) || score < 1 || score > 10) found.push(`score ${score}`);
  if (emotions.length > 10) found.push(`${emotions.length} tags`);
  if (new Set(emotions).size !== emotions.length) found.push('repeated tag');
  for (const tag of emotions) {
    if (tag === '' || codePointLength(tag) > 32) found.push(`tag length ${codePointLength(tag)}`);
    if (tag !== tag.toLowerCase()) found.push(`tag not lower case: ${tag}`);
    if (tag !== normaliseTag(tag)) found.push(`tag not normalised: ${tag}`);
  }
  if (note !== undefined) {
    if (note === '' || note !== note.trim()) found.push('note not trimmed');
    if (codePointLength(note) > 1000) found.push(`note length ${codePointLength(note)}`);
    for (const char of note) {
      const code = char.codePointAt(0) ?? 0;
      if ((code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0xd800 && code <= 0xdfff)) {
        found.push(`note holds U+${code.toString(16)}`);
      }
    }
  }
  return found;
}

/** Parses and reports either the bound violations of the result or the kind of error thrown. */
function outcome(text: string): 'ok' | 'user-error' | string {
  try {
    const found = violations(parseCommandText(moodCommand, text));
    return found.length === 0 ? 'ok' : `violates: ${found.join('; ')}`;
  } catch (error) {
    return error instanceof UserError ? 'user-error' : `threw ${String(error)}`;
  }
}

/** Fragments that steer random input into the parser's interesting paths. */
const syntax = fc.constantFrom(
  ' ',
  ' ',
  ',',
  '--',
  ' -- ',
  '—',
  '"',
  "'",
  '“',
  '”',
  '\\',
  ':',
  'score:',
  'emotions:',
  'note:',
  'Note: ',
  'colour:',
  'https://',
  '6',
  '10',
  '11',
  '0',
  '7.5',
  '-1',
  'tired',
  'Very  Tired',
  '\n',
  '\t',
  '\r\n',
  '\u0000',
  '\u0007',
  '\uD83D',
  '\uDE00',
  '😀',
  'İ',
  'ß',
  'a'.repeat(33),
  'x'.repeat(1001),
);

const inputs = {
  'printable graphemes': fc.string({ unit: 'grapheme', maxLength: 200 }),
  'any code point': fc.string({ unit: 'binary', maxLength: 200 }),
  'ASCII including controls': fc.string({ unit: 'binary-ascii', maxLength: 200 }),
  'command-like fragments': fc.array(syntax, { maxLength: 30 }).map((parts) => parts.join('')),
  'a score, many words and a note': fc
    .tuple(
      fc.integer({ min: -2, max: 12 }),
      fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'É', '😀', ' ', ','), maxLength: 40 }), {
        maxLength: 14,
      }),
      // Notes around the 1000-character limit as often as short ones.
      fc.oneof(fc.integer({ min: 995, max: 1005 }), fc.nat({ max: 1010 })),
      fc.string({ unit: fc.constantFrom('x', ' ', '\n', '--', '"'), maxLength: 5 }),
    )
    .map(([score, words, length, tail]) => `${score} ${words.join(' ')} -- ${'x'.repeat(length)}${tail}`),
  'fragments mixed with any code point': fc.string({
    unit: fc.oneof(syntax, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    maxLength: 40,
  }),
};

describe('parseCommandText on arbitrary text', () => {
  it.each(Object.entries(inputs))(
    'GIVEN %s THEN it returns options within every declared bound or throws a UserError, never anything else',
    (_name, arbitrary) => {
      fc.assert(
        fc.property(arbitrary, (text) => {
          expect(['ok', 'user-error']).toContain(outcome(text));
        }),
        { numRuns: 1000 },
      );
    },
  );
});

const score = fc.integer({ min: 1, max: 10 });
const emotions = fc.uniqueArray(fc.constantFrom(...emotionVocabulary), { maxLength: 10 });
/** Any printable note; what the parser keeps of it is the trimmed text, or nothing when blank. */
const note = fc.string({ unit: 'grapheme', maxLength: 100 });
const expectedNote = (text: string): string | undefined => text.trim() || undefined;
/** Escapes a value for a double-quoted string. */
const quoted = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

describe('parseCommandText on valid input', () => {
  it('GIVEN "<score> <tags...> -- <note>" THEN it gives back the score, the tags and the trimmed note', () => {
    fc.assert(
      fc.property(score, emotions, note, (s, tags, text) => {
        expect(parseCommandText(moodCommand, `${s} ${tags.join(' ')} -- ${text}`)).toStrictEqual({
          score: s,
          emotions: tags,
          note: expectedNote(text),
        });
      }),
    );
  });

  it('GIVEN "<score>, <tag>, <tag> -- <note>" with commas THEN the result is the same', () => {
    fc.assert(
      fc.property(score, emotions, note, (s, tags, text) => {
        expect(parseCommandText(moodCommand, `${s}, ${tags.join(', ')} -- ${text}`)).toStrictEqual({
          score: s,
          emotions: tags,
          note: expectedNote(text),
        });
      }),
    );
  });

  it('GIVEN named options in any order with a quoted note THEN the result is the same', () => {
    fc.assert(
      fc.property(score, emotions, note, fc.boolean(), (s, tags, text, noteFirst) => {
        const parts = [`score:${s}`, `emotions:"${tags.join(', ')}"`];
        const line = noteFirst ? [`note:${quoted(text)}`, ...parts] : [...parts, `note:${quoted(text)}`];
        expect(parseCommandText(moodCommand, line.join(' '))).toStrictEqual({
          score: s,
          emotions: tags,
          note: expectedNote(text),
        });
      }),
    );
  });

  it('GIVEN the same values typed and delivered structured THEN both parsers agree', () => {
    fc.assert(
      fc.property(score, emotions, note, (s, tags, text) => {
        const typed = parseCommandText(moodCommand, `${s} ${tags.join(' ')} -- ${text}`);
        const structured = parseStructuredOptions(moodCommand, {
          score: s,
          emotions: tags.join(', '),
          note: text,
        });
        expect(structured).toStrictEqual(typed);
      }),
    );
  });
});

describe('normaliseTag', () => {
  it('GIVEN any text THEN normalising twice changes nothing more than normalising once', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), (tag) => {
        expect(normaliseTag(normaliseTag(tag))).toBe(normaliseTag(tag));
      }),
      { numRuns: 1000 },
    );
  });
});
