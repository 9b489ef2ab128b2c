import { localMinuteOfDay } from '../src/core/calendar/index.js';
import type { ReplyButton } from '../src/core/commands/index.js';
import { opt, reply } from '../src/core/commands/index.js';
import { formatTimeOfDay } from '../src/services/checkins/schedule.js';
import { UNDO_WINDOW_MS } from '../src/services/mood/mood-service.js';
import { defineCommand } from './define.js';
import { emotionTags } from './emotion-tags.js';
import { plural, score, tagList, trendText } from './format.js';

export default defineCommand({
  name: 'mood',
  appliesOncePerDelivery: true,
  description: 'Log how you feel from 1 to 10, with emotions and a note (only you see it)',
  usageExample: '/mood 6 tired anxious -- long day at work',
  options: {
    score: opt.integer({
      description: 'How you feel, 1 (awful) to 10 (great)',
      min: 1,
      max: 10,
      required: true,
    }),
    emotions: emotionTags,
    note: opt.text({ description: 'A note for yourself, up to 1,000 characters', max: 1000, rest: true }),
  },
  async run({ user, options, deliveryKey, platform }, { moods, care, checkins }) {
    const {
      entry,
      stats,
      care: needsCare,
    } = await moods.log(user, {
      score: options.score,
      emotions: options.emotions,
      note: options.note ?? null,
      deliveryKey,
    });
    const tags = entry.emotions?.length ? ` — ${tagList(entry.emotions)}` : '';
    const fields = [
      {
        name: 'Today',
        value: `${score(stats.today.average)} (${plural(stats.today.entries, 'entry', 'entries')})`,
        inline: true,
      },
      { name: '7-day average', value: score(stats.last7Days.average), inline: true },
      { name: 'Streak', value: plural(stats.streakDays, 'day'), inline: true },
      { name: 'Trend', value: trendText(stats.trend, stats.trendDelta) },
    ];
    if (needsCare) fields.push({ name: 'You are not alone', value: care.text });
    // A user's first mood (nothing else in two weeks) offers a daily check-in at this time, not in the
    // console, which gets no direct messages.
    const first = stats.last7Days.entries === 1 && stats.previous7Days.entries === 0;
    const offer =
      platform !== 'console' && first && checkins.offerAfterFirstMood(user.id)
        ? checkinOffer(entry.createdAt, user.timeZone)
        : [];
    return reply.private({
      title: `Mood logged: ${entry.moodScore}/10`,
      text: `Saved ${entry.moodScore}/10${tags}${entry.notes ? ', with your note' : ''}.`,
      fields,
      buttons: [
        { id: 'mood:recommend', label: 'Recommend music', style: 'primary', action: '/recommend' },
        {
          id: `mood:undo:${entry.id}`,
          label: 'Undo',
          style: 'secondary',
          action: `/undo entry:${entry.id}`,
          expiresAt: new Date(entry.createdAt.getTime() + UNDO_WINDOW_MS),
        },
        ...offer,
      ],
      color: needsCare ? 'warning' : 'success',
    });
  },
});

/** "Want a daily check-in at this time?": the local time of the mood, to the 5 minutes before it. */
function checkinOffer(at: Date, timeZone: string): ReplyButton[] {
  const minute = localMinuteOfDay(at, timeZone);
  const time = formatTimeOfDay(minute - (minute % 5));
  return [
    {
      id: 'mood:checkin-offer',
      label: `Daily check-in at ${time}?`,
      style: 'secondary',
      action: `/checkin ${time}`,
    },
  ];
}
