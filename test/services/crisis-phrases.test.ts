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
});
