import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import type { DigestDay } from './build-digest.js';

/** Renders a week's chart (mood per day with energy and positivity) to a PNG. */
export interface ChartRenderer {
  render(period: string, days: readonly DigestDay[]): Promise<Uint8Array>;
}

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 320;
const FONT_FAMILY = 'DejaVu Sans';
const FONT_FILE = 'assets/fonts/DejaVuSans.ttf';

/**
 * The shipped font (DejaVu Sans, under its Bitstream Vera licence in assets/fonts), found by walking up
 * from this module, so it resolves from src/ under tsx and from dist/src/ after a build alike.
 */
export function findChartFont(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, FONT_FILE);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(
    `the chart font ${FONT_FILE} was not found above ${dirname(fileURLToPath(import.meta.url))}`,
  );
}

interface ChartLibraries {
  Resvg: typeof import('@resvg/resvg-js').Resvg;
  parse: typeof import('vega').parse;
  View: typeof import('vega').View;
  compileToVega(spec: TopLevelSpec): ReturnType<typeof import('vega-lite').compile>['spec'];
}

let libraries: Promise<ChartLibraries> | undefined;

/**
 * vega, vega-lite and resvg are loaded on the first chart, not at start: they are large (tens of MB
 * resident) and a bot that sends no digest should not carry them.
 */
function loadChartLibraries(): Promise<ChartLibraries> {
  libraries ??= (async () => {
    const [{ Resvg }, { parse, View }, { compile }] = await Promise.all([
      import('@resvg/resvg-js'),
      import('vega'),
      import('vega-lite'),
    ]);
    // vega-lite adds Set.prototype.toJSON when it loads (for its own hashing). discord.js's bundled
    // inspector, loaded after it, calls every argument-less Set method and fails to load on this one.
    // So the method is taken off again at once and put back only for the (synchronous) compile.
    const setToJson = Object.getOwnPropertyDescriptor(Set.prototype, 'toJSON');
    if (setToJson) Reflect.deleteProperty(Set.prototype, 'toJSON');
    const compileToVega = (spec: TopLevelSpec) => {
      if (!setToJson) return compile(spec).spec;
      Object.defineProperty(Set.prototype, 'toJSON', setToJson);
      try {
        return compile(spec).spec;
      } finally {
        Reflect.deleteProperty(Set.prototype, 'toJSON');
      }
    };
    return { Resvg, parse, View, compileToVega };
  })();
  return libraries;
}

/** The vega-lite spec: mood bars on a 1-10 axis, energy and positivity lines on a 0-100% axis. */
export function chartSpec(period: string, days: readonly DigestDay[]): TopLevelSpec {
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
    scale: { domain: ['Mood', 'Energy', 'Positivity'], range: ['#7c83db', '#e4572e', '#f3a712'] },
    legend: { orient: 'bottom' as const },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH - 90,
    height: CHART_HEIGHT - 110,
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
        mark: { type: 'line', point: true, strokeWidth: 2.5 },
        encoding: {
          x: { field: 'day', type: 'ordinal', sort: order, scale: { domain: order } },
          y: {
            field: 'music',
            type: 'quantitative',
            title: 'Music energy / positivity (%)',
            scale: { domain: [0, 100] },
          },
          color,
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}

/**
 * vega-lite compiled to vega, rendered headless to SVG (renderer 'none': no canvas needed), then to PNG
 * by resvg with the shipped font only, so the picture is the same on every machine.
 */
export function createChartRenderer(options: { fontFile?: string } = {}): ChartRenderer {
  const font = options.fontFile ?? findChartFont();
  return {
    async render(period, days) {
      const { Resvg, parse, View, compileToVega } = await loadChartLibraries();
      const view = new View(parse(compileToVega(chartSpec(period, days))), { renderer: 'none' });
      try {
        const svg = await view.toSVG();
        const png = new Resvg(svg, {
          font: { fontFiles: [font], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
          fitTo: { mode: 'width', value: CHART_WIDTH },
        })
          .render()
          .asPng();
        return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
      } finally {
        view.finalize();
      }
    },
  };
}
