import type { ReplyField, ReplyFile } from '../src/core/commands/index.js';
import type { Logger } from '../src/core/logger.js';
import type { ChartDay, ChartImage } from '../src/services/charts/index.js';
import type { DayMood } from '../src/services/mood/mood-service.js';

/** A picture for a reply: the PNG file, and a field that says in words what it shows (its alt text). */
export interface ChartAttachment {
  file: ReplyFile;
  field: ReplyField;
}

/** The mood service's days as the charts take them. */
export function chartDaysOf(days: readonly DayMood[]): ChartDay[] {
  return days.map((d) => ({ day: d.day, mood: d.average, energy: d.energy, positivity: d.positivity }));
}

/**
 * Draws a chart for a reply. A chart that fails to draw costs the picture only: one line is logged and
 * the caller answers with its text alone (undefined here).
 */
export async function chartAttachment(
  draw: () => Promise<ChartImage>,
  name: string,
  logger: Logger,
): Promise<ChartAttachment | undefined> {
  try {
    const chart = await draw();
    return {
      file: { name, contentType: 'image/png', data: chart.png, description: chart.alt },
      field: { name: 'Picture', value: chart.alt },
    };
  } catch (error) {
    logger.warn({ err: error, chart: name }, 'chart failed to render; answering without the picture');
    return undefined;
  }
}
