import type { TopLevelSpec } from 'vega-lite';
import {
  type ChartDay,
  dayLabel,
  daysText,
  daysWith,
  mean,
  oneDecimal,
  percent,
  SERIES_ENCODING,
  shortDate,
  someOf,
  spanText,
} from './chart-day.js';
import { CHART_WIDTH, FONT_FAMILY } from './chart-rendering.js';
import { SERIES_COLOURS } from './palette.js';
import { MUSIC_MARKS } from './week-chart.js';

/** The mood line draws up to this many days (a month); longer periods get the year grid. */
export const MOOD_LINE_MAX_DAYS = 31;
const HEIGHT = 340;
/** Past this many days not every day gets its label: about a dozen fit the axis. */
const LABELS_SHOWN = 12;

const SERIES = ['Mood', 'Energy', 'Positivity'] as const;

/** The labels the x axis shows: every day up to LABELS_SHOWN, else every k-th counted back from the last. */
function shownLabels(labels: readonly string[]): string[] {
  const step = Math.ceil(labels.length / LABELS_SHOWN);
  return labels.filter((_, i) => (labels.length - 1 - i) % step === 0);
}

/**
 * The mood line's vega-lite spec: the daily average mood as a solid line with round points on a 1-10
 * axis, and the music's energy (dashed, squares) and positivity (dotted, triangles) on a 0-100% axis.
 * A day without a value breaks its line instead of being bridged, so a gap looks like a gap.
 */
export function moodLineSpec(days: readonly ChartDay[]): TopLevelSpec {
  const labels = days.map((d) => dayLabel(d.day, days.length));
  const values = days.flatMap((d, i) => [
    { day: labels[i], series: 'Mood', mood: d.mood === null ? null : Math.round(d.mood * 10) / 10 },
    { day: labels[i], series: 'Energy', music: d.energy === null ? null : Math.round(d.energy * 100) },
    {
      day: labels[i],
      series: 'Positivity',
      music: d.positivity === null ? null : Math.round(d.positivity * 100),
    },
  ]);
  const x = {
    field: 'day',
    type: 'ordinal' as const,
    sort: labels,
    // Every day keeps its place on the axis, also one with neither a mood nor music.
    scale: { domain: labels },
    title: null,
    axis: { labelAngle: 0, values: shownLabels(labels) },
  };
  const series = SERIES_ENCODING;
  const first = days[0]?.day;
  const last = days.at(-1)?.day;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH - 100,
    height: HEIGHT - 130,
    background: 'white',
    padding: 12,
    title: {
      text:
        first && last ? `Your mood and music, ${spanText(first, last).replace(' to ', ' – ')}` : 'Your mood',
      anchor: 'start',
      fontSize: 15,
    },
    config: {
      font: FONT_FAMILY,
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 11 },
      legend: { labelFontSize: 12, symbolStrokeWidth: 2.5, symbolSize: 120 },
    },
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.series === 'Mood'" }],
        mark: { type: 'line', point: { size: 70, filled: true }, strokeWidth: 3 },
        encoding: {
          x,
          y: { field: 'mood', type: 'quantitative', title: 'Mood (1-10)', scale: { domain: [1, 10] } },
          color: {
            ...series,
            scale: {
              domain: [...SERIES],
              range: [SERIES_COLOURS.mood, SERIES_COLOURS.energy, SERIES_COLOURS.positivity],
            },
          },
          shape: {
            ...series,
            scale: {
              domain: [...SERIES],
              range: ['circle', MUSIC_MARKS.Energy.shape, MUSIC_MARKS.Positivity.shape],
            },
          },
        },
      },
      {
        // Energy and positivity share the 0-100% axis; each has its own dash (a mark property, not an
        // encoding, so the legend keeps clean symbols).
        encoding: {
          x,
          y: {
            field: 'music',
            type: 'quantitative',
            title: 'Music energy / positivity (%)',
            scale: { domain: [0, 100] },
          },
          color: { field: 'series', type: 'nominal' },
          shape: { field: 'series', type: 'nominal' },
        },
        layer: (['Energy', 'Positivity'] as const).map((series) => ({
          transform: [{ filter: `datum.series === '${series}'` }],
          mark: {
            type: 'line' as const,
            point: { size: 60, filled: true },
            strokeWidth: 2,
            strokeDash: [...MUSIC_MARKS[series].dash],
          },
        })),
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}

/** What the mood line shows, in words: the period, the mood's average and extremes, the music's means. */
export function moodLineAlt(days: readonly ChartDay[]): string {
  const first = days[0]?.day;
  const last = days.at(-1)?.day;
  if (!first || !last) return 'Line chart of your mood: no days to show.';
  const moods = daysWith(days, 'mood');
  const energy = daysWith(days, 'energy');
  const positivity = daysWith(days, 'positivity');
  const musicDays = days.filter((d) => d.energy !== null || d.positivity !== null).length;
  const parts = [
    `Line chart, ${spanText(first, last)} (${daysText(days.length)}): your daily average mood on a 1 to 10 scale, with your music's energy and positivity (0 to 100%) per day.`,
  ];
  if (moods.length === 0) parts.push('No day in this period has a mood.');
  else {
    const high = moods.reduce((a, b) => (b.value > a.value ? b : a));
    const low = moods.reduce((a, b) => (b.value < a.value ? b : a));
    parts.push(
      `${someOf(moods.length, days.length, 'a mood')}, averaging ${oneDecimal(mean(moods.map((m) => m.value))!)}` +
        (moods.length > 1
          ? `; highest ${oneDecimal(high.value)} on ${shortDate(high.day)}, lowest ${oneDecimal(low.value)} on ${shortDate(low.day)}.`
          : '.'),
    );
  }
  if (musicDays === 0) parts.push('No music was shared or played in this period.');
  else {
    const e = mean(energy.map((d) => d.value));
    const p = mean(positivity.map((d) => d.value));
    parts.push(
      `Music on ${daysText(musicDays)}: energy averaged ${e === null ? 'unknown' : percent(e)}, positivity ${p === null ? 'unknown' : percent(p)}.`,
    );
  }
  return parts.join(' ');
}
