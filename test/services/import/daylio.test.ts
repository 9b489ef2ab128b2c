import { describe, expect, it } from 'vitest';
import {
  applyMoodMap,
  DAYLIO_DEFAULT_SCORES,
  type ImportedEntry,
} from '../../../src/services/import/parse-import.js';
import { crlf, parse, refusal } from './support.js';

const HEADER = 'full_date,date,weekday,time,mood,activities,note_title,note';
const OLDER_HEADER = 'year,date,weekday,time,mood,activities,note';

/** A current export from a phone with 12-hour times: BOM, CRLF, quotes, HTML and a multi-line note. */
const TWELVE_HOUR = `\uFEFF${crlf(
  HEADER,
  '2024-03-05,March 5,Tuesday,9:30 PM,good,"work | friends | tired","Long day","Met <b>Sam</b> for ""coffee"".<br>Slept early."',
  '2024-03-04,March 4,Monday,8:05 AM,rad,"","",""',
  '2024-03-03,March 3,Sunday,11:54 PM,meh,"family | movies / tv","","First line\r\nsecond line"',
  '2024-03-02,March 2,Saturday,12:15 AM,bad,"bad sleep","",""',
  '2024-03-01,March 1,Friday,12:30 PM,awful,"sick","",""',
)}`;

const brief = (entries: ImportedEntry[]) =>
  entries.map((e) => ({ line: e.line, at: e.at.toISOString(), score: e.score, mood: e.moodName }));

describe('Daylio CSV export', () => {
  it('GIVEN a current export with 12-hour times, a BOM and CRLF THEN every row is read at its local time', () => {
    const parsed = parse(TWELVE_HOUR, { name: 'daylio_export.csv' });
    expect(parsed.format).toBe('daylio');
    expect(parsed.problems).toEqual([]);
    expect(brief(parsed.entries)).toEqual([
      { line: 2, at: '2024-03-05T21:30:00.000Z', score: 8, mood: 'good' },
      { line: 3, at: '2024-03-04T08:05:00.000Z', score: 10, mood: 'rad' },
      { line: 4, at: '2024-03-03T23:54:00.000Z', score: 6, mood: 'meh' },
      { line: 6, at: '2024-03-02T00:15:00.000Z', score: 3, mood: 'bad' },
      { line: 7, at: '2024-03-01T12:30:00.000Z', score: 1, mood: 'awful' },
    ]);
  });

  it('GIVEN a current export with 24-hour times THEN the times are read the same way', () => {
    const parsed = parse(
      crlf(
        HEADER,
        '2024-03-05,5 March,Tuesday,21:30,good,"","",""',
        '2024-03-04,4 March,Monday,08:05,rad,"","",""',
      ),
    );
    expect(brief(parsed.entries)).toEqual([
      { line: 2, at: '2024-03-05T21:30:00.000Z', score: 8, mood: 'good' },
      { line: 3, at: '2024-03-04T08:05:00.000Z', score: 10, mood: 'rad' },
    ]);
  });

  it('GIVEN a time zone with an offset THEN Daylio times are local to it', () => {
    const parsed = parse(crlf(HEADER, '2024-03-05,March 5,Tuesday,9:30 PM,good,"","",""'), {
      timeZone: 'America/New_York',
      now: new Date('2024-03-06T12:00:00Z'),
    });
    expect(parsed.entries[0]?.at.toISOString()).toBe('2024-03-06T02:30:00.000Z');
  });

  it('GIVEN an export from an older Daylio (year and "18 May" or "May 17") THEN it is read too', () => {
    const parsed = parse(
      crlf(
        OLDER_HEADER,
        '2018,18 May,Friday,11:54 pm,rad,"clean | cook | music","Went to a party"',
        '2018,May 17,Thursday,22:21,good,"cook | stressed ",""',
      ),
    );
    expect(parsed.format).toBe('daylio');
    expect(parsed.entries).toEqual([
      {
        line: 2,
        at: new Date('2018-05-18T22:54:00Z'),
        score: 10,
        moodName: 'rad',
        emotions: ['clean', 'cook', 'music'],
        note: 'Went to a party',
      },
      {
        line: 3,
        at: new Date('2018-05-17T21:21:00Z'),
        score: 8,
        moodName: 'good',
        emotions: ['cook', 'stressed'],
        note: null,
      },
    ]);
  });

  it('GIVEN activities separated by " | " with stray spaces and capitals THEN they become normalised emotions', () => {
    const parsed = parse(
      crlf(HEADER, '2024-03-05,March 5,Tuesday,21:30,good,"Work |  Movies / TV | work | bad   sleep ","",""'),
    );
    expect(parsed.entries[0]?.emotions).toEqual(['work', 'movies / tv', 'bad sleep']);
  });

  it('GIVEN a title and a note with HTML and doubled quotes THEN the note is the title, a line break and plain text', () => {
    const [entry] = parse(TWELVE_HOUR).entries;
    expect(entry?.note).toBe('Long day\nMet Sam for "coffee".\nSlept early.');
  });

  it('GIVEN a note with a line break inside quotes THEN the break is kept and the next row has the right line', () => {
    const entries = parse(TWELVE_HOUR).entries;
    expect(entries[2]?.note).toBe('First line\nsecond line');
    expect(entries[3]?.line).toBe(6);
  });

  it('GIVEN entities and a list in a note THEN they are decoded and "<3" is kept', () => {
    const parsed = parse(
      crlf(
        HEADER,
        '2024-03-05,March 5,Tuesday,21:30,good,"","","Tom &amp; me &lt;3<ul><li>tea</li><li>cake</li></ul>"',
      ),
    );
    expect(parsed.entries[0]?.note).toBe('Tom & me <3\n• tea\n• cake');
  });

  it('GIVEN a mood name with a capital and a trailing space THEN it is the default mood', () => {
    const [entry] = parse(crlf(HEADER, '2024-03-05,March 5,Tuesday,21:30,Good ,"","",""')).entries;
    expect(entry).toMatchObject({ score: 8, moodName: 'Good' });
  });

  it('GIVEN custom moods THEN their rows have no score and each mood is counted once per row', () => {
    const parsed = parse(
      crlf(
        HEADER,
        '2024-03-05,March 5,Tuesday,21:30,Sleepy,"","",""',
        '2024-03-04,March 4,Monday,21:30,ok but sleepy,"","",""',
        '2024-03-03,March 3,Sunday,21:30,OK  but sleepy,"","",""',
        '2024-03-02,March 2,Saturday,21:30,good,"","",""',
      ),
    );
    expect(parsed.entries.map((e) => [e.score, e.moodName])).toEqual([
      [null, 'Sleepy'],
      [null, 'ok but sleepy'],
      [null, 'OK but sleepy'],
      [8, 'good'],
    ]);
    expect(parsed.unmappedMoods).toEqual([
      { name: 'sleepy', rows: 1 },
      { name: 'ok but sleepy', rows: 2 },
    ]);
  });

  it('GIVEN a custom mood named like an Object property ("constructor") THEN it is a custom mood, not a score', () => {
    const parsed = parse(crlf(HEADER, '2024-03-05,March 5,Tuesday,21:30,constructor,"","",""'));
    expect(parsed.entries[0]?.score).toBeNull();
    expect(parsed.unmappedMoods).toEqual([{ name: 'constructor', rows: 1 }]);
  });

  it('GIVEN a moodMap THEN the mapped custom moods get their scores when parsing', () => {
    const parsed = parse(
      crlf(
        HEADER,
        '2024-03-05,March 5,Tuesday,21:30,Sleepy,"","",""',
        '2024-03-04,March 4,Monday,21:30,Anxious,"","",""',
      ),
      { moodMap: { sleepy: 5 } },
    );
    expect(parsed.entries.map((e) => e.score)).toEqual([5, null]);
    expect(parsed.unmappedMoods).toEqual([{ name: 'anxious', rows: 1 }]);
  });

  it('GIVEN a moodMap naming a default mood THEN it overrides the default score', () => {
    const parsed = parse(crlf(HEADER, '2024-03-05,March 5,Tuesday,21:30,meh,"","",""'), {
      moodMap: { meh: 5 },
    });
    expect(parsed.entries[0]?.score).toBe(5);
  });

  it('GIVEN a parse with unmapped moods WHEN applyMoodMap scores them THEN the entries are scored and the list recounted', () => {
    const parsed = parse(
      crlf(
        HEADER,
        '2024-03-05,March 5,Tuesday,21:30,Sleepy,"","",""',
        '2024-03-04,March 4,Monday,21:30,Anxious,"","",""',
      ),
    );
    const mapped = applyMoodMap(parsed, { Sleepy: 4 });
    expect(mapped.entries.map((e) => e.score)).toEqual([4, null]);
    expect(mapped.unmappedMoods).toEqual([{ name: 'anxious', rows: 1 }]);
    expect(parsed.entries[0]?.score).toBeNull();
  });

  it('GIVEN a moodMap score outside 1-10 THEN applyMoodMap refuses it naming the mood', () => {
    const parsed = parse(crlf(HEADER, '2024-03-05,March 5,Tuesday,21:30,Sleepy,"","",""'));
    expect(() => applyMoodMap(parsed, { sleepy: 11 })).toThrow(
      /Daylio mood "sleepy" must be a whole number from 1 to 10 \(you gave 11\)/,
    );
  });

  it("GIVEN the default mapping THEN it is the linear map of Daylio's five faces onto 1..10", () => {
    expect(DAYLIO_DEFAULT_SCORES).toEqual({ rad: 10, good: 8, meh: 6, bad: 3, awful: 1 });
    for (const [level, mood] of ['awful', 'bad', 'meh', 'good', 'rad'].entries()) {
      expect(DAYLIO_DEFAULT_SCORES[mood]).toBe(Math.round(1 + (level * 9) / 4));
    }
  });
});

describe('Daylio rows that cannot be read', () => {
  const row = (fullDate: string, time: string, mood = 'good') =>
    `${fullDate},March 5,Tuesday,${time},${mood},"","",""`;

  it('GIVEN a date that does not exist THEN that row is a problem with its line', () => {
    const parsed = parse(crlf(HEADER, row('2024-03-05', '21:30'), row('2023-02-29', '21:30')));
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.problems).toEqual([
      {
        line: 3,
        reason: expect.stringMatching(
          /^The date "2023-02-29" can't be read; export the entries again from Daylio \(More > Export entries > CSV\)/,
        ),
      },
    ]);
  });

  it('GIVEN an older export date in another language THEN that row is a problem', () => {
    const parsed = parse(
      crlf(OLDER_HEADER, '2018,18 May,Friday,21:00,rad,"",""', '2018,18 Mai,Freitag,21:00,rad,"",""'),
    );
    expect(parsed.problems).toEqual([
      { line: 3, reason: expect.stringContaining('The date "18 Mai 2018" can\'t be read') },
    ]);
  });

  it('GIVEN a time that is not a time THEN that row is a problem saying how times are written', () => {
    const parsed = parse(
      crlf(HEADER, row('2024-03-05', '21:30'), row('2024-03-04', '25:10'), row('2024-03-03', '13:10 PM')),
    );
    expect(parsed.problems.map((p) => p.line)).toEqual([3, 4]);
    expect(parsed.problems[0]?.reason).toMatch(
      /^The time "25:10" can't be read; write it as 21:30 or 9:30 PM/,
    );
  });

  it('GIVEN a row without a mood THEN that row is a problem', () => {
    const parsed = parse(crlf(HEADER, row('2024-03-05', '21:30'), row('2024-03-04', '21:30', '')));
    expect(parsed.problems).toEqual([{ line: 3, reason: expect.stringContaining('no mood') }]);
  });

  it('GIVEN a row dated after now THEN it is a problem saying it is in the future', () => {
    const parsed = parse(crlf(HEADER, row('2024-03-05', '22:30'), row('2024-03-05', '21:30')));
    expect(parsed.entries.map((e) => e.line)).toEqual([3]);
    expect(parsed.problems).toEqual([
      {
        line: 2,
        reason: expect.stringMatching(
          /^2024-03-05 22:30 is in the future \(times are read in Europe\/London\)/,
        ),
      },
    ]);
  });

  it('GIVEN a row with fewer values than the header THEN it is a problem about a misplaced comma or quote', () => {
    const parsed = parse(crlf(HEADER, row('2024-03-05', '21:30'), '2024-03-04,March 4,Monday,21:30,good'));
    expect(parsed.problems).toEqual([
      { line: 3, reason: expect.stringMatching(/^This row has 5 values where the header has 8/) },
    ]);
  });

  it('GIVEN a quote that is never closed THEN that row is a problem and the rows before it are read', () => {
    const parsed = parse(
      crlf(
        HEADER,
        row('2024-03-05', '21:30'),
        '2024-03-04,March 4,Monday,21:30,good,"","","oops',
        row('2024-03-03', '21:30'),
      ),
    );
    expect(parsed.entries.map((e) => e.line)).toEqual([2]);
    expect(parsed.problems).toEqual([{ line: 3, reason: expect.stringContaining('never closed') }]);
  });

  it('GIVEN the header repeated in the middle (two exports pasted together) THEN that line is a problem', () => {
    const parsed = parse(crlf(HEADER, row('2024-03-05', '21:30'), HEADER, row('2024-03-04', '21:30')));
    expect(parsed.entries.map((e) => e.line)).toEqual([2, 4]);
    expect(parsed.problems).toEqual([{ line: 3, reason: expect.stringContaining('repeats the header') }]);
  });

  it('GIVEN blank lines and an empty spreadsheet row THEN they are passed over without problems', () => {
    const parsed = parse(crlf(HEADER, '', row('2024-03-05', '21:30'), ',,,,,,,', ''));
    expect(parsed.entries.map((e) => e.line)).toEqual([3]);
    expect(parsed.problems).toEqual([]);
  });
});

describe('Daylio rows kept with a change', () => {
  it('GIVEN more activities than an entry has THEN the first 10 are kept and the rest named in a kept problem', () => {
    const activities = Array.from({ length: 12 }, (_, i) => `a${i + 1}`).join(' | ');
    const parsed = parse(crlf(HEADER, `2024-03-05,March 5,Tuesday,21:30,good,"${activities}","",""`));
    expect(parsed.entries[0]?.emotions).toEqual([
      'a1',
      'a2',
      'a3',
      'a4',
      'a5',
      'a6',
      'a7',
      'a8',
      'a9',
      'a10',
    ]);
    expect(parsed.problems).toEqual([
      {
        line: 2,
        kept: true,
        reason: 'Kept the first 10 activities as emotions, the most an entry has, and left out "a11", "a12".',
      },
    ]);
  });

  it('GIVEN an activity longer than 32 characters THEN it is left out with a kept problem', () => {
    const long = 'meditation with the headspace app at dawn';
    const parsed = parse(crlf(HEADER, `2024-03-05,March 5,Tuesday,21:30,good,"work | ${long}","",""`));
    expect(parsed.entries[0]?.emotions).toEqual(['work']);
    expect(parsed.problems).toEqual([
      { line: 2, kept: true, reason: expect.stringContaining(`Left out "${long}"`) },
    ]);
  });

  it('GIVEN a note longer than 1,000 characters THEN it is cut to 1,000 with a kept problem', () => {
    const parsed = parse(
      crlf(HEADER, `2024-03-05,March 5,Tuesday,21:30,good,"","Title","${'x'.repeat(1200)}"`),
    );
    const note = parsed.entries[0]?.note ?? '';
    expect([...note]).toHaveLength(1000);
    expect(note.startsWith('Title\nxxx')).toBe(true);
    expect(note.endsWith('…')).toBe(true);
    expect(parsed.problems).toEqual([
      {
        line: 2,
        kept: true,
        reason: 'The note was cut to 1,000 characters, the most an entry keeps (it had 1,206).',
      },
    ]);
  });

  it('GIVEN a note with a control character THEN the character is removed with a kept problem', () => {
    const parsed = parse(crlf(HEADER, '2024-03-05,March 5,Tuesday,21:30,good,"","","bell\u0007 rang"'));
    expect(parsed.entries[0]?.note).toBe('bell rang');
    expect(parsed.problems).toEqual([
      { line: 2, kept: true, reason: expect.stringContaining('control character') },
    ]);
  });

  it('GIVEN a time the clocks skipped THEN it is moved forward by the gap, with a kept problem', () => {
    const parsed = parse(crlf(HEADER, '2024-03-31,March 31,Sunday,1:30 AM,good,"","",""'), {
      now: new Date('2024-04-10T12:00:00Z'),
    });
    expect(parsed.entries[0]?.at.toISOString()).toBe('2024-03-31T01:30:00.000Z');
    expect(parsed.problems).toEqual([
      {
        line: 2,
        kept: true,
        reason:
          '2024-03-31 01:30 did not happen in Europe/London: the clocks went forward that night, so it was read as 2024-03-31 02:30.',
      },
    ]);
  });
});

describe('Daylio files refused', () => {
  it('GIVEN a Daylio header missing columns THEN the refusal names the columns found and expected', () => {
    const error = refusal(
      crlf('full_date,date,weekday,time,mood,activities', '2024-03-05,March 5,Tuesday,21:30,good,""'),
      {
        name: 'daylio_export.csv',
      },
    );
    expect(error.message).toBe(
      '"daylio_export.csv" looks like a Daylio export, but its columns are full_date,date,weekday,time,mood,activities, and a Daylio export has full_date,date,weekday,time,mood,activities,note_title,note (or year,date,weekday,time,mood,activities,note from older versions). Export your entries again from Daylio (More > Export entries > CSV) and import that file without editing it.',
    );
    expect(error.code).toBe('IMPORT_WRONG_COLUMNS');
  });

  it('GIVEN a Daylio export with extra columns after the known ones THEN it is read and they are ignored', () => {
    const parsed = parse(crlf(`${HEADER},scales`, '2024-03-05,March 5,Tuesday,21:30,good,"","","",3'));
    expect(parsed.entries).toHaveLength(1);
  });

  it('GIVEN a Daylio export none of whose rows can be read THEN it is refused quoting the first problems', () => {
    const error = refusal(crlf(HEADER, '2024-13-05,March 5,Tuesday,21:30,good,"","",""'), {
      name: 'daylio_export.csv',
    });
    expect(error.message).toMatch(
      /^No entry of "daylio_export.csv" could be read:\n• line 2: The date "2024-13-05" can't be read/,
    );
    expect(error.code).toBe('IMPORT_NO_ROWS');
  });

  it('GIVEN a Daylio export with only its header THEN it is refused as having no entries', () => {
    expect(refusal(crlf(HEADER)).message).toMatch(/has no entries, only its header line/);
  });
});
