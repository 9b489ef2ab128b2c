import { localDay, localDayNumber, startOfLocalDay } from '../src/core/calendar/index.js';
import { opt, reply } from '../src/core/commands/index.js';
import { scatterDays } from '../src/services/charts/index.js';
import { chartAttachment, chartDaysOf } from './chart-file.js';
import { defineCommand } from './define.js';
import { plural } from './format.js';
import { bar } from './track-card.js';

const level = (v: number | null) => (v === null ? 'not known yet' : bar(v));

// The picture covers the last 30 days, not the insight's 7: a week gives at most 7 points and usually
// fewer days with both a mood and music, and a scatter of three or four points shows noise more than
// anything that moved together. A month is enough points while still being about now.
const PICTURE_DAYS = 30;
/** Fewer days with both a mood and music than this and the scatter is not drawn (the answer says so). */
const PICTURE_MIN_DAYS = 5;

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
  async run({ user, options, now }, { insights, moods, charts, logger }) {
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
    // Music here is what was shared or played (analysed tracks), as in /history and the digest.
    const days = chartDaysOf(await moods.moodAndMusic(user, PICTURE_DAYS));
    const paired = scatterDays(days).length;
    const picture =
      paired >= PICTURE_MIN_DAYS
        ? await chartAttachment(
            () => charts.moodVsMusic(days),
            `moodscale-mood-vs-music-${PICTURE_DAYS}d.png`,
            logger,
          )
        : undefined;
    const fields = [
      { name: 'Energy', value: level(insight.energyLevel), inline: true },
      { name: 'Positivity', value: level(insight.positivityLevel), inline: true },
      ...(insight.aiSuggestion ? [{ name: 'A suggestion', value: insight.aiSuggestion }] : []),
      ...(moodMusic.length > 0 ? [{ name: 'Mood and music', value: moodMusic.join('\n') }] : []),
      ...(picture ? [picture.field] : []),
      ...(paired < PICTURE_MIN_DAYS
        ? [
            {
              name: 'Picture',
              value:
                `A picture of your mood beside your music needs ${PICTURE_MIN_DAYS} days with both a mood and music ` +
                `in the last ${PICTURE_DAYS} days; you have ${plural(paired, 'such day')} so far.`,
            },
          ]
        : []),
    ];
    const when = localDay(insight.generatedAt, user.timeZone);
    return reply.private({
      title: 'Your music personality',
      text: `${insight.musicDna ?? ''}\n_${fresh ? 'Just computed from the last 7 days.' : `From ${when}; \`/insights refresh\` computes a new one.`}_`,
      fields,
      ...(picture ? { files: [picture.file] } : {}),
      color: 'info',
    });
  },
});
