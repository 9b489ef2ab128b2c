import { opt, reply } from '../src/core/commands/index.js';
import { UserError } from '../src/core/errors.js';
import { findSpotifyLinks, parseSpotifyLink } from '../src/integrations/spotify/link-parser.js';
import { defineCommand } from './define.js';
import { trackCard } from './track-card.js';

const NOT_A_TRACK: Record<string, string> = {
  album: 'an album',
  playlist: 'a playlist',
  artist: 'an artist',
  episode: 'a podcast episode',
  show: 'a podcast',
};

export default defineCommand({
  name: 'share',
  description: 'Analyse a Spotify track: what it is, its energy and positivity, and the mood it carries',
  usageExample: '/share https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC',
  visibility: 'public',
  slow: true,
  options: {
    url: opt.text({
      description: 'A Spotify track link (or spotify:track: URI)',
      label: 'link',
      required: true,
      max: 500,
    }),
  },
  async run({ user, options, platform, channel }, { tracks }) {
    // The whole line is the option ("/share <link> what a song" too): the first Spotify link in it counts.
    const link = parseSpotifyLink(options.url.trim()) ?? findSpotifyLinks(options.url, 1)[0];
    if (!link) {
      throw new UserError(
        'That is not a Spotify track link. Share one in this form: `/share https://open.spotify.com/track/…` ' +
          '(in Spotify: Share → Copy song link).',
        'NOT_SPOTIFY',
      );
    }
    const where = channel
      ? { platform, workspaceId: channel.workspaceId, channelId: channel.channelId }
      : undefined;
    const outcome = await tracks.share(user.id, link, where);
    switch (outcome.kind) {
      case 'track':
        return trackCard(outcome.analysis, outcome.prediction);
      case 'not-a-track':
        return reply.private(
          `That is ${NOT_A_TRACK[outcome.linkKind] ?? 'not a track'}. I analyse single tracks: open one and use Share → Copy song link.`,
        );
      case 'not-found':
        return reply.private('Spotify does not know that track. Check the link and try again.');
      case 'unresolved':
        return reply.private(
          'I could not follow that short link to a Spotify track. Paste the full open.spotify.com link instead.',
        );
      default:
        return reply.private(
          'Spotify is not answering right now, so I cannot analyse that track. Try again in a few minutes.',
        );
    }
  },
});
