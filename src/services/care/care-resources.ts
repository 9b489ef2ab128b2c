import { containsCrisisLanguage } from './crisis-phrases.js';

/** Scores at or below this always add the helpline resources. */
export const CARE_SCORE_THRESHOLD = 2;

/** The fixed default text. Deterministic, never written by a language model; it contacts no one. */
export const DEFAULT_CARE_TEXT = [
  "It sounds like things are really hard right now. You don't have to go through this alone.",
  '• Find a free, confidential helpline in your country: https://findahelpline.com',
  '• United States: call or text 988 (Suicide & Crisis Lifeline), or chat at https://988lifeline.org',
  '• UK and Ireland: Samaritans, 116 123',
  '• If you are in immediate danger, call your local emergency number.',
  'MoodScale is not a crisis service and has not contacted anyone. Only you can see this message.',
].join('\n');

export interface CareCheck {
  score: number;
  note?: string | null;
  emotions?: readonly string[] | null;
}

/** Whether an entry should carry helpline resources: a very low score, or crisis language in its text. */
export function needsCare(entry: CareCheck): boolean {
  if (entry.score <= CARE_SCORE_THRESHOLD) return true;
  const text = [entry.note ?? '', ...(entry.emotions ?? [])].join(' ');
  return text.trim() !== '' && containsCrisisLanguage(text);
}
