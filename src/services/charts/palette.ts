/**
 * The charts' colours, chosen to stay readable with colour-vision deficiencies (about 1 man in 12 has
 * one, mostly red-green), and never the only way to tell things apart: every series also has its own
 * mark shape or dash, and the mood squares' legend names each band in text.
 *
 * - Series (mood, energy, positivity) use the Okabe-Ito palette (Okabe & Ito, "Color Universal Design",
 *   2008): eight colours picked so that people with protanopia, deuteranopia and tritanopia still tell
 *   them apart. Energy and positivity, the pair the scatter puts side by side, are vermillion and bluish
 *   green: one turns yellowish and the other bluish under red-green deficiencies, and they differ in
 *   lightness too.
 * - Mood squares use cividis (Nuñez, Anderton & Renslow, PLOS ONE 2018), a sequential scale made to
 *   look nearly the same with and without deuteranomaly, whose lightness rises evenly from dark blue to
 *   yellow: a higher mood is a lighter square for every reader, in grey print too. The five bands are
 *   cividis at 0, 1/4, 1/2, 3/4 and 1 as vega's `cividis` scheme gives it (test/services/charts checks
 *   both the constants and that neighbouring bands differ in lightness by well over a just-visible step).
 */

/** The Okabe-Ito palette, as published. */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

/** Each series' colour in every chart. */
export const SERIES_COLOURS = {
  mood: OKABE_ITO.blue,
  energy: OKABE_ITO.vermillion,
  positivity: OKABE_ITO.bluishGreen,
} as const;

/** A band of day averages and its colour. */
export interface MoodBand {
  /** The rounded scores the band holds, e.g. [3, 4]. */
  scores: readonly [number, number];
  label: string;
  colour: string;
}

/** cividis at 0, 0.25, 0.5, 0.75 and 1: the mood squares from 1-2 (darkest) to 9-10 (lightest). */
export const MOOD_BANDS: readonly MoodBand[] = [
  { scores: [1, 2], label: '1–2', colour: '#002051' },
  { scores: [3, 4], label: '3–4', colour: '#3B4C6E' },
  { scores: [5, 6], label: '5–6', colour: '#7E7B75' },
  { scores: [7, 8], label: '7–8', colour: '#B7AC73' },
  { scores: [9, 10], label: '9–10', colour: '#FCE647' },
];

/** A day without a mood: an empty square with a light grey outline. */
export const NO_MOOD = { fill: '#FFFFFF', outline: '#BDBDBD' } as const;

/** The band of a day's average mood: rounded half up to a whole score, then 1-2, 3-4, ... 9-10. */
export function moodBand(average: number): MoodBand {
  const score = Math.min(10, Math.max(1, Math.floor(average + 0.5)));
  return MOOD_BANDS[Math.ceil(score / 2) - 1]!;
}

/** The colour of a day's average mood (see moodBand). */
export function moodColour(average: number): string {
  return moodBand(average).colour;
}
