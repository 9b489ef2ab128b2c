import { allCommands } from '../../commands/index.js';
import { CommandRegistry, createCommandFactory, opt, reply } from '../../src/core/commands/index.js';
import { parseSpotifyLink } from '../../src/integrations/spotify/link-parser.js';
import type { Services } from '../../src/services/services.js';

const defineCommand = createCommandFactory<Services>();

/** Stands in for /share: a public card naming the URL it was given, private for anything but a track. */
export const fakeShare = defineCommand({
  name: 'share',
  description: 'Echoes the link it was given',
  visibility: 'public',
  slow: true,
  options: { url: opt.text({ description: 'A Spotify link', required: true, max: 500 }) },
  async run({ options }) {
    const link = parseSpotifyLink(options.url);
    if (link?.kind !== 'track') return reply.private(`Not a track: ${options.url}`);
    return reply.public({ title: 'Track card', text: `Analysed ${options.url}` });
  },
});

/** The app's commands with /share replaced by the stand-in, so platform tests need no music services. */
export const registryWithFakeShare = (): CommandRegistry<Services> =>
  new CommandRegistry<Services>([...allCommands.filter((c) => c.name !== 'share'), fakeShare]);

export const trackUrl = (id: string): string => `https://open.spotify.com/track/${id}`;
