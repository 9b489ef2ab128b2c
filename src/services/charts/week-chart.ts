import type { TopLevelSpec } from 'vega-lite';
import type { ChartDay } from './chart-day.js';
import { CHART_WIDTH, FONT_FAMILY } from './chart-rendering.js';
import { SERIES_COLOURS } from './palette.js';

/** The weekly digest's chart: its height before vega adds the title and legend. */
export const WEEK_CHART_HEIGHT = 320;

/** A day of the digest's week, labelled (Mon ... Sun). */
export type WeekChartDay = Pick<ChartDay, 'mood' | 'energy' | 'positivity'> & { label: string };

/** Each music series' mark: shape and dash tell them apart without colour. */
export const MUSIC_MARKS = {
  Energy: { shape: 'square', dash: [6, 3] },
  Positivity: { shape: 'triangle-up', dash: [2, 2] },
} as const;

/**
 * The digest's vega-lite spec: mood bars on a 1-10 axis, energy and positivity lines (with their own
 * point shapes and dashes) on a 0-100% axis.
 */
export function weekChartSpec(period: string, days: readonly WeekChartDay[]): TopLevelSpec {
  const order = days.map((d) => d.label);
  const values = days.flatMap((d) => [
    { day: d.label, series: 'Mood', mood: d.mood },
    ...(d.energy === null ? [] : [{ day: d.label, series: 'Energy', music: Math.round(d.energy * 100) }]),
    ...(d.positivity === null
      ? []
      : [{ day: d.label, series: 'Positivity', music: Math.round(d.positivity * 100) }]),
  ]);
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: {
      domain: ['Mood', 'Energy', 'Positivity'],
      range: [SERIES_COLOURS.mood, SERIES_COLOURS.energy, SERIES_COLOURS.positivity],
    },
    legend: { orient: 'bottom' as const },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH - 90,
    height: WEEK_CHART_HEIGHT - 110,
    background: 'white',
    padding: 12,
    title: { text: `Your week ${period}`, anchor: 'start', fontSize: 15 },
    config: { font: FONT_FAMILY, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11 } },
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.series === 'Mood' && isValid(datum.mood)" }],
        mark: { type: 'bar', cornerRadiusEnd: 3, width: { band: 0.6 } },
        encoding: {
          x: {
            field: 'day',
            type: 'ordinal',
            sort: order,
            // Every day stays on the axis, also one with neither a mood nor music.
            scale: { domain: order },
            title: null,
            axis: { labelAngle: 0 },
          },
          y: { field: 'mood', type: 'quantitative', title: 'Mood (1-10)', scale: { domain: [0, 10] } },
          color,
        },
      },
      {
        transform: [{ filter: "datum.series !== 'Mood'" }],
        mark: { type: 'line', point: { size: 60, filled: true }, strokeWidth: 2.5 },
        encoding: {
          x: { field: 'day', type: 'ordinal', sort: order, scale: { domain: order } },
          y: {
            field: 'music',
            type: 'quantitative',
            title: 'Music energy / positivity (%)',
            scale: { domain: [0, 100] },
          },
          color,
          shape: {
            field: 'series',
            type: 'nominal',
            title: null,
            // Mood's circle is for the legend only (its bars have no shape), so the legend is one.
            scale: {
              domain: ['Mood', 'Energy', 'Positivity'],
              range: ['circle', MUSIC_MARKS.Energy.shape, MUSIC_MARKS.Positivity.shape],
            },
            legend: { orient: 'bottom' },
          },
          strokeDash: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['Energy', 'Positivity'],
              range: [[...MUSIC_MARKS.Energy.dash], [...MUSIC_MARKS.Positivity.dash]],
            },
            legend: null,
          },
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}
