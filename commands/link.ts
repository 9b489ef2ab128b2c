import { opt, type Platform, reply } from '../src/core/commands/index.js';
import { UserError } from '../src/core/errors.js';
import type { ChatIdentity } from '../src/services/link-service.js';
import { defineCommand } from './define.js';

const PLATFORMS = ['discord', 'slack', 'console'] as const;

/**
 * The account to join, as seen from where the user is: usually the other chat platform, but linking
 * works between any two accounts (two Slack workspaces, two console names).
 */
const OTHER_ACCOUNT: Readonly<Record<Platform, string>> = {
  discord: 'your Slack account (or another Discord account)',
  slack: 'your Discord account (or your account in another Slack workspace)',
  console: 'your Discord or Slack account (or another console name, started with `npm start -- --user NAME`)',
};

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
  async run({ user, platform, options }, { links }) {
    switch (options.action) {
      case undefined:
        return reply.private({
          title: 'Linked accounts',
          text:
            `To join ${OTHER_ACCOUNT[platform]} to this one: run \`/link new\` here, then ` +
            '`/link redeem CODE` there within 10 minutes. Both histories become one.',
          fields: [{ name: 'Accounts', value: describe(await links.identities(user.id), user.identityId) }],
          color: 'info',
        });
      case 'new': {
        const { code } = await links.issue(user.id);
        return reply.private({
          title: 'Your link code',
          text:
            `Type \`/link redeem ${code}\` from ${OTHER_ACCOUNT[platform]} within 10 minutes. ` +
            'The code works once.',
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
          fields: [{ name: 'Accounts', value: describe(await links.identities(userId), user.identityId) }],
          color: 'success',
        });
      }
      case 'unlink': {
        const wanted = options.value?.trim().toLowerCase();
        const platformToUnlink = PLATFORMS.find((p) => p === wanted);
        if (!platformToUnlink) throw whichPlatform(await links.identities(user.id), platform, wanted);
        const detached = await links.unlink(user.id, platformToUnlink, user.identityId);
        const one = detached.length === 1;
        const text = detached.some((i) => i.id === user.identityId)
          ? `Your ${platformToUnlink} account is no longer linked: your data stays with your other accounts, and ` +
            'this one starts a new, separate history if you use MoodScale here again.'
          : `No longer linked: ${detached.map(name).join(', ')}. Your data stays with this account; ` +
            `${one ? 'that account starts' : 'those accounts start'} a new, separate history if used again.`;
        return reply.private({ title: 'Unlinked', text, color: 'success' });
      }
    }
  },
});

/**
 * The answer to `/link unlink` without a platform it knows: the platforms of the accounts linked now,
 * or, with this account alone, that there is nothing to unlink.
 */
function whichPlatform(
  identities: readonly ChatIdentity[],
  here: Platform,
  typed: string | undefined,
): UserError {
  const unknown = typed ? `MoodScale has no platform called "${typed.slice(0, 40)}". ` : '';
  if (identities.length <= 1) {
    return new UserError(
      `${unknown}Only this ${here} account holds your data, so there is nothing to unlink. ` +
        'Run `/link` to see how to join another account.',
      'NOT_LINKED',
    );
  }
  const linked = PLATFORMS.filter((p) => identities.some((i) => i.platform === p));
  const choices = linked.map((p) => `\`/link unlink ${p}\``);
  const list =
    choices.length < 2 ? choices.join('') : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
  return new UserError(`${unknown}Say which platform to unlink: ${list}.`, 'MISSING_OPTION');
}

/** One line per linked account; the one the command came from is marked. */
function describe(identities: readonly ChatIdentity[], here: number | undefined): string {
  return identities
    .map(
      (i) =>
        `${name(i)}${i.workspaceId ? ` in workspace ${i.workspaceId}` : ''}${i.id === here ? ' — this account' : ''}`,
    )
    .join('\n');
}

/** "slack (Ana)", or "slack" without a display name. */
function name(i: ChatIdentity): string {
  return `${i.platform}${i.displayName ? ` (${i.displayName})` : ''}`;
}
