import { localTimeOfDay } from '../src/core/calendar/index.js';
import { opt, reply } from '../src/core/commands/index.js';
import { defineCommand } from './define.js';
import { tagList } from './format.js';

export default defineCommand({
  name: 'undo',
  // A rerun of the same delivery (a crash, a second instance) must not take back a second entry.
  appliesOncePerDelivery: true,
  description: 'Take back a mood you logged in the last 10 minutes (only you see it)',
  usageExample: '/undo',
  options: {
    entry: opt.integer({
      description: 'Which entry to take back (the Undo button fills it in); leave out for your latest',
      label: 'entry',
      min: 1,
      max: 2_147_483_647,
    }),
  },
  async run({ user, options, deliveryKey }, { moods }) {
    const removed = await moods.undo(user, { entryId: options.entry, deliveryKey });
    const tags = removed.emotions?.length ? ` — ${tagList(removed.emotions)}` : '';
    const at = localTimeOfDay(removed.createdAt, user.timeZone);
    return reply.private({
      title: 'Mood taken back',
      text: `Removed the ${removed.moodScore}/10${tags} you logged at ${at} (${user.timeZone}). Nothing else changed.`,
      color: 'info',
    });
  },
});
