import { type Client, PermissionFlagsBits, type PermissionsBitField, Routes } from 'discord.js';
import type { CommandChannel, Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import type { ChannelPostResult } from '../channel-messages.js';
import { missingPermissionNames } from './discord-client.js';
import { DiscordCode, describeDiscordError, discordCodeOf } from './discord-errors.js';
import { renderMessage } from './render.js';

/** Any of these lets a member configure a channel's weekly post (Administrator implies them all). */
const ADMIN_PERMISSIONS = [PermissionFlagsBits.ManageGuild, PermissionFlagsBits.ManageChannels];

/**
 * The channel of an interaction or message in a server; undefined in a DM. The member's and the bot's
 * permissions come with the interaction (`permissions` and `app_permissions`, already computed for that
 * channel by Discord at the moment it was used), so no request is needed.
 */
export function discordChannel(
  guildId: string | null,
  channelId: string | null,
  permissions: Readonly<PermissionsBitField> | null,
  appPermissions: Readonly<PermissionsBitField> | null = null,
): CommandChannel | undefined {
  if (!guildId || !channelId) return undefined;
  // any() counts Administrator as every permission.
  const admin = permissions?.any(ADMIN_PERMISSIONS) ?? false;
  return {
    workspaceId: guildId,
    channelId,
    isAdmin: () => Promise.resolve(admin),
    ...(appPermissions
      ? { missingPostPermissions: () => Promise.resolve(missingPermissionNames(appPermissions)) }
      : {}),
  };
}

/** Codes that mean the bot can never post there as things stand: no access, no permission, no channel. */
const REFUSED = new Set<number>([DiscordCode.MissingAccess, DiscordCode.MissingPermissions, 10003]);

/**
 * Posts a reply as a message in a server channel, through the client's REST manager (which waits out
 * 429s as Discord's retry-after asks). Mentions are disabled. Channel posts carry no files.
 */
export async function postDiscordChannelMessage(
  client: Client,
  channelId: string,
  reply: Reply,
  logger: Logger,
  now: Date,
): Promise<ChannelPostResult> {
  const message = renderMessage(reply, { now });
  try {
    await client.rest.post(Routes.channelMessages(channelId), {
      body: {
        ...(message.content ? { content: message.content } : {}),
        embeds: message.embeds,
        components: message.components,
        allowed_mentions: { parse: [] },
      },
    });
    return 'sent';
  } catch (error) {
    const code = discordCodeOf(error);
    const refused = code !== undefined && REFUSED.has(code);
    logger[refused ? 'info' : 'warn'](
      { err: error, channelId },
      `could not post in a Discord channel: ${describeDiscordError(error)}`,
    );
    return refused ? 'refused' : 'failed';
  }
}
