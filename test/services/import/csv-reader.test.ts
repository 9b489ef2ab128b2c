import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src/services/import/csv-reader.js';
import { csvLine } from '../../../src/services/privacy/csv.js';

describe('readCsv', () => {
  it.each([
    [
      'LF',
      'a,b\n1,2\n',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    [
      'CRLF',
      'a,b\r\n1,2\r\n',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    [
      'lone CR',
      'a,b\r1,2',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    [
      'no final line end',
      'a,b\n1,2',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    [
      'empty fields',
      ',\n,x,',
      [
        { line: 1, fields: ['', ''] },
        { line: 2, fields: ['', 'x', ''] },
      ],
    ],
  ])('GIVEN %s line ends THEN records and their lines are read', (_, text, expected) => {
    expect(readCsv(text, ',').map(({ line, fields }) => ({ line, fields }))).toEqual(expected);
  });

  it('GIVEN quoted fields with the delimiter, doubled quotes and line breaks THEN they are one field each, lines counted', () => {
    const records = readCsv('"a,b","say ""hi""","one\r\ntwo\nthree"\r\nnext,row\r\n', ',');
    expect(records).toEqual([
      { line: 1, fields: ['a,b', 'say "hi"', 'one\r\ntwo\nthree'], unterminated: false },
      { line: 4, fields: ['next', 'row'], unterminated: false },
    ]);
  });

  it('GIVEN blank lines THEN they are not records and later lines keep their numbers', () => {
    expect(readCsv('a\n\n\r\nb\n', ',').map((r) => r.line)).toEqual([1, 4]);
  });

  it('GIVEN a quote inside an unquoted field or after a closing quote THEN it is kept as written', () => {
    expect(readCsv('he said "hi",x\n"a"b,c\n', ',').map((r) => r.fields)).toEqual([
      ['he said "hi"', 'x'],
      ['ab', 'c'],
    ]);
  });

  it('GIVEN a quote that is never closed THEN the record runs to the end and is marked unterminated', () => {
    expect(readCsv('a,"b\nc,d\n', ',')).toEqual([{ line: 1, fields: ['a', 'b\nc,d\n'], unterminated: true }]);
  });

  it('GIVEN ; as the delimiter THEN commas are ordinary characters', () => {
    expect(readCsv('a,b;c\n', ';')[0]?.fields).toEqual(['a,b', 'c']);
  });

  it("GIVEN any fields written by the export's csvLine THEN they read back as written (property)", () => {
    const text = fc.string({
      unit: fc.constantFrom('a', ',', '"', '\n', '\r\n', ' ', 'é', '😀'),
      maxLength: 12,
    });
    // csvLine defuses a leading = + - @ tab or CR for spreadsheets; keep this to the round trip itself.
    const safe = text.filter((s) => !/^[=+\-@\t\r]/.test(s));
    fc.assert(
      fc.property(
        fc.array(fc.array(safe, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        (rows) => {
          const records = readCsv(rows.map((row) => csvLine(row)).join('\r\n'), ',');
          expect(records.map((r) => r.fields)).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });
});
