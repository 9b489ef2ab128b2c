import { weekdayOf } from '../src/core/calendar/index.js';
import { opt, reply } from '../src/core/commands/index.js';
import { MOOD_LINE_MAX_DAYS } from '../src/services/charts/index.js';
import { sparkline } from '../src/services/mood/mood-stats.js';
import { chartAttachment, chartDaysOf } from './chart-file.js';
import { defineCommand } from './define.js';
import { plural, preview, score, shownTag, tagList, trendText } from './format.js';

/** In place of a note written under an encryption key this server is not configured with. */
const UNREADABLE_NOTE = "(note can't be read: encrypted with a key this server doesn't have)";

// Beyond this many days one character per day gets too wide for a chat line, so days become weeks.
const DAILY_CHART_MAX = 31;

export default defineCommand({
  name: 'history',
  readOnly: true,
  description: 'Your recent moods: averages, best and worst days, top emotions, a chart',
  usageExample: '/history 30',
  options: {
    days: opt.integer({
      description: 'How many days back, 1 to 365 (default 7)',
      label: 'number of days',
      min: 1,
      max: 365,
    }),
  },
  async run({ user, options }, { moods, charts, logger }) {
    const days = options.days ?? 7;
    const history = await moods.history(user, days);
    if (history.entryCount === 0) {
      return reply.private({
        title: `Your last ${plural(days, 'day')}`,
        text: 'No moods logged in this period yet. Log one with `/mood 6 tired`.',
      });
    }
    const chart =
      days <= DAILY_CHART_MAX
        ? sparkline(history.daily.map((d) => d.average))
        : sparkline(weekly(history.daily.map((d) => d)));
    const dayLabel = (d: { day: string; average: number | null } | null) =>
      d ? `${weekdayOf(d.day)} ${d.day} (${score(d.average)})` : '–';
    const recent = history.latest
      .map((e) => {
        const tags = e.emotions?.length ? ` ${tagList(e.emotions)}` : '';
        const note = e.notes ? ` — ${preview(e.notes)}` : e.noteKeyMissing ? ` — ${UNREADABLE_NOTE}` : '';
        return `${e.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${e.moodScore}/10${tags}${note}`;
      })
      .join('\n');
    // The picture adds to the text, which stays whole for screen readers and the console: a month or
    // less as the mood line, longer as the year in pixels; the field says in words what it shows.
    const chartDays = chartDaysOf(history.daily);
    const picture = await chartAttachment(
      () => (days <= MOOD_LINE_MAX_DAYS ? charts.moodLine(chartDays) : charts.yearInPixels(chartDays)),
      `moodscale-history-${days}d-${history.to}.png`,
      logger,
    );
    return reply.private({
      title: `Your last ${plural(days, 'day')}`,
      text: `\`${chart}\`  ${history.from} → ${history.to}${days > DAILY_CHART_MAX ? ' (one bar per week)' : ''}`,
      fields: [
        {
          name: 'Average',
          value: `${score(history.average)} over ${plural(history.entryCount, 'entry', 'entries')}`,
          inline: true,
        },
        { name: 'Best day', value: dayLabel(history.best), inline: true },
        { name: 'Hardest day', value: dayLabel(history.worst), inline: true },
        {
          name: 'Top emotions',
          value:
            history.topEmotions.map((e) => `${shownTag(e.emotion)} ×${e.count}`).join(', ') || 'none tagged',
        },
        { name: 'Trend', value: trendText(history.stats.trend, history.stats.trendDelta) },
        { name: 'Latest entries', value: recent },
        ...(picture ? [picture.field] : []),
      ],
      ...(picture ? { files: [picture.file] } : {}),
      color: 'info',
    });
  },
});

function weekly(daily: ReadonlyArray<{ average: number | null; entries: number }>): Array<number | null> {
  const weeks: Array<number | null> = [];
  for (let i = 0; i < daily.length; i += 7) {
    const slice = daily.slice(i, i + 7).filter((d) => d.average !== null);
    const entries = slice.reduce((s, d) => s + d.entries, 0);
    weeks.push(entries ? slice.reduce((s, d) => s + d.average! * d.entries, 0) / entries : null);
  }
  return weeks;
}
