import type { TopLevelSpec } from 'vega-lite';
import { type ChartDay, daysText, oneDecimal, SERIES_ENCODING, shortDate, spanText } from './chart-day.js';
import { CHART_WIDTH, FONT_FAMILY } from './chart-rendering.js';
import { SERIES_COLOURS } from './palette.js';
import { MUSIC_MARKS } from './week-chart.js';

const HEIGHT = 420;
/** Said on the chart and in its text: the picture is about what moved together, never why. */
export const NOT_CAUSE = 'It shows what moved together, not what caused what.';

/** The days the scatter draws: those with a mood and at least one of energy and positivity. */
export function scatterDays(days: readonly ChartDay[]): ChartDay[] {
  return days.filter((d) => d.mood !== null && (d.energy !== null || d.positivity !== null));
}

/**
 * The scatter's vega-lite spec: each day with a mood and music twice, once across by its music's energy
 * (vermillion squares) and once by its positivity (green triangles), up by its average mood.
 */
export function moodMusicScatterSpec(days: readonly ChartDay[]): TopLevelSpec {
  const shown = scatterDays(days);
  const values = shown.flatMap((d) => [
    ...(d.energy === null ? [] : [{ series: 'Energy', music: Math.round(d.energy * 100), mood: d.mood }]),
    ...(d.positivity === null
      ? []
      : [{ series: 'Positivity', music: Math.round(d.positivity * 100), mood: d.mood }]),
  ]);
  const series = SERIES_ENCODING;
  const first = days[0]?.day;
  const last = days.at(-1)?.day;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH - 80,
    height: HEIGHT - 160,
    background: 'white',
    padding: 12,
    title: {
      text: first && last ? `Mood and music, ${shortDate(first)} – ${shortDate(last)}` : 'Mood and music',
      subtitle: [`Each day with a mood and music, by its music's energy and by its positivity.`, NOT_CAUSE],
      anchor: 'start',
      fontSize: 15,
      subtitleFontSize: 12,
    },
    config: {
      font: FONT_FAMILY,
      axis: { labelFontSize: 11, titleFontSize: 11, grid: true },
      legend: { labelFontSize: 12, symbolSize: 120 },
    },
    data: { values },
    // Opaque marks in their exact colours, each ringed in white so that days on the same spot stay apart.
    mark: { type: 'point', filled: true, size: 100, opacity: 1, stroke: 'white', strokeWidth: 1 },
    encoding: {
      x: {
        field: 'music',
        type: 'quantitative',
        title: "Music's energy or positivity (%)",
        scale: { domain: [0, 100] },
      },
      y: { field: 'mood', type: 'quantitative', title: 'Mood that day (1-10)', scale: { domain: [1, 10] } },
      color: {
        ...series,
        scale: {
          domain: ['Energy', 'Positivity'],
          range: [SERIES_COLOURS.energy, SERIES_COLOURS.positivity],
        },
      },
      shape: {
        ...series,
        scale: {
          domain: ['Energy', 'Positivity'],
          range: [MUSIC_MARKS.Energy.shape, MUSIC_MARKS.Positivity.shape],
        },
      },
    },
  };
}

/** Pearson's r of the pairs; null with fewer than 3 or when either side does not vary. */
export function correlation(pairs: ReadonlyArray<readonly [number, number]>): number | null {
  if (pairs.length < 3) return null;
  const n = pairs.length;
  const mx = pairs.reduce((s, p) => s + p[0], 0) / n;
  const my = pairs.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** How mood and one music measure moved together, in words a reader can take without statistics. */
function together(measure: string, r: number | null): string {
  if (r === null) return `mood and ${measure} could not be compared (too few days, or no change)`;
  const shown = `r = ${r.toFixed(2)}`;
  if (r >= 0.3) return `mood tended to be higher on days with more ${measure} (${shown})`;
  if (r <= -0.3) return `mood tended to be lower on days with more ${measure} (${shown})`;
  return `mood and ${measure} showed no clear pattern together (${shown})`;
}

/** What the scatter shows, in words: the period, how many days, and how each measure moved with mood. */
export function moodMusicScatterAlt(days: readonly ChartDay[]): string {
  const first = days[0]?.day;
  const last = days.at(-1)?.day;
  const shown = scatterDays(days);
  const span = first && last ? spanText(first, last) : 'no days';
  const pairs = (key: 'energy' | 'positivity') =>
    shown.flatMap((d) => (d[key] === null ? [] : [[d[key]!, d.mood!] as const]));
  const moods = shown.map((d) => d.mood!);
  const range =
    moods.length > 0
      ? ` Moods on those days ranged from ${oneDecimal(Math.min(...moods))} to ${oneDecimal(Math.max(...moods))}.`
      : '';
  return (
    `Scatter plot, ${span}: for the ${daysText(shown.length)} with both a mood and music, the day's average mood ` +
    `(1 to 10, up) against its music's energy (squares) and positivity (triangles), 0 to 100% (across).${range} ` +
    `Over these days ${together('energy', correlation(pairs('energy')))}; ${together('positivity', correlation(pairs('positivity')))}. ` +
    NOT_CAUSE
  );
}
