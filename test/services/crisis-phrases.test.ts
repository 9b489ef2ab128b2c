import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  containsCrisisLanguage,
  crisisPhrases,
  normaliseForMatching,
} from '../../src/services/care/crisis-phrases.js';

describe('GIVEN crisis phrase matching', () => {
  it.each([
    ['I want to end my life', true],
    ["I don't want to live anymore", true],
    ['I DONT WANT TO LIVE', true],
    ['thinking about suicide', true],
    ['Quiero morir', true],
    ['j’ai envie de mourir', true],
    ['suicidio', true],
    ['long day at work, but the evening was better', false],
    ['the band killed it, my life is good', false],
    ['', false],
  ])('GIVEN "%s" THEN crisis language is %s', (text, expected) => {
    expect(containsCrisisLanguage(text)).toBe(expected);
  });

  it('THEN every listed phrase is found inside ordinary text', () => {
    for (const phrase of crisisPhrases)
      expect(containsCrisisLanguage(`today: ${phrase}.`), phrase).toBe(true);
  });

  it('THEN the ASCII fast path normalises exactly like the Unicode path', () => {
    const unicodePath = (text: string) =>
      ` ${text
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/['’‘`´]/g, '')
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim()} `;
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (text) => {
        expect(normaliseForMatching(text)).toBe(unicodePath(text));
      }),
      { numRuns: 500 },
    );
  });

  it('THEN the lookup by first word answers as testing every phrase would', () => {
    const everyPhrase = (text: string) => {
      const normalised = normaliseForMatching(text);
      return crisisPhrases.some((phrase) => normalised.includes(normaliseForMatching(phrase)));
    };
    // Texts built from the phrases' own words and a few others, so near misses and overlaps come up.
    const words = [...new Set(crisisPhrases.flatMap((p) => p.split(' '))), 'my', 'not', 'I', "don't", 'é'];
    const text = fc
      .array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 4 })), { maxLength: 12 })
      .chain((parts) => fc.constantFrom(parts.join(' '), parts.join(', '), parts.join('')));
    fc.assert(
      fc.property(text, (t) => {
        expect(containsCrisisLanguage(t)).toBe(everyPhrase(t));
      }),
      { numRuns: 2000 },
    );
  });
});
