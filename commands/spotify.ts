import { opt, reply } from '../src/core/commands/index.js';
import type { Services } from '../src/services/services.js';
import type { SpotifyAccountService } from '../src/services/spotify-account/spotify-account-service.js';
import { defineCommand } from './define.js';

const NOT_CONFIGURED =
  'Spotify linking is not configured (set SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET and SPOTIFY_REDIRECT_URI).';

/** The account service when the app was built with Spotify linking; optional until it is wired in. */
function spotifyAccountOf(services: Services): SpotifyAccountService | undefined {
  return services.spotifyAccount;
}

export default defineCommand({
  name: 'spotify',
  description: 'Link your Spotify account so recently played music counts too, or unlink it',
  usageExample: '/spotify connect',
  options: {
    action: opt.choice({
      description: 'connect: link; disconnect: delete the link; status: show it; sync: analyse recent plays',
      choices: ['connect', 'disconnect', 'status', 'sync'] as const,
    }),
  },
  async run({ user, options }, services) {
    const account = spotifyAccountOf(services);
    if (!account) return reply.private({ title: 'Spotify', text: NOT_CONFIGURED, color: 'warning' });
    switch (options.action) {
      case 'connect': {
        const url = account.connectUrl(user.id);
        return reply.private({
          title: 'Link your Spotify account',
          text:
            'Open this link within 10 minutes and allow MoodScale to read your recently played tracks ' +
            '(nothing else). The link works once and only for you; do not share it.\n' +
            `${url}\n\n` +
            'Note: while the Spotify app is in development mode, Spotify lets at most 5 people (added by the ' +
            'app owner in its dashboard) link their accounts, unless the app has extended access.',
          color: 'info',
        });
      }
      case 'disconnect': {
        // Deleted without being read: a link whose tokens no longer decrypt goes just the same.
        const wasLinked = await account.disconnect(user.id);
        return reply.private({
          title: 'Spotify unlinked',
          text: wasLinked
            ? 'Your Spotify account and its access tokens are deleted from MoodScale. You can also remove ' +
              'MoodScale under "Manage apps" in your Spotify account settings.'
            : 'No Spotify account was linked, so there was nothing to delete.',
          color: 'success',
        });
      }
      case 'sync': {
        const synced = await services.recentPlays?.sync(user.id);
        if (!synced) return reply.private('Spotify linking is not configured on this MoodScale.');
        return reply.private({
          title: 'Recently played',
          text:
            synced.analysed === 0
              ? 'Nothing new to analyse: your recent tracks were analysed already this week.'
              : `Analysed ${synced.analysed} recently played track${synced.analysed === 1 ? '' : 's'}; they count in your insights.`,
          color: 'info',
        });
      }
      case 'status':
      case undefined: {
        const status = await account.status(user.id);
        const state = !status.linked
          ? 'Not linked. Run `/spotify connect` to link your account.'
          : status.unreadable
            ? 'Linked, but the link needs renewing: it was saved with an encryption key this server does not ' +
              'have. Reconnect with `/spotify connect` (or remove it with `/spotify disconnect`).'
            : status.needsRenewal
              ? 'Linked, but needs renewal: Spotify no longer accepts the access. Run `/spotify connect` again.'
              : 'Linked.';
        return reply.private({
          title: 'Spotify',
          text: state,
          fields: status.spotifyId ? [{ name: 'Spotify account', value: status.spotifyId }] : [],
          color: status.needsRenewal ? 'warning' : 'info',
        });
      }
    }
  },
});
