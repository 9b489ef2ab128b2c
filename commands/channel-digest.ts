import { opt, reply } from '../src/core/commands/index.js';
import { UserError } from '../src/core/errors.js';
import { MIN_VIBE_CONTRIBUTORS } from '../src/services/channel-digest/channel-week.js';
import { defineCommand } from './define.js';

const WHAT_IT_POSTS =
  'Every Monday it posts last week’s tracks shared here with their predicted moods, the channel’s musical ' +
  `mood and recommendations to match. Moods of members appear only as an anonymous average, only from ` +
  `members who opted in (\`/settings channel-vibe on\`), and only when at least ${MIN_VIBE_CONTRIBUTORS} of ` +
  'them logged moods that week. No one is ever named next to a mood.';

/** "A", "A and B", "A, B and C". */
const listOf = (names: readonly string[]): string =>
  names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

export default defineCommand({
  name: 'channel-digest',
  description: 'Turn the weekly music post in this channel on or off (server or workspace admins)',
  usageExample: '/channel-digest on',
  visibility: 'public',
  options: {
    state: opt.choice({
      description: 'on or off; leave out to see whether it is on',
      choices: ['on', 'off'] as const,
    }),
  },
  async run({ user, platform, channel, options }, { channelDigest }) {
    if (!channel) {
      throw new UserError(
        platform === 'console'
          ? 'The weekly channel post belongs to a Discord or Slack channel, and the console has none: run ' +
              '/channel-digest in the server or workspace channel where it should appear.'
          : 'The weekly channel post belongs to a channel: run /channel-digest in the server or workspace ' +
              'channel where it should appear, not in a direct message.',
        'NOT_IN_CHANNEL',
      );
    }
    const key = { platform, workspaceId: channel.workspaceId, channelId: channel.channelId };
    if (options.state === undefined) {
      const on = await channelDigest.isEnabled(key);
      return reply.private({
        title: `The weekly channel post is ${on ? 'on' : 'off'} here`,
        text: `${WHAT_IT_POSTS}\nAn admin can change it with \`/channel-digest ${on ? 'off' : 'on'}\`.`,
        color: 'info',
      });
    }
    if (!(await channel.isAdmin())) {
      throw new UserError(
        platform === 'slack'
          ? 'Only workspace admins and owners can turn the weekly channel post on or off.'
          : 'Only members with the Manage Server or Manage Channels permission can turn the weekly channel post on or off.',
        'NOT_ADMIN',
      );
    }
    const enabled = options.state === 'on';
    // Checked now, while the admin is here to fix it, rather than found out on Monday by a refused post.
    const missing = enabled ? ((await channel.missingPostPermissions?.()) ?? []) : [];
    if (missing.length > 0) {
      throw new UserError(
        `MoodScale cannot post in this channel: it lacks ${listOf(missing)} here, so the weekly post was not ` +
          'turned on. Give MoodScale (or its role) these permissions in this channel (Edit Channel > ' +
          'Permissions), then run `/channel-digest on` again.',
        'CANNOT_POST',
      );
    }
    const member = enabled ? await channel.botIsMember?.() : undefined;
    if (member === false) {
      throw new UserError(
        'MoodScale is not a member of this channel, so it cannot post here and the weekly post was not ' +
          'turned on. Invite it with `/invite @MoodScale` in this channel, then run `/channel-digest on` again.',
        'BOT_NOT_IN_CHANNEL',
      );
    }
    const changed = await channelDigest.setEnabled(key, user.id, enabled);
    if (!enabled) {
      return reply.public({
        title: 'Weekly channel post off',
        text: changed
          ? 'MoodScale will no longer post a weekly summary in this channel.'
          : 'It was not on here; nothing changed.',
        color: 'info',
      });
    }
    // What the bot needs to post, said only where the platform could not confirm it has it.
    const confirmed = platform === 'slack' ? member === true : channel.missingPostPermissions !== undefined;
    const needs = confirmed
      ? ''
      : platform === 'slack'
        ? '\nMoodScale must be a member of this channel to post: `/invite @MoodScale`.'
        : '\nMoodScale needs the Send Messages and Embed Links permissions in this channel to post.';
    return reply.public({
      title: changed ? 'Weekly channel post on' : 'The weekly channel post was already on',
      text: `${WHAT_IT_POSTS}${needs}`,
      color: 'success',
    });
  },
});
