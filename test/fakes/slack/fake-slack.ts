import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { type PostResult, post, signedInteraction } from './slack-requests.js';

/** One Web API call as the fake received it. */
export interface RecordedCall {
  method: string;
  /** Form fields; JSON-valued ones (blocks, files) parsed. */
  body: Record<string, unknown>;
  token: string | undefined;
  at: number;
}

/** A POST to a response_url. */
export interface RecordedResponse {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

/** A message as it stands in a conversation: posted with chat.postMessage or through a response_url. */
export interface FakeMessage {
  channel: string;
  ts: string;
  text: unknown;
  blocks: unknown;
  /**
   * Only one user sees it: posted through a response_url with response_type ephemeral, or with
   * chat.postEphemeral (then `user` names who).
   */
  ephemeral: boolean;
  user?: string;
}

/** Bytes POSTed to an upload_url from files.getUploadURLExternal. */
export interface RecordedUpload {
  fileId: string;
  filename: string;
  bytes: Buffer;
}

/**
 * A file a user shared (say, in their DM with the bot). files.list lists it, and its bytes are served
 * at `url_private_download` on the fake's own server, only to a request with a bot token that has
 * files:read (anything else is sent, as Slack does, to its sign-in page: status 200, HTML).
 */
export interface FakeFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  /** Who shared it. */
  user: string;
  /** Unix seconds. */
  created: number;
  size: number;
  mode: 'hosted';
  /** The conversations it was shared in. */
  channels: string[];
  url_private: string;
  url_private_download: string;
  bytes: Buffer;
}

export interface FakeUser {
  tz?: string;
  name?: string;
  real_name?: string;
  is_bot?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
}

/**
 * A channel as the bot sees it. Slack hides a private channel from a bot that is not in it
 * (conversations.info and chat.postMessage answer `channel_not_found`), and a bot may post only where
 * it is a member (`not_in_channel`), unless it has chat:write.public and the channel is public.
 */
export interface FakeChannel {
  name?: string;
  isPrivate?: boolean;
  /** The bot was added to it (`/invite @MoodScale`). */
  botIsMember: boolean;
}

/** A modal the app opened with views.open, as Slack keeps it. */
export interface FakeView {
  id: string;
  hash: string;
  /** Who clicked the button whose trigger_id opened it, and in which workspace. */
  userId: string;
  teamId: string;
  /** The view the app sent (type, callback_id, title, blocks, private_metadata...). */
  view: FakeModalView;
}

/** A trigger_id the fake handed out: whose interaction it came with, when, and whether views.open used it. */
interface FakeTrigger {
  userId: string;
  teamId: string;
  at: number;
  used: boolean;
}

/** Slack's trigger_ids open a view within 3 seconds of the interaction, once. */
export const TRIGGER_LIFETIME_MS = 3000;

const plainText = (max: number) =>
  z.object({
    type: z.literal('plain_text'),
    text: z.string().min(1).max(max),
    emoji: z.boolean().optional(),
  });

/** What views.open accepts of a modal's input block holding a plain_text_input (other blocks pass as they are). */
const inputBlockSchema = z.looseObject({
  type: z.literal('input'),
  block_id: z.string().min(1).max(255),
  label: plainText(2000),
  optional: z.boolean().optional(),
  element: z.looseObject({
    type: z.literal('plain_text_input'),
    action_id: z.string().min(1).max(255),
    multiline: z.boolean().optional(),
    min_length: z.number().int().min(0).max(3000).optional(),
    max_length: z.number().int().min(1).max(3000).optional(),
    placeholder: plainText(150).optional(),
  }),
});

/** A modal as views.open checks it (Slack's documented limits). */
const modalViewSchema = z.looseObject({
  type: z.literal('modal'),
  title: plainText(24),
  submit: plainText(24).optional(),
  close: plainText(24).optional(),
  callback_id: z.string().max(255).optional(),
  private_metadata: z.string().max(3000).optional(),
  blocks: z
    .array(z.union([inputBlockSchema, z.looseObject({ type: z.string().refine((t) => t !== 'input') })]))
    .min(1)
    .max(100),
});

export type FakeModalView = z.infer<typeof modalViewSchema>;

/** What the next call of a method gets instead of its normal answer. */
export type Failure = { error: string } | { status: 429; retryAfter: number };

/** A Socket Mode envelope as the fake sends it. */
export interface Envelope {
  envelope_id: string;
  type: 'slash_commands' | 'interactive' | 'events_api';
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
}

export interface Ack {
  envelope_id: string;
  payload?: unknown;
}

const formValue = z.string();
const conversationsOpenBody = z.object({ users: z.string().min(1) });
const usersInfoBody = z.object({ user: z.string().min(1) });
const postMessageBody = z.object({ channel: z.string().min(1), text: z.string().optional() });
const postEphemeralBody = z.object({
  channel: z.string().min(1),
  user: z.string().min(1),
  text: z.string().optional(),
  thread_ts: z.string().optional(),
});
const conversationsInfoBody = z.object({ channel: z.string().min(1) });
const uploadUrlBody = z.object({
  filename: z.string().min(1),
  length: z.coerce.number().int().nonnegative(),
});
const completeBody = z.object({
  files: z.array(z.object({ id: z.string(), title: z.string().optional() })).min(1),
  channel_id: z.string().optional(),
});
const ackMessage = z.object({ envelope_id: z.string(), payload: z.unknown().optional() });
const jsonObject = z.record(z.string(), z.unknown());

const chatUpdateBody = z.object({ channel: z.string().min(1), ts: z.string().min(1) });
const filesListBody = z.object({
  channel: z.string().optional(),
  user: z.string().optional(),
  ts_from: z.coerce.number().optional(),
  ts_to: z.coerce.number().optional(),
  count: z.coerce.number().int().positive().optional(),
});

const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'metadata', 'view']);
const DEFAULT_SCOPES = [
  'commands',
  'chat:write',
  'im:write',
  'files:write',
  'files:read',
  'users:read',
  'channels:history',
  'groups:history',
  'channels:read',
  'groups:read',
];

/**
 * A fake Slack on 127.0.0.1: the Web API methods MoodScale calls (under /api/), the upload URLs that
 * files.getUploadURLExternal hands out, response_url endpoints (/respond/:id), and a Socket Mode
 * WebSocket (/socket) that says hello, sends envelopes on demand and records the acks. Everything it
 * receives is recorded.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly uploads: RecordedUpload[] = [];
  readonly acks: Ack[] = [];
  /** Called with each ack as it arrives, before anything else runs (to look at the app's state then). */
  onAck: ((ack: Ack) => void) | undefined;
  readonly users = new Map<string, FakeUser>();
  /** Tokens auth.test and apps.connections.open reject with invalid_auth. */
  readonly invalidTokens = new Set<string>();
  /** Scopes reported in auth.test's x-oauth-scopes header. */
  scopes: string[] = [...DEFAULT_SCOPES];
  /** Milliseconds each users.info answer waits. */
  usersInfoDelayMs = 0;
  /** The messages of each conversation, in order, as they stand now (replaced or deleted ones changed). */
  readonly messages: FakeMessage[] = [];
  /**
   * Channels a test declared (by id). Any other C… or G… id is a public channel the bot is a member of,
   * so tests that do not care about membership can post anywhere.
   */
  readonly channels = new Map<string, FakeChannel>();
  /** The modals the app opened (views.open), by view id. */
  readonly views = new Map<string, FakeView>();
  /** Files users shared (see shareFile), oldest first. */
  readonly files: FakeFile[] = [];
  /** Requests for a file's bytes: which file, the token they carried, and whether the bytes were served. */
  readonly fileDownloads: Array<{ fileId: string; token: string | undefined; served: boolean }> = [];

  private readonly failures = new Map<string, Failure[]>();
  private readonly sockets = new Set<WebSocket>();
  private readonly sent = new Map<string, Envelope>();
  private readonly pendingNames = new Map<string, string>();
  /** response_url id -> the message whose button gave it out. */
  private readonly responseTargets = new Map<string, FakeMessage>();
  /** trigger_id -> the interaction it came with (see triggerId). */
  private readonly triggers = new Map<string, FakeTrigger>();
  private readonly waiters = new Set<() => void>();
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private port = 0;
  private seq = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/socket') {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
  }

  static async start(): Promise<FakeSlack> {
    const fake = new FakeSlack();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** SLACK_API_URL for the app. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A response_url the app will POST its answers to. */
  responseUrl(id = this.nextId('R')): string {
    return `${this.url}/respond/${id}`;
  }

  /**
   * The response_url of a click on a button of the message `ts` in `channel` (one the app posted). As on
   * Slack, an answer to it with `replace_original: true` replaces that message, `delete_original: true`
   * deletes it, and anything else adds a new message in the conversation.
   */
  responseUrlForMessage(channel: string, ts: string): string {
    const message = this.messages.find((m) => m.channel === channel && m.ts === ts);
    if (!message) throw new Error(`FakeSlack: no message ${ts} in ${channel}`);
    const id = this.nextId('R');
    this.responseTargets.set(id, message);
    return this.responseUrl(id);
  }

  /** The messages of a conversation as they stand now. */
  messagesIn(channel: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  responsesTo(id: string): RecordedResponse[] {
    return this.responses.filter((r) => r.id === id);
  }

  /** The next call of `method` fails with a platform error or an HTTP 429. */
  failNext(method: string, failure: Failure): void {
    const list = this.failures.get(method) ?? [];
    list.push(failure);
    this.failures.set(method, list);
  }

  /** Drops failures queued with failNext that no call consumed. */
  clearFailures(): void {
    this.failures.clear();
  }

  /** Resolves when `check` holds, re-checking whenever the fake records something; rejects after `ms`. */
  waitFor<T>(check: () => T | undefined | false, ms = 10_000, what = 'condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value !== undefined && value !== false) {
          this.waiters.delete(attempt);
          clearTimeout(timer);
          resolve(value);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(attempt);
        reject(new Error(`FakeSlack: timed out waiting for ${what}`));
      }, ms);
      if (!attempt()) this.waiters.add(attempt);
    });
  }

  // --- Files -------------------------------------------------------------------------------------

  /**
   * `user` shares a file (by default in their DM with the bot, `D<user>` as conversations.open answers):
   * kept with its bytes, listed by files.list, served at its url_private_download. `createdAt` (ms) sets
   * when it was shared; now when not given. Returns the file as files.list shows it (with `bytes`).
   */
  shareFile(fields: {
    user: string;
    name: string;
    data: Uint8Array | string;
    channel?: string;
    mimetype?: string;
    createdAt?: number;
  }): FakeFile {
    const id = this.nextId('F');
    const bytes =
      typeof fields.data === 'string' ? Buffer.from(fields.data, 'utf8') : Buffer.from(fields.data);
    const path = `/files-pri/T0FAKE-${id}`;
    const file: FakeFile = {
      id,
      name: fields.name,
      title: fields.name,
      mimetype: fields.mimetype ?? 'text/csv',
      filetype: fields.name.split('.').pop() ?? 'binary',
      user: fields.user,
      created: Math.floor((fields.createdAt ?? Date.now()) / 1000),
      size: bytes.length,
      mode: 'hosted',
      channels: [fields.channel ?? `D${fields.user}`],
      url_private: `${this.url}${path}/${encodeURIComponent(fields.name)}`,
      url_private_download: `${this.url}${path}/download/${encodeURIComponent(fields.name)}`,
      bytes,
    };
    this.files.push(file);
    this.changed();
    return file;
  }

  /** A file as the Web API shows it (files.list, a file_share message's files[]): without its bytes. */
  fileObject(file: FakeFile): Record<string, unknown> {
    const { bytes: _bytes, channels, ...shown } = file;
    return {
      ...shown,
      timestamp: file.created,
      is_public: false,
      ims: channels.filter((c) => c.startsWith('D')),
    };
  }

  // --- Modals ------------------------------------------------------------------------------------

  /**
   * A trigger_id for an interaction of `userId` (what Slack puts in a click's payload). As on Slack,
   * views.open takes it once (`exchanged_trigger_id` after), within TRIGGER_LIFETIME_MS
   * (`expired_trigger_id` after); one the fake never handed out is `invalid_trigger_id`.
   */
  triggerId(userId: string, teamId = 'T0FAKE'): string {
    const id = `${Date.now()}.${this.seq++}.${randomBytes(8).toString('hex')}`;
    this.triggers.set(id, { userId, teamId, at: Date.now(), used: false });
    return id;
  }

  /** The views the app opened for `userId`, oldest first. */
  viewsOf(userId: string): FakeView[] {
    return [...this.views.values()].filter((v) => v.userId === userId);
  }

  /**
   * The view_submission payload Slack sends when the user submits the opened view `viewId` with
   * `values` (by action_id of its plain_text_input fields; absent ones are left empty), with a new
   * trigger_id as every interaction has. Throws when Slack's client would not let it through: a field
   * not marked optional left empty, or a value outside its min_length and max_length.
   */
  viewSubmission(viewId: string, values: Record<string, string>): Record<string, unknown> {
    const opened = this.views.get(viewId);
    if (!opened) throw new Error(`FakeSlack: no view ${viewId} was opened`);
    const state: Record<string, Record<string, { type: string; value: string | null }>> = {};
    for (const block of opened.view.blocks) {
      const input = inputBlockSchema.safeParse(block);
      if (!input.success) continue;
      const { block_id: blockId, element } = input.data;
      const value = values[element.action_id] ?? '';
      if (value === '' && input.data.optional !== true)
        throw new Error(`FakeSlack: the required field ${element.action_id} is empty`);
      if (value.length > (element.max_length ?? 3000) || value.length < (element.min_length ?? 0))
        throw new Error(`FakeSlack: ${value.length} characters do not fit ${element.action_id}`);
      state[blockId] = {
        [element.action_id]: { type: 'plain_text_input', value: value === '' ? null : value },
      };
    }
    return {
      type: 'view_submission',
      team: { id: opened.teamId, domain: 'fake' },
      user: { id: opened.userId, username: 'someone', name: 'someone', team_id: opened.teamId },
      api_app_id: 'A0FAKE',
      token: 'verification-token',
      trigger_id: this.triggerId(opened.userId, opened.teamId),
      view: {
        ...opened.view,
        id: viewId,
        team_id: opened.teamId,
        app_id: 'A0FAKE',
        bot_id: 'B0BOT',
        hash: opened.hash,
        private_metadata: opened.view.private_metadata ?? '',
        callback_id: opened.view.callback_id ?? '',
        root_view_id: viewId,
        previous_view_id: null,
        clear_on_close: false,
        notify_on_close: false,
        external_id: '',
        state: { values: state },
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
  }

  /**
   * Submits the opened view `viewId` as Slack does in HTTP mode: viewSubmission's payload POSTed to
   * `to.url` form-encoded (`payload=` JSON) and signed with `to.signingSecret`. Resolves with the app's
   * answer (an empty 200 closes the view; a `response_action` body keeps it open) and the payload, so a
   * test can send the same one again.
   */
  async submitView(
    to: { url: string; signingSecret: string },
    viewId: string,
    values: Record<string, string>,
  ): Promise<PostResult & { payload: Record<string, unknown> }> {
    const payload = this.viewSubmission(viewId, values);
    const answer = await post(to.url, signedInteraction(to.signingSecret, payload));
    return { ...answer, payload };
  }

  // --- Socket Mode -------------------------------------------------------------------------------

  get connections(): number {
    return this.sockets.size;
  }

  /** Waits until a Socket Mode client has connected (and been sent hello). */
  waitForConnection(ms = 10_000): Promise<true> {
    return this.waitFor(() => this.sockets.size > 0 || undefined, ms, 'a Socket Mode connection');
  }

  /**
   * Sends an envelope to the connected clients (or, with `to`, only to the connection of that index, in
   * connection order, as Slack picks one of an app's connections); returns it (its envelope_id
   * identifies the acks).
   */
  sendEnvelope(type: Envelope['type'], payload: Record<string, unknown>, to?: number): Envelope {
    const envelope: Envelope = {
      envelope_id: this.nextId('env-'),
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
    };
    this.sent.set(envelope.envelope_id, envelope);
    this.broadcast(envelope, to);
    return envelope;
  }

  /**
   * Sends the same envelope again, as Slack does when it thinks the first delivery was lost; with `to`,
   * only to the connection of that index (another instance of the app).
   */
  redeliver(envelopeId: string, to?: number): Envelope {
    const envelope = this.sent.get(envelopeId);
    if (!envelope) throw new Error(`FakeSlack: no envelope ${envelopeId}`);
    const again = { ...envelope, retry_attempt: (envelope.retry_attempt ?? 0) + 1 };
    this.sent.set(envelopeId, again);
    this.broadcast(again, to);
    return again;
  }

  /** DMs the app sent a user: chat.postMessage calls to the channel conversations.open gave for them. */
  directMessagesTo(userId: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === `D${userId}`);
  }

  acksOf(envelopeId: string): Ack[] {
    return this.acks.filter((a) => a.envelope_id === envelopeId);
  }

  waitForAcks(envelopeId: string, count = 1, ms = 10_000): Promise<Ack[]> {
    return this.waitFor(
      () => {
        const found = this.acksOf(envelopeId);
        return found.length >= count ? found : undefined;
      },
      ms,
      `${count} ack(s) of ${envelopeId}`,
    );
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- internals ---------------------------------------------------------------------------------

  private nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}${this.seq}${randomBytes(3).toString('hex')}`;
  }

  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq++).padStart(6, '0')}`;
  }

  /** What a response_url answer does to the conversation of the message it belongs to. */
  private applyResponse(target: FakeMessage | undefined, body: Record<string, unknown>): void {
    if (!target) return;
    if (body.delete_original === true) {
      this.messages.splice(this.messages.indexOf(target), 1);
    } else if (body.replace_original === true) {
      target.text = body.text;
      target.blocks = body.blocks;
    } else {
      this.messages.push({
        channel: target.channel,
        ts: this.nextTs(),
        text: body.text,
        blocks: body.blocks,
        ephemeral: body.response_type !== 'in_channel',
      });
    }
  }

  private changed(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private broadcast(envelope: Envelope, to?: number): void {
    if (this.sockets.size === 0) throw new Error('FakeSlack: no Socket Mode client is connected');
    const targets = to === undefined ? [...this.sockets] : [[...this.sockets][to]];
    if (targets[0] === undefined) throw new Error(`FakeSlack: no Socket Mode connection ${to}`);
    for (const ws of targets) ws?.send(JSON.stringify(envelope));
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('message', (data) => {
      try {
        const parsed = ackMessage.safeParse(JSON.parse(data.toString()));
        if (parsed.success) {
          this.acks.push(parsed.data);
          this.onAck?.(parsed.data);
          this.changed();
        }
      } catch {
        // Not JSON: ignored, as Slack would.
      }
    });
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.changed();
    });
    ws.send(
      JSON.stringify({ type: 'hello', num_connections: this.sockets.size, debug_info: { host: 'fake' } }),
    );
    this.changed();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    const respondTo = /^\/respond\/([^/]+)$/.exec(url.pathname);
    if (respondTo && req.method === 'POST') {
      const body = jsonObject.parse(JSON.parse(raw.toString('utf8')));
      this.responses.push({ id: respondTo[1]!, body, at: Date.now() });
      this.applyResponse(this.responseTargets.get(respondTo[1]!), body);
      this.changed();
      json(res, 200, { ok: true });
      return;
    }
    const download = /^\/files-pri\/[^/]+-(F[^/]+)\/(?:download\/)?[^/]+$/.exec(url.pathname);
    if (download && req.method === 'GET') {
      this.serveFile(download[1]!, req, res);
      return;
    }
    if (url.pathname === '/signin' && req.method === 'GET') {
      // Slack's answer to a file request without a token it accepts: its sign-in page, status 200.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Fake Team</body></html>',
      );
      return;
    }
    const upload = /^\/upload\/([^/]+)$/.exec(url.pathname);
    if (upload && req.method === 'POST') {
      await this.receiveUpload(upload[1]!, req, raw);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${raw.length}`);
      return;
    }
    const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (!api || req.method !== 'POST') {
      res.writeHead(404);
      res.end();
      return;
    }
    const method = api[1]!;
    const body = parseForm(raw, req.headers['content-type']);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    this.calls.push({ method, body, token, at: Date.now() });
    this.changed();

    const failure = this.failures.get(method)?.shift();
    if (failure && 'status' in failure) {
      res.writeHead(429, { 'retry-after': String(failure.retryAfter), 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (failure) {
      json(res, 200, { ok: false, error: failure.error });
      return;
    }
    if (token && this.invalidTokens.has(token)) {
      json(res, 200, { ok: false, error: 'invalid_auth' });
      return;
    }
    json(res, 200, await this.answer(method, body, token), method === 'auth.test' ? this.scopes : undefined);
  }

  private async answer(
    method: string,
    body: Record<string, unknown>,
    token: string | undefined,
  ): Promise<Record<string, unknown>> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake Team',
          user: 'moodscale',
          team_id: 'T0FAKE',
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
        };
      case 'apps.connections.open':
        if (!token?.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
        return { ok: true, url: `ws://127.0.0.1:${this.port}/socket` };
      case 'users.info': {
        const { user } = usersInfoBody.parse(body);
        if (this.usersInfoDelayMs > 0) await new Promise((r) => setTimeout(r, this.usersInfoDelayMs));
        const found = this.users.get(user);
        if (!found) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id: user, name: found.name ?? user, ...found } };
      }
      case 'conversations.open': {
        const { users } = conversationsOpenBody.parse(body);
        if (this.users.get(users)?.is_bot) return { ok: false, error: 'cannot_dm_bot' };
        return { ok: true, channel: { id: `D${users}` } };
      }
      case 'conversations.info': {
        const { channel } = conversationsInfoBody.parse(body);
        const declared = this.channels.get(channel);
        const needed = declared?.isPrivate ? 'groups:read' : 'channels:read';
        if (!this.scopes.includes(needed)) {
          return { ok: false, error: 'missing_scope', needed, provided: this.scopes.join(',') };
        }
        if (declared?.isPrivate && !declared.botIsMember) return { ok: false, error: 'channel_not_found' };
        const isPrivate = declared?.isPrivate === true;
        return {
          ok: true,
          channel: {
            id: channel,
            name: declared?.name ?? channel.toLowerCase(),
            is_channel: !isPrivate,
            is_group: isPrivate,
            is_private: isPrivate,
            is_archived: false,
            is_member: declared?.botIsMember ?? true,
          },
        };
      }
      case 'chat.postMessage': {
        const { channel } = postMessageBody.parse(body);
        const refused = this.refusesPost(channel);
        if (refused) return { ok: false, error: refused };
        const ts = this.nextTs();
        this.messages.push({ channel, ts, text: body.text, blocks: body.blocks, ephemeral: false });
        return { ok: true, channel, ts };
      }
      case 'chat.postEphemeral': {
        // Slack: seen by `user` only, in the channel (or its thread), and gone when their client reloads.
        const parsed = postEphemeralBody.safeParse(body);
        if (!parsed.success) return { ok: false, error: 'invalid_arguments' };
        const { channel, user } = parsed.data;
        const refused = this.refusesPost(channel);
        if (refused) return { ok: false, error: refused };
        const ts = this.nextTs();
        this.messages.push({ channel, ts, text: body.text, blocks: body.blocks, ephemeral: true, user });
        return { ok: true, message_ts: ts };
      }
      case 'chat.update': {
        const { channel, ts } = chatUpdateBody.parse(body);
        // Slack's API cannot update an ephemeral message: only its response_url can.
        const message = this.messages.find((m) => m.channel === channel && m.ts === ts && !m.ephemeral);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = body.text;
        message.blocks = body.blocks;
        return { ok: true, channel, ts, text: body.text };
      }
      case 'views.open':
        return this.openView(body);
      case 'files.getUploadURLExternal': {
        const { filename } = uploadUrlBody.parse(body);
        const fileId = this.nextId('F');
        this.pendingNames.set(fileId, filename);
        return { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.list':
        return this.listFiles(body);
      case 'files.completeUploadExternal': {
        const { files } = completeBody.parse(body);
        return {
          ok: true,
          files: files.map((f) => ({ id: f.id, title: f.title ?? '', name: this.pendingNames.get(f.id) })),
        };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /**
   * files.list as Slack filters it: in `channel`, by `user`, created from `ts_from` to `ts_to`
   * (inclusive), newest first, `count` per page; it needs files:read.
   */
  private listFiles(body: Record<string, unknown>): Record<string, unknown> {
    if (!this.scopes.includes('files:read')) {
      return { ok: false, error: 'missing_scope', needed: 'files:read', provided: this.scopes.join(',') };
    }
    const query = filesListBody.parse(body);
    const found = this.files
      .filter(
        (f) =>
          (query.channel === undefined || f.channels.includes(query.channel)) &&
          (query.user === undefined || f.user === query.user) &&
          (query.ts_from === undefined || f.created >= query.ts_from) &&
          (query.ts_to === undefined || f.created <= query.ts_to),
      )
      .sort((a, b) => b.created - a.created);
    const count = query.count ?? 100;
    return {
      ok: true,
      files: found.slice(0, count).map((f) => this.fileObject(f)),
      paging: { count, total: found.length, page: 1, pages: Math.max(1, Math.ceil(found.length / count)) },
    };
  }

  /** A file's bytes, to a bot token with files:read; anyone else is redirected to the sign-in page. */
  private serveFile(fileId: string, req: IncomingMessage, res: ServerResponse): void {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const file = this.files.find((f) => f.id === fileId);
    const allowed =
      token?.startsWith('xoxb-') === true &&
      !this.invalidTokens.has(token) &&
      this.scopes.includes('files:read');
    this.fileDownloads.push({ fileId, token, served: allowed && file !== undefined });
    this.changed();
    if (!allowed) {
      res.writeHead(302, { location: `${this.url}/signin?redir=${encodeURIComponent(req.url ?? '/')}` });
      res.end();
      return;
    }
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('file_not_found');
      return;
    }
    res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.bytes.length) });
    res.end(file.bytes);
  }

  /** views.open: the trigger checked as Slack checks it, then the modal. */
  private openView(body: Record<string, unknown>): Record<string, unknown> {
    const triggerId = typeof body.trigger_id === 'string' ? body.trigger_id : undefined;
    if (!triggerId) return { ok: false, error: 'invalid_arguments' };
    const trigger = this.triggers.get(triggerId);
    if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.used) return { ok: false, error: 'exchanged_trigger_id' };
    if (Date.now() - trigger.at > TRIGGER_LIFETIME_MS) return { ok: false, error: 'expired_trigger_id' };
    const parsed = modalViewSchema.safeParse(body.view);
    const hasInput = parsed.success && parsed.data.blocks.some((b) => b.type === 'input');
    if (!parsed.success || (hasInput && !parsed.data.submit))
      return { ok: false, error: 'invalid_arguments' };
    trigger.used = true;
    const id = this.nextId('V');
    const hash = `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
    this.views.set(id, { id, hash, userId: trigger.userId, teamId: trigger.teamId, view: parsed.data });
    return { ok: true, view: { ...parsed.data, id, hash, team_id: trigger.teamId, state: { values: {} } } };
  }

  /** Why chat.postMessage may not post in `channel` (see FakeChannel), or undefined when it may. */
  private refusesPost(channel: string): string | undefined {
    const declared = this.channels.get(channel);
    if (!declared || declared.botIsMember) return undefined;
    if (declared.isPrivate) return 'channel_not_found';
    return this.scopes.includes('chat:write.public') ? undefined : 'not_in_channel';
  }

  private async receiveUpload(fileId: string, req: IncomingMessage, raw: Buffer): Promise<void> {
    const filename = this.pendingNames.get(fileId) ?? fileId;
    const type = req.headers['content-type'] ?? '';
    let bytes = raw;
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request(this.url, {
        method: 'POST',
        headers: { 'content-type': type },
        body: raw,
      }).formData();
      for (const [, value] of form) {
        bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(await value.arrayBuffer());
        break;
      }
    }
    this.uploads.push({ fileId, filename, bytes });
    this.changed();
  }
}

function json(res: ServerResponse, status: number, body: unknown, scopes?: string[]): void {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (scopes) headers['x-oauth-scopes'] = scopes.join(',');
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseForm(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (contentType?.startsWith('application/json')) return jsonObject.parse(JSON.parse(text));
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const v = formValue.parse(value);
    if (JSON_FIELDS.has(key)) {
      try {
        body[key] = JSON.parse(v);
        continue;
      } catch {
        // Left as the string it is.
      }
    }
    body[key] = v;
  }
  return body;
}
