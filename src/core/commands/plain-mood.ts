/**
 * What a plain direct message to the bot stands for: a mood in the form people type ("6", "6 tired",
 * "6/10 tired, anxious -- long day"), which runs as `/mood` with the same text, or anything else,
 * answered with a short hint. A message that starts with a number is read as a mood even when the
 * number is out of range, so `/mood`'s own message says what to fix ("1 to 10, you wrote 11").
 */
export type PlainMessage = { kind: 'mood'; args: string } | { kind: 'hint' };

// A leading number, optionally "/10", then the end or a separator before emotions or the note.
const MOOD_FORM = /^\s*(\d{1,3}(?:\.\d+)?)(?:\s*\/\s*10)?(?=$|[\s,.!]|--)[.!]?\s*(.*)$/s;

export function readPlainMessage(text: string): PlainMessage {
  const match = MOOD_FORM.exec(text);
  if (!match) return { kind: 'hint' };
  const [, score = '', rest = ''] = match;
  const tail = rest.replace(/^,\s*/, '').trim();
  return { kind: 'mood', args: tail === '' ? score : `${score} ${tail}` };
}

/** The answer to a direct message that is not a mood: how to log one here, and that commands work too. */
export const PLAIN_MESSAGE_HINT =
  'To log how you feel, send a number from 1 to 10, with emotions and a note if you like: ' +
  '`6`, `6 tired` or `6 tired, anxious -- long day`. Commands such as `/history` and `/help` work here too.';
