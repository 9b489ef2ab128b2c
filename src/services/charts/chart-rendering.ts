import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';

/**
 * How every chart becomes a PNG: vega-lite compiled to vega and drawn headless to SVG, or SVG written by
 * hand (the year grid), then resvg with the shipped font only, so a picture is the same on every machine.
 */

/** Every chart is this many pixels wide (the PNG too: the SVG is drawn at scale 1). */
export const CHART_WIDTH = 640;
export const FONT_FAMILY = 'DejaVu Sans';
const FONT_FILE = 'assets/fonts/DejaVuSans.ttf';

/** A rendered picture. */
export interface RenderedPng {
  png: Uint8Array;
  width: number;
  height: number;
}

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

let resvg: Promise<typeof import('@resvg/resvg-js').Resvg> | undefined;
let libraries: Promise<ChartLibraries> | undefined;

/** resvg alone: the hand-written charts need nothing else. */
function loadResvg(): Promise<typeof import('@resvg/resvg-js').Resvg> {
  resvg ??= import('@resvg/resvg-js').then((m) => m.Resvg);
  return resvg;
}

/**
 * vega, vega-lite and resvg are loaded on the first chart, not at start: they are large (tens of MB
 * resident) and a bot that draws no chart should not carry them.
 */
function loadChartLibraries(): Promise<ChartLibraries> {
  libraries ??= (async () => {
    const [Resvg, { parse, View }, { compile }] = await Promise.all([
      loadResvg(),
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

/** Draws SVG and vega-lite specs to PNG with one font file. */
export interface PngDrawer {
  /** An SVG document drawn at its own size (its width should be CHART_WIDTH). */
  svg(svg: string): Promise<RenderedPng>;
  /** A vega-lite spec, rendered headless (renderer 'none': no canvas needed) and scaled to CHART_WIDTH. */
  vegaLite(spec: TopLevelSpec): Promise<RenderedPng>;
}

/** The drawer with the shipped font, found when the first picture is drawn (not when this is made). */
export function createPngDrawer(options: { fontFile?: string } = {}): PngDrawer {
  let font = options.fontFile;
  const toPng = (Resvg: ChartLibraries['Resvg'], svg: string, fitWidth: boolean): RenderedPng => {
    font ??= findChartFont();
    const image = new Resvg(svg, {
      font: { fontFiles: [font], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
      ...(fitWidth ? { fitTo: { mode: 'width' as const, value: CHART_WIDTH } } : {}),
    }).render();
    const png = image.asPng();
    return {
      png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength),
      width: image.width,
      height: image.height,
    };
  };
  return {
    async svg(svg) {
      return toPng(await loadResvg(), svg, false);
    },
    async vegaLite(spec) {
      const { Resvg, parse, View, compileToVega } = await loadChartLibraries();
      const view = new View(parse(compileToVega(spec)), { renderer: 'none' });
      try {
        return toPng(Resvg, await view.toSVG(), true);
      } finally {
        view.finalize();
      }
    },
  };
}

/** Text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
