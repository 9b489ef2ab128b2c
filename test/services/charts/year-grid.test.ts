import { describe, expect, it } from 'vitest';
import { addDays } from '../../../src/core/calendar/index.js';
import {
  CHART_WIDTH,
  type ChartDay,
  createChartRenderer,
  MOOD_BANDS,
  moodColour,
  NO_MOOD,
  yearGridAlt,
  yearGridCell,
  yearGridSize,
} from '../../../src/services/charts/index.js';
import { colourFacts, decodePng, hasPngSignature, rgbOf } from '../../support/png.js';

const FROM = '2025-03-16';
const TO = '2026-03-15';

/** 365 days from FROM: every third day without a mood, the others cycling through 1..10. */
function year(): ChartDay[] {
  return Array.from({ length: 365 }, (_, i) => ({
    day: addDays(FROM, i),
    mood: i % 3 === 2 ? null : (i % 10) + 1,
    energy: null,
    positivity: null,
  }));
}

const centre = (box: { x: number; y: number; width: number; height: number }) =>
  [box.x + Math.floor(box.width / 2), box.y + Math.floor(box.height / 2)] as const;

describe('the year in pixels', () => {
  const renderer = createChartRenderer();

  it('GIVEN the first day of the period THEN its square is the first row (its month) in the column of its day of the month', () => {
    const first = yearGridCell(FROM, FROM);
    const nextDay = yearGridCell(FROM, '2025-03-17');
    const nextMonth = yearGridCell(FROM, '2025-04-16');
    expect(nextDay.y).toBe(first.y);
    expect(nextDay.x - first.x).toBe(nextMonth.y - first.y);
    expect(nextMonth.x).toBe(first.x);
    expect(yearGridCell(FROM, '2025-03-01').x).toBe(first.x - 15 * (nextDay.x - first.x));
  });

  it('GIVEN 365 days THEN a PNG of the computed size comes out, with every band and the empty squares drawn', async () => {
    const chart = await renderer.yearInPixels(year());
    expect(hasPngSignature(chart.png)).toBe(true);
    const png = decodePng(chart.png);
    expect({ width: png.width, height: png.height }).toEqual(yearGridSize(FROM, TO));
    expect(chart.width).toBe(CHART_WIDTH);
    const facts = colourFacts(png);
    expect(facts.nonWhiteShare).toBeGreaterThan(0.15);
    const used = new Set(year().map((d) => (d.mood === null ? NO_MOOD.fill : moodColour(d.mood))));
    expect(used.size).toBe(MOOD_BANDS.length + 1);
  });

  it('GIVEN a 10/10 day THEN the pixel in the middle of its square has the colour of the band 9-10', async () => {
    const days = year().map((d) => (d.day === '2025-11-20' ? { ...d, mood: 10 } : d));
    const png = decodePng((await renderer.yearInPixels(days)).png);
    const [x, y] = centre(yearGridCell(FROM, '2025-11-20'));
    expect(png.rgbAt(x, y)).toEqual(rgbOf(MOOD_BANDS[4]!.colour));
  });

  it('GIVEN each day of the year THEN its square has its band colour, and an empty day is white inside a grey outline', async () => {
    const days = year();
    const png = decodePng((await renderer.yearInPixels(days)).png);
    for (const d of days) {
      const box = yearGridCell(FROM, d.day);
      const [x, y] = centre(box);
      expect(png.rgbAt(x, y), d.day).toEqual(rgbOf(d.mood === null ? NO_MOOD.fill : moodColour(d.mood)));
      if (d.mood === null) expect(png.rgbAt(box.x, y), d.day).not.toEqual(rgbOf(NO_MOOD.fill));
    }
  });

  it('GIVEN days of the first and last month outside the period THEN no square is drawn there', async () => {
    const png = decodePng((await renderer.yearInPixels(year())).png);
    for (const outside of ['2025-03-15', '2025-03-01', '2026-03-16', '2026-03-31']) {
      const box = yearGridCell(FROM, outside);
      expect(png.rgbAt(box.x + 1, box.y + 1), outside).toEqual([255, 255, 255]);
      expect(png.rgbAt(...centre(box)), outside).toEqual([255, 255, 255]);
    }
  });

  it('GIVEN 365 days THEN the alt text names the period, the layout, how many days have a mood and the days per band', () => {
    const alt = yearGridAlt(year());
    expect(alt).toContain('Mar 16, 2025 to Mar 15, 2026');
    expect(alt).toContain('a row per month and a column per day of the month');
    expect(alt).toContain('244 of 365 days have a mood');
    expect(alt).toMatch(/Days per mood band: 9–10: \d+, 7–8: \d+, 5–6: \d+, 3–4: \d+, 1–2: \d+\./);
  });

  it('GIVEN 365 days THEN rendering takes well under the 100 ms target once warm (loose bound for a busy machine)', async () => {
    const days = year();
    await renderer.yearInPixels(days);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await renderer.yearInPixels(days);
      times.push(performance.now() - t);
    }
    expect(Math.min(...times)).toBeLessThan(250);
  });
});
