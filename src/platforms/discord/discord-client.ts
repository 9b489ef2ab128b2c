import { Client, GatewayIntentBits, Options, PermissionsBitField } from 'discord.js';

/** What the adapter needs of `config.discord`. */
export interface DiscordSettings {
  token: string;
  applicationId: string;
  /** Commands go to this server only (instant updates while developing); global when undefined. */
  guildId: string | undefined;
  /** REST base URL (a REST proxy in production, a fake in tests); Discord's when undefined. */
  apiUrl: string | undefined;
  /**
   * DISCORD_MESSAGE_CONTENT: read ordinary messages for Spotify links. Needs the privileged Message
   * Content intent enabled in the Developer Portal, or Discord closes the gateway with 4014. Off when absent.
   */
  messageContent?: boolean;
}

/**
 * The server permissions the bot asks for when invited: none. Slash command answers (replies, deferrals,
 * edits, follow-ups) go through the interaction's webhook and need no channel permission, and direct
 * messages need no server permission. When MoodScale starts posting in channels on its own (a shared
 * digest), add SendMessages (2048), EmbedLinks (16384) and AttachFiles (32768) here: 51200.
 */
export const BOT_PERMISSIONS = new PermissionsBitField([]);

/**
 * With DISCORD_MESSAGE_CONTENT=true the bot answers links in channels with a reply of its own: it must see
 * the channel, send messages with embeds, and read the history to reply to a message (1024 + 2048 +
 * 16384 + 65536 = 84992).
 */
export const MESSAGE_CONTENT_PERMISSIONS = new PermissionsBitField([
  PermissionsBitField.Flags.ViewChannel,
  PermissionsBitField.Flags.SendMessages,
  PermissionsBitField.Flags.EmbedLinks,
  PermissionsBitField.Flags.ReadMessageHistory,
]);

/** The link that adds the bot to a server, with exactly the scopes and permissions it needs. */
export function inviteLink(applicationId: string, messageContent = false): string {
  const permissions = messageContent ? MESSAGE_CONTENT_PERMISSIONS : BOT_PERMISSIONS;
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: permissions.bitfield.toString(),
  });
  // URLSearchParams writes spaces as '+'; Discord's own links use %20.
  return `https://discord.com/oauth2/authorize?${query.toString().replaceAll('+', '%20')}`;
}

/**
 * The gateway intents: Guilds, plus GuildMessages and the privileged MessageContent when
 * `messageContent` is on (to find Spotify links in server messages). Direct messages are not read.
 */
export function gatewayIntents(messageContent: boolean): GatewayIntentBits[] {
  return messageContent
    ? [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]
    : [GatewayIntentBits.Guilds];
}

/**
 * The discord.js client MoodScale runs: the Guilds intent (plus message intents when `messageContent`
 * is on), mentions off by default, and bounded caches so memory stays flat in large servers.
 */
export function createDiscordClient(settings: Pick<DiscordSettings, 'apiUrl' | 'messageContent'>): Client {
  return new Client({
    // Interactions (slash commands, autocomplete, buttons) reach the bot whatever its intents. Guilds is
    // not privileged and keeps discord.js's view of servers and channels right for interaction.guild and
    // interaction.channel. By default nothing privileged (message content, members, presences) is asked
    // for, so the gateway never closes with 4014 and no verification review is needed. With
    // DISCORD_MESSAGE_CONTENT=true, GuildMessages and the privileged MessageContent are added so links
    // in server messages can be answered. Direct messages are *sent* over REST (open the DM channel,
    // then post to it); the DirectMessages intent only *receives* DM events, which MoodScale does not use.
    intents: gatewayIntents(settings.messageContent ?? false),
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
