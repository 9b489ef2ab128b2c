import { UserError } from '../errors.js';

/** How many characters of a bad value a message quotes back. */
const QUOTE_LIMIT = 40;

/**
 * Length in Unicode code points, the unit every limit in this module is stated in: an emoji counts as one
 * character, as a user would count it, and never as the two UTF-16 units `String.length` sees.
 */
export function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** The first `limit` code points of `value`, with an ellipsis when something was cut. */
export function truncate(value: string, limit: number): string {
  let out = '';
  let count = 0;
  for (const char of value) {
    if (count === limit) return `${out}…`;
    out += char;
    count++;
  }
  return out;
}

/** Windows and old Mac line ends become `\n`, so that only tab and newline remain as allowed controls. */
export function normaliseNewlines(value: string): string {
  return value.replace(/\r\n?/g, '\n');
}

/**
 * Throws a UserError when `value` holds something PostgreSQL cannot store as text or that has no place
 * in a chat message: a C0 control character other than tab and newline (NUL above all), or half of a
 * UTF-16 surrogate pair. `subject` starts the message ("The note", "Your message").
 */
export function assertStorable(value: string, subject: string): void {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 && code !== 0x09 && code !== 0x0a) {
      throw new UserError(
        `${subject} contains a control character (U+${hex(code)}) that can't be stored; remove it and try again.`,
        'INVALID_CHARACTER',
      );
    }
    // for..of yields a whole pair as one code point, so a surrogate seen here is a lone half.
    if (code >= 0xd800 && code <= 0xdfff) {
      throw new UserError(
        `${subject} contains a broken character (U+${hex(code)}, half of an emoji or symbol) that can't be stored; remove it and try again.`,
        'INVALID_CHARACTER',
      );
    }
  }
}

/**
 * A user's value as a message shows it: strings in double quotes, cut to about 40 characters, with
 * control characters and broken surrogates replaced so the message itself stays printable.
 */
export function quote(value: unknown): string {
  if (typeof value === 'string') return `"${truncate(printable(value), QUOTE_LIMIT)}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null || value === undefined) return 'nothing';
  return `a value of type ${typeof value}`;
}

/** Like `quote` for text that looked like a number: shown bare, as the user typed it ("you wrote 11"). */
export function quoteBare(value: string): string {
  return truncate(printable(value), QUOTE_LIMIT);
}

function printable(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code === 0x09 || code === 0x0a) out += ' ';
    else if (code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff)) out += '\uFFFD';
    else out += char;
  }
  return out;
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}
