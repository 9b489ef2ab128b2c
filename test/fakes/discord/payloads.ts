import { randomBytes } from 'node:crypto';

/** Discord's epoch (2015-01-01), from which snowflakes count milliseconds. */
const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A fresh snowflake id (18 to 19 digits), increasing like Discord's. */
export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

/** Discord's user object. */
export interface UserJson {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: null;
  bot?: boolean;
}

export function userJson(id: string, username = `user${id.slice(-4)}`, bot = false): UserJson {
  return {
    id,
    username,
    global_name: bot ? null : username,
    discriminator: '0',
    avatar: null,
    ...(bot ? { bot } : {}),
  };
}

/** Where an interaction happens: a server channel (with a member) or the bot's DM. */
export interface InteractionPlace {
  guildId?: string;
  channelId?: string;
  /** The member's permissions in the channel (a bitfield string); an ordinary member's when not given. */
  permissions?: string;
}

export interface CommandOptionValue {
  name: string;
  /** 3 string, 4 integer, 5 boolean, 10 number, 11 attachment (its value is the attachment's id). */
  type: 3 | 4 | 5 | 10 | 11;
  value: string | number | boolean;
  focused?: boolean;
}

/** An uploaded file as Discord's interactions carry it in `data.resolved.attachments` (by id). */
export interface AttachmentJson {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  ephemeral?: boolean;
}

/** What Discord resolved of a command's options: the attachments given for attachment options. */
export interface ResolvedJson {
  attachments?: Record<string, AttachmentJson>;
}

/** An interaction as the gateway delivers it in INTERACTION_CREATE, before id and token are set. */
export interface InteractionJson {
  id: string;
  application_id: string;
  /** 2 command, 3 component (a click), 4 autocomplete, 5 modal submit. */
  type: 2 | 3 | 4 | 5;
  token: string;
  version: 1;
  locale: string;
  /** The bot's permissions in the channel; the fake Discord fills it in for server channels. */
  app_permissions: string;
  /** The largest upload an answer may carry, in bytes; the fake Discord fills it in when absent. */
  attachment_size_limit?: number;
  entitlements: [];
  authorizing_integration_owners: Record<string, string>;
  context: 0 | 1;
  channel: { id: string; type: 0 | 1; guild_id?: string };
  channel_id: string;
  guild_id?: string;
  member?: {
    user: UserJson;
    roles: [];
    joined_at: string;
    permissions: string;
    deaf: false;
    mute: false;
    flags: 0;
  };
  user?: UserJson;
  data: Record<string, unknown>;
  message?: MessageJson;
}

function base(
  applicationId: string,
  type: InteractionJson['type'],
  user: UserJson,
  place: InteractionPlace,
  data: Record<string, unknown>,
): InteractionJson {
  const channelId = place.channelId ?? '900000000000000001';
  const common = {
    id: snowflake(),
    application_id: applicationId,
    type,
    token: `itoken-${randomBytes(24).toString('base64url')}`,
    version: 1 as const,
    locale: 'en-US',
    app_permissions: '0',
    entitlements: [] as [],
    data,
  };
  if (place.guildId) {
    return {
      ...common,
      authorizing_integration_owners: { '0': place.guildId },
      context: 0,
      channel: { id: channelId, type: 0, guild_id: place.guildId },
      channel_id: channelId,
      guild_id: place.guildId,
      member: {
        user,
        roles: [],
        joined_at: '2025-01-01T00:00:00.000Z',
        permissions: place.permissions ?? '2248473465835073',
        deaf: false,
        mute: false,
        flags: 0,
      },
    };
  }
  return {
    ...common,
    authorizing_integration_owners: { '0': '0' },
    context: 1,
    channel: { id: channelId, type: 1 },
    channel_id: channelId,
    user,
  };
}

/** A slash command: `/name option:value ...`; an attachment option's file goes in `resolved`. */
export function chatInputInteraction(
  applicationId: string,
  command: { name: string; id?: string; options?: CommandOptionValue[]; resolved?: ResolvedJson },
  user: UserJson,
  place: InteractionPlace = { guildId: '800000000000000001' },
): InteractionJson {
  return base(applicationId, 2, user, place, {
    id: command.id ?? '700000000000000001',
    name: command.name,
    type: 1,
    ...(command.options ? { options: command.options } : {}),
    ...(command.resolved ? { resolved: command.resolved } : {}),
  });
}

/** The user typing into an option that has autocomplete; `focused` marks it. */
export function autocompleteInteraction(
  applicationId: string,
  command: { name: string; id?: string; options: CommandOptionValue[] },
  user: UserJson,
  place: InteractionPlace = { guildId: '800000000000000001' },
): InteractionJson {
  return base(applicationId, 4, user, place, {
    id: command.id ?? '700000000000000001',
    name: command.name,
    type: 1,
    options: command.options,
  });
}

/** "Analyze track" (or another message menu command) used on `target`: Discord resolves the message. */
export function messageContextMenuInteraction(
  applicationId: string,
  command: { name: string; id?: string },
  target: MessageJson,
  user: UserJson,
  place: InteractionPlace = { guildId: '800000000000000001' },
): InteractionJson {
  return base(applicationId, 2, user, place, {
    id: command.id ?? '700000000000000002',
    name: command.name,
    type: 3,
    target_id: target.id,
    resolved: { messages: { [target.id]: target } },
  });
}

/** A click on a button of `message`. */
export function buttonInteraction(
  applicationId: string,
  customId: string,
  message: MessageJson,
  user: UserJson,
  place: InteractionPlace = { guildId: '800000000000000001' },
): InteractionJson {
  return {
    ...base(applicationId, 3, user, place, { custom_id: customId, component_type: 2 }),
    message,
  };
}

/**
 * The submission of a modal the bot opened (in answer to a click on a button of `message`): the
 * modal's custom_id, and its components as Discord sends them back, each field with the value typed.
 */
export function modalSubmitInteraction(
  applicationId: string,
  modal: { customId: string; components: unknown[] },
  message: MessageJson | undefined,
  user: UserJson,
  place: InteractionPlace = { guildId: '800000000000000001' },
): InteractionJson {
  return {
    ...base(applicationId, 5, user, place, { custom_id: modal.customId, components: modal.components }),
    ...(message ? { message } : {}),
  };
}

/** Discord's message object, as the REST API returns it. */
export interface MessageJson {
  id: string;
  channel_id: string;
  author: UserJson;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: false;
  mention_everyone: false;
  mentions: [];
  mention_roles: [];
  attachments: Array<{
    id: string;
    filename: string;
    size: number;
    url: string;
    proxy_url: string;
    content_type?: string;
  }>;
  embeds: unknown[];
  components: unknown[];
  pinned: false;
  type: 0 | 19 | 20;
  flags: number;
  application_id?: string;
  webhook_id?: string;
  guild_id?: string;
  message_reference?: { type?: number; message_id: string; channel_id?: string; guild_id?: string };
}

export function messageJson(fields: {
  channelId: string;
  author: UserJson;
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  flags?: number;
  files?: Array<{ name: string; size: number; contentType: string }>;
  applicationId?: string;
}): MessageJson {
  const id = snowflake();
  return {
    id,
    channel_id: fields.channelId,
    author: fields.author,
    content: fields.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: (fields.files ?? []).map((file) => {
      const attachmentId = snowflake();
      const url = `https://cdn.discordapp.com/attachments/${fields.channelId}/${attachmentId}/${file.name}`;
      return {
        id: attachmentId,
        filename: file.name,
        size: file.size,
        url,
        proxy_url: url,
        ...(file.contentType ? { content_type: file.contentType } : {}),
      };
    }),
    embeds: fields.embeds ?? [],
    components: fields.components ?? [],
    pinned: false,
    type: fields.applicationId ? 20 : 0,
    flags: fields.flags ?? 0,
    ...(fields.applicationId
      ? { application_id: fields.applicationId, webhook_id: fields.applicationId }
      : {}),
  };
}
