import { opt, reply } from '../src/core/commands/index.js';
import { UserError } from '../src/core/errors.js';
import type { ChatIdentity } from '../src/services/link-service.js';
import { defineCommand } from './define.js';

const PLATFORMS = ['discord', 'slack', 'console'] as const;

export default defineCommand({
  name: 'link',
  description: 'Join your Discord and Slack accounts into one MoodScale history, or see what is linked',
  usageExample: '/link new',
  options: {
    action: opt.choice({
      description: 'new: get a code; redeem: use a code; unlink: detach a platform',
      choices: ['new', 'redeem', 'unlink'] as const,
    }),
    value: opt.text({ description: 'The code to redeem, or the platform to unlink', max: 40 }),
  },
  async run({ user, options }, { links }) {
    switch (options.action) {
      case undefined:
        return reply.private({
          title: 'Linked accounts',
          text:
            'To join another account: run `/link new` here, then `/link redeem CODE` on the other platform ' +
            'within 10 minutes. Both histories become one.',
          fields: [{ name: 'Accounts', value: describe(await links.identities(user.id)) }],
          color: 'info',
        });
      case 'new': {
        const { code } = await links.issue(user.id);
        return reply.private({
          title: 'Your link code',
          text: `On your other account (Discord or Slack), type \`/link redeem ${code}\` within 10 minutes. The code works once.`,
          color: 'info',
        });
      }
      case 'redeem': {
        if (!options.value)
          throw new UserError('Give the code too, for example `/link redeem K7QM-2XDA`.', 'MISSING_OPTION');
        const { userId } = await links.redeem(user.id, options.value);
        return reply.private({
          title: 'Accounts linked',
          text: 'This account now shares one history with your other one: moods, music and digests are merged.',
          fields: [{ name: 'Accounts', value: describe(await links.identities(userId)) }],
          color: 'success',
        });
      }
      case 'unlink': {
        const platform = PLATFORMS.find((p) => p === options.value?.trim().toLowerCase());
        if (!platform)
          throw new UserError(
            'Say which platform to unlink: `/link unlink discord` or `/link unlink slack`.',
            'MISSING_OPTION',
          );
        const detached = await links.unlink(user.id, platform, user.identityId);
        const one = detached.length === 1;
        const text = detached.some((i) => i.id === user.identityId)
          ? `Your ${platform} account is no longer linked: your data stays with your other accounts, and ` +
            'this one starts a new, separate history if you use MoodScale here again.'
          : `No longer linked: ${detached.map(name).join(', ')}. Your data stays with this account; ` +
            `${one ? 'that account starts' : 'those accounts start'} a new, separate history if used again.`;
        return reply.private({ title: 'Unlinked', text, color: 'success' });
      }
    }
  },
});

function describe(identities: readonly ChatIdentity[]): string {
  return identities
    .map((i) => `${name(i)}${i.workspaceId ? ` in workspace ${i.workspaceId}` : ''}`)
    .join('\n');
}

/** "slack (Ana)", or "slack" without a display name. */
function name(i: ChatIdentity): string {
  return `${i.platform}${i.displayName ? ` (${i.displayName})` : ''}`;
}
