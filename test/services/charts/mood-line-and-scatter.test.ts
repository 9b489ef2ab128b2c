import { describe, expect, it } from 'vitest';
import { addDays } from '../../../src/core/calendar/index.js';
import {
  CHART_WIDTH,
  type ChartDay,
  createChartRenderer,
  moodLineAlt,
  moodLineSpec,
  moodMusicScatterAlt,
  moodMusicScatterSpec,
  NOT_CAUSE,
  SERIES_COLOURS,
} from '../../../src/services/charts/index.js';
import { correlation } from '../../../src/services/charts/mood-music-scatter.js';
import { colourFacts, decodePng, hasColourNear, hasPngSignature } from '../../support/png.js';

/** `n` days ending 2026-03-15: the mood rising 1 a day from 2, energy with it, positivity against it. */
function days(n: number): ChartDay[] {
  return Array.from({ length: n }, (_, i) => ({
    day: addDays('2026-03-15', i - n + 1),
    mood: i === 1 ? null : Math.min(10, 2 + (i % 9)),
    energy: i === 2 ? null : Math.min(1, 0.1 + (i % 9) * 0.1),
    positivity: i === 2 ? null : Math.max(0, 0.9 - (i % 9) * 0.1),
  }));
}

describe('the mood line', () => {
  const renderer = createChartRenderer();

  it('GIVEN 30 days THEN a PNG of the chart width comes out, drawn in the three series colours', async () => {
    const chart = await renderer.moodLine(days(30));
    expect(hasPngSignature(chart.png)).toBe(true);
    const png = decodePng(chart.png);
    expect([png.width, png.height]).toEqual([CHART_WIDTH, chart.height]);
    expect(colourFacts(png).distinctColours).toBeGreaterThan(50);
    for (const colour of Object.values(SERIES_COLOURS)) expect(hasColourNear(png, colour), colour).toBe(true);
  });

  it('GIVEN 7 days THEN the days are labelled by weekday; GIVEN 30 THEN by short date, about a dozen shown', () => {
    const week = JSON.stringify(moodLineSpec(days(7)));
    expect(week).toContain('"Mon"');
    const month = moodLineSpec(days(30)) as {
      layer: Array<{ encoding: { x: { axis: { values: string[] } } } }>;
    };
    const shown = month.layer[0]!.encoding.x.axis.values;
    expect(shown.at(-1)).toBe('Mar 15');
    expect(shown.length).toBeGreaterThanOrEqual(8);
    expect(shown.length).toBeLessThanOrEqual(12);
  });

  it('GIVEN 7 days THEN the alt text gives the period, the average, the highest and lowest day and the music means', () => {
    expect(moodLineAlt(days(7))).toBe(
      "Line chart, Mar 9 to Mar 15 (7 days): your daily average mood on a 1 to 10 scale, with your music's " +
        'energy and positivity (0 to 100%) per day. 6 of 7 days have a mood, averaging 5.3; highest 8.0 on ' +
        'Mar 15, lowest 2.0 on Mar 9. Music on 6 days: energy averaged 42%, positivity 58%.',
    );
  });
});

describe('the mood and music scatter', () => {
  const renderer = createChartRenderer();

  it('GIVEN 30 days THEN a PNG comes out with both series colours, and the spec says it is not about cause', async () => {
    const chart = await renderer.moodVsMusic(days(30));
    const png = decodePng(chart.png);
    expect(png.width).toBe(CHART_WIDTH);
    expect(hasColourNear(png, SERIES_COLOURS.energy)).toBe(true);
    expect(hasColourNear(png, SERIES_COLOURS.positivity)).toBe(true);
    expect(JSON.stringify(moodMusicScatterSpec(days(30)))).toContain(NOT_CAUSE);
  });

  it('GIVEN the two series THEN they differ in shape as well as colour', () => {
    const spec = moodMusicScatterSpec(days(10)) as {
      encoding: { shape: { scale: { range: string[] } }; color: { scale: { range: string[] } } };
    };
    expect(new Set(spec.encoding.shape.scale.range).size).toBe(2);
    expect(new Set(spec.encoding.color.scale.range).size).toBe(2);
  });

  it('GIVEN mood rising with energy and falling with positivity THEN the alt text says so with r, and never claims a cause', () => {
    const alt = moodMusicScatterAlt(days(9));
    expect(alt).toContain('for the 7 days with both a mood and music');
    expect(alt).toContain('mood tended to be higher on days with more energy (r = 1.00)');
    expect(alt).toContain('mood tended to be lower on days with more positivity (r = -1.00)');
    expect(alt).toContain(NOT_CAUSE);
    expect(alt.replace(NOT_CAUSE, '')).not.toMatch(/because|caus|makes? you|leads? to/i);
  });

  it.each([
    [[], null],
    [
      [
        [1, 1],
        [2, 2],
      ],
      null,
    ],
    [
      [
        [1, 5],
        [2, 5],
        [3, 5],
      ],
      null,
    ],
    [
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      1,
    ],
    [
      [
        [1, 3],
        [2, 2],
        [3, 1],
      ],
      -1,
    ],
  ] as Array<[Array<[number, number]>, number | null]>)(
    'GIVEN pairs %j THEN the correlation is %s',
    (pairs, r) => {
      const found = correlation(pairs);
      if (r === null) expect(found).toBeNull();
      else expect(found).toBeCloseTo(r, 10);
    },
  );
});
