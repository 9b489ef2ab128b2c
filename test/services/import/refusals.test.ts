import { describe, expect, it } from 'vitest';
import { crlf, parse, refusal } from './support.js';

const bytes = (...values: number[]) => new Uint8Array(values);
const ACCEPTED =
  /I can import a Daylio export \(in Daylio: More > Export entries > CSV\), a MoodScale export \(the JSON file \/export sends you\), or a CSV file/;

describe('whole files refused', () => {
  it('GIVEN a file bigger than the byte limit THEN it is refused with both sizes and how to split it', () => {
    const error = refusal('x'.repeat(3 * 1024 * 1024), {
      name: 'big.csv',
      limits: { maxEntries: 10_000, maxBytes: 2 * 1024 * 1024 },
    });
    expect(error.message).toBe(
      '"big.csv" is 3 MB, more than the 2 MB one import takes. Split it into smaller files (a CSV file: keep the header line at the top of each part) and import them one after another.',
    );
    expect(error.code).toBe('IMPORT_TOO_LARGE');
  });

  it('GIVEN a CSV file with more rows than the entry limit THEN it is refused asking to split it', () => {
    const rows = Array.from({ length: 4 }, (_, i) => `2024-03-0${i + 1},7`);
    const error = refusal(crlf('date,score', ...rows), {
      name: 'moods.csv',
      limits: { maxEntries: 3, maxBytes: 1024 * 1024 },
    });
    expect(error.message).toBe(
      '"moods.csv" has 4 entries, more than the 3 one import takes. Split the file into parts of at most 3 entries (a CSV file: keep the header line at the top of each part) and import them one after another.',
    );
  });

  it('GIVEN exactly as many rows as the entry limit THEN the file is read', () => {
    const rows = Array.from({ length: 3 }, (_, i) => `2024-03-0${i + 1},7`);
    expect(
      parse(crlf('date,score', ...rows), { limits: { maxEntries: 3, maxBytes: 1024 * 1024 } }).entries,
    ).toHaveLength(3);
  });

  it('GIVEN an empty file THEN it is refused as empty, naming the accepted formats', () => {
    const error = refusal(new Uint8Array(0), { name: 'empty.csv' });
    expect(error.message).toMatch(/^"empty.csv" is empty\. /);
    expect(error.message).toMatch(ACCEPTED);
    expect(error.code).toBe('IMPORT_EMPTY');
  });

  it('GIVEN a file of blank lines and a BOM THEN it is refused as empty', () => {
    expect(refusal('\uFEFF\r\n \r\n').code).toBe('IMPORT_EMPTY');
  });

  it.each([
    [
      'an Excel workbook (zip)',
      bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00),
      /is a zip archive: an Excel or Numbers workbook, a Daylio backup \(\.daylio\)/,
    ],
    [
      'an old Excel workbook',
      bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1),
      /is an old Excel workbook \(\.xls\)\. Save it as "CSV UTF-8"/,
    ],
    ['a PNG image', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), /is a PNG image\./],
    ['a JPEG image', bytes(0xff, 0xd8, 0xff, 0xe0), /is a JPEG image\./],
    ['a PDF', new TextEncoder().encode('%PDF-1.7\n'), /is a PDF document\./],
    [
      'UTF-16 text',
      bytes(0xff, 0xfe, 0x64, 0x00, 0x61, 0x00),
      /is text saved as UTF-16 \("Unicode text"\)\. Save it again as "CSV UTF-8"/,
    ],
    ['other binary data', bytes(0x01, 0x02, 0x00, 0x03), /isn't a text file\./],
  ])('GIVEN %s THEN it is refused saying what it is and what can be imported', (_, content, what) => {
    const error = refusal(content, { name: 'upload.bin' });
    expect(error.message).toMatch(what);
    expect(error.message).toMatch(ACCEPTED);
    expect(error.code).toBe('IMPORT_UNKNOWN_FORMAT');
  });

  it('GIVEN text in Windows-1252 rather than UTF-8 THEN it is refused naming the line and how to save it', () => {
    const latin1 = new Uint8Array([
      ...new TextEncoder().encode('date,score,note\r\n2024-03-01,7,ok\r\n2024-03-02,7,caf'),
      0xe9,
      0x0d,
      0x0a,
    ]);
    const error = refusal(latin1, { name: 'moods.csv' });
    expect(error.message).toBe(
      '"moods.csv" isn\'t UTF-8 text (line 3 has a character in another encoding, often Windows-1252 from Excel). Save it again as "CSV UTF-8" (in Excel: File > Save As > CSV UTF-8) and import that file.',
    );
    expect(error.code).toBe('IMPORT_NOT_UTF8');
  });

  it('GIVEN plain text that is no known format THEN it is refused naming the accepted formats', () => {
    expect(refusal('hello there\nhow are you\n').message).toMatch(ACCEPTED);
  });

  it('GIVEN a file name with control characters THEN the message shows it safely', () => {
    expect(refusal(new Uint8Array(0), { name: 'a\u0000b.csv' }).message).toMatch(/^"a\uFFFDb\.csv" is empty/);
  });

  it('GIVEN a CSV none of whose rows can be read THEN the refusal quotes the first three problems and counts the rest', () => {
    const rows = Array.from({ length: 5 }, (_, i) => `2024-03-0${i + 1},11`);
    const error = refusal(crlf('date,score', ...rows), { name: 'moods.csv' });
    expect(error.message.split('\n')).toEqual([
      'No entry of "moods.csv" could be read:',
      '• line 2: The score must be a whole number from 1 to 10 (this row has "11"); fix it or remove the row.',
      '• line 3: The score must be a whole number from 1 to 10 (this row has "11"); fix it or remove the row.',
      '• line 4: The score must be a whole number from 1 to 10 (this row has "11"); fix it or remove the row.',
      '• …and 2 more.',
      'Fix these and import the file again.',
    ]);
  });
});
