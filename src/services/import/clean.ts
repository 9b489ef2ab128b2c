/**
 * Notes and emotion tags from a file, made into what /mood would store: storable text, tags normalised
 * as /mood's tags option normalises them, both within /mood's limits. Where /mood refuses (too long, too
 * many), an import keeps what fits and tells the user what it left out: refusing a whole row for a long
 * note would lose the mood with it.
 */
import { normaliseTag } from '../../core/commands/options.js';
import { codePointLength, normaliseNewlines } from '../../core/commands/text.js';
import { MAX_EMOTION_LENGTH, MAX_EMOTIONS, MAX_NOTE_LENGTH, type Problems } from './types.js';

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * `value` without what PostgreSQL cannot store as text or a chat message cannot show (C0 controls other
 * than tab and newline, lone surrogate halves: what assertStorable refuses), and how many were removed.
 */
export function storable(value: string): { text: string; removed: number } {
  let text = '';
  let removed = 0;
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0xd800 && code <= 0xdfff)) removed++;
    else text += char;
  }
  return removed === 0 ? { text: value, removed } : { text, removed };
}

/** The first `limit` code points of `value`, the last of them an ellipsis when something was cut. */
function cut(value: string, limit: number): string {
  let out = '';
  let n = 0;
  for (const char of value) {
    if (n === limit - 1) return `${out}…`;
    out += char;
    n++;
  }
  return out;
}

/**
 * A note as /mood keeps it: line ends as `\n`, unstorable characters removed, trimmed, null when
 * empty, at most MAX_NOTE_LENGTH code points (cut with an ellipsis, and a kept problem saying so).
 */
export function cleanNote(raw: string, line: number, problems: Problems): string | null {
  const { text, removed } = storable(normaliseNewlines(raw));
  const note = text.trim();
  if (removed > 0) {
    problems.keep(
      line,
      `Removed ${removed === 1 ? 'a control character' : `${count(removed)} control characters`} from the note that can't be stored; the rest of the note is kept.`,
    );
  }
  if (note === '') return null;
  const length = codePointLength(note);
  if (length <= MAX_NOTE_LENGTH) return note;
  problems.keep(
    line,
    `The note was cut to ${count(MAX_NOTE_LENGTH)} characters, the most an entry keeps (it had ${count(length)}).`,
  );
  return cut(note, MAX_NOTE_LENGTH);
}

/**
 * Tags as /mood's emotions option keeps them: each normalised (normaliseTag), empty ones and repeats
 * dropped, in the order written. Tags longer than MAX_EMOTION_LENGTH and any beyond the first
 * MAX_EMOTIONS are left out with a kept problem naming them (`what` names them: "activities", "tags").
 */
export function cleanEmotions(
  pieces: readonly string[],
  line: number,
  problems: Problems,
  what: string,
): string[] {
  const kept: string[] = [];
  const tooLong: string[] = [];
  const overflow: string[] = [];
  const seen = new Set<string>();
  for (const piece of pieces) {
    const tag = normaliseTag(storable(piece).text);
    if (tag === '' || seen.has(tag)) continue;
    seen.add(tag);
    if (codePointLength(tag) > MAX_EMOTION_LENGTH) tooLong.push(tag);
    else if (kept.length < MAX_EMOTIONS) kept.push(tag);
    else overflow.push(tag);
  }
  const list = (tags: string[]) => tags.map((tag) => `"${cut(tag, 60)}"`).join(', ');
  if (tooLong.length > 0) {
    problems.keep(
      line,
      `Left out ${list(tooLong)}: an emotion can be at most ${MAX_EMOTION_LENGTH} characters; the rest of the row is kept.`,
    );
  }
  if (overflow.length > 0) {
    problems.keep(
      line,
      `Kept the first ${MAX_EMOTIONS} ${what} as emotions, the most an entry has, and left out ${list(overflow)}.`,
    );
  }
  return kept;
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * Plain text from the little HTML Daylio writes into notes (`<br>`, `<b>`, `<i>`, lists, paragraphs):
 * line breaks for <br>, </p>, </div> and list items, bullets for <li>, every other tag removed,
 * entities decoded. Only what looks like a tag (a letter after `<`) is removed, so "<3" and "a < b" stay.
 */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return html;
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])\s*>|<\/?(ul|ol)(\s[^<>]*)?>/gi, '\n')
    .replace(/<li(\s[^<>]*)?>/gi, '• ')
    .replace(/<\/?[a-z][a-z0-9]*(\s[^<>]*)?\/?>/gi, '')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith('#')) {
        const code =
          name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
      const key = name.toLowerCase();
      return Object.hasOwn(ENTITIES, key) ? ENTITIES[key]! : entity;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

/** A score as written in a file: a whole number from 1 to 10 ("7", " 7 ", "07"), else null. */
export function scoreFrom(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,2}$/.test(trimmed)) return null;
  const score = Number(trimmed);
  return score >= 1 && score <= 10 ? score : null;
}

/** Why a score can't be used, quoting what the row has. */
export function scoreReason(written: string): string {
  const shown = written.trim() === '' ? 'no score' : `"${cut(written.trim(), 40)}"`;
  return `The score must be a whole number from 1 to 10 (this row has ${shown}); fix it or remove the row.`;
}
