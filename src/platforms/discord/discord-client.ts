import { Client, GatewayIntentBits, Options, PermissionsBitField } from 'discord.js';

/** What the adapter needs of `config.discord`. */
export interface DiscordSettings {
  token: string;
  applicationId: string;
  /** Commands go to this server only (instant updates while developing); global when undefined. */
  guildId: string | undefined;
  /** REST base URL (a REST proxy in production, a fake in tests); Discord's when undefined. */
  apiUrl: string | undefined;
}

/**
 * The server permissions the bot asks for when invited: none. Slash command answers (replies, deferrals,
 * edits, follow-ups) go through the interaction's webhook and need no channel permission, and direct
 * messages need no server permission. When MoodScale starts posting in channels on its own (a shared
 * digest), add SendMessages (2048), EmbedLinks (16384) and AttachFiles (32768) here: 51200.
 */
export const BOT_PERMISSIONS = new PermissionsBitField([]);

/** The link that adds the bot to a server, with exactly the scopes and permissions it needs. */
export function inviteLink(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: BOT_PERMISSIONS.bitfield.toString(),
  });
  // URLSearchParams writes spaces as '+'; Discord's own links use %20.
  return `https://discord.com/oauth2/authorize?${query.toString().replaceAll('+', '%20')}`;
}

/**
 * The discord.js client MoodScale runs: the Guilds intent only, mentions off by default, and bounded
 * caches so memory stays flat in large servers.
 */
export function createDiscordClient(settings: Pick<DiscordSettings, 'apiUrl'>): Client {
  return new Client({
    // Interactions (slash commands, autocomplete, buttons) reach the bot whatever its intents. Guilds is
    // not privileged and keeps discord.js's view of servers and channels right for interaction.guild and
    // interaction.channel. Nothing privileged (message content, members, presences) is asked for, so the
    // gateway never closes with 4014 and no verification review is needed. Direct messages are *sent*
    // over REST (open the DM channel, then post to it); the DirectMessages intent only *receives* DM
    // events, which MoodScale does not use.
    intents: [GatewayIntentBits.Guilds],
    // A default for anything sent without explicit options; every message MoodScale renders sets it too.
    allowedMentions: { parse: [] },
    rest: settings.apiUrl ? { api: settings.apiUrl } : {},
    // Bounded caches: messages, members and users are kept only as far as answering needs. Guilds,
    // channels and roles cannot be limited safely (discord.js relies on them) and grow with servers,
    // not with users; past about 2,500 servers the bot is sharded anyway.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 25,
      ReactionManager: 0,
      PresenceManager: 0,
      VoiceStateManager: 0,
      ThreadMemberManager: 0,
      GuildMemberManager: { maxSize: 200, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 1000, keepOverLimit: (user) => user.id === user.client.user.id },
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      messages: { interval: 900, lifetime: 1800 },
      users: { interval: 3600, filter: () => (user) => user.id !== user.client.user.id },
      guildMembers: { interval: 3600, filter: () => (member) => member.id !== member.client.user.id },
    },
  });
}
