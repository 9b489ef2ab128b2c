import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MINUTE_MS, startOfLocalDay } from '../../../src/core/calendar/index.js';
import { UserError } from '../../../src/core/errors.js';
import {
  addTime,
  type CheckinTimes,
  describeDays,
  dueSlot,
  EVERY_DAY,
  formatTimeOfDay,
  instantOfLocal,
  MAX_CHECKIN_TIMES,
  nextSlot,
  parseDays,
  parseTimeOfDay,
  previousSlot,
  removeTime,
  WEEKDAYS,
  WEEKENDS,
} from '../../../src/services/checkins/schedule.js';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | undefined) => date?.toISOString();
const daily = (...times: string[]): CheckinTimes => ({ times: times.map(parseTimeOfDay), days: EVERY_DAY });

/** The UserError `run` throws, failing the test when it throws nothing or something else. */
function userErrorOf(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

describe('parsing a time of day', () => {
  it.each([
    ['9pm', 21 * 60],
    ['9 pm', 21 * 60],
    ['9PM', 21 * 60],
    ['9 p.m.', 21 * 60],
    ['21:00', 21 * 60],
    ['21', 21 * 60],
    ['9:30am', 9 * 60 + 30],
    ['09:30', 9 * 60 + 30],
    ['0:05', 5],
    ['12am', 0],
    ['12:15am', 15],
    ['12pm', 12 * 60],
    ['12:45pm', 12 * 60 + 45],
    ['noon', 12 * 60],
    ['Midnight', 0],
    ['  7:05 AM ', 7 * 60 + 5],
    ['23:59', 23 * 60 + 59],
  ])('GIVEN "%s" THEN it is minute %i of the day', (text, minutes) => {
    expect(parseTimeOfDay(text)).toBe(minutes);
  });

  it.each(['25:00', '24:00', '9:75', '13pm', '0am', '', '   ', 'soon', '9:5', '930', '-1', '9pmm'])(
    'GIVEN "%s" THEN it is refused with the accepted forms',
    (text) => {
      const error = userErrorOf(() => parseTimeOfDay(text));
      expect(error.code).toBe('BAD_TIME');
      expect(error.message).toContain('21:00, 9pm, 9:30am, noon or midnight');
    },
  );

  it('GIVEN a time out of range THEN the message says which part is wrong and quotes what was written', () => {
    expect(userErrorOf(() => parseTimeOfDay('25:00')).message).toContain('hours run from 0 to 23');
    expect(userErrorOf(() => parseTimeOfDay('9:75')).message).toContain('minutes run from 00 to 59');
    expect(userErrorOf(() => parseTimeOfDay('13pm')).message).toContain('(13:00 is 1pm)');
    expect(userErrorOf(() => parseTimeOfDay('soon')).message).toContain('(you wrote "soon")');
    expect(userErrorOf(() => parseTimeOfDay('')).message).toContain('(you wrote nothing)');
  });

  it('GIVEN a long paste THEN the message quotes only its start', () => {
    const message = userErrorOf(() => parseTimeOfDay('x'.repeat(500))).message;
    expect(message).toContain(`"${'x'.repeat(30)}…"`);
    expect(message.length).toBeLessThan(150);
  });
});

describe('formatting a time of day', () => {
  it.each([
    [21 * 60, '21:00'],
    [9 * 60 + 30, '09:30'],
    [0, '00:00'],
    [23 * 60 + 59, '23:59'],
  ])('GIVEN minute %i THEN it reads %s', (minutes, text) => {
    expect(formatTimeOfDay(minutes)).toBe(text);
  });

  it('GIVEN every minute of the day THEN formatting and parsing round trip', () => {
    for (let minute = 0; minute < 24 * 60; minute++) {
      expect(parseTimeOfDay(formatTimeOfDay(minute))).toBe(minute);
    }
  });

  it.each([-1, 1440, 9.5, Number.NaN])('GIVEN %s THEN it is not a minute of the day', (minutes) => {
    expect(() => formatTimeOfDay(minutes)).toThrow(RangeError);
  });
});

describe('parsing days', () => {
  const MON = 1;
  const TUE = 2;
  const WED = 4;
  const THU = 8;
  const FRI = 16;
  const SAT = 32;
  const SUN = 64;

  it.each([
    ['every day', EVERY_DAY],
    ['Every  Day', EVERY_DAY],
    ['daily', EVERY_DAY],
    ['everyday', EVERY_DAY],
    ['all', EVERY_DAY],
    ['weekdays', WEEKDAYS],
    ['WEEKENDS', WEEKENDS],
    ['mon,wed,fri', MON | WED | FRI],
    ['mon wed fri', MON | WED | FRI],
    ['Monday, Tuesday', MON | TUE],
    ['monday and friday', MON | FRI],
    ['mon-fri', WEEKDAYS],
    ['Mon - Fri', WEEKDAYS],
    ['sat-sun', WEEKENDS],
    ['tue-thu', TUE | WED | THU],
    ['wednesday-thursday', WED | THU],
    ['sun', SUN],
    ['mon-mon', MON],
    ['weekends, mon', SAT | SUN | MON],
    ['mon, mon', MON],
  ])('GIVEN "%s" THEN the mask is %i', (text, mask) => {
    expect(parseDays(text)).toBe(mask);
  });

  it.each([
    ['fri-mon', 'fri-sun,mon'],
    ['sat-tue', 'sat-sun,mon-tue'],
    ['Sunday-Monday', 'sun-sun,mon'],
  ])('GIVEN the wrapping range "%s" THEN it is refused, suggesting %s', (text, suggestion) => {
    const error = userErrorOf(() => parseDays(text));
    expect(error.code).toBe('BAD_DAYS');
    expect(error.message).toContain('do not wrap');
    expect(error.message).toContain(`write ${suggestion} instead`);
  });

  it.each(['', 'someday', 'mo', 'tues', 'mon-', 'mon-wed-fri', 'mon,funday'])(
    'GIVEN "%s" THEN it is refused with an example',
    (text) => {
      const error = userErrorOf(() => parseDays(text));
      expect(error.code).toBe('BAD_DAYS');
      expect(error.message).toMatch(/mon-fri/);
    },
  );

  it('GIVEN an unknown day THEN the message names it', () => {
    expect(userErrorOf(() => parseDays('mon,funday')).message).toContain('"funday" is not a day');
  });
});

describe('describing days', () => {
  it.each([
    [EVERY_DAY, 'every day'],
    [WEEKDAYS, 'weekdays'],
    [WEEKENDS, 'weekends'],
    [0b0010101, 'Mon, Wed, Fri'],
    [0b1000000, 'Sun'],
    [0b1011111, 'Mon, Tue, Wed, Thu, Fri, Sun'],
    [0, 'no days'],
  ])('GIVEN mask %i THEN it reads "%s"', (mask, text) => {
    expect(describeDays(mask)).toBe(text);
  });

  it('GIVEN every non-empty mask THEN parsing its description gives it back', () => {
    for (let mask = 1; mask <= EVERY_DAY; mask++) expect(parseDays(describeDays(mask))).toBe(mask);
  });

  it.each([128, -1, 1.5])('GIVEN %s THEN it is not a days mask', (mask) => {
    expect(() => describeDays(mask)).toThrow(RangeError);
  });
});

describe('the instant of a local time', () => {
  it.each([
    // date, time, zone, instant
    ['2026-11-16', '09:00', 'America/New_York', '2026-11-16T14:00:00.000Z'],
    ['2026-07-01', '09:00', 'America/New_York', '2026-07-01T13:00:00.000Z'],
    ['2026-11-16', '09:00', 'Asia/Kolkata', '2026-11-16T03:30:00.000Z'],
    ['2026-11-16', '00:15', 'Asia/Kolkata', '2026-11-15T18:45:00.000Z'],
    ['2026-07-01', '09:00', 'Europe/London', '2026-07-01T08:00:00.000Z'],
    ['2026-11-16', '23:59', 'UTC', '2026-11-16T23:59:00.000Z'],
  ])('GIVEN %s %s in %s THEN it happens at %s', (date, time, zone, instant) => {
    expect(iso(instantOfLocal(date, parseTimeOfDay(time), zone))).toBe(instant);
  });

  it.each([
    // A time skipped by spring forward happens when the clocks change, the first instant after the gap.
    ['2026-03-29', '01:00', 'Europe/London', '2026-03-29T01:00:00.000Z'], // reads 02:00 BST
    ['2026-03-29', '01:30', 'Europe/London', '2026-03-29T01:00:00.000Z'],
    ['2026-03-29', '02:00', 'Europe/London', '2026-03-29T01:00:00.000Z'], // 02:00 BST exists
    ['2026-03-29', '00:59', 'Europe/London', '2026-03-29T00:59:00.000Z'],
    ['2026-03-08', '02:30', 'America/New_York', '2026-03-08T07:00:00.000Z'], // reads 03:00 EDT
    ['2026-09-06', '00:30', 'America/Santiago', '2026-09-06T04:00:00.000Z'], // midnight skipped: 01:00
  ])('GIVEN %s %s in %s, skipped by the clocks THEN it happens at %s', (date, time, zone, instant) => {
    expect(iso(instantOfLocal(date, parseTimeOfDay(time), zone))).toBe(instant);
  });

  it.each([
    // A time read twice when the clocks go back happens at its first reading (summer time).
    ['2026-10-25', '01:30', 'Europe/London', '2026-10-25T00:30:00.000Z'], // not 01:30Z (GMT)
    ['2026-10-25', '01:00', 'Europe/London', '2026-10-25T00:00:00.000Z'],
    ['2026-10-25', '02:00', 'Europe/London', '2026-10-25T02:00:00.000Z'], // read once, in GMT
    ['2026-11-01', '01:30', 'America/New_York', '2026-11-01T05:30:00.000Z'], // not 06:30Z (EST)
  ])('GIVEN %s %s in %s, read twice THEN it happens at %s', (date, time, zone, instant) => {
    expect(iso(instantOfLocal(date, parseTimeOfDay(time), zone))).toBe(instant);
  });

  it('GIVEN minute 0 THEN it is the start of the local day', () => {
    for (const zone of ['Europe/London', 'America/Santiago', 'Asia/Kolkata', 'Pacific/Apia']) {
      for (const date of ['2026-03-29', '2026-09-06', '2026-10-25', '2011-12-30']) {
        expect(iso(instantOfLocal(date, 0, zone))).toBe(iso(startOfLocalDay(date, zone)));
      }
    }
  });

  it('GIVEN a malformed date or minute THEN it is a programming error, not a user error', () => {
    expect(() => instantOfLocal('16/11/2026', 0, 'UTC')).toThrow(RangeError);
    expect(() => instantOfLocal('2026-11-16', 1440, 'UTC')).toThrow(RangeError);
  });
});

describe('when a check-in is due', () => {
  it.each([
    // zone, a 09:00 slot on Monday 2026-11-16
    ['America/New_York', '2026-11-16T14:00:00.000Z'],
    ['Asia/Kolkata', '2026-11-16T03:30:00.000Z'],
    ['Europe/London', '2026-11-16T09:00:00.000Z'],
  ])('GIVEN a 09:00 slot in %s THEN it is due at 09:00 local (%s)', (zone, slot) => {
    expect(iso(dueSlot(daily('09:00'), zone, at(slot)))).toBe(slot);
  });

  it.each([
    ['America/New_York', '2026-11-16T14:00:00.000Z'],
    ['Asia/Kolkata', '2026-11-16T03:30:00.000Z'],
    ['Europe/London', '2026-11-16T09:00:00.000Z'],
  ])('GIVEN a 09:00 slot in %s THEN it is still due at 09:59:59 local', (zone, slot) => {
    const late = new Date(Date.parse(slot) + 60 * MINUTE_MS - 1000);
    expect(iso(dueSlot(daily('09:00'), zone, late))).toBe(slot);
  });

  it.each([
    ['America/New_York', '2026-11-16T15:00:00.000Z'],
    ['Asia/Kolkata', '2026-11-16T04:30:00.000Z'],
    ['Europe/London', '2026-11-16T10:00:00.000Z'],
  ])('GIVEN a 09:00 slot in %s THEN nothing is due at 10:00 local (%s)', (zone, tenLocal) => {
    expect(dueSlot(daily('09:00'), zone, at(tenLocal))).toBeUndefined();
  });

  it('GIVEN a 09:00 slot THEN nothing is due at 08:59:59 local', () => {
    expect(dueSlot(daily('09:00'), 'Europe/London', at('2026-11-16T08:59:59Z'))).toBeUndefined();
  });

  it('GIVEN a 09:30 slot THEN it is due until the local hour ends at 10:00, not for 60 minutes', () => {
    const schedule = daily('09:30');
    expect(iso(dueSlot(schedule, 'Europe/London', at('2026-11-16T09:59:00Z')))).toBe(
      '2026-11-16T09:30:00.000Z',
    );
    expect(dueSlot(schedule, 'Europe/London', at('2026-11-16T10:00:00Z'))).toBeUndefined();
  });

  it('GIVEN a weekday-only schedule THEN nothing is due on a Saturday', () => {
    const weekdays = { times: [9 * 60], days: WEEKDAYS };
    expect(dueSlot(weekdays, 'Europe/London', at('2026-11-21T09:00:00Z'))).toBeUndefined();
    expect(iso(dueSlot(weekdays, 'Europe/London', at('2026-11-20T09:00:00Z')))).toBe(
      '2026-11-20T09:00:00.000Z',
    );
  });

  it('GIVEN three times a day THEN the latest one whose hour it still is, is due', () => {
    const schedule = daily('08:00', '12:00', '20:00');
    const due = (now: string) => iso(dueSlot(schedule, 'Europe/London', at(now)));
    expect(due('2026-11-16T12:30:00Z')).toBe('2026-11-16T12:00:00.000Z');
    expect(due('2026-11-16T20:10:00Z')).toBe('2026-11-16T20:00:00.000Z');
    expect(due('2026-11-16T08:00:00Z')).toBe('2026-11-16T08:00:00.000Z');
    expect(due('2026-11-16T13:00:00Z')).toBeUndefined();
  });

  it('GIVEN two times in one hour THEN the later one takes over once it arrives', () => {
    const schedule = daily('09:00', '09:30');
    expect(iso(dueSlot(schedule, 'Europe/London', at('2026-11-16T09:10:00Z')))).toBe(
      '2026-11-16T09:00:00.000Z',
    );
    expect(iso(dueSlot(schedule, 'Europe/London', at('2026-11-16T09:45:00Z')))).toBe(
      '2026-11-16T09:30:00.000Z',
    );
  });

  it('GIVEN no days or no times THEN nothing is ever due', () => {
    expect(dueSlot({ times: [540], days: 0 }, 'UTC', at('2026-11-16T09:00:00Z'))).toBeUndefined();
    expect(dueSlot({ times: [], days: EVERY_DAY }, 'UTC', at('2026-11-16T09:00:00Z'))).toBeUndefined();
  });
});

describe('when a check-in is due across clock changes', () => {
  it('GIVEN a 01:30 London slot on the spring-forward night THEN it is due from 02:00 BST, the first instant after the gap', () => {
    const schedule = daily('01:30');
    const due = (now: string) => iso(dueSlot(schedule, 'Europe/London', at(now)));
    expect(due('2026-03-29T00:59:59Z')).toBeUndefined(); // 00:59:59 GMT
    expect(due('2026-03-29T01:00:00Z')).toBe('2026-03-29T01:00:00.000Z'); // 02:00 BST
    expect(due('2026-03-29T01:59:59Z')).toBe('2026-03-29T01:00:00.000Z'); // 02:59:59 BST
    expect(due('2026-03-29T02:00:00Z')).toBeUndefined(); // 03:00 BST
  });

  it('GIVEN a 02:30 New York slot on the spring-forward night THEN it is due from 03:00 EDT within that hour', () => {
    const schedule = daily('02:30');
    const due = (now: string) => iso(dueSlot(schedule, 'America/New_York', at(now)));
    expect(due('2026-03-08T06:59:00Z')).toBeUndefined(); // 01:59 EST
    expect(due('2026-03-08T07:00:00Z')).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT
    expect(due('2026-03-08T07:59:00Z')).toBe('2026-03-08T07:00:00.000Z'); // 03:59 EDT
    expect(due('2026-03-08T08:00:00Z')).toBeUndefined(); // 04:00 EDT
  });

  it('GIVEN a 01:30 London slot on the fall-back night THEN it is due at its first reading only', () => {
    const schedule = daily('01:30');
    const due = (now: string) => iso(dueSlot(schedule, 'Europe/London', at(now)));
    expect(due('2026-10-25T00:30:00Z')).toBe('2026-10-25T00:30:00.000Z'); // 01:30 BST
    expect(due('2026-10-25T00:59:59Z')).toBe('2026-10-25T00:30:00.000Z'); // 01:59:59 BST
    // The clocks go back to 01:00 GMT: the same local hour again, 30 minutes after the slot, yet a repeat.
    expect(due('2026-10-25T01:00:00Z')).toBeUndefined(); // 01:00 GMT
    expect(due('2026-10-25T01:10:00Z')).toBeUndefined(); // 01:10 GMT
    expect(due('2026-10-25T01:30:00Z')).toBeUndefined(); // 01:30 GMT, the second reading
    expect(due('2026-10-25T01:59:00Z')).toBeUndefined();
  });

  it('GIVEN a 01:30 New York slot on the fall-back night THEN it is due at 01:30 EDT and not at 01:30 EST', () => {
    const schedule = daily('01:30');
    const due = (now: string) => iso(dueSlot(schedule, 'America/New_York', at(now)));
    expect(due('2026-11-01T05:30:00Z')).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
    expect(due('2026-11-01T05:59:00Z')).toBe('2026-11-01T05:30:00.000Z');
    expect(due('2026-11-01T06:00:00Z')).toBeUndefined(); // 01:00 EST
    expect(due('2026-11-01T06:30:00Z')).toBeUndefined(); // 01:30 EST
  });

  it('GIVEN a 02:30 London slot on the fall-back night THEN it is due once, at 02:30 GMT', () => {
    const due = (now: string) => iso(dueSlot(daily('02:30'), 'Europe/London', at(now)));
    expect(due('2026-10-25T01:30:00Z')).toBeUndefined(); // 01:30 GMT
    expect(due('2026-10-25T02:30:00Z')).toBe('2026-10-25T02:30:00.000Z');
  });

  it('GIVEN a 09:00 slot in the week the clocks change THEN it follows local 09:00', () => {
    const due = (now: string) => iso(dueSlot(daily('09:00'), 'Europe/London', at(now)));
    expect(due('2026-10-24T08:00:00Z')).toBe('2026-10-24T08:00:00.000Z'); // 09:00 BST
    expect(due('2026-10-25T08:00:00Z')).toBeUndefined(); // 08:00 GMT
    expect(due('2026-10-25T09:00:00Z')).toBe('2026-10-25T09:00:00.000Z'); // 09:00 GMT
  });
});

describe('the next and previous slots', () => {
  it('GIVEN a weekday schedule on a Friday afternoon THEN the next slot is Monday and the previous Friday', () => {
    const weekdays = { times: [9 * 60], days: WEEKDAYS };
    expect(iso(nextSlot(weekdays, 'Europe/London', at('2026-11-20T12:00:00Z')))).toBe(
      '2026-11-23T09:00:00.000Z',
    );
    expect(iso(previousSlot(weekdays, 'Europe/London', at('2026-11-22T12:00:00Z')))).toBe(
      '2026-11-20T09:00:00.000Z',
    );
  });

  it('GIVEN an instant that is a slot THEN next and previous are strictly after and before it', () => {
    const schedule = daily('08:00', '20:00');
    const slot = at('2026-11-16T08:00:00Z');
    expect(iso(nextSlot(schedule, 'UTC', slot))).toBe('2026-11-16T20:00:00.000Z');
    expect(iso(previousSlot(schedule, 'UTC', slot))).toBe('2026-11-15T20:00:00.000Z');
  });

  it('GIVEN a slot late in the day in a zone ahead of UTC THEN the next one may fall on the next UTC date', () => {
    const schedule = daily('09:00');
    expect(iso(nextSlot(schedule, 'Asia/Kolkata', at('2026-11-16T04:00:00Z')))).toBe(
      '2026-11-17T03:30:00.000Z',
    );
    expect(iso(nextSlot(daily('23:30'), 'Asia/Kolkata', at('2026-11-16T17:00:00Z')))).toBe(
      '2026-11-16T18:00:00.000Z',
    );
  });

  it('GIVEN one day a week THEN the slots are a week apart', () => {
    const sundays = { times: [9 * 60], days: 0b1000000 };
    const after = at('2026-11-22T09:00:00Z'); // Sunday 09:00
    expect(iso(nextSlot(sundays, 'UTC', after))).toBe('2026-11-29T09:00:00.000Z');
    expect(iso(previousSlot(sundays, 'UTC', after))).toBe('2026-11-15T09:00:00.000Z');
  });

  it('GIVEN no days or no times THEN there is no next or previous slot', () => {
    const now = at('2026-11-16T12:00:00Z');
    expect(nextSlot({ times: [540], days: 0 }, 'UTC', now)).toBeUndefined();
    expect(nextSlot({ times: [], days: EVERY_DAY }, 'UTC', now)).toBeUndefined();
    expect(previousSlot({ times: [540], days: 0 }, 'UTC', now)).toBeUndefined();
  });

  it('GIVEN a 09:00 London slot across the spring change THEN the slots are 23 hours apart', () => {
    const schedule = daily('09:00');
    const saturday = at('2026-03-28T09:00:00Z'); // 09:00 GMT
    expect(iso(nextSlot(schedule, 'Europe/London', saturday))).toBe('2026-03-29T08:00:00.000Z'); // 09:00 BST
    expect(iso(previousSlot(schedule, 'Europe/London', at('2026-03-29T08:00:00Z')))).toBe(
      '2026-03-28T09:00:00.000Z',
    );
  });

  it('GIVEN a 09:00 London slot across the autumn change THEN the slots are 25 hours apart', () => {
    const schedule = daily('09:00');
    expect(iso(nextSlot(schedule, 'Europe/London', at('2026-10-24T08:00:00Z')))).toBe(
      '2026-10-25T09:00:00.000Z',
    );
    expect(iso(previousSlot(schedule, 'Europe/London', at('2026-10-25T09:00:00Z')))).toBe(
      '2026-10-24T08:00:00.000Z',
    );
  });

  it('GIVEN a New York slot the spring change skips THEN the next slot is the change and then 02:30 EDT', () => {
    const schedule = daily('02:30');
    const saturday = at('2026-03-07T12:00:00Z');
    const skipped = nextSlot(schedule, 'America/New_York', saturday);
    expect(iso(skipped)).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT
    expect(iso(nextSlot(schedule, 'America/New_York', skipped!))).toBe('2026-03-09T06:30:00.000Z');
    expect(iso(previousSlot(schedule, 'America/New_York', skipped!))).toBe('2026-03-07T07:30:00.000Z');
  });

  it('GIVEN a slot the autumn change repeats THEN there is one slot that night, its first reading', () => {
    const schedule = daily('01:30');
    const first = at('2026-10-25T00:30:00Z'); // 01:30 BST
    expect(iso(nextSlot(schedule, 'Europe/London', at('2026-10-24T12:00:00Z')))).toBe(first.toISOString());
    expect(iso(nextSlot(schedule, 'Europe/London', first))).toBe('2026-10-26T01:30:00.000Z');
    expect(iso(previousSlot(schedule, 'Europe/London', at('2026-10-26T01:30:00Z')))).toBe(
      first.toISOString(),
    );
    expect(iso(previousSlot(schedule, 'Europe/London', first))).toBe('2026-10-24T00:30:00.000Z');
  });

  it('GIVEN the New York autumn change THEN the 01:30 slots run EDT, EDT, EST', () => {
    const schedule = daily('01:30');
    const first = nextSlot(schedule, 'America/New_York', at('2026-10-31T00:00:00Z'));
    const second = nextSlot(schedule, 'America/New_York', first!);
    const third = nextSlot(schedule, 'America/New_York', second!);
    expect([first, second, third].map(iso)).toEqual([
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
  });
});

describe('slots against each other, in zones with odd changes', () => {
  const zones = [
    'Europe/London',
    'America/New_York',
    'Asia/Kolkata',
    'America/Santiago',
    'Australia/Lord_Howe',
  ];
  const schedules = fc.record({
    times: fc.uniqueArray(fc.integer({ min: 0, max: 1439 }), { minLength: 1, maxLength: MAX_CHECKIN_TIMES }),
    days: fc.integer({ min: 1, max: EVERY_DAY }),
  });
  const instants = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) });

  it('GIVEN any instant THEN no slot lies between the previous slot and the next', () => {
    fc.assert(
      fc.property(schedules, fc.constantFrom(...zones), instants, (schedule, zone, t) => {
        const previous = previousSlot(schedule, zone, new Date(t));
        const next = nextSlot(schedule, zone, new Date(t));
        expect(previous!.getTime()).toBeLessThan(t);
        expect(next!.getTime()).toBeGreaterThan(t);
        expect(nextSlot(schedule, zone, previous!)!.getTime()).toBeGreaterThanOrEqual(t);
        expect(previousSlot(schedule, zone, next!)!.getTime()).toBeLessThanOrEqual(t);
      }),
      { numRuns: 300 },
    );
  });

  it('GIVEN any instant THEN a due slot is the latest slot at or before it, less than an hour ago', () => {
    fc.assert(
      fc.property(schedules, fc.constantFrom(...zones), instants, (schedule, zone, t) => {
        const due = dueSlot(schedule, zone, new Date(t));
        if (!due) return;
        expect(due.getTime()).toBeLessThanOrEqual(t);
        expect(t - due.getTime()).toBeLessThan(60 * MINUTE_MS);
        expect(iso(previousSlot(schedule, zone, new Date(t + 1)))).toBe(iso(due));
      }),
      { numRuns: 300 },
    );
  });
});

describe('adding and removing times', () => {
  it('GIVEN times THEN adding one returns a new sorted array and leaves the old one alone', () => {
    const times = [21 * 60, 9 * 60];
    expect(addTime(times, 12 * 60)).toEqual([9 * 60, 12 * 60, 21 * 60]);
    expect(times).toEqual([21 * 60, 9 * 60]);
  });

  it('GIVEN a time that is set already THEN adding it changes nothing, even with the most set', () => {
    expect(addTime([540, 720, 1260], 720)).toEqual([540, 720, 1260]);
  });

  it(`GIVEN ${MAX_CHECKIN_TIMES} times THEN adding a fourth is refused, naming them and /checkin remove`, () => {
    const error = userErrorOf(() => addTime([1260, 540, 720], 1080));
    expect(error.code).toBe('TOO_MANY_TIMES');
    expect(error.message).toContain('(09:00, 12:00, 21:00)');
    expect(error.message).toContain('/checkin remove');
    expect(error.message).toContain('18:00');
  });

  it('GIVEN times THEN removing one returns the rest, sorted', () => {
    const times = [1260, 540, 720];
    expect(removeTime(times, 720)).toEqual([540, 1260]);
    expect(times).toEqual([1260, 540, 720]);
    expect(removeTime([540], 540)).toEqual([]);
  });

  it('GIVEN a time that is not set THEN removing it is refused, listing those that are', () => {
    const error = userErrorOf(() => removeTime([1260, 540], 600));
    expect(error.code).toBe('TIME_NOT_SET');
    expect(error.message).toContain('10:00 is not one of your check-in times (09:00, 21:00)');
    expect(userErrorOf(() => removeTime([], 600)).message).toContain('you have none set');
  });
});
