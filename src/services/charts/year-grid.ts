import type { LocalDate } from '../../core/calendar/index.js';
import { type ChartDay, daysText, mean, monthName, oneDecimal, shortDate, someOf } from './chart-day.js';
import { CHART_WIDTH, escapeXml, FONT_FAMILY } from './chart-rendering.js';
import { MOOD_BANDS, moodBand, NO_MOOD } from './palette.js';

/**
 * The year in pixels: one square per day, coloured by the day's average mood, drawn as SVG by hand
 * (resvg alone, no vega: a few hundred squares take milliseconds).
 *
 * Layout: a row per calendar month (labelled on the left) and a column per day of the month (1 to 31,
 * numbered on top), like a paper "year in pixels" journal. Chosen over GitHub's weeks-as-columns grid
 * because a reader finds a date at once (March 14 is row "Mar", column 14), and 31 columns leave room
 * for squares three times the size of 53 week columns at the same width. What it gives up is the weekly
 * rhythm (weekends side by side); /history's text and the mood line show that. Days of a month outside
 * the period are not drawn; days in it without a mood are empty squares with a light grey outline.
 */

const PAD = 12;
const GRID_LEFT = 76;
const GRID_TOP = 64;
/** Distance between squares' starts; each square is PITCH - 2 wide, leaving a white gap. */
const PITCH = Math.floor((CHART_WIDTH - GRID_LEFT - PAD) / 31);
const CELL = PITCH - 2;
const LEGEND_GAP = 20;
const LEGEND_ROW = 22;
const LEGEND_LEFT = 184;

/** A rectangle in the PNG's pixels. */
export interface CellBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

const monthIndex = (day: LocalDate) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;

/**
 * Where `day`'s square is drawn in the PNG of a grid whose period starts on `from`: pure, so a test can
 * read the pixel colour there.
 */
export function yearGridCell(from: LocalDate, day: LocalDate): CellBox {
  const row = monthIndex(day) - monthIndex(from);
  const column = Number(day.slice(8, 10)) - 1;
  return { x: GRID_LEFT + column * PITCH, y: GRID_TOP + row * PITCH, width: CELL, height: CELL };
}

/** The grid's size in pixels for a period from `from` to `to`. */
export function yearGridSize(from: LocalDate, to: LocalDate): { width: number; height: number } {
  const rows = monthIndex(to) - monthIndex(from) + 1;
  return { width: CHART_WIDTH, height: legendTop(rows) + 2 * LEGEND_ROW + PAD };
}

const legendTop = (rows: number) => GRID_TOP + rows * PITCH + LEGEND_GAP;

const text = (x: number, y: number, content: string, attrs = '') =>
  `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${escapeXml(content)}</text>`;

/** The year grid as an SVG document (see the layout above). `days` run oldest first, one per day. */
export function yearGridSvg(days: readonly ChartDay[]): string {
  const from = days[0]?.day;
  const to = days.at(-1)?.day;
  if (!from || !to) throw new Error('the year grid needs at least one day');
  const rows = monthIndex(to) - monthIndex(from) + 1;
  const { width, height } = yearGridSize(from, to);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    `<rect width="${width}" height="${height}" fill="#FFFFFF"/>`,
    text(
      PAD,
      28,
      `Your mood by day, ${shortDate(from)}, ${from.slice(0, 4)} – ${shortDate(to)}, ${to.slice(0, 4)}`,
      'font-size="15"',
    ),
  ];
  // Day numbers over the columns.
  for (const n of [1, 5, 10, 15, 20, 25, 31]) {
    const x = GRID_LEFT + (n - 1) * PITCH + CELL / 2;
    parts.push(text(x, GRID_TOP - 8, String(n), 'font-size="10" fill="#555555" text-anchor="middle"'));
  }
  // Month names on the rows; the year with the first row and with every January.
  const firstMonth = monthIndex(from);
  for (let row = 0; row < rows; row++) {
    const month = firstMonth + row;
    const year = Math.floor(month / 12);
    const day = `${year}-${String((month % 12) + 1).padStart(2, '0')}-01`;
    const label = row === 0 || month % 12 === 0 ? `${monthName(day)} ${year}` : monthName(day);
    const y = GRID_TOP + row * PITCH + CELL - 3;
    parts.push(text(GRID_LEFT - 8, y, label, 'font-size="11" fill="#333333" text-anchor="end"'));
  }
  // Squares on whole pixels, drawn without anti-aliasing: sharp edges, and a little less work for resvg.
  parts.push('<g shape-rendering="crispEdges">');
  for (const d of days) {
    const box = yearGridCell(from, d.day);
    if (d.mood === null) {
      // The outline inside the square, so it never bleeds into the gap.
      parts.push(
        `<rect x="${box.x + 0.5}" y="${box.y + 0.5}" width="${box.width - 1}" height="${box.height - 1}" fill="${NO_MOOD.fill}" stroke="${NO_MOOD.outline}" stroke-width="1"/>`,
      );
    } else {
      parts.push(
        `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" fill="${moodBand(d.mood).colour}"/>`,
      );
    }
  }
  parts.push('</g>');
  // The legend: each band's colour with its scores in words, then the empty square.
  const top = legendTop(rows);
  parts.push(text(PAD, top + CELL - 3, 'Average mood of the day:', 'font-size="12" fill="#333333"'));
  let x = LEGEND_LEFT;
  for (const band of MOOD_BANDS) {
    parts.push(`<rect x="${x}" y="${top}" width="${CELL}" height="${CELL}" fill="${band.colour}"/>`);
    parts.push(text(x + CELL + 5, top + CELL - 3, band.label, 'font-size="12" fill="#333333"'));
    x += CELL + 5 + 8 * band.label.length + 16;
  }
  const second = top + LEGEND_ROW;
  parts.push(
    `<rect x="${LEGEND_LEFT + 0.5}" y="${second + 0.5}" width="${CELL - 1}" height="${CELL - 1}" fill="${NO_MOOD.fill}" stroke="${NO_MOOD.outline}" stroke-width="1"/>`,
  );
  parts.push(
    text(LEGEND_LEFT + CELL + 5, second + CELL - 3, 'no mood logged', 'font-size="12" fill="#333333"'),
  );
  parts.push('</svg>');
  return parts.join('\n');
}

/** What the year grid shows, in words: the period, how many days have a mood, the bands, the months. */
export function yearGridAlt(days: readonly ChartDay[]): string {
  const from = days[0]?.day;
  const to = days.at(-1)?.day;
  if (!from || !to) return 'Year in pixels: no days to show.';
  const moods = days.filter((d) => d.mood !== null);
  const parts = [
    `Year in pixels, ${shortDate(from)}, ${from.slice(0, 4)} to ${shortDate(to)}, ${to.slice(0, 4)}: one square per day, ` +
      `a row per month and a column per day of the month, coloured by the day's average mood (darker is lower, lighter is higher).`,
  ];
  if (moods.length === 0) {
    parts.push(`None of the ${daysText(days.length)} has a mood.`);
    return parts.join(' ');
  }
  parts.push(
    `${someOf(moods.length, days.length, 'a mood')}, averaging ${oneDecimal(mean(moods.map((d) => d.mood!))!)}.`,
  );
  const counts = new Map<string, number>();
  for (const d of moods) counts.set(moodBand(d.mood!).label, (counts.get(moodBand(d.mood!).label) ?? 0) + 1);
  parts.push(
    `Days per mood band: ${[...MOOD_BANDS]
      .reverse()
      .map((b) => `${b.label}: ${counts.get(b.label) ?? 0}`)
      .join(', ')}.`,
  );
  const months = new Map<string, number[]>();
  for (const d of moods) {
    const key = d.day.slice(0, 7);
    months.set(key, [...(months.get(key) ?? []), d.mood!]);
  }
  if (months.size >= 2) {
    const averages = [...months].map(([key, scores]) => ({ key, average: mean(scores)! }));
    const best = averages.reduce((a, b) => (b.average > a.average ? b : a));
    const hardest = averages.reduce((a, b) => (b.average < a.average ? b : a));
    const name = (key: string) => `${monthName(`${key}-01`)} ${key.slice(0, 4)}`;
    parts.push(
      `Highest month: ${name(best.key)} (${oneDecimal(best.average)} average); lowest: ${name(hardest.key)} (${oneDecimal(hardest.average)}).`,
    );
  }
  return parts.join(' ');
}
