import { localDay, localDayNumber, startOfLocalDay } from '../src/core/calendar/index.js';
import { opt, reply } from '../src/core/commands/index.js';
import { defineCommand } from './define.js';
import { bar } from './track-card.js';

const level = (v: number | null) => (v === null ? 'not known yet' : bar(v));

export default defineCommand({
  name: 'insights',
  readOnly: true,
  description:
    'Your weekly music personality: energy, positivity, music DNA and a suggestion (only you see it)',
  usageExample: '/insights refresh',
  slow: true,
  options: {
    action: opt.choice({
      description: 'refresh: compute a new one from the last 7 days; leave out to see the latest',
      choices: ['refresh'] as const,
    }),
  },
  async run({ user, options, now }, { insights }) {
    let shown = options.action === 'refresh' ? undefined : await insights.latest(user.id);
    let fresh = false;
    if (!shown) {
      const today = localDayNumber(now.getTime(), user.timeZone);
      const from = startOfLocalDay(today - 6, user.timeZone);
      const generated = await insights.generate({ userId: user.id, from, to: now, timeZone: user.timeZone });
      shown = { insight: generated.insight, moodMusic: generated.moodMusic };
      fresh = true;
    }
    const { insight, moodMusic } = shown;
    const fields = [
      { name: 'Energy', value: level(insight.energyLevel), inline: true },
      { name: 'Positivity', value: level(insight.positivityLevel), inline: true },
      ...(insight.aiSuggestion ? [{ name: 'A suggestion', value: insight.aiSuggestion }] : []),
      ...(moodMusic.length > 0 ? [{ name: 'Mood and music', value: moodMusic.join('\n') }] : []),
    ];
    const when = localDay(insight.generatedAt, user.timeZone);
    return reply.private({
      title: 'Your music personality',
      text: `${insight.musicDna ?? ''}\n_${fresh ? 'Just computed from the last 7 days.' : `From ${when}; \`/insights refresh\` computes a new one.`}_`,
      fields,
      color: 'info',
    });
  },
});
