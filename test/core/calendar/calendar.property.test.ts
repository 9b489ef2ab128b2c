import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  dayString,
  daysOfWeek,
  HOUR_MS,
  isIsoWeek,
  isoWeekday,
  isoWeekOf,
  localDay,
  localDayNumber,
  localMinuteOfDay,
  localParts,
  localTimeOfDay,
  MINUTE_MS,
  mondayOf,
  previousWeek,
  startOfLocalDay,
  weekSpan,
} from '../../../src/core/calendar/index.js';

// The oracle: wall clocks read straight from Intl, nothing from the module under test.
const oracleFormats = new Map<string, Intl.DateTimeFormat>();

function wallClock(at: number, zone: string): { date: string; hour: number; minute: number; offset: number } {
  let format = oracleFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    oracleFormats.set(zone, format);
  }
  const p: Record<string, string> = {};
  for (const part of format.formatToParts(at)) p[part.type] = part.value;
  const wall = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    hour: +p.hour!,
    minute: +p.minute!,
    offset: wall - Math.floor(at / 1000) * 1000,
  };
}

const dateIn = (at: number, zone: string) => wallClock(at, zone).date;

/** Every zone the runtime lists, and a few names it may list under another spelling or not at all. */
const ZONES = [
  ...new Set([
    ...Intl.supportedValuesOf('timeZone'),
    'UTC',
    'Etc/GMT+12',
    'Etc/GMT-14',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Australia/Eucla',
    'Pacific/Kiritimati',
  ]),
];

const FROM = Date.UTC(1970, 0, 1);
const UNTIL = Date.UTC(2100, 0, 1);

/**
 * Local days that are not 23, 24 or 25 hours long between 1970 and 2100, as the tz database has them
 * (2025c, the one in Node 20's ICU). Found by scanning every zone's offset changes for that span; each is a
 * real event: a change of standard time, alone or on top of a daylight-saving change, or a daylight saving
 * of two hours or of half an hour. A newer tz database may add one (a country changing its zone): the
 * failure then names it, to be checked and added.
 */
const IRREGULAR_DAYS: Record<string, Record<string, string>> = {
  'Africa/Monrovia': { '1972-01-07': '23:15:30' }, // Liberia leaves -0:44:30 for UTC
  'America/Argentina/La_Rioja': { '1991-02-28': '26:00' },
  'America/Argentina/Salta': { '1991-03-02': '26:00', '1991-10-20': '22:00' },
  'America/Argentina/San_Juan': { '1991-02-28': '26:00' },
  'America/Argentina/San_Luis': { '1990-03-13': '26:00' },
  'America/Argentina/Tucuman': { '1991-03-02': '26:00', '1991-10-20': '22:00' },
  'America/Bahia_Banderas': { '2010-04-04': '22:00' }, // Mountain to Central time with DST starting
  'America/Caracas': { '2007-12-09': '24:30', '2016-05-01': '23:30' }, // -4:30 and back
  'America/Catamarca': { '1991-03-02': '26:00', '1991-10-20': '22:00' },
  'America/Cordoba': { '1991-03-02': '26:00', '1991-10-20': '22:00' },
  'America/Danmarkshavn': { '1996-01-01': '21:00' }, // -3 to UTC
  'America/Goose_Bay': { '1988-04-03': '22:00', '1988-10-30': '26:00' }, // double daylight saving
  'America/Guyana': { '1975-08-01': '23:15' }, // -3:45 to -3
  'America/Indiana/Winamac': { '2007-03-11': '22:00' },
  'America/Inuvik': { '1979-04-29': '22:00' },
  'America/Iqaluit': { '1999-10-31': '26:00' },
  'America/Jujuy': { '1990-03-03': '26:00', '1991-10-06': '22:00' },
  'America/Juneau': { '1983-10-30': '26:00' }, // Pacific to Alaska time as DST ends
  'America/Mendoza': { '1990-03-03': '26:00', '1992-10-18': '22:00' },
  'America/Montevideo': { '1974-01-13': '22:30', '1974-08-31': '24:30' },
  'America/Paramaribo': { '1984-10-01': '23:30' }, // -3:30 to -3
  'America/Scoresbysund': { '1981-03-29': '22:00' },
  'America/Sitka': { '1983-10-30': '26:00' },
  'America/St_Johns': { '1988-04-03': '22:00', '1988-10-30': '26:00' }, // double daylight saving
  'Antarctica/Davis': {
    '2009-10-18': '26:00',
    '2010-03-11': '22:00',
    '2011-10-28': '26:00',
    '2012-02-22': '22:00',
  },
  'Antarctica/Rothera': { '1976-11-30': '27:00' },
  'Antarctica/Vostok': { '1994-01-31': '31:00', '1994-11-01': '17:00', '2023-12-18': '26:00' },
  'Asia/Aqtau': { '1994-09-25': '26:00' },
  'Asia/Chita': { '2014-10-26': '26:00' },
  'Asia/Colombo': { '1996-10-26': '24:30', '2006-04-15': '24:30' }, // +6:30, +6, back to +5:30
  'Asia/Katmandu': { '1986-01-01': '23:45' }, // +5:30 to +5:45
  'Asia/Kuala_Lumpur': { '1981-12-31': '23:30' },
  'Asia/Magadan': { '2014-10-26': '26:00' },
  'Asia/Pyongyang': { '2015-08-14': '24:30', '2018-05-04': '23:30' }, // +8:30 and back
  'Asia/Singapore': { '1981-12-31': '23:30' },
  'Asia/Tehran': { '1977-10-20': '24:30', '1978-11-10': '24:30' },
  'Asia/Thimphu': { '1987-10-01': '23:30' },
  'Asia/Ust-Nera': { '1981-04-01': '21:00' },
  'Europe/Simferopol': { '2014-03-30': '22:00' }, // to Moscow time
  'Pacific/Kiritimati': { '1979-10-01': '23:20' }, // -10:40 to -10
  'Pacific/Nauru': { '1979-02-10': '23:30' },
  'Pacific/Norfolk': { '2015-10-04': '24:30' }, // +11:30 to +11
  'Pacific/Pitcairn': { '1998-04-27': '23:30' },
};

/** Zones whose irregular days recur: every one in [from, to] has one of these lengths. */
const RECURRING: Record<string, { from: string; to: string; lengths: string[] }> = {
  'America/Santo_Domingo': { from: '1970-02-20', to: '1974-01-20', lengths: ['23:30', '24:30'] }, // half-hour DST
  'Antarctica/Casey': { from: '2009-10-18', to: '2023-03-09', lengths: ['21:00', '27:00'] }, // +8 and +11
  'Antarctica/Troll': { from: '2005-03-27', to: '2100-12-31', lengths: ['22:00', '26:00'] }, // two-hour DST
  'Australia/Lord_Howe': { from: '1981-03-01', to: '2100-12-31', lengths: ['23:30', '24:30'] }, // 30-minute DST
  'Pacific/Rarotonga': { from: '1979-03-03', to: '1991-03-02', lengths: ['23:30', '24:30'] }, // half-hour DST
};

/**
 * Where the clocks went back across midnight, so that a date began before the previous one ended and the
 * local date ran backwards: Newfoundland and New Brunswick ended daylight saving at 00:01, back to 23:01
 * the evening before; Casey went from +11 at 02:00 on 5 March 2010 back to 23:00 on the 4th. The dates
 * given are the first and last that began early. A day's start is its first beginning.
 */
const BACK_OVER_MIDNIGHT: Record<string, [string, string]> = {
  'America/St_Johns': ['1987-10-25', '2010-11-07'],
  'America/Goose_Bay': ['1987-10-25', '2010-11-07'],
  'America/Moncton': ['1993-10-31', '2006-10-29'],
  'Antarctica/Casey': ['2010-03-05', '2010-03-05'],
};

/** Later spellings of zones the table above names as Node 20's ICU does. */
const OLD_NAME: Record<string, string> = {
  'Asia/Kathmandu': 'Asia/Katmandu',
  'America/Argentina/Catamarca': 'America/Catamarca',
  'America/Argentina/Cordoba': 'America/Cordoba',
  'America/Argentina/Jujuy': 'America/Jujuy',
  'America/Argentina/Mendoza': 'America/Mendoza',
};

const tableName = (zone: string) => {
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  return OLD_NAME[resolved] ?? resolved;
};

/** A length of time as H:MM, or H:MM:SS when it has seconds. */
function hms(ms: number): string {
  const s = Math.round(ms / 1000);
  const text = `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}`;
  return s % 60 === 0 ? text : `${text}:${String(s % 60).padStart(2, '0')}`;
}

function lengthIsTheZones(zone: string, date: string, length: string): boolean {
  if (length === '23:00' || length === '24:00' || length === '25:00') return true;
  const name = tableName(zone);
  const recurring = RECURRING[name];
  if (recurring && date >= recurring.from && date <= recurring.to && recurring.lengths.includes(length))
    return true;
  return IRREGULAR_DAYS[name]?.[date] === length;
}

function beganBeforeThePreviousEnded(zone: string, date: string): boolean {
  const range = BACK_OVER_MIDNIGHT[tableName(zone)];
  return range !== undefined && date >= range[0] && date <= range[1];
}

/** The first offset change of `zone` in one half of `year`, found with Intl alone; undefined without one. */
function changeIn(zone: string, year: number, secondHalf: boolean): number | undefined {
  let lo = secondHalf ? Date.UTC(year, 6, 1) : Date.UTC(year, 0, 1);
  let hi = secondHalf ? Date.UTC(year + 1, 0, 1) : Date.UTC(year, 6, 1);
  const before = wallClock(lo, zone).offset;
  if (wallClock(hi, zone).offset === before) return undefined;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallClock(mid, zone).offset === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Any instant from 1970 to 2100, or (half the time) one within a day and a half of a clock change, often
 * within minutes of it.
 */
const instantIn = (zone: string) =>
  fc.oneof(
    fc.integer({ min: FROM, max: UNTIL - 1 }),
    fc
      .record({
        year: fc.integer({ min: 1970, max: 2099 }),
        secondHalf: fc.boolean(),
        shift: fc.oneof(
          fc.integer({ min: -36 * HOUR_MS, max: 36 * HOUR_MS }),
          fc.integer({ min: -20 * MINUTE_MS, max: 20 * MINUTE_MS }),
        ),
      })
      .map(
        ({ year, secondHalf, shift }) => (changeIn(zone, year, secondHalf) ?? Date.UTC(year, 6, 1)) + shift,
      ),
  );

const RUNS_PER_ZONE = 8;
const iso = (at: number) => new Date(at).toISOString();

describe('GIVEN any IANA zone and any instant from 1970 to 2100', () => {
  it('THEN the instant lies in its local day: from startOfLocalDay, the first instant of that date, to the next day’s start', () => {
    for (const zone of ZONES) {
      fc.assert(
        fc.property(instantIn(zone), (t) => {
          const where = `${zone} at ${iso(t)}`;
          const date = dateIn(t, zone);
          const day = localDayNumber(t, zone);
          expect(dayString(day), where).toBe(date);
          const start = startOfLocalDay(day, zone).getTime();
          const next = startOfLocalDay(day + 1, zone).getTime();
          expect(start, where).toBeLessThanOrEqual(t);
          expect(dateIn(start, zone), where).toBe(date);
          expect(dateIn(start - 1, zone) < date, `${where}: the day began before ${iso(start)}`).toBe(true);
          expect(dateIn(next, zone) > date, where).toBe(true);
          expect(dateIn(next - 1, zone) <= date, where).toBe(true);
          if (next <= t) {
            expect(
              beganBeforeThePreviousEnded(zone, dayString(day + 1)),
              `${where}: the next day began first`,
            ).toBe(true);
          }
        }),
        { numRuns: RUNS_PER_ZONE },
      );
    }
  });

  it('THEN consecutive local days are 23, 24 or 25 hours apart, or what the zone’s rules say that day', () => {
    for (const zone of ZONES) {
      fc.assert(
        fc.property(instantIn(zone), (t) => {
          const day = localDayNumber(t, zone);
          const length = hms(startOfLocalDay(day + 1, zone).getTime() - startOfLocalDay(day, zone).getTime());
          expect(
            lengthIsTheZones(zone, dayString(day), length),
            `${zone} ${dayString(day)} lasts ${length}`,
          ).toBe(true);
        }),
        { numRuns: RUNS_PER_ZONE },
      );
    }
  });

  it('THEN its local date, weekday and hour are the wall clock’s', () => {
    for (const zone of ZONES) {
      fc.assert(
        fc.property(instantIn(zone), (t) => {
          const wall = wallClock(t, zone);
          const weekday = ((new Date(`${wall.date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
          expect(localParts(new Date(t), zone), `${zone} at ${iso(t)}`).toEqual({
            date: wall.date,
            isoWeekday: weekday,
            hour: wall.hour,
          });
          expect(localDay(new Date(t), zone)).toBe(wall.date);
        }),
        { numRuns: 4 },
      );
    }
  });

  it('THEN its local time of day is the wall clock’s, to the minute', () => {
    for (const zone of ZONES) {
      fc.assert(
        fc.property(instantIn(zone), (t) => {
          const wall = wallClock(t, zone);
          const two = (n: number) => String(n).padStart(2, '0');
          expect(localMinuteOfDay(new Date(t), zone), `${zone} at ${iso(t)}`).toBe(
            wall.hour * 60 + wall.minute,
          );
          expect(localTimeOfDay(new Date(t), zone)).toBe(`${two(wall.hour)}:${two(wall.minute)}`);
        }),
        { numRuns: 4 },
      );
    }
  });

  it('THEN it belongs to exactly one ISO week, which holds its local date and meets the weeks either side', () => {
    for (const zone of ZONES) {
      fc.assert(
        fc.property(instantIn(zone), (t) => {
          const where = `${zone} at ${iso(t)}`;
          const period = isoWeekOf(localDayNumber(t, zone));
          const week = weekSpan(period, zone);
          expect(week.start.getTime(), where).toBeLessThanOrEqual(t);
          expect(week.end.getTime(), where).toBeGreaterThan(t);
          expect(daysOfWeek(period), where).toContain(dateIn(t, zone));
          expect(weekSpan(previousWeek(period), zone).end, where).toEqual(week.start);
          const following = isoWeekOf(dayString(localDayNumber(week.end.getTime(), zone)));
          expect(previousWeek(following), where).toBe(period);
          expect(weekSpan(following, zone).start, where).toEqual(week.end);
        }),
        { numRuns: 4 },
      );
    }
  });
});

describe('GIVEN any zone and any day, skipped ones included', () => {
  it('THEN the day starts at the first instant dated that day or later', () => {
    for (const zone of ZONES) {
      fc.assert(
        fc.property(fc.integer({ min: FROM / DAY_MS, max: UNTIL / DAY_MS - 1 }), (day) => {
          const start = startOfLocalDay(day, zone).getTime();
          const where = `${zone} ${dayString(day)} starts at ${iso(start)}`;
          expect(dateIn(start, zone) >= dayString(day), where).toBe(true);
          expect(dateIn(start - 1, zone) < dayString(day), where).toBe(true);
        }),
        { numRuns: 4 },
      );
    }
  });
});

// ISO 8601, independently: a year has 53 weeks when it starts on a Thursday, or is a leap year starting on
// a Wednesday.
const jan1Weekday = (year: number) => ((new Date(Date.UTC(year, 0, 1)).getUTCDay() + 6) % 7) + 1;
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const weeksIn = (year: number) =>
  jan1Weekday(year) === 4 || (isLeap(year) && jan1Weekday(year) === 3) ? 53 : 52;
const weekLabel = (year: number, week: number) => `${year}-W${String(week).padStart(2, '0')}`;

describe('GIVEN ISO weeks', () => {
  const year = fc.integer({ min: 1970, max: 2100 });
  const day = fc.integer({ min: FROM / DAY_MS, max: UNTIL / DAY_MS });

  it('THEN week 1 holds January 4th and starts on the Monday on or before it', () => {
    fc.assert(
      fc.property(year, (y) => {
        const jan4 = `${y}-01-04`;
        expect(isoWeekOf(jan4)).toBe(weekLabel(y, 1));
        const monday = mondayOf(weekLabel(y, 1));
        expect(isoWeekday(monday)).toBe(1);
        expect(monday <= jan4 && daysOfWeek(weekLabel(y, 1)).includes(jan4)).toBe(true);
      }),
    );
  });

  it('THEN a year has 53 weeks exactly when it starts on a Thursday, or is a leap year starting on a Wednesday', () => {
    fc.assert(
      fc.property(year, (y) => {
        expect(isIsoWeek(weekLabel(y, 53))).toBe(weeksIn(y) === 53);
        expect(isoWeekOf(`${y}-12-28`)).toBe(weekLabel(y, weeksIn(y)));
        expect(previousWeek(weekLabel(y + 1, 1))).toBe(weekLabel(y, weeksIn(y)));
      }),
    );
    expect([2015, 2020, 2026, 2032].map(weeksIn)).toEqual([53, 53, 53, 53]);
    expect([2021, 2024, 2025, 2027].map(weeksIn)).toEqual([52, 52, 52, 52]);
  });

  it('THEN the week changes on Mondays only, to the next week, across year ends too', () => {
    fc.assert(
      fc.property(day, (n) => {
        const today = isoWeekOf(n);
        const tomorrow = isoWeekOf(dayString(n + 1));
        const monday = new Date((n + 1) * DAY_MS).getUTCDay() === 1;
        expect(isoWeekday(n + 1) === 1).toBe(monday);
        if (!monday) expect(tomorrow).toBe(today);
        else {
          const [y, w] = today.split('-W').map(Number) as [number, number];
          expect(tomorrow).toBe(w === weeksIn(y) ? weekLabel(y + 1, 1) : weekLabel(y, w + 1));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('THEN the year ends fall in the week of their Thursday', () => {
    fc.assert(
      fc.property(year, fc.integer({ min: -3, max: 3 }), (y, k) => {
        const n = Date.UTC(y, 0, 1) / DAY_MS + k;
        const thursday = n + 4 - (((new Date(n * DAY_MS).getUTCDay() + 6) % 7) + 1);
        expect(isoWeekOf(n).slice(0, 4)).toBe(String(new Date(thursday * DAY_MS).getUTCFullYear()));
      }),
    );
  });
});
