import { Client, GatewayIntentBits, Options, Partials, PermissionsBitField } from 'discord.js';

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
 * What MoodScale needs in a channel to post there on its own (the weekly channel post, and admin alerts
 * with ALERT_CHANNEL=discord:...): see the channel, send messages, and show embeds (a post is an embed;
 * without Embed Links Discord refuses it with 50013). Channel posts carry no files, so no Attach Files.
 * 1024 + 2048 + 16384 = 19456. The one place these permissions are listed: the invite link asks for them
 * and `/channel-digest on` checks them.
 */
export const CHANNEL_POST_PERMISSIONS = new PermissionsBitField([
  PermissionsBitField.Flags.ViewChannel,
  PermissionsBitField.Flags.SendMessages,
  PermissionsBitField.Flags.EmbedLinks,
]).freeze();

/**
 * The server permissions the bot asks for when invited: exactly what channel posts use (19456). Slash
 * command answers (replies, deferrals, edits, follow-ups) go through the interaction's webhook and need
 * no channel permission, and direct messages need no server permission.
 */
export const BOT_PERMISSIONS = CHANNEL_POST_PERMISSIONS;

/**
 * With DISCORD_MESSAGE_CONTENT=true the bot also answers links in channels with a reply of its own, which
 * needs Read Message History on top of the channel post's permissions (19456 + 65536 = 84992).
 */
export const MESSAGE_CONTENT_PERMISSIONS = new PermissionsBitField([
  CHANNEL_POST_PERMISSIONS,
  PermissionsBitField.Flags.ReadMessageHistory,
]).freeze();

/**
 * The permissions of `needed` that `have` lacks, in Discord's words ("Send Messages"), in Discord's
 * order; empty when none is missing. Administrator counts as every permission.
 */
export function missingPermissionNames(
  have: Readonly<PermissionsBitField>,
  needed: Readonly<PermissionsBitField> = CHANNEL_POST_PERMISSIONS,
): string[] {
  return have.missing(needed).map(permissionName);
}

/** The names of a set of permissions as Discord shows them: "View Channel, Send Messages, Embed Links". */
export function permissionNames(permissions: Readonly<PermissionsBitField>): string {
  return permissions.toArray().map(permissionName).join(', ');
}

/** Flag names are PascalCase ("SendMessages"); Discord's settings show them as words. */
const permissionName = (flag: string): string => flag.replace(/(?<=[a-z])(?=[A-Z])/g, ' ');

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
 * The gateway intents: Guilds and DirectMessages (a mood sent to the bot in a DM; neither is
 * privileged, and DMs with the app carry their content anyway), plus GuildMessages and the privileged
 * MessageContent when `messageContent` is on (to find Spotify links in server messages).
 */
export function gatewayIntents(messageContent: boolean): GatewayIntentBits[] {
  const always = [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages];
  return messageContent
    ? [...always, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]
    : always;
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
    // in server messages can be answered. DirectMessages receives what users write to the bot in a DM.
    intents: gatewayIntents(settings.messageContent ?? false),
    // A DM channel the bot has not cached arrives with its first message only as an id: without the
    // Channel partial discord.js drops that message instead of emitting messageCreate.
    partials: [Partials.Channel],
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
