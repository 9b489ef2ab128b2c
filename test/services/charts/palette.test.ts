import { scheme } from 'vega';
import { describe, expect, it } from 'vitest';
import {
  MOOD_BANDS,
  moodBand,
  NO_MOOD,
  OKABE_ITO,
  SERIES_COLOURS,
} from '../../../src/services/charts/index.js';
import { rgbOf } from '../../support/png.js';

/** CIE L* (lightness, 0-100) of an sRGB colour: what stays when hue is lost to a colour-vision deficiency. */
function lightness(hex: string): number {
  const linear = rgbOf(hex).map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const y = 0.2126 * linear[0]! + 0.7152 * linear[1]! + 0.0722 * linear[2]!;
  return y > 216 / 24389 ? 116 * Math.cbrt(y) - 16 : (24389 / 27) * y;
}

/** "rgb(0, 32, 81)" as "#002051". */
const hexOf = (rgb: string) =>
  `#${(rgb.match(/\d+/g) ?? [])
    .map((n) => Number(n).toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase()}`;

describe('the charts palette', () => {
  it('GIVEN the series colours THEN they are the published Okabe-Ito colours', () => {
    expect(OKABE_ITO).toEqual({
      black: '#000000',
      orange: '#E69F00',
      skyBlue: '#56B4E9',
      bluishGreen: '#009E73',
      yellow: '#F0E442',
      blue: '#0072B2',
      vermillion: '#D55E00',
      reddishPurple: '#CC79A7',
    });
    for (const colour of Object.values(SERIES_COLOURS)) expect(Object.values(OKABE_ITO)).toContain(colour);
    expect(new Set(Object.values(SERIES_COLOURS)).size).toBe(3);
  });

  it('GIVEN the mood bands THEN they are cividis at 0, 1/4, 1/2, 3/4 and 1, as vega gives the scale', () => {
    const cividis = scheme('cividis') as (t: number) => string;
    expect(MOOD_BANDS.map((b) => b.colour)).toEqual([0, 0.25, 0.5, 0.75, 1].map((t) => hexOf(cividis(t))));
  });

  it('GIVEN neighbouring mood bands THEN each is lighter than the one below by at least 15 L* (readable without hue)', () => {
    const steps = MOOD_BANDS.slice(1).map((b, i) => lightness(b.colour) - lightness(MOOD_BANDS[i]!.colour));
    for (const step of steps) expect(step).toBeGreaterThanOrEqual(15);
  });

  it('GIVEN a day without a mood THEN its square is white with a light grey outline, unlike every band', () => {
    expect(NO_MOOD.fill).toBe('#FFFFFF');
    expect(MOOD_BANDS.map((b) => b.colour)).not.toContain(NO_MOOD.fill);
    expect(lightness(NO_MOOD.outline)).toBeGreaterThan(70);
  });

  it.each([
    [1, '1–2'],
    [2.4, '1–2'],
    [2.5, '3–4'],
    [6.49, '5–6'],
    [8.5, '9–10'],
    [10, '9–10'],
  ])('GIVEN a day average of %s THEN it falls in band %s (rounded half up)', (average, label) => {
    expect(moodBand(average).label).toBe(label);
  });

  it('GIVEN the bands THEN each has a text label that names its scores', () => {
    expect(MOOD_BANDS.map((b) => b.label)).toEqual(['1–2', '3–4', '5–6', '7–8', '9–10']);
  });
});
