import type { ChartDay, ChartImage } from './chart-day.js';
import { createPngDrawer } from './chart-rendering.js';
import { moodLineAlt, moodLineSpec } from './mood-line.js';
import { moodMusicScatterAlt, moodMusicScatterSpec } from './mood-music-scatter.js';
import { type WeekChartDay, weekChartSpec } from './week-chart.js';
import { yearGridAlt, yearGridSvg } from './year-grid.js';

/** Every chart MoodScale draws, as PNG. One per process: made in the composition root. */
export interface ChartRenderer {
  /** The weekly digest's chart (mood bars with energy and positivity lines) for `period`'s days. */
  render(period: string, days: readonly WeekChartDay[]): Promise<Uint8Array>;
  /** Daily mood with the music's energy and positivity, for 1 to 31 days (/history). */
  moodLine(days: readonly ChartDay[]): Promise<ChartImage>;
  /** A square per day coloured by its mood, for 32 to 365 days (/history). */
  yearInPixels(days: readonly ChartDay[]): Promise<ChartImage>;
  /** Mood against the music's energy and positivity, one mark per day and measure (/insights). */
  moodVsMusic(days: readonly ChartDay[]): Promise<ChartImage>;
}

/**
 * The charts, each through the same path: vega-lite (or, for the year grid, hand-written SVG) to SVG,
 * then resvg with the shipped font to PNG. Nothing is loaded until the first chart.
 */
export function createChartRenderer(options: { fontFile?: string } = {}): ChartRenderer {
  const draw = createPngDrawer(options);
  return {
    async render(period, days) {
      return (await draw.vegaLite(weekChartSpec(period, days))).png;
    },
    async moodLine(days) {
      return { ...(await draw.vegaLite(moodLineSpec(days))), alt: moodLineAlt(days) };
    },
    async yearInPixels(days) {
      return { ...(await draw.svg(yearGridSvg(days))), alt: yearGridAlt(days) };
    },
    async moodVsMusic(days) {
      return { ...(await draw.vegaLite(moodMusicScatterSpec(days))), alt: moodMusicScatterAlt(days) };
    },
  };
}
