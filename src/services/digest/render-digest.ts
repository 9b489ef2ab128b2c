import { daysOfWeek } from '../../core/calendar/index.js';
import type { Reply, ReplyButton, ReplyField } from '../../core/commands/index.js';
import { shownTag } from '../../core/tag-list.js';
import type { DigestData, DigestDay } from './build-digest.js';

/** The follow-up command behind the "turn off" button, and the hint text-only surfaces show. */
export const DIGEST_OFF_ACTION = '/settings digest off';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

function shortDate(date: string): string {
  const [, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${MONTHS[m - 1]} ${d}`;
}

/** "Nov 16 – 22" or "Oct 26 – Nov 1". */
export function weekRange(period: string): string {
  const days = daysOfWeek(period);
  const first = days[0]!;
  const last = days[6]!;
  return first.slice(5, 7) === last.slice(5, 7)
    ? `${shortDate(first)} – ${Number(last.slice(8))}`
    : `${shortDate(first)} – ${shortDate(last)}`;
}

const percent = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)}%`);

function bar(mood: number | null): string {
  if (mood === null) return ' ';
  return BARS[Math.min(BARS.length - 1, Math.max(0, Math.round(((mood - 1) / 9) * (BARS.length - 1))))]!;
}

function dayLine(day: DigestDay): string {
  const mood = day.mood === null ? 'no entry' : `${bar(day.mood)} ${day.mood.toFixed(1)}`;
  const music =
    day.energy === null && day.positivity === null
      ? ''
      : ` · energy ${percent(day.energy)}, positivity ${percent(day.positivity)}`;
  return `${day.label} ${mood}${music}`;
}

function trendSentence(data: DigestData): string {
  const prev = data.previousAverage;
  switch (data.trend) {
    case 'new':
      return 'No entries the week before, so no comparison yet.';
    case 'steady':
      return `About the same as last week (${prev?.toFixed(1)}).`;
    case 'up':
      return `Up ${data.change?.toFixed(1)} from last week's ${prev?.toFixed(1)}.`;
    case 'down':
      return `Down ${Math.abs(data.change ?? 0).toFixed(1)} from last week's ${prev?.toFixed(1)}. Weeks go up and down; thank you for keeping track.`;
  }
}

const offButton: ReplyButton = {
  id: 'digest-off',
  label: 'Turn off weekly digests',
  style: 'secondary',
  action: DIGEST_OFF_ACTION,
};

/** The digest message, without its chart (the caller attaches the PNG when it renders one). */
export function renderDigest(data: DigestData): Reply {
  if (data.kind !== 'digest') return renderNudge(data);
  const entries = `${data.entries} ${data.entries === 1 ? 'entry' : 'entries'}`;
  const fields: ReplyField[] = [{ name: 'Mood per day', value: data.days.map(dayLine).join('\n') }];
  if (data.topEmotions.length > 0)
    fields.push({
      name: 'Top emotions',
      value: data.topEmotions.map((e) => `${shownTag(e.emotion)} (${e.count})`).join(', '),
    });
  const insight = data.insight;
  if (insight) {
    const levels =
      insight.energyLevel === null
        ? ''
        : `\nEnergy ${percent(insight.energyLevel)}, positivity ${percent(insight.positivityLevel)}`;
    fields.push({ name: 'Your music DNA', value: `${insight.musicDna}${levels}` });
    if (insight.moodMusic.length > 0)
      fields.push({ name: 'Mood and music together', value: insight.moodMusic.join('\n') });
    fields.push({ name: 'A suggestion', value: insight.suggestion });
  }
  if (data.recommendations.length > 0)
    fields.push({
      name:
        data.goal === 'lift' ? 'Three songs, a gentle path upwards' : 'Three songs for how your week felt',
      value: data.recommendations
        .map(
          (r, i) =>
            `${i + 1}. ${r.track.trackName} – ${r.track.artistName}: ${r.reason} (https://open.spotify.com/track/${r.track.spotifyTrackId})`,
        )
        .join('\n'),
    });
  return {
    visibility: 'private',
    title: `Your week in mood and music, ${weekRange(data.period)}`,
    text: `Average mood ${data.average?.toFixed(1)} over ${entries}. ${trendSentence(data)}\n\nDon't want these? Use the button or type \`${DIGEST_OFF_ACTION}\`.`,
    fields,
    buttons: [offButton],
    color: 'info',
  };
}

/** One gentle line for a quiet week, sent once: the week after, a second quiet week gets nothing. */
export function renderNudge(data: DigestData): Reply {
  return {
    visibility: 'private',
    title: `Your week, ${weekRange(data.period)}`,
    text:
      'No moods logged last week, and that is fine. Whenever you like, `/mood 7 calm` takes a second ' +
      `and your next digest will show how your week moved.\n\nTo stop these messages: \`${DIGEST_OFF_ACTION}\`.`,
    buttons: [offButton],
    color: 'info',
  };
}

/** The chart's file name, as attached to the message and written by a dry run. */
export function chartFileName(data: DigestData): string {
  return `mood-week-${data.period}.png`;
}
