import { describe, expect, it } from 'vitest';
import { plural } from '../../src/core/plural.js';

describe('plural (counts in CLI output such as "npm run restore")', () => {
  it.each([
    [1, 'row', undefined, '1 row'],
    [0, 'row', undefined, '0 rows'],
    [2, 'table', undefined, '2 tables'],
    [1, 'entry', 'entries', '1 entry'],
    [3, 'entry', 'entries', '3 entries'],
  ])('GIVEN %i and "%s" THEN it reads "%s"', (n, one, many, expected) => {
    expect(plural(n, one, many)).toBe(expected);
  });
});
