import { describe, expect, it } from 'vitest';
import { dateTimeText, localInstant, timeOfDay } from '../../../src/services/import/dates.js';

describe('timeOfDay', () => {
  it.each([
    ['21:30', 21 * 3600 + 30 * 60],
    ['09:05', 9 * 3600 + 5 * 60],
    ['9:05', 9 * 3600 + 5 * 60],
    ['21:30:15', 21 * 3600 + 30 * 60 + 15],
    ['9:30 PM', 21 * 3600 + 30 * 60],
    ['11:54 pm', 23 * 3600 + 54 * 60],
    ['12:15 AM', 15 * 60],
    ['12:30 PM', 12 * 3600 + 30 * 60],
    ['9:30\u202fPM', 21 * 3600 + 30 * 60],
    ['9:30 p.m.', 21 * 3600 + 30 * 60],
    ['9:30 a. m.', 9 * 3600 + 30 * 60],
    ['21.30', 21 * 3600 + 30 * 60],
    ['0:30 AM', 30 * 60],
  ])('GIVEN "%s" THEN it is %i seconds after midnight', (text, seconds) => {
    expect(timeOfDay(text)).toBe(seconds);
  });

  it.each(['24:00', '21:60', '13:00 PM', 'noon', '', '2130'])('GIVEN "%s" THEN it is not a time', (text) => {
    expect(timeOfDay(text)).toBeNull();
  });
});

describe('dateTimeText', () => {
  it.each([
    ['2024-03-05', { kind: 'day', day: '2024-03-05' }],
    ['2024-03-05 21:30', { kind: 'local', day: '2024-03-05', seconds: 77_400 }],
    ['2024-03-05T21:30:05', { kind: 'local', day: '2024-03-05', seconds: 77_405 }],
    ['2024-03-05T21:30:00Z', { kind: 'instant', at: new Date('2024-03-05T21:30:00Z') }],
    ['2024-03-05T21:30:00.5-02:30', { kind: 'instant', at: new Date('2024-03-06T00:00:00.500Z') }],
  ])('GIVEN "%s" THEN it is read as written', (text, expected) => {
    expect(dateTimeText(text)).toEqual(expected);
  });

  it.each([
    '2024-3-5',
    '05.03.2024',
    '2024-02-30',
    '2024-03-05T25:00',
    '2024-03-05T10:00+25:00',
    '1899-12-31',
  ])('GIVEN "%s" THEN it is not a date', (text) => {
    expect(dateTimeText(text)).toBeNull();
  });
});

describe('localInstant (daylight-saving changes)', () => {
  it('GIVEN a time the clocks skipped in New York THEN it moves forward by the hour of the gap', () => {
    expect(localInstant('2024-03-10', 2 * 3600 + 30 * 60, 'America/New_York')).toEqual({
      at: new Date('2024-03-10T07:30:00Z'),
      skipped: true,
    });
  });

  it('GIVEN an ordinary time THEN it is not marked skipped', () => {
    expect(localInstant('2024-03-10', 3 * 3600 + 30 * 60, 'America/New_York')).toEqual({
      at: new Date('2024-03-10T07:30:00Z'),
      skipped: false,
    });
  });
});
