/**
 * What MoodScale says about moods and music stays plain and kind and never sounds like health advice. Model
 * text that trips this check is replaced by the local wording; the local wording is tested against it.
 */
const MEDICAL =
  /\b(diagnos\w*|therap\w*|treat(ment|s|ing)?|cur(e|es|ed|ing)|medic\w*|prescri\w*|disorder\w*|clinical\w*|symptom\w*|dos(e|age)\w*|doctor\w*|psychiatr\w*|patholog\w*|illness\w*|disease\w*|heal(s|ing)?)\b/i;
const UNKIND = /\b(you should feel|stop being|just cheer up|your fault|lazy|pathetic|weak)\b/i;

/** True when the text stays away from medical claims and blame. */
export function isPlainAndKind(text: string): boolean {
  return !MEDICAL.test(text) && !UNKIND.test(text);
}

/** One line, trimmed, at most `max` characters; undefined when nothing usable is left. */
export function oneLine(text: string, max: number): string | undefined {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return undefined;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
