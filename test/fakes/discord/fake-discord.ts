import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeGateway, type FakeGateway } from './fake-gateway.js';
import {
  type InteractionJson,
  type MessageJson,
  messageJson,
  snowflake,
  type UserJson,
  userJson,
} from './payloads.js';
import { type CommandJson, callbackSchema, commandListSchema, openDmSchema } from './schemas.js';

/** GatewayIntentBits.DirectMessages: without it Discord sends no DM message events. */
const DIRECT_MESSAGES_INTENT = 1 << 12;
/** GatewayIntentBits.GuildMessages: without it Discord sends no server message events. */
const GUILD_MESSAGES_INTENT = 1 << 9;

/** A file the bot uploaded (multipart `files[n]`). */
export interface RecordedFile {
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
}

/** One REST request the bot made, as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** The route under /api/v10, e.g. `/interactions/123/abc/callback`. */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  /** JSON body, or the `payload_json` of a multipart body; undefined when there was none. */
  body: unknown;
  files: RecordedFile[];
  /** performance.now() when the request arrived. */
  receivedAt: number;
  status: number;
}

/** An interaction sent through the gateway, and how the bot acknowledged it. */
export interface SentInteraction {
  json: InteractionJson;
  /** performance.now() when the dispatch was written to the gateway. */
  sentAt: number;
  /** The first callback: its type (4 reply, 5 deferred, 6 deferred update, 7 update, 8 autocomplete). */
  ack?: { type: number; at: number; request: RecordedRequest };
  /** The message the interaction's answer is (what @original refers to). */
  original?: MessageJson;
}

export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  /** HELLO's heartbeat interval; 41,250 ms like Discord. */
  heartbeatIntervalMs?: number;
  /** Close the gateway with this code on IDENTIFY (e.g. 4014 disallowed intents). */
  closeOnIdentify?: number;
  /** Interactions not acknowledged within this are unknown (10062), as on Discord; 3000 ms. */
  ackDeadlineMs?: number;
  /**
   * The upload limit in bytes (Discord's default is 10 MiB): a message whose files together exceed it is
   * refused with 413 and code 40005, and interactions announce it as `attachment_size_limit`.
   */
  attachmentSizeLimit?: number;
  /**
   * The bot's server-wide permissions (@everyone's plus its own role's, as an invite link granted them);
   * the fake server's @everyone defaults when not given.
   */
  botPermissions?: bigint;
}

export interface FakeDiscord {
  /** The value for DISCORD_API_URL. */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: UserJson;
  readonly gateway: FakeGateway;
  readonly requests: RecordedRequest[];
  readonly interactions: Map<string, SentInteraction>;
  /** The commands Discord holds: global, or a guild's. */
  commands(guildId?: string): CommandJson[];
  /** Puts commands in place as if registered earlier (Discord's answer shape: ids, versions...). */
  seedCommands(commands: readonly unknown[], guildId?: string): void;
  /** Sends INTERACTION_CREATE through the gateway. */
  interact(json: InteractionJson): SentInteraction;
  /** The first callback of an interaction, once it arrives. */
  acknowledgement(id: string, timeoutMs?: number): Promise<RecordedRequest>;
  /** The first recorded request matching `predicate`, waiting for it when needed. */
  waitForRequest(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedRequest>;
  /**
   * A user posts `content` in a server channel: GUILD_CREATE first when this session has not seen the
   * server (as Discord does after READY), then MESSAGE_CREATE, which Discord sends only to a session
   * with the GuildMessages intent. Returns the message (kept for interactions that point at it).
   */
  postMessage(fields: {
    author: UserJson;
    content: string;
    guildId?: string;
    channelId?: string;
    webhookId?: string;
  }): MessageJson;
  /**
   * A user writes `content` to the bot in their DM channel (opened if needed): MESSAGE_CREATE without a
   * guild, sent only when the bot identified with the DirectMessages intent, as Discord does; the
   * content is there without the privileged MessageContent intent (DMs with the app are exempt).
   * Returns the message, or undefined when the intent was missing and nothing was sent.
   */
  sendDirectMessage(fields: { author: UserJson; content: string }): MessageJson | undefined;
  /** Messages the bot posted as replies (`message_reference`) to `messageId`. */
  repliesTo(messageId: string): RecordedRequest[];
  /** The messages posted to a user's DM channel (including refused ones). */
  directMessagesTo(userId: string): RecordedRequest[];
  /** DMs to this user answer 50007 (the user does not accept them). */
  blockDirectMessages(userId: string): void;
  /** The next DM channel opening answers 40003 (opening DMs too fast). */
  failNextDmOpen(): void;
  /** The next message posted to this channel answers 429 with this retry-after, as Discord's limits do. */
  rateLimitNextMessage(channelId: string, retryAfterSeconds: number): void;
  /**
   * Gives a server channel a permission overwrite for the bot (as a role overwrite would): `deny` bits are
   * taken away, `allow` bits granted. The bot's permissions in the channel then follow: posting there is
   * refused as on Discord (50001 without View Channel, 50013 without Send Messages, Embed Links for
   * embeds, Attach Files for files, Read Message History for replies), and interactions there carry them
   * as `app_permissions`.
   */
  setChannelOverwrite(channelId: string, overwrite: { deny?: bigint; allow?: bigint }): void;
  /** The bot's permissions in a server channel: the server-wide ones with the channel's overwrite applied. */
  botPermissionsIn(channelId: string): bigint;
  /** Changes the upload limit (see FakeDiscordOptions.attachmentSizeLimit). */
  setAttachmentSizeLimit(bytes: number): void;
  /** Forgets the recorded requests and answered interactions (long benchmarks measuring memory). */
  forgetHistory(): void;
  close(): Promise<void>;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Discord's default upload limit: 10 MiB. */
export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/** Permission bits the fake checks (Discord's values). */
export const PERMISSION = {
  Administrator: 1n << 3n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
} as const;

/** The @everyone permissions of the fake server (Discord's defaults), which the bot has server-wide. */
const EVERYONE_PERMISSIONS = 2248473465835073n;

/** A server with one text channel, as GUILD_CREATE delivers it with the Guilds intent. */
function guildJson(
  guildId: string,
  channelId: string,
  ownerId: string,
  overwrite?: { deny: bigint; allow: bigint },
): Record<string, unknown> {
  return {
    id: guildId,
    name: 'Fake server',
    icon: null,
    owner_id: ownerId,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    preferred_locale: 'en-US',
    features: [],
    roles: [
      {
        id: guildId,
        name: '@everyone',
        color: 0,
        hoist: false,
        position: 0,
        permissions: String(EVERYONE_PERMISSIONS),
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    channels: [
      {
        id: channelId,
        type: 0,
        name: 'general',
        position: 0,
        permission_overwrites: overwrite
          ? [{ id: guildId, type: 0, deny: String(overwrite.deny), allow: String(overwrite.allow) }]
          : [],
        nsfw: false,
      },
    ],
    threads: [],
    members: [],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    member_count: 2,
    large: false,
    unavailable: false,
    joined_at: '2025-01-01T00:00:00.000Z',
  };
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** JSON or multipart (`files[n]` + `payload_json`), as @discordjs/rest sends them. */
async function parseBody(
  req: IncomingMessage,
  raw: Buffer,
): Promise<{ body: unknown; files: RecordedFile[] }> {
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { body: undefined, files: [] };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    const files: RecordedFile[] = [];
    let body: unknown;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
        continue;
      }
      files.push({
        field,
        name: value.name,
        contentType: value.type,
        data: Buffer.from(await value.arrayBuffer()),
      });
    }
    return { body, files };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [] };
}

/** The message id a body replies to (`message_reference.message_id`), if any. */
export function referenceOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('message_reference' in body)) return undefined;
  const reference = body.message_reference;
  if (typeof reference !== 'object' || reference === null || !('message_id' in reference)) return undefined;
  return typeof reference.message_id === 'string' ? reference.message_id : undefined;
}

function sizedFiles(files: RecordedFile[]) {
  return files.map((f) => ({ name: f.name, size: f.data.length, contentType: f.contentType }));
}

function messageFields(body: unknown): {
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  flags?: number;
} {
  if (typeof body !== 'object' || body === null) return {};
  const fields: { content?: string; embeds?: unknown[]; components?: unknown[]; flags?: number } = {};
  if ('content' in body && typeof body.content === 'string') fields.content = body.content;
  if ('embeds' in body && Array.isArray(body.embeds)) fields.embeds = body.embeds;
  if ('components' in body && Array.isArray(body.components)) fields.components = body.components;
  if ('flags' in body && typeof body.flags === 'number') fields.flags = body.flags;
  return fields;
}

/**
 * A Discord on 127.0.0.1 for the real discord.js client: the REST routes MoodScale uses under /api/v10,
 * and a gateway WebSocket that performs the real handshake. Every REST request is recorded.
 */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? 'fake-bot-token';
  const applicationId = options.applicationId ?? '123456789012345678';
  const ackDeadlineMs = options.ackDeadlineMs ?? 3000;
  const botUser = userJson(applicationId, 'MoodScale', true);
  const requests: RecordedRequest[] = [];
  const interactions = new Map<string, SentInteraction>();
  const byToken = new Map<string, SentInteraction>();
  const commandStore = new Map<string, CommandJson[]>();
  const dmChannels = new Map<string, string>(); // channel id -> recipient id
  const posted = new Map<string, MessageJson>(); // message id -> message users posted in channels
  const guildsSeen = new Map<string, string>(); // guild id -> session id GUILD_CREATE was sent in
  const blocked = new Set<string>();
  let dmOpenFailures = 0;
  const channelRateLimits = new Map<string, number>(); // channel id -> retry-after seconds, once
  const overwrites = new Map<string, { deny: bigint; allow: bigint }>(); // channel id -> bot's overwrite
  let attachmentSizeLimit = options.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT;
  const serverPermissions = options.botPermissions ?? EVERYONE_PERMISSIONS;
  const botPermissionsIn = (channelId: string): bigint => {
    // Administrator overrides every overwrite, as on Discord.
    if ((serverPermissions & PERMISSION.Administrator) !== 0n) return (1n << 53n) - 1n;
    const overwrite = overwrites.get(channelId);
    return overwrite ? (serverPermissions & ~overwrite.deny) | overwrite.allow : serverPermissions;
  };
  /** Discord refuses an upload over the limit before looking at anything else. */
  const checkUploadSize = (files: RecordedFile[]) => {
    const total = files.reduce((sum, file) => sum + file.data.length, 0);
    if (total > attachmentSizeLimit) throw new HttpFailure(413, 40005, 'Request entity too large');
  };
  /** What Discord checks before a bot's message is posted in a server channel. */
  const checkChannelPost = (channelId: string, body: unknown, files: RecordedFile[]) => {
    const has = (bit: bigint) => (botPermissionsIn(channelId) & bit) === bit;
    if (!has(PERMISSION.ViewChannel)) throw new HttpFailure(403, 50001, 'Missing Access');
    const fields = messageFields(body);
    const needs =
      !has(PERMISSION.SendMessages) ||
      ((fields.embeds?.length ?? 0) > 0 && !has(PERMISSION.EmbedLinks)) ||
      (files.length > 0 && !has(PERMISSION.AttachFiles)) ||
      (referenceOf(body) !== undefined && !has(PERMISSION.ReadMessageHistory));
    if (needs) throw new HttpFailure(403, 50013, 'Missing Permissions');
  };
  const waiters = new Set<() => void>();

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  const gateway = createFakeGateway(server, {
    token,
    applicationId,
    botUser,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    closeOnIdentify: options.closeOnIdentify,
    url: () => gatewayUrl,
  });

  const send = (
    res: ServerResponse,
    status: number,
    json?: unknown,
    headers: Record<string, string> = {},
  ) => {
    if (json === undefined) {
      // A 204 carries no body and no JSON content type (discord.js would try to parse it).
      res.writeHead(status).end();
      return;
    }
    res.writeHead(status, { ...JSON_TYPE, ...headers }).end(JSON.stringify(json));
  };

  const storedCommands = (list: CommandJson[], guildId: string | undefined): CommandJson[] =>
    list.map((command): CommandJson => {
      // Discord's answer: ids and versions added, `required: false` left out.
      const extra = {
        id: snowflake(),
        application_id: applicationId,
        version: snowflake(),
        default_member_permissions: null,
        nsfw: false,
        ...(guildId ? { guild_id: guildId } : { dm_permission: true }),
      };
      // Context-menu commands come back with an empty description.
      if (command.type === 2 || command.type === 3) return { ...command, ...extra, description: '' };
      const options = command.options?.map(({ required, ...rest }) =>
        required ? { ...rest, required } : rest,
      );
      return { ...command, ...(options ? { options } : {}), ...extra, type: 1 };
    });

  async function route(
    method: string,
    path: string,
    query: URLSearchParams,
    authorized: boolean,
    body: unknown,
    files: RecordedFile[],
    request: RecordedRequest,
  ): Promise<{ status: number; json?: unknown; headers?: Record<string, string> }> {
    const requireAuth = () => {
      if (!authorized) throw new HttpFailure(401, 0, '401: Unauthorized');
    };
    if (method === 'GET' && path === '/gateway/bot') {
      requireAuth();
      return {
        status: 200,
        json: {
          url: gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        },
      };
    }
    if (method === 'GET' && path === '/users/@me') {
      requireAuth();
      return { status: 200, json: botUser };
    }
    const commandsRoute = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path);
    if (commandsRoute) {
      const m = commandsRoute;
      requireAuth();
      if (m[1] !== applicationId) throw new HttpFailure(403, 50001, 'Missing Access');
      const key = m[2] ?? '';
      if (method === 'GET') return { status: 200, json: commandStore.get(key) ?? [] };
      if (method === 'PUT') {
        const parsed = commandListSchema.safeParse(body);
        if (!parsed.success) throw new HttpFailure(400, 50035, `Invalid Form Body: ${parsed.error.message}`);
        const stored = storedCommands(parsed.data, m[2]);
        commandStore.set(key, stored);
        return { status: 200, json: stored };
      }
    }
    const callbackRoute = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path);
    if (method === 'POST' && callbackRoute) {
      const m = callbackRoute;
      const sent = interactions.get(m[1] ?? '');
      if (!sent || sent.json.token !== m[2]) throw new HttpFailure(404, 10062, 'Unknown interaction');
      if (sent.ack) throw new HttpFailure(400, 40060, 'Interaction has already been acknowledged.');
      if (request.receivedAt - sent.sentAt > ackDeadlineMs)
        throw new HttpFailure(404, 10062, 'Unknown interaction');
      checkUploadSize(files);
      const callback = callbackSchema.safeParse(body);
      if (!callback.success) throw new HttpFailure(400, 50035, 'Invalid Form Body');
      const { type, data } = callback.data;
      sent.ack = { type, at: request.receivedAt, request };
      const channelId = sent.json.channel.id;
      if (type === 4 || type === 5) {
        sent.original = messageJson({
          channelId,
          author: botUser,
          applicationId,
          ...messageFields(data),
          files: sizedFiles(files),
        });
      } else if ((type === 6 || type === 7) && sent.json.message) {
        sent.original = type === 7 ? { ...sent.json.message, ...messageFields(data) } : sent.json.message;
      }
      if (query.get('with_response') === 'true') {
        return {
          status: 200,
          json: { interaction: { id: sent.json.id, type: sent.json.type }, resource: { type } },
        };
      }
      return { status: 204 };
    }
    const webhookRoute = /^\/webhooks\/(\d+)\/([^/]+)(\/messages\/@original)?$/.exec(path);
    if (webhookRoute) {
      const m = webhookRoute;
      const sent = byToken.get(m[2] ?? '');
      if (m[1] !== applicationId || !sent) throw new HttpFailure(404, 10015, 'Unknown Webhook');
      if (!sent.ack || !sent.original) throw new HttpFailure(404, 10008, 'Unknown Message');
      checkUploadSize(files);
      const channelId = sent.json.channel.id;
      if (m[3] && method === 'PATCH') {
        const attachments =
          files.length > 0
            ? messageJson({ channelId, author: botUser, files: sizedFiles(files) }).attachments
            : sent.original.attachments;
        sent.original = {
          ...sent.original,
          ...messageFields(body),
          attachments,
          edited_timestamp: new Date().toISOString(),
        };
        return { status: 200, json: sent.original };
      }
      if (m[3] && method === 'GET') return { status: 200, json: sent.original };
      if (m[3] && method === 'DELETE') return { status: 204 };
      if (!m[3] && method === 'POST') {
        const message = messageJson({
          channelId,
          author: botUser,
          applicationId,
          ...messageFields(body),
          files: sizedFiles(files),
        });
        return { status: 200, json: message };
      }
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      requireAuth();
      const open = openDmSchema.safeParse(body);
      if (!open.success) throw new HttpFailure(400, 50035, 'Invalid Form Body');
      if (dmOpenFailures > 0) {
        dmOpenFailures -= 1;
        throw new HttpFailure(403, 40003, 'You are opening direct messages too fast.');
      }
      const recipient = open.data.recipient_id;
      const existing = [...dmChannels].find(([, user]) => user === recipient)?.[0];
      const channelId = existing ?? snowflake();
      dmChannels.set(channelId, recipient);
      return {
        status: 200,
        json: { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [userJson(recipient)] },
      };
    }
    const channelMessagesRoute = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (method === 'POST' && channelMessagesRoute) {
      const m = channelMessagesRoute;
      requireAuth();
      const channelId = m[1] ?? '';
      const limited = channelRateLimits.get(channelId);
      if (limited !== undefined) {
        channelRateLimits.delete(channelId);
        return {
          status: 429,
          json: { message: 'You are being rate limited.', retry_after: limited, global: false },
          headers: {
            'retry-after': String(limited),
            'x-ratelimit-limit': '5',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset-after': String(limited),
            'x-ratelimit-scope': 'user',
          },
        };
      }
      checkUploadSize(files);
      const recipient = dmChannels.get(channelId);
      if (recipient !== undefined && blocked.has(recipient)) {
        throw new HttpFailure(403, 50007, 'Cannot send messages to this user');
      }
      // Any channel that is not a DM is a server channel, where the bot's permissions count.
      if (recipient === undefined) checkChannelPost(channelId, body, files);
      const reference = referenceOf(body);
      if (reference !== undefined) {
        const target = posted.get(reference);
        if (!target || target.channel_id !== channelId) {
          throw new HttpFailure(400, 50035, 'Invalid Form Body: message_reference: Unknown message');
        }
      }
      const message = messageJson({
        channelId,
        author: botUser,
        ...messageFields(body),
        files: sizedFiles(files),
      });
      if (reference === undefined) return { status: 200, json: message };
      return {
        status: 200,
        json: {
          ...message,
          type: 19,
          message_reference: { type: 0, message_id: reference, channel_id: channelId },
        },
      };
    }
    throw new HttpFailure(404, 0, '404: Not Found');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const url = new URL(req.url ?? '/', base);
    const prefix = '/api/v10';
    const raw = await readBody(req);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      // @discordjs/rest encodes '@original' as '%40original'.
      path: decodeURIComponent(
        url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname,
      ),
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      body: undefined,
      files: [],
      receivedAt,
      status: 0,
    };
    try {
      const parsed = await parseBody(req, raw);
      request.body = parsed.body;
      request.files = parsed.files;
      if (!url.pathname.startsWith(prefix)) throw new HttpFailure(404, 0, '404: Not Found');
      const authorized = req.headers.authorization === `Bot ${token}`;
      const result = await route(
        request.method,
        request.path,
        url.searchParams,
        authorized,
        parsed.body,
        parsed.files,
        request,
      );
      request.status = result.status;
      requests.push(request);
      send(res, result.status, result.json, result.headers);
    } catch (error) {
      const failure =
        error instanceof HttpFailure
          ? error
          : new HttpFailure(500, 0, error instanceof Error ? error.message : '?');
      request.status = failure.status;
      requests.push(request);
      send(res, failure.status, { code: failure.code, message: failure.message });
    } finally {
      for (const wake of waiters) wake();
    }
  }

  const waitFor = <T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const found = find();
      if (found !== undefined) {
        resolve(found);
        return;
      }
      const check = () => {
        const value = find();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Discord: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });

  return {
    apiUrl: `${base}/api`,
    gatewayUrl,
    token,
    applicationId,
    botUser,
    gateway,
    requests,
    interactions,
    commands: (guildId) => commandStore.get(guildId ?? '') ?? [],
    seedCommands(commands, guildId) {
      commandStore.set(guildId ?? '', storedCommands(commandListSchema.parse(commands), guildId));
    },
    interact(given) {
      // As Discord does: the bot's permissions in the channel (in a server) and the upload limit.
      const json: InteractionJson = {
        ...given,
        ...(given.guild_id ? { app_permissions: String(botPermissionsIn(given.channel.id)) } : {}),
        attachment_size_limit: given.attachment_size_limit ?? attachmentSizeLimit,
      };
      const sent: SentInteraction = { json, sentAt: performance.now() };
      interactions.set(json.id, sent);
      byToken.set(json.token, sent);
      gateway.dispatch('INTERACTION_CREATE', json);
      return sent;
    },
    acknowledgement(id, timeoutMs = 10_000) {
      return waitFor(() => interactions.get(id)?.ack?.request, timeoutMs, `acknowledgement of ${id}`);
    },
    waitForRequest(predicate, timeoutMs = 10_000) {
      return waitFor(() => requests.find(predicate), timeoutMs, 'matching request');
    },
    postMessage(fields) {
      const guildId = fields.guildId ?? '800000000000000001';
      const channelId = fields.channelId ?? '900000000000000001';
      const sessionId = gateway.sessionId;
      if (sessionId !== undefined && guildsSeen.get(guildId) !== sessionId) {
        guildsSeen.set(guildId, sessionId);
        gateway.dispatch(
          'GUILD_CREATE',
          guildJson(guildId, channelId, applicationId, overwrites.get(channelId)),
        );
      }
      const message: MessageJson = {
        ...messageJson({ channelId, author: fields.author, content: fields.content }),
        guild_id: guildId,
        ...(fields.webhookId ? { webhook_id: fields.webhookId } : {}),
      };
      posted.set(message.id, message);
      if (((gateway.intents ?? 0) & GUILD_MESSAGES_INTENT) === 0) return message;
      gateway.dispatch('MESSAGE_CREATE', {
        ...message,
        ...(fields.webhookId
          ? {}
          : {
              member: {
                roles: [],
                joined_at: '2025-01-01T00:00:00.000Z',
                deaf: false,
                mute: false,
                flags: 0,
              },
            }),
      });
      return message;
    },
    sendDirectMessage(fields) {
      const recipient = fields.author.id;
      const channelId = [...dmChannels].find(([, user]) => user === recipient)?.[0] ?? snowflake();
      dmChannels.set(channelId, recipient);
      if (((gateway.intents ?? 0) & DIRECT_MESSAGES_INTENT) === 0) return undefined;
      const message = messageJson({ channelId, author: fields.author, content: fields.content });
      posted.set(message.id, message);
      // Discord adds the channel's type (1, DM) to MESSAGE_CREATE; discord.js needs it to build a DM
      // channel it has not cached.
      gateway.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 });
      return message;
    },
    repliesTo(messageId) {
      return requests.filter(
        (r) =>
          r.method === 'POST' &&
          /^\/channels\/\d+\/messages$/.test(r.path) &&
          referenceOf(r.body) === messageId,
      );
    },
    directMessagesTo(userId) {
      const channels = new Set([...dmChannels].filter(([, user]) => user === userId).map(([id]) => id));
      return requests.filter((r) => {
        const channel = /^\/channels\/(\d+)\/messages$/.exec(r.path)?.[1];
        return r.method === 'POST' && channel !== undefined && channels.has(channel);
      });
    },
    blockDirectMessages(userId) {
      blocked.add(userId);
    },
    rateLimitNextMessage(channelId, retryAfterSeconds) {
      channelRateLimits.set(channelId, retryAfterSeconds);
    },
    setChannelOverwrite(channelId, overwrite) {
      overwrites.set(channelId, { deny: overwrite.deny ?? 0n, allow: overwrite.allow ?? 0n });
    },
    botPermissionsIn,
    setAttachmentSizeLimit(bytes) {
      attachmentSizeLimit = bytes;
    },
    failNextDmOpen() {
      dmOpenFailures += 1;
    },
    forgetHistory() {
      requests.length = 0;
      interactions.clear();
      byToken.clear();
      gateway.forgetSent();
    },
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
