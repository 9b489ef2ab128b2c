import { DAY_MS } from '../../core/calendar/index.js';
import { type Reply, type ReplyField, reply } from '../../core/commands/index.js';
import { tagList } from '../../core/tag-list.js';
import { describeSound } from '../recommendations/rank-local.js';
import { type ChannelWeek, MIN_VIBE_CONTRIBUTORS } from './channel-week.js';

const MAX_LISTED = 10;
const percent = (value: number) => `${Math.round(value * 100)}%`;

function weekLabel(week: ChannelWeek['week']): string {
  const last = new Date(week.end.getTime() - DAY_MS);
  const day = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `${day(week.start)} – ${day(last)}`;
}

/**
 * The weekly channel post: shared tracks with their predicted moods, the musical mood, recommendations,
 * and (from MIN_VIBE_CONTRIBUTORS opted-in members) the anonymous vibe. It names tracks and artists only,
 * never a member: not who shared what, not who contributed to the vibe.
 */
export function renderChannelPost(data: ChannelWeek): Reply {
  const fields: ReplyField[] = [];
  if (data.shared.length > 0) {
    const lines = data.shared.slice(0, MAX_LISTED).map((t) => {
      const mood =
        t.predictedMood && t.predictedMood !== 'unknown'
          ? `${t.predictedMood}${t.moodConfidence !== null ? ` (${percent(t.moodConfidence)} sure)` : ''}`
          : 'mood unknown';
      const times = t.shares > 1 ? ` ×${t.shares}` : '';
      return `• ${t.trackName} — ${t.artistName}: ${mood}${times}`;
    });
    if (data.shared.length > MAX_LISTED) lines.push(`…and ${data.shared.length - MAX_LISTED} more`);
    fields.push({ name: `Shared this week (${data.shared.length})`, value: lines.join('\n') });
  }
  if (data.recommendations.length > 0) {
    fields.push({
      name: 'Recommended for this mood',
      value: data.recommendations
        .map((r) => `• ${r.track.trackName} — ${r.track.artistName}: ${r.reason}`)
        .join('\n'),
    });
  }
  if (data.vibe && data.vibe.averageScore !== null) {
    const emotions = tagList(data.vibe.topEmotions.map((e) => e.emotion));
    fields.push({
      name: 'Channel vibe',
      value:
        `Average mood ${data.vibe.averageScore.toFixed(1)}/10 from ${data.vibe.contributors} members who chose ` +
        `to count anonymously.${emotions ? ` Top emotions: ${emotions}.` : ''}`,
    });
  }
  const mood = data.musicalMood
    ? `The musical mood of the week: ${describeSound(data.musicalMood.valence, data.musicalMood.energy)} ` +
      `(positivity ${percent(data.musicalMood.valence)}, energy ${percent(data.musicalMood.energy)} ` +
      `across ${data.musicalMood.tracks} track${data.musicalMood.tracks === 1 ? '' : 's'}).`
    : data.shared.length > 0
      ? 'Not enough audio data this week to tell the musical mood.'
      : 'No tracks were shared here this week.';
  const footer = data.vibe
    ? ''
    : `\n\nThe anonymous channel vibe appears when at least ${MIN_VIBE_CONTRIBUTORS} members who opted in ` +
      '(`/settings channel-vibe on`) log moods in a week.';
  return reply.public({
    title: `This channel's week in music (${weekLabel(data.week)})`,
    text: `${mood}${footer}`,
    fields,
    color: 'info',
  });
}

/** Whether a week has anything worth posting. */
export function hasSomethingToPost(data: ChannelWeek): boolean {
  return data.shared.length > 0 || data.vibe !== undefined;
}
