import { describe, expect, it } from 'vitest';
import {
  CHART_WIDTH,
  createChartRenderer,
  WEEK_CHART_HEIGHT,
  weekChartSpec,
} from '../../../src/services/charts/index.js';
import type { DigestDay } from '../../../src/services/digest/build-digest.js';
import { colourFacts, decodePng } from '../../support/png.js';

const labels = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const week: DigestDay[] = labels.map((label, i) => ({
  date: `2026-11-${16 + i}`,
  label,
  mood: i === 3 ? null : 3 + i,
  entries: i === 3 ? 0 : 1,
  energy: i % 2 === 0 ? 0.2 + i * 0.1 : null,
  positivity: i % 2 === 0 ? 0.9 - i * 0.1 : null,
}));

const factsOf = (png: Uint8Array) => {
  const decoded = decodePng(png);
  return { width: decoded.width, height: decoded.height, ...colourFacts(decoded) };
};

describe('the digest chart', () => {
  const renderer = createChartRenderer();

  it('GIVEN a week with moods and music THEN a PNG of the chart size with real content comes out', async () => {
    const facts = factsOf(await renderer.render('2026-W47', week));
    expect(facts.width).toBe(CHART_WIDTH);
    expect(facts.height).toBeGreaterThanOrEqual(WEEK_CHART_HEIGHT - 40);
    expect(facts.height).toBeLessThanOrEqual(WEEK_CHART_HEIGHT + 80);
    // Bars, two coloured lines, axes and text: many colours and a good share of ink, not a blank canvas.
    expect(facts.distinctColours).toBeGreaterThan(50);
    expect(facts.nonWhiteShare).toBeGreaterThan(0.05);
    expect(facts.nonWhiteShare).toBeLessThan(0.6);
  });

  it('GIVEN the same week twice THEN the same bytes (the shipped font, no system fonts)', async () => {
    const [a, b] = await Promise.all([renderer.render('2026-W47', week), renderer.render('2026-W47', week)]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('GIVEN a week without music THEN the chart still renders with the mood alone', async () => {
    const quiet = week.map((d) => ({ ...d, energy: null, positivity: null }));
    const facts = factsOf(await renderer.render('2026-W47', quiet));
    expect(facts.width).toBe(CHART_WIDTH);
    expect(facts.nonWhiteShare).toBeGreaterThan(0.02);
  });

  it('GIVEN a day without entries THEN the spec leaves its bar out instead of drawing a zero', () => {
    const spec = JSON.stringify(weekChartSpec('2026-W47', week));
    expect(spec).toContain('"day":"Thu","series":"Mood","mood":null');
    expect(spec).toContain('isValid(datum.mood)');
  });
});

describe('loading the chart code', () => {
  it('GIVEN a chart was rendered (vega-lite loaded) THEN Set.prototype keeps no toJSON of its own (discord.js fails to load beside it)', async () => {
    const { createChartRenderer: create } = await import('../../../src/services/charts/index.js');
    await create().render('2026-W47', []);
    expect(Object.getOwnPropertyNames(Set.prototype)).not.toContain('toJSON');
    const { Client } = await import('discord.js');
    expect(typeof Client).toBe('function');
  });
});
