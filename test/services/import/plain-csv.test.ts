import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../../../src/services/privacy/csv.js';
import { crlf, NOW, parse, refusal } from './support.js';

const HEADER = 'date,score,tags,note';
const at = (text: string) => new Date(text).toISOString();

describe('plain CSV (date,score,tags,note)', () => {
  it('GIVEN each accepted date form THEN each row is read at the instant it names', () => {
    const parsed = parse(
      crlf(
        HEADER,
        '2024-03-01,7,,',
        '2024-03-01 21:30,6,,',
        '2024-03-01T21:30:15,5,,',
        '2024-03-02T08:15:00Z,4,,',
        '2024-03-02T08:15:00.250+01:00,3,,',
        '2024-03-02 08:15-0500,2,,',
        '2024-03-02T08:15+05,1,,',
      ),
    );
    expect(parsed.format).toBe('csv');
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((e) => [e.line, e.at.toISOString(), e.score])).toEqual([
      [2, at('2024-03-01T12:00:00Z'), 7],
      [3, at('2024-03-01T21:30:00Z'), 6],
      [4, at('2024-03-01T21:30:15Z'), 5],
      [5, at('2024-03-02T08:15:00Z'), 4],
      [6, at('2024-03-02T07:15:00.250Z'), 3],
      [7, at('2024-03-02T13:15:00Z'), 2],
      [8, at('2024-03-02T03:15:00Z'), 1],
    ]);
  });

  it("GIVEN a date without a time THEN it is noon in the importer's zone", () => {
    const parsed = parse(crlf('date,score', '2024-03-01,7'), { timeZone: 'Asia/Tokyo' });
    expect(parsed.entries[0]?.at.toISOString()).toBe('2024-03-01T03:00:00.000Z');
  });

  it("GIVEN today's date before its noon THEN the entry is at now, not in the future", () => {
    const now = new Date('2024-03-05T09:00:00Z');
    const parsed = parse(crlf('date,score', '2024-03-05,7'), { now });
    expect(parsed.entries[0]?.at).toEqual(now);
    expect(parsed.problems).toEqual([]);
  });

  it('GIVEN tags separated by ; | or , and a quoted note with commas, quotes and a line break THEN both are read', () => {
    const parsed = parse(
      crlf(HEADER, '2024-03-01,7,"Tired; calm|Burned  Out, tired","Long day, said ""enough""\r\nand slept"'),
    );
    expect(parsed.entries[0]).toMatchObject({
      emotions: ['tired', 'calm', 'burned out'],
      note: 'Long day, said "enough"\nand slept',
    });
  });

  it('GIVEN only the date and score columns THEN rows have no emotions and no note', () => {
    const parsed = parse(crlf('date,score', '2024-03-01,7'));
    expect(parsed.entries[0]).toMatchObject({ emotions: [], note: null });
    expect(parsed.entries[0]).not.toHaveProperty('moodName');
  });

  it('GIVEN the columns in another order and in capitals THEN they are matched by name', () => {
    const parsed = parse(crlf('Note,Score,DATE', 'hello,7,2024-03-01'));
    expect(parsed.entries[0]).toMatchObject({
      score: 7,
      note: 'hello',
      at: new Date('2024-03-01T12:00:00Z'),
    });
  });

  it('GIVEN a file saved with ; between values (a European spreadsheet) THEN it is read', () => {
    const parsed = parse(crlf('date;score;tags;note', '2024-03-01;7;"tired;calm";ok, fine'));
    expect(parsed.entries[0]).toMatchObject({ score: 7, emotions: ['tired', 'calm'], note: 'ok, fine' });
  });

  it('GIVEN a file with tabs between values THEN it is read', () => {
    const parsed = parse('date\tscore\n2024-03-01\t7\n');
    expect(parsed.entries[0]?.score).toBe(7);
  });

  it('GIVEN an unquoted note with commas in the last column THEN the extra values are the rest of the note', () => {
    const parsed = parse(crlf(HEADER, '2024-03-01,7,tired,long day, really long'));
    expect(parsed.entries[0]?.note).toBe('long day, really long');
    expect(parsed.problems).toEqual([]);
  });

  it('GIVEN extra values when the note is not the last column THEN the row is a problem', () => {
    const parsed = parse(crlf('note,date,score', 'ok,2024-03-01,7', 'long day, really long,2024-03-02,7'));
    expect(parsed.problems).toEqual([
      { line: 3, reason: expect.stringMatching(/^This row has 4 values where the header has 3/) },
    ]);
  });

  it('GIVEN LF line ends and no final line end THEN every row is read', () => {
    expect(parse('date,score\n2024-03-01,7\n2024-03-02,8').entries.map((e) => e.line)).toEqual([2, 3]);
  });

  it("GIVEN the time zone's clocks going back THEN a time read twice is the first of the two", () => {
    const parsed = parse(crlf('date,score', '2024-10-27 01:30,7'), { now: new Date('2024-11-01T00:00:00Z') });
    expect(parsed.entries[0]?.at.toISOString()).toBe('2024-10-27T00:30:00.000Z');
  });

  it('GIVEN a time the clocks skipped THEN it is moved forward by the gap, with a kept problem', () => {
    const parsed = parse(crlf('date,score', '2024-03-31 01:30,7', '2024-03-31 01:10,6'), {
      now: new Date('2024-04-10T00:00:00Z'),
    });
    expect(parsed.entries.map((e) => e.at.toISOString())).toEqual([
      '2024-03-31T01:30:00.000Z',
      '2024-03-31T01:10:00.000Z',
    ]);
    expect(parsed.problems.map((p) => [p.line, p.kept])).toEqual([
      [2, true],
      [3, true],
    ]);
    expect(parsed.problems[0]?.reason).toContain('was read as 2024-03-31 02:30');
  });
});

describe('plain CSV rows that cannot be read', () => {
  it.each([
    ['11', 'The score must be a whole number from 1 to 10 (this row has "11"); fix it or remove the row.'],
    ['0', 'The score must be a whole number from 1 to 10 (this row has "0"); fix it or remove the row.'],
    ['7.5', 'The score must be a whole number from 1 to 10 (this row has "7.5"); fix it or remove the row.'],
    [
      'seven',
      'The score must be a whole number from 1 to 10 (this row has "seven"); fix it or remove the row.',
    ],
    ['', 'The score must be a whole number from 1 to 10 (this row has no score); fix it or remove the row.'],
  ])('GIVEN the score "%s" THEN the row is a problem: %s', (score, reason) => {
    const parsed = parse(crlf('date,score', '2024-03-01,7', `2024-03-02,${score}`));
    expect(parsed.problems).toEqual([{ line: 3, reason }]);
  });

  it.each([
    [
      '05/03/2024',
      /^The date "05\/03\/2024" can't be read; write it as 2024-03-05, .* \(a spreadsheet may have changed it/,
    ],
    [
      '2024-02-30',
      /^The date "2024-02-30" can't be read; write it as 2024-03-05, 2024-03-05 21:30 or 2024-03-05T21:30:00Z\.$/,
    ],
    ['2024-03-01 24:10', /^The date "2024-03-01 24:10" can't be read/],
    ['0204-03-01', /^The date "0204-03-01" can't be read/],
    ['', /^This row has no date/],
  ])('GIVEN the date "%s" THEN the row is a problem saying how to write dates', (date, reason) => {
    const parsed = parse(crlf('date,score', '2024-03-01,7', `${date},7`));
    expect(parsed.problems).toEqual([{ line: 3, reason: expect.stringMatching(reason) }]);
  });

  it('GIVEN a date after today THEN the row is a problem saying it is in the future', () => {
    const parsed = parse(crlf('date,score', '2024-03-01,7', '2024-03-06,7', '2024-03-05T22:00:01Z,7'));
    expect(parsed.problems).toEqual([
      { line: 3, reason: expect.stringMatching(/^2024-03-06 is in the future/) },
      { line: 4, reason: expect.stringMatching(/^2024-03-05 22:00:01 is in the future/) },
    ]);
  });

  it("GIVEN problems found in two passes THEN the file's problems are listed in line order", () => {
    const parsed = parse(crlf('date,score', '2024-03-01,11', 'date,score', '2024-03-02,7'));
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 3]);
  });
});

describe('plain CSV files refused', () => {
  it('GIVEN a column that is not one of date, score, tags, note THEN the refusal names it and the expected columns', () => {
    const error = refusal(crlf('date,score,tgas', '2024-03-01,7,tired'), { name: 'moods.csv' });
    expect(error.message).toBe(
      'The columns of "moods.csv" are date,score,tgas, but "tgas" isn\'t a column I read. A CSV file to import has the columns date,score,tags,note (date and score required, tags and note optional, in any order): rename or remove columns to match, e.g. a first line of date,score,tags,note.',
    );
    expect(error.code).toBe('IMPORT_WRONG_COLUMNS');
  });

  it('GIVEN no score column THEN the refusal says it is missing', () => {
    expect(refusal(crlf('date,note', '2024-03-01,hi')).message).toMatch(/but it has no score column/);
  });

  it('GIVEN a column named twice THEN the refusal says which', () => {
    expect(refusal(crlf('date,score,note,note', '2024-03-01,7,a,b')).message).toMatch(
      /the column note appears twice/,
    );
  });

  it('GIVEN a file without a header line THEN the refusal says to add one', () => {
    const error = refusal(crlf('2024-03-01,7,tired,ok'));
    expect(error.message).toMatch(
      /should name its columns, but it starts with data \(2024-03-01, 7, tired, ok\)\. If it is your own CSV, add the line date,score,tags,note/,
    );
  });

  it('GIVEN a CSV file with unknown columns THEN the refusal names them and every accepted format', () => {
    const error = refusal(crlf('when,how,why', 'x,y,z'), { name: 'other.csv' });
    expect(error.message).toBe(
      '"other.csv" isn\'t a file I know: its first line names the columns when, how, why. I can import a Daylio export (in Daylio: More > Export entries > CSV), a MoodScale export (the JSON file /export sends you), or a CSV file whose first line is date,score,tags,note (tags and note optional), e.g. 2024-03-05 21:30,7,tired;calm,long day.',
    );
  });
});

describe('MoodScale CSV export (id,created_at_utc,local_date,mood_score,emotions,note,note_unreadable)', () => {
  const HEAD = csvLine([
    'id',
    'created_at_utc',
    'local_date',
    'mood_score',
    'emotions',
    'note',
    'note_unreadable',
  ]);

  it('GIVEN rows written by csvLine THEN entries come back with their instants, emotions and notes', () => {
    const parsed = parse(
      crlf(
        HEAD,
        csvLine([
          1,
          '2024-03-01T20:30:00.000Z',
          '2024-03-01',
          7,
          'tired; calm',
          'Long day, "really"\nslept',
          null,
        ]),
        csvLine([2, '2024-03-02T08:00:00.000Z', '2024-03-02', 4, '', '=1+1', null]),
        csvLine([3, '2024-03-03T08:00:00.000Z', '2024-03-03', 5, '-sad', null, null]),
      ),
    );
    expect(parsed.format).toBe('csv');
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries).toEqual([
      {
        line: 2,
        at: new Date('2024-03-01T20:30:00Z'),
        score: 7,
        emotions: ['tired', 'calm'],
        note: 'Long day, "really"\nslept',
      },
      { line: 4, at: new Date('2024-03-02T08:00:00Z'), score: 4, emotions: [], note: '=1+1' },
      { line: 5, at: new Date('2024-03-03T08:00:00Z'), score: 5, emotions: ['-sad'], note: null },
    ]);
  });

  it('GIVEN a row whose note was unreadable at export THEN it is kept without a note and with a kept problem', () => {
    const parsed = parse(
      crlf(
        HEAD,
        csvLine([
          1,
          '2024-03-01T20:30:00.000Z',
          '2024-03-01',
          7,
          '',
          null,
          "encrypted with key k1, which this server doesn't have",
        ]),
      ),
    );
    expect(parsed.entries[0]?.note).toBeNull();
    expect(parsed.problems).toEqual([
      {
        line: 2,
        kept: true,
        reason:
          "The note could not be carried over (encrypted with key k1, which this server doesn't have); the entry is imported without it.",
      },
    ]);
  });

  it('GIVEN a created_at_utc that is not an instant THEN that row is a problem', () => {
    const parsed = parse(
      crlf(
        HEAD,
        csvLine([1, '2024-03-01T20:30:00.000Z', '', 7, '', '', '']),
        csvLine([2, '2024-03-01', '', 7, '', '', '']),
      ),
    );
    expect(parsed.problems).toEqual([
      { line: 3, reason: expect.stringMatching(/^The time "2024-03-01" in created_at_utc can't be read/) },
    ]);
  });
});

describe('plain CSV round trip (property)', () => {
  const words = ['tired', 'calm', 'happy', 'burned out', 'anxious', 'grateful'];
  const noteChars = fc.constantFrom('a', 'b', ' ', ',', '"', '\n', 'é', '😀', ';', '|');
  const earliest = Date.UTC(2000, 0, 1);
  const row = fc.record({
    ms: fc.integer({ min: earliest, max: NOW.getTime() }),
    score: fc.integer({ min: 1, max: 10 }),
    form: fc.constantFrom('z', 'offset', 'local'),
    offsetMinutes: fc.integer({ min: -12 * 60, max: 14 * 60 }).map((m) => m - (m % 15)),
    tags: fc.uniqueArray(fc.constantFrom(...words), { maxLength: 4 }),
    note: fc.string({ unit: noteChars, maxLength: 40 }),
  });
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');

  /** The row's date as the form writes it, and the instant it names. */
  function written(r: { ms: number; form: string; offsetMinutes: number }): { text: string; at: number } {
    if (r.form === 'z') return { text: new Date(r.ms).toISOString(), at: r.ms };
    const seconds = Math.floor(r.ms / 1000) * 1000;
    // Asia/Tokyo has kept +09:00 without daylight saving since 1951: its local wall time is UTC + 9 h.
    const offset = r.form === 'local' ? 9 * 60 : r.offsetMinutes;
    const wall = new Date(seconds + offset * 60_000).toISOString().slice(0, 19);
    if (r.form === 'local') return { text: wall.replace('T', ' '), at: seconds };
    const sign = offset < 0 ? '-' : '+';
    return { text: `${wall}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`, at: seconds };
  }

  it('GIVEN random valid rows written as CSV THEN they parse back to the same instants, scores, tags and notes', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), (rows) => {
        const lines = rows.map((r) => csvLine([written(r).text, r.score, r.tags.join(';'), r.note]));
        const parsed = parse(crlf('date,score,tags,note', ...lines), { timeZone: 'Asia/Tokyo' });
        expect(parsed.problems).toEqual([]);
        expect(parsed.entries.map((e) => [e.at.getTime(), e.score, e.emotions, e.note])).toEqual(
          rows.map((r) => [written(r).at, r.score, r.tags, r.note.trim() === '' ? null : r.note.trim()]),
        );
      }),
      { numRuns: 200 },
    );
  });
});
