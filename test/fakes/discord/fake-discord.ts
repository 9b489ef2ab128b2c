import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeGateway, type FakeGateway } from './fake-gateway.js';
import {
  type AttachmentJson,
  type InteractionJson,
  type MessageJson,
  messageJson,
  modalSubmitInteraction,
  snowflake,
  type UserJson,
  userJson,
} from './payloads.js';
import {
  type CommandJson,
  callbackSchema,
  commandListSchema,
  type ModalJson,
  modalSchema,
  openDmSchema,
  type TextInputJson,
} from './schemas.js';

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
  /**
   * The first callback: its type (4 reply, 5 deferred, 6 deferred update, 7 update, 8 autocomplete,
   * 9 modal).
   */
  ack?: { type: number; at: number; request: RecordedRequest };
  /** The modal the bot opened in answer (callback type 9), which submitModal fills in and sends. */
  modal?: ModalJson;
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
  /** Bot processes may be connected at once, each with its own session (see FakeGatewayOptions). */
  concurrentSessions?: boolean;
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
  /**
   * Discord's global rate limit, off when not given (nothing is limited, no rate-limit headers are sent).
   * When set, see GlobalRateLimitOptions; the per-route buckets of ROUTE_RATE_LIMITS are enforced too.
   */
  globalRateLimit?: GlobalRateLimitOptions;
}

/**
 * A global request limit like Discord's. Every request carrying `Authorization: Bot ...` counts, per
 * Authorization value (one bot = one client), except interaction callbacks and webhook routes, which
 * Discord exempts. The window is FIXED: 1-second windows aligned on the fake's clock
 * (`performance.now()`), `requestsPerSecond` requests each; a request over it is answered 429 with
 * `{ message, retry_after: <seconds to the window's end, float>, global: true }` and the headers
 * `Retry-After` (whole seconds, rounded up, as Discord sends it), `X-RateLimit-Global: true`,
 * `X-RateLimit-Scope: global`. Note that a fixed window admits up to 2 x requestsPerSecond within one
 * second straddling a boundary, and that @discordjs/rest limits itself to 50 per second by default with
 * windows of its own, so the two windows drifting apart is what produces the occasional 429.
 */
export interface GlobalRateLimitOptions {
  /** Requests per 1-second window, e.g. 50 as on Discord. */
  requestsPerSecond: number;
  /**
   * After a global 429 was answered, requests arriving within this many ms still count as in flight (sent
   * before the client could have read the 429: concurrent requests) rather than unhonoured; 100 ms.
   */
  inFlightGraceMs?: number;
}

/**
 * The per-route buckets enforced (and announced with `X-RateLimit-*` headers) when a global limit is
 * configured. Discord does not publish its route limits (clients must read the headers); these are
 * generous: 5 messages per 5 s per channel (the long-documented message limit), and 100 DM openings per
 * second per bot, so that the global limit, not these, bounds a mass DM.
 */
export const ROUTE_RATE_LIMITS = {
  channelMessages: { limit: 5, windowMs: 5000, bucket: 'fake-channel-messages' },
  dmOpens: { limit: 100, windowMs: 1000, bucket: 'fake-dm-open' },
} as const;

/** What the fake counted of rate limits and DM delivery (see FakeDiscord.rateLimitStats). */
export interface RateLimitStats {
  /** Requests with `Authorization: Bot ...` that count toward the global limit (exempt routes left out). */
  botRequests: number;
  /** Global 429s answered (`global: true`). */
  globalRateLimited: number;
  /** Per-route 429s answered (a route bucket's, or rateLimitNextMessage's). */
  routeRateLimited: number;
  /**
   * Requests from a client that arrived while a global 429 it had been answered was still in force
   * (before that 429's retry_after elapsed), later than GlobalRateLimitOptions.inFlightGraceMs after it.
   */
  unhonoured: number;
  /** Requests arriving within the in-flight grace after a global 429 (concurrent ones; not a fault). */
  inFlightAfterRateLimit: number;
  /** Messages created in DM channels (POST /channels/:id/messages answered 200). */
  dmMessagesCreated: number;
  /** performance.now() when the first / last DM message was created; undefined before any. */
  firstDmMessageAt: number | undefined;
  lastDmMessageAt: number | undefined;
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
  /**
   * Sends INTERACTION_CREATE again for an interaction already sent, as a gateway resume can replay it:
   * the same id and token, so a second callback is refused as already acknowledged (40060).
   */
  redeliver(id: string): SentInteraction;
  /**
   * The user fills in and submits the modal the bot opened in answer to interaction `openedBy`: a
   * modal-submit interaction (type 5) with `values` by field custom_id, carrying the message the clicked
   * button is on. Throws when Discord's client would not let it through (no modal was opened, a
   * required field left empty, a value too long or too short).
   */
  submitModal(openedBy: string, values: Record<string, string>): SentInteraction;
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
  sendDirectMessage(fields: {
    author: UserJson;
    content: string;
    /** Files attached to the message (names and sizes only; nothing is served for them). */
    files?: Array<{ name: string; size: number; contentType: string }>;
  }): MessageJson | undefined;
  /**
   * A user uploads a file for a command's attachment option: the bytes are kept and served, as Discord's
   * CDN serves them, at `/attachments/<channel>/<id>/<filename>` on the fake's own 127.0.0.1 server (with
   * the signed-URL query Discord adds). Returns the attachment as `data.resolved.attachments` holds it;
   * give its id as the option's value (see chatInputInteraction's `resolved`).
   */
  uploadAttachment(file: {
    name: string;
    data: Uint8Array | string;
    contentType?: string;
    channelId?: string;
  }): AttachmentJson;
  /** The CDN's answers to downloads of uploaded attachments, in order. */
  readonly attachmentDownloads: Array<{ path: string; status: number }>;
  /** Uploaded attachments are gone from the CDN (an expired signed URL): downloads answer 404. */
  expireAttachments(): void;
  /** Messages the bot posted as replies (`message_reference`) to `messageId`. */
  repliesTo(messageId: string): RecordedRequest[];
  /** The messages posted to a user's DM channel (including refused ones). */
  directMessagesTo(userId: string): RecordedRequest[];
  /** DMs to this user answer 50007 (the user does not accept them). */
  blockDirectMessages(userId: string): void;
  /** The user's DM channel is gone (10003 Unknown Channel when posted to); opening one makes a new one. */
  dropDmChannel(userId: string): void;
  /** The next DM channel opening answers 40003 (opening DMs too fast). */
  failNextDmOpen(): void;
  /**
   * Each DM channel opening (POST /users/@me/channels) is answered `ms` later (0: at once), as a slow
   * Discord would: a bot killed while it waits has sent nothing to that user yet.
   */
  delayDmOpens(ms: number): void;
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
  /** A snapshot of the rate-limit and DM counters (kept whether or not a global limit is configured). */
  rateLimitStats(): RateLimitStats;
  /** Zeroes the counters of rateLimitStats (e.g. after a warm-up); forgetHistory leaves them alone. */
  resetRateLimitStats(): void;
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

/** Interaction callbacks and webhook routes: Discord leaves them out of the global limit. */
function exemptFromGlobalLimit(path: string): boolean {
  return /^\/interactions\/\d+\/[^/]+\/callback$/.test(path) || path.startsWith('/webhooks/');
}

/** The per-route bucket of a request (and its major parameter), when it has one of ROUTE_RATE_LIMITS. */
function routeBucketOf(
  method: string,
  path: string,
): { key: string; limit: number; windowMs: number; bucket: string } | undefined {
  if (method !== 'POST') return undefined;
  if (path === '/users/@me/channels') return { key: 'dm-open', ...ROUTE_RATE_LIMITS.dmOpens };
  const channel = /^\/channels\/(\d+)\/messages$/.exec(path)?.[1];
  if (channel !== undefined) return { key: `messages:${channel}`, ...ROUTE_RATE_LIMITS.channelMessages };
  return undefined;
}

/** Seconds as Discord writes them in rate-limit fields: a float with millisecond precision. */
const seconds = (ms: number): number => Math.max(0.001, Math.round(ms) / 1000);

function emptyRateLimitStats(): RateLimitStats {
  return {
    botRequests: 0,
    globalRateLimited: 0,
    routeRateLimited: 0,
    unhonoured: 0,
    inFlightAfterRateLimit: 0,
    dmMessagesCreated: 0,
    firstDmMessageAt: undefined,
    lastDmMessageAt: undefined,
  };
}

/** A client's (one Authorization value's) standing against the global limit. */
interface GlobalLimitState {
  /** Start of the current fixed window (ms, performance.now() clock) and requests counted in it. */
  windowStart: number;
  count: number;
  /** When the earliest global 429 still in force was answered, and until when 429s are in force. */
  limitedSince: number | undefined;
  limitedUntil: number;
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
  const droppedDmChannels = new Set<string>();
  let dmOpenFailures = 0;
  let dmOpenDelayMs = 0;
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
  /** Uploaded attachments by CDN path (`/attachments/<channel>/<id>/<filename>`). */
  const cdn = new Map<string, { data: Buffer; contentType: string }>();
  const attachmentDownloads: Array<{ path: string; status: number }> = [];
  const globalLimit = options.globalRateLimit;
  const inFlightGraceMs = globalLimit?.inFlightGraceMs ?? 100;
  const globalLimitStates = new Map<string, GlobalLimitState>(); // Authorization value -> state
  const routeBuckets = new Map<string, { count: number; resetAt: number }>(); // bucket key -> window
  let stats = emptyRateLimitStats();

  /**
   * Counts a request toward the global limit (when it carries a bot token and is not exempt) and notes
   * whether it disregards a 429 in force. Returns the retry_after (ms) to answer when it is over the limit.
   */
  const admitGlobally = (
    authorization: string | undefined,
    path: string,
    now: number,
  ): { retryAfterMs: number; state: GlobalLimitState } | undefined => {
    if (!authorization?.startsWith('Bot ') || exemptFromGlobalLimit(path)) return undefined;
    stats.botRequests += 1;
    if (!globalLimit) return undefined;
    let state = globalLimitStates.get(authorization);
    if (!state) {
      state = { windowStart: 0, count: 0, limitedSince: undefined, limitedUntil: 0 };
      globalLimitStates.set(authorization, state);
    }
    if (state.limitedSince !== undefined) {
      if (now >= state.limitedUntil) state.limitedSince = undefined;
      else if (now - state.limitedSince >= inFlightGraceMs) stats.unhonoured += 1;
      else stats.inFlightAfterRateLimit += 1;
    }
    const windowStart = Math.floor(now / 1000) * 1000;
    if (windowStart !== state.windowStart) {
      state.windowStart = windowStart;
      state.count = 0;
    }
    if (state.count >= globalLimit.requestsPerSecond) {
      return { retryAfterMs: windowStart + 1000 - now, state };
    }
    state.count += 1;
    return undefined;
  };

  /** A global 429 goes out: from now until its window ends, the client is to send nothing. */
  const noteGlobal429 = (state: GlobalLimitState, answeredAt: number, until: number) => {
    stats.globalRateLimited += 1;
    if (state.limitedSince === undefined || answeredAt >= state.limitedUntil) state.limitedSince = answeredAt;
    state.limitedUntil = Math.max(state.limitedUntil, until);
  };

  /**
   * Takes a request into its route bucket (only with a global limit configured): the headers to send
   * with its answer, and whether the bucket was already empty (then it is answered 429 itself).
   */
  const admitToRoute = (
    method: string,
    path: string,
    now: number,
  ): { headers: Record<string, string>; limited: boolean; retryAfterMs: number } | undefined => {
    if (!globalLimit) return undefined;
    const route = routeBucketOf(method, path);
    if (!route) return undefined;
    let window = routeBuckets.get(route.key);
    if (!window || now >= window.resetAt) {
      window = { count: 0, resetAt: now + route.windowMs };
      routeBuckets.set(route.key, window);
    }
    const limited = window.count >= route.limit;
    if (!limited) window.count += 1;
    const resetAfterMs = window.resetAt - now;
    return {
      limited,
      retryAfterMs: resetAfterMs,
      headers: {
        'x-ratelimit-limit': String(route.limit),
        'x-ratelimit-remaining': String(route.limit - window.count),
        'x-ratelimit-reset': ((Date.now() + resetAfterMs) / 1000).toFixed(3),
        'x-ratelimit-reset-after': seconds(resetAfterMs).toFixed(3),
        'x-ratelimit-bucket': route.bucket,
      },
    };
  };

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
    concurrentSessions: options.concurrentSessions ?? false,
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
      if (type === 9) {
        // A modal answers only a command or a click (not a modal submit, not autocomplete), and only first.
        const modal = modalSchema.safeParse(data);
        if (!modal.success || (sent.json.type !== 2 && sent.json.type !== 3))
          throw new HttpFailure(400, 50035, 'Invalid Form Body');
        sent.modal = modal.data;
      }
      if ((type === 6 || type === 7) && sent.json.type !== 3 && !(sent.json.type === 5 && sent.json.message))
        throw new HttpFailure(400, 50035, 'Invalid Form Body');
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
      if (dmOpenDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, dmOpenDelayMs));
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
        stats.routeRateLimited += 1;
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
      if (droppedDmChannels.has(channelId)) throw new HttpFailure(404, 10003, 'Unknown Channel');
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
      if (recipient !== undefined) {
        const createdAt = performance.now();
        stats.dmMessagesCreated += 1;
        stats.firstDmMessageAt ??= createdAt;
        stats.lastDmMessageAt = createdAt;
      }
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

  /** Discord's CDN: an uploaded attachment's bytes, to anyone with the URL (no token), until it expires. */
  function serveAttachment(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const path = decodeURIComponent(url.pathname);
    const found = req.method === 'GET' ? cdn.get(path) : undefined;
    attachmentDownloads.push({ path, status: found ? 200 : 404 });
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('This content is no longer available.');
    } else {
      res
        .writeHead(200, { 'content-type': found.contentType, 'content-length': String(found.data.length) })
        .end(found.data);
    }
    for (const wake of waiters) wake();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const url = new URL(req.url ?? '/', base);
    if (url.pathname.startsWith('/attachments/')) {
      serveAttachment(req, res, url);
      return;
    }
    const prefix = '/api/v10';
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(
      url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname,
    );
    // Limits are decided in arrival order, before the body is read.
    const overGlobal = admitGlobally(req.headers.authorization, path, receivedAt);
    const routeLimit = overGlobal ? undefined : admitToRoute(method, path, receivedAt);
    const raw = await readBody(req);
    const request: RecordedRequest = {
      method,
      // @discordjs/rest encodes '@original' as '%40original'.
      path,
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
      if (overGlobal) {
        const retryAfter = seconds(overGlobal.retryAfterMs);
        request.status = 429;
        requests.push(request);
        send(
          res,
          429,
          { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
          {
            'retry-after': String(Math.ceil(retryAfter)),
            'x-ratelimit-global': 'true',
            'x-ratelimit-scope': 'global',
          },
        );
        noteGlobal429(overGlobal.state, performance.now(), receivedAt + overGlobal.retryAfterMs);
        return;
      }
      if (routeLimit?.limited) {
        const retryAfter = seconds(routeLimit.retryAfterMs);
        stats.routeRateLimited += 1;
        request.status = 429;
        requests.push(request);
        send(
          res,
          429,
          { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
          {
            ...routeLimit.headers,
            'retry-after': String(Math.ceil(retryAfter)),
            'x-ratelimit-scope': 'user',
          },
        );
        return;
      }
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
      send(res, result.status, result.json, { ...routeLimit?.headers, ...result.headers });
    } catch (error) {
      const failure =
        error instanceof HttpFailure
          ? error
          : new HttpFailure(500, 0, error instanceof Error ? error.message : '?');
      request.status = failure.status;
      requests.push(request);
      send(res, failure.status, { code: failure.code, message: failure.message }, routeLimit?.headers);
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
    redeliver(id) {
      const sent = interactions.get(id);
      if (!sent) throw new Error(`fake Discord: no interaction ${id}`);
      gateway.dispatch('INTERACTION_CREATE', sent.json);
      return sent;
    },
    submitModal(this: FakeDiscord, openedBy, values) {
      const opener = interactions.get(openedBy);
      const modal = opener?.modal;
      if (!opener || !modal) throw new Error(`fake Discord: interaction ${openedBy} opened no modal`);
      let componentId = 0;
      const field = (input: TextInputJson) => {
        const value = values[input.custom_id] ?? '';
        if ((input.required ?? true) && value === '')
          throw new Error(`fake Discord: the required field ${input.custom_id} is empty`);
        if (value.length > (input.max_length ?? 4000) || value.length < (input.min_length ?? 0))
          throw new Error(`fake Discord: ${value.length} characters do not fit ${input.custom_id}`);
        return { type: 4, id: ++componentId, custom_id: input.custom_id, value };
      };
      // Discord sends the components back in the modal's shape, each text input with its value.
      const components = modal.components.map((component) =>
        component.type === 18
          ? { type: 18, id: ++componentId, component: field(component.component) }
          : { type: 1, id: ++componentId, components: component.components.map(field) },
      );
      const { json } = opener;
      const user = json.user ?? json.member?.user;
      if (!user) throw new Error(`fake Discord: interaction ${openedBy} has no user`);
      const place = {
        ...(json.guild_id ? { guildId: json.guild_id } : {}),
        channelId: json.channel.id,
        ...(json.member ? { permissions: json.member.permissions } : {}),
      };
      // The message is the one the clicked button is on, as it stands now.
      const message = json.message ? (opener.original ?? json.message) : undefined;
      return this.interact(
        modalSubmitInteraction(
          applicationId,
          { customId: modal.custom_id, components },
          message,
          user,
          place,
        ),
      );
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
      const message = messageJson({
        channelId,
        author: fields.author,
        content: fields.content,
        ...(fields.files ? { files: fields.files } : {}),
      });
      posted.set(message.id, message);
      // Discord adds the channel's type (1, DM) to MESSAGE_CREATE; discord.js needs it to build a DM
      // channel it has not cached.
      gateway.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 });
      return message;
    },
    uploadAttachment(file) {
      const id = snowflake();
      const channelId = file.channelId ?? '900000000000000001';
      const data = typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : Buffer.from(file.data);
      const contentType = file.contentType ?? 'application/octet-stream';
      const path = `/attachments/${channelId}/${id}/${file.name}`;
      cdn.set(path, { data, contentType });
      // Discord signs CDN links: ex (expiry, hex seconds), is (issued), hm (signature).
      const expires = Math.floor(Date.now() / 1000) + 86_400;
      const query = `?ex=${expires.toString(16)}&is=${(expires - 86_400).toString(16)}&hm=${id.slice(-8)}&`;
      const url = `${base}/attachments/${channelId}/${id}/${encodeURIComponent(file.name)}${query}`;
      return {
        id,
        filename: file.name,
        size: data.length,
        url,
        proxy_url: url,
        content_type: contentType,
        ephemeral: true,
      };
    },
    attachmentDownloads,
    expireAttachments() {
      cdn.clear();
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
    dropDmChannel(userId) {
      for (const [channelId, recipient] of dmChannels) {
        if (recipient !== userId) continue;
        dmChannels.delete(channelId);
        droppedDmChannels.add(channelId);
      }
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
    delayDmOpens(ms) {
      dmOpenDelayMs = ms;
    },
    rateLimitStats: () => ({ ...stats }),
    resetRateLimitStats() {
      stats = emptyRateLimitStats();
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
