import { reply } from '../src/core/commands/index.js';
import { defineCommand } from './define.js';
import { plural } from './format.js';

export default defineCommand({
  name: 'export',
  readOnly: true,
  description: 'Get everything MoodScale stores about you, as JSON and CSV files (only you see them)',
  slow: true,
  async run({ user, now }, { privacy }) {
    const data = await privacy.export(user.id, user.timeZone);
    // Named after the account that asked: after /link the username is the other account's.
    const stamp = `${fileNamePart(user.accountName ?? user.username) || `user-${user.id}`}-${timeStamp(now)}`;
    return reply.private({
      title: 'Your data',
      text:
        `Everything stored about you: ${plural(data.counts.moodEntries ?? 0, 'mood entry', 'mood entries')}, ` +
        `${plural(data.counts.musicAnalysis ?? 0, 'analysed track')}, ` +
        `${plural(data.counts.recommendations ?? 0, 'recommendation')}. ` +
        'The JSON holds every table; the CSV holds your mood entries. To erase it all, use `/forget`.',
      files: [
        { name: `moodscale-export-${stamp}.json`, contentType: 'application/json', data: data.json },
        { name: `moodscale-moods-${stamp}.csv`, contentType: 'text/csv', data: data.csv },
      ],
    });
  },
});

/** "console:alice" -> "console-alice": letters, digits, _ and - only, so the name is safe on every system. */
function fileNamePart(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

/** "2026-03-05T14-07-09Z": the UTC second, without the colons some file systems refuse. */
function timeStamp(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace(/:/g, '-')}Z`;
}
