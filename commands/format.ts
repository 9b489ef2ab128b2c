import type { Trend } from '../src/services/mood/mood-stats.js';

/** 6 -> "6.0", null -> "–". */
export function score(value: number | null): string {
  return value === null ? '–' : value.toFixed(1);
}

export function trendText(trend: Trend, delta: number | null): string {
  const signed = delta === null ? '' : ` (${delta > 0 ? '+' : ''}${delta.toFixed(1)})`;
  switch (trend) {
    case 'up':
      return `↗ rising vs the week before${signed}`;
    case 'down':
      return `↘ lower than the week before${signed}`;
    case 'steady':
      return `→ steady vs the week before${signed}`;
    case 'new':
      return 'not enough history yet for a trend';
  }
}

/** The one plural helper (src/core/plural.ts), here beside the other formats commands use. */
export { plural } from '../src/core/plural.js';

/** Cuts user text for a one-line preview. */
export function preview(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export { shownTag, tagList } from '../src/core/tag-list.js';
