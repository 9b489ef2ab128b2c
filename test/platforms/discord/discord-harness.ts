import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { z } from 'zod';
import { loadConfig } from '../../../src/config.js';
import type { CommandRegistry } from '../../../src/core/commands/index.js';
import type { Db } from '../../../src/db/database.js';
import { findIdentity } from '../../../src/db/repositories/chat-identities.js';
import {
  createDiscordAdapter,
  type DiscordAdapter,
  type DiscordAdapterOptions,
} from '../../../src/platforms/discord/discord-adapter.js';
import { createDispatcher, type Dispatcher } from '../../../src/platforms/dispatcher.js';
import type { Services } from '../../../src/services/services.js';
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  type RecordedRequest,
  startFakeDiscord,
} from '../../fakes/discord/fake-discord.js';
import {
  autocompleteInteraction,
  type CommandOptionValue,
  chatInputInteraction,
  type InteractionPlace,
  type UserJson,
  userJson,
} from '../../fakes/discord/payloads.js';
import { callbackSchema, type MessageBody, messageBodySchema } from '../../fakes/discord/schemas.js';
import { type AppHarness, createAppHarness, createTestInbox } from '../../support/app-harness.js';
import { queryRows } from '../../support/query-rows.js';

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

const logLineSchema = z.record(z.string(), z.unknown());

/** A pino logger whose lines a test can read. */
export function capturingLogger(level = 'debug') {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(logLineSchema.parse(JSON.parse(line)));
      }
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

export interface DiscordHarnessOptions {
  fake?: FakeDiscordOptions;
  /** Extra environment, e.g. DISCORD_GUILD_ID. */
  env?: Record<string, string>;
  /** Commands other than the app's (a slow test command). */
  registry?: CommandRegistry<Services>;
  adapter?: Partial<Omit<DiscordAdapterOptions, 'dispatcher' | 'config' | 'logger'>>;
  /** Reuse a running fake (a restart against the same Discord). */
  reuseFake?: FakeDiscord;
}

/** The real adapter and discord.js client, started the way the app starts them, against a fake Discord. */
export interface DiscordHarness {
  fake: FakeDiscord;
  app: AppHarness;
  dispatcher: Dispatcher;
  adapter: DiscordAdapter;
  logs: LogLine[];
  /** Sends `/name options...` as `user` and resolves with its first callback. */
  command(
    name: string,
    options: CommandOptionValue[],
    user: UserJson,
    place?: InteractionPlace,
  ): Promise<Acknowledged>;
  /**
   * Sends `/name` with a file attached to its attachment option `option` (the fake keeps the bytes and
   * serves them on its CDN), plus any other options; resolves with its first callback.
   */
  commandWithFile(
    name: string,
    file: { option: string; name: string; data: Uint8Array | string; contentType?: string },
    user: UserJson,
    place?: InteractionPlace,
    options?: CommandOptionValue[],
  ): Promise<Acknowledged>;
  autocomplete(name: string, options: CommandOptionValue[], user: UserJson): Promise<Acknowledged>;
  stop(): Promise<void>;
}

export interface Acknowledged {
  id: string;
  token: string;
  /** The callback type: 4 reply, 5 deferred, 6 deferred update, 7 update, 8 autocomplete. */
  type: number;
  /** The callback's data (message, flags, or choices). */
  data: unknown;
  request: RecordedRequest;
  ackMs: number;
}

export async function startDiscord(db: Db, options: DiscordHarnessOptions = {}): Promise<DiscordHarness> {
  const fake = options.reuseFake ?? (await startFakeDiscord(options.fake));
  const app = createAppHarness(db);
  const dispatcher = options.registry ? createDispatcher(options.registry, app.services) : app.dispatcher;
  const config = loadConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    ...options.env,
  });
  if (!config.discord) throw new Error('DISCORD_TOKEN did not make a Discord configuration');
  const { logger, lines } = capturingLogger();
  const adapter = createDiscordAdapter({
    dispatcher,
    inbox: options.registry ? createTestInbox(db, app.cipher, dispatcher) : app.inbox,
    config: config.discord,
    logger,
    dmIntervalMs: 20,
    dmRetryDelayMs: 20,
    ...options.adapter,
  });
  await adapter.start();

  const acknowledged = async (id: string): Promise<Acknowledged> => {
    const request = await fake.acknowledgement(id);
    const sent = fake.interactions.get(id);
    if (!sent?.ack) throw new Error(`no acknowledgement recorded for ${id}`);
    const callback = callbackSchema.parse(request.body);
    return {
      id,
      token: sent.json.token,
      type: callback.type,
      data: callback.data,
      request,
      ackMs: sent.ack.at - sent.sentAt,
    };
  };

  return {
    fake,
    app,
    dispatcher,
    adapter,
    logs: lines,
    command(name, values, user, place) {
      const sent = fake.interact(
        chatInputInteraction(fake.applicationId, { name, options: values }, user, place),
      );
      return acknowledged(sent.json.id);
    },
    commandWithFile(name, file, user, place, values = []) {
      const channelId = place?.channelId ?? '900000000000000001';
      const attachment = fake.uploadAttachment({
        name: file.name,
        data: file.data,
        channelId,
        ...(file.contentType ? { contentType: file.contentType } : {}),
      });
      const sent = fake.interact(
        chatInputInteraction(
          fake.applicationId,
          {
            name,
            options: [...values, { name: file.option, type: 11, value: attachment.id }],
            resolved: { attachments: { [attachment.id]: attachment } },
          },
          user,
          place,
        ),
      );
      return acknowledged(sent.json.id);
    },
    autocomplete(name, values, user) {
      const sent = fake.interact(
        autocompleteInteraction(fake.applicationId, { name, options: values }, user),
      );
      return acknowledged(sent.json.id);
    },
    async stop() {
      await adapter.stop();
      if (!options.reuseFake) await fake.close();
    },
  };
}

/** A Discord user no other test uses. */
export function newDiscordUser(): UserJson {
  const id = (BigInt(`0x${randomBytes(6).toString('hex')}`) + 100_000_000_000_000_000n).toString();
  return userJson(id, `tester${id.slice(-5)}`);
}

/** The message of a callback or webhook body, checked against Discord's limits. */
export function messageOf(data: unknown): MessageBody {
  return messageBodySchema.parse(data);
}

/** Title, description and field text of a message's embeds, for `toContain`. */
export function textOfMessage(message: MessageBody): string {
  const parts: string[] = [];
  if (message.content) parts.push(message.content);
  for (const embed of message.embeds ?? []) {
    if (embed.title) parts.push(embed.title);
    if (embed.description) parts.push(embed.description);
    for (const field of embed.fields ?? []) parts.push(`${field.name}: ${field.value}`);
  }
  return parts.join('\n');
}

/** Requests that carry a message body: answers (4, 7), edits, follow-ups and channel messages. */
export function messageRequests(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => {
    if (r.status >= 300) return false;
    if (/\/callback$/.test(r.path)) {
      const callback = callbackSchema.safeParse(r.body);
      return callback.success && (callback.data.type === 4 || callback.data.type === 7);
    }
    return (
      (r.method === 'PATCH' && /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(r.path)) ||
      (r.method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(r.path)) ||
      (r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path))
    );
  });
}

/** The message body of a recorded request: a callback's data, or the body itself. */
export function messageOfRequest(request: RecordedRequest): MessageBody {
  if (/\/callback$/.test(request.path)) return messageOf(callbackSchema.parse(request.body).data);
  return messageOf(request.body);
}

/**
 * The request carrying the message an interaction ends with: its reply (4) or update (7) itself, or the
 * edit of @original that completes a deferral (5, or 6 for a deferred update).
 */
export async function finalAnswerRequest(h: DiscordHarness, ack: Acknowledged): Promise<RecordedRequest> {
  if (ack.type === 4 || ack.type === 7) return ack.request;
  return h.fake.waitForRequest(
    (r) =>
      r.method === 'PATCH' && r.path === `/webhooks/${h.fake.applicationId}/${ack.token}/messages/@original`,
  );
}

export const EPHEMERAL = 64;

/** The MoodScale user id of a Discord account, or undefined when it has none (yet, or any more). */
export async function userIdOf(db: Db, discordUserId: string): Promise<number | undefined> {
  const found = await findIdentity(db, {
    platform: 'discord',
    workspaceId: '',
    externalUserId: discordUserId,
  });
  return found?.user.id;
}

/** The mood entries of a Discord account: score and emotions, oldest first. */
export async function moodsOf(
  db: Db,
  discordUserId: string,
): Promise<Array<{ score: number; emotions: string[] | null }>> {
  const userId = await userIdOf(db, discordUserId);
  if (userId === undefined) return [];
  return queryRows<{ score: number; emotions: string[] | null }>(
    db,
    sql`SELECT mood_score AS score, emotions FROM mood_entries WHERE user_id = ${userId} ORDER BY id`,
  );
}
