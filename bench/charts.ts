/**
 * bench/charts: how long each picture takes to render, in one process, rounds alternating so that other
 * work on the machine falls on every chart alike. Target: the year in pixels of 365 days (hand-written
 * SVG through resvg) at p95 under 100 ms. Baseline in the same run: the weekly digest's chart (vega-lite
 * to SVG to resvg), the path every digest DM already takes. The mood line (30 days) and the scatter (30
 * days), both vega-lite, are reported beside them. No database: the charts get their days as input.
 */
import { pathToFileURL } from 'node:url';
import { addDays } from '../src/core/calendar/index.js';
import { type ChartDay, createChartRenderer, type WeekChartDay } from '../src/services/charts/index.js';
import { applyProductRuntime, type BenchFigure, percentile, printBenchResult, table } from './support.js';

const ROUNDS = 60;
const WARM_UP = 5;
const END = '2026-03-15';

/** A deterministic pseudo-random sequence (mulberry32), so every run draws the same pictures. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` days up to END: a mood on about 80% of them, music on about 60%. */
function days(n: number, seed: number): ChartDay[] {
  const next = random(seed);
  return Array.from({ length: n }, (_, i) => {
    const withMusic = next() < 0.6;
    return {
      day: addDays(END, i - n + 1),
      mood: next() < 0.8 ? Math.round((1 + next() * 9) * 10) / 10 : null,
      energy: withMusic ? Math.round(next() * 1000) / 1000 : null,
      positivity: withMusic ? Math.round(next() * 1000) / 1000 : null,
    };
  });
}

interface Timing {
  name: string;
  times: number[];
  bytes: number;
}

export async function runCharts(): Promise<{ figures: BenchFigure[]; report: string }> {
  applyProductRuntime();
  const charts = createChartRenderer();
  const labels = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const week: WeekChartDay[] = days(7, 1).map((d, i) => ({ ...d, label: labels[i]! }));
  const year = days(365, 2);
  const month = days(30, 3);
  const cases: Array<{ name: string; draw: () => Promise<Uint8Array> }> = [
    { name: 'digest week chart (vega-lite)', draw: () => charts.render('2026-W11', week) },
    { name: 'year in pixels, 365 days (SVG)', draw: async () => (await charts.yearInPixels(year)).png },
    { name: 'mood line, 30 days (vega-lite)', draw: async () => (await charts.moodLine(month)).png },
    { name: 'scatter, 30 days (vega-lite)', draw: async () => (await charts.moodVsMusic(month)).png },
  ];
  const timings: Timing[] = cases.map((c) => ({ name: c.name, times: [], bytes: 0 }));
  // The first chart loads vega, vega-lite, resvg and the font; warm-up rounds are not counted.
  for (let round = 0; round < WARM_UP + ROUNDS; round++) {
    for (const [i, c] of cases.entries()) {
      const t = performance.now();
      const png = await c.draw();
      const elapsed = performance.now() - t;
      if (round >= WARM_UP) {
        timings[i]!.times.push(elapsed);
        timings[i]!.bytes = png.byteLength;
      }
    }
  }
  for (const t of timings) t.times.sort((a, b) => a - b);
  const fmt = (n: number) => n.toFixed(1);
  const [weekChart, yearGrid, line, scatter] = timings as [Timing, Timing, Timing, Timing];
  const report = [
    `bench/charts: ${ROUNDS} renders of each chart after ${WARM_UP} warm-up rounds, alternating, one at a time`,
    '',
    table(
      ['chart', 'p50 ms', 'p95 ms', 'max ms', 'PNG KB'],
      timings.map((t) => [
        t.name,
        fmt(percentile(t.times, 50)),
        fmt(percentile(t.times, 95)),
        fmt(t.times.at(-1)!),
        fmt(t.bytes / 1024),
      ]),
    ),
  ].join('\n');
  const yearP95 = percentile(yearGrid.times, 95);
  return {
    report,
    figures: [
      {
        bench: 'charts',
        figure: 'year in pixels (365 days) render p50 / p95',
        value: `${fmt(percentile(yearGrid.times, 50))} / ${fmt(yearP95)} ms`,
        target: 'p95 < 100 ms',
        baseline: `digest week chart ${fmt(percentile(weekChart.times, 50))} / ${fmt(percentile(weekChart.times, 95))} ms`,
        pass: yearP95 < 100,
      },
      {
        bench: 'charts',
        figure: 'mood line / scatter (30 days) render p95 (info)',
        value: `${fmt(percentile(line.times, 95))} / ${fmt(percentile(scatter.times, 95))} ms`,
        target: 'reported',
        baseline: `digest week chart p95 ${fmt(percentile(weekChart.times, 95))} ms`,
        pass: true,
      },
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printBenchResult(await runCharts());
}
