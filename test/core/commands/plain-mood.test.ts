import { describe, expect, it } from 'vitest';
import { readPlainMessage } from '../../../src/core/commands/plain-mood.js';

describe('a plain direct message', () => {
  it.each([
    ['6', '6'],
    ['6 tired', '6 tired'],
    ['6 tired, anxious -- long day', '6 tired, anxious -- long day'],
    ['6/10', '6'],
    ['6 / 10 tired', '6 tired'],
    ['  7.  ', '7'],
    ['8, calm', '8 calm'],
    ['5 -- a note only', '5 -- a note only'],
    ['6--long day', '6 --long day'],
  ])('GIVEN "%s" THEN it runs as /mood %s', (text, args) => {
    expect(readPlainMessage(text)).toEqual({ kind: 'mood', args });
  });

  it.each([
    ['11 great', '11 great'],
    ['3.5 meh', '3.5 meh'],
  ])(
    'GIVEN "%s" (not a valid score) THEN it still runs as /mood, whose answer says what to fix',
    (text, args) => {
      expect(readPlainMessage(text)).toEqual({ kind: 'mood', args });
    },
  );

  it.each(['hello', 'how are you?', '', '   ', 'tired 6', '6pm tomorrow', '10/10/2026'])(
    'GIVEN "%s" THEN it gets the hint, not a mood',
    (text) => {
      expect(readPlainMessage(text)).toEqual({ kind: 'hint' });
    },
  );
});
