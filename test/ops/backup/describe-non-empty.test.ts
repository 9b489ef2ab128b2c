import { describe, expect, it } from 'vitest';
import { describeNonEmpty } from '../../../src/ops/backup/postgres-restore.js';

describe('describeNonEmpty (why a restore into a database holding data is refused)', () => {
  it('GIVEN one row in a table THEN it says "1 row", not "1 rows"', () => {
    expect(describeNonEmpty({ 'public.users': 1, 'public.mood_entries': 2 })).toBe(
      '1 row in users, 2 rows in mood_entries',
    );
  });

  it('GIVEN five tables with rows THEN four are named and "1 more table" stands for the fifth', () => {
    const counts = { 'public.a': 1, 'public.b': 1, 'public.c': 1, 'public.d': 1, 'public.e': 1 };
    expect(describeNonEmpty(counts)).toBe('1 row in a, 1 row in b, 1 row in c, 1 row in d, and 1 more table');
  });
});
