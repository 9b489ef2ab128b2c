import { type Interaction, type Message, PermissionsBitField, type User } from 'discord.js';
import type { IncomingFile } from '../../core/commands/index.js';
import type { Invocation } from '../dispatcher.js';
import { remoteFile } from '../file-download.js';
import { discordChannel } from './channel-post.js';
import type { DiscordDelivery, StoredAttachment } from './discord-deliveries.js';

/** The channel as the inbox keeps it, and back (see invocationOf). */
export function channelOf(
  interaction: Interaction | Message,
): Extract<DiscordDelivery, { kind: 'interaction' }>['channel'] {
  return {
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    permissions:
      'memberPermissions' in interaction
        ? (interaction.memberPermissions?.bitfield.toString() ?? null)
        : null,
    // The bot's own permissions in the channel, computed by Discord for every interaction.
    appPermissions:
      'appPermissions' in interaction
        ? // Typed as always there; a payload without app_permissions leaves it null at run time.
          ((interaction.appPermissions as Readonly<PermissionsBitField> | null)?.bitfield.toString() ?? null)
        : null,
  };
}

/** The user as the inbox keeps them. */
export function userOf(user: User): DiscordDelivery['user'] {
  return { id: user.id, displayName: user.globalName ?? user.username };
}

/** The invocation a recorded delivery stands for. */
export function invocationOf(delivery: DiscordDelivery): Invocation {
  if (delivery.kind === 'direct') {
    return {
      identity: { platform: 'discord', workspaceId: '', externalUserId: delivery.user.id },
      displayName: delivery.user.displayName,
      // A DM is no server channel.
      command: 'mood',
      input: { text: delivery.text },
      invocationId: `discord-direct:${delivery.messageId}`,
    };
  }
  const { guildId, channelId, permissions, appPermissions } = delivery.channel;
  const bits = (value: string | null | undefined) =>
    value === null || value === undefined ? null : new PermissionsBitField(BigInt(value));
  const base = {
    identity: { platform: 'discord' as const, workspaceId: '', externalUserId: delivery.user.id },
    displayName: delivery.user.displayName,
    channel: discordChannel(guildId, channelId, bits(permissions), bits(appPermissions)),
  };
  if (delivery.kind === 'message') {
    return {
      ...base,
      command: 'share',
      input: { values: { url: delivery.url } },
      invocationId: `discord-message:${delivery.messageId}`,
    };
  }
  return {
    ...base,
    command: delivery.command,
    input: 'values' in delivery.input ? { values: withFiles(delivery.input.values) } : delivery.input,
    invocationId: delivery.interactionId,
  };
}

/** The delivered values with each attachment as the IncomingFile a file option takes. */
function withFiles(
  values: Readonly<Record<string, string | number | boolean | StoredAttachment>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    out[name] = typeof value === 'object' ? attachmentFile(value) : value;
  }
  return out;
}

/**
 * An attachment as an IncomingFile, read from Discord's CDN. Its url is signed for about a day: a
 * delivery resumed after a crash (minutes later) still reads it; one past that is told to attach again.
 */
export function attachmentFile(attachment: StoredAttachment): IncomingFile {
  return remoteFile({
    url: attachment.url,
    name: attachment.name,
    size: attachment.size,
    from: 'Discord',
    whenGone: 'Attach the file again and send the command once more.',
  });
}
