import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { createRegistry } from '../../../commands/index.js';
import type { CommandRegistry } from '../../../src/core/commands/index.js';
import type { Logger } from '../../../src/core/logger.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Db } from '../../../src/db/database.js';
import { createDispatcher } from '../../../src/platforms/dispatcher.js';
import type { DeliveryRunner } from '../../../src/platforms/inbox/delivery-runner.js';
import {
  createSlackAdapter,
  type SlackAdapter,
  type SlackAdapterOptions,
} from '../../../src/platforms/slack/slack-adapter.js';
import type { Services } from '../../../src/services/services.js';
import { FakeSlack, type RecordedResponse } from '../../fakes/slack/fake-slack.js';
import { post, signedJson } from '../../fakes/slack/slack-requests.js';
import { type AppHarness, createAppHarness, createTestInbox } from '../../support/app-harness.js';
import { queryRows } from '../../support/query-rows.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-bot-token';
export const APP_TOKEN = 'xapp-test-app-token';
export const TEAM = 'T0FAKE';

/** The real stack (services, dispatcher) on a test database, a fake Slack, and the adapter between them. */
export interface SlackRig {
  fake: FakeSlack;
  app: AppHarness;
  adapter: SlackAdapter;
  /** HTTP mode: where Slack would POST (`/slack/events`). */
  eventsUrl: string;
  close(): Promise<void>;
}

export async function startSlackRig(
  db: Db,
  mode: 'http' | 'socket',
  options: Partial<
    Pick<
      SlackAdapterOptions,
      'dmIntervalMs' | 'logger' | 'now' | 'stopTimeoutMs' | 'startTimeoutMs' | 'answerWithinMs'
    >
  > & {
    fake?: FakeSlack;
    botToken?: string;
    appToken?: string;
    /** Commands other than the app's (a stand-in /share). */
    registry?: CommandRegistry<Services>;
    /** SLACK_COMMAND_PREFIX ('ms-': the workspace types /ms-mood). */
    commandPrefix?: string;
    /** Wraps the inbox the adapter records into (one whose writes fail for a while, say). */
    wrapInbox?: (inbox: DeliveryRunner) => DeliveryRunner;
  } = {},
): Promise<SlackRig> {
  const fake = options.fake ?? (await FakeSlack.start());
  const app = createAppHarness(db);
  const dispatcher = options.registry ? createDispatcher(options.registry, app.services) : app.dispatcher;
  const inbox = options.registry ? createTestInbox(db, app.cipher, dispatcher) : app.inbox;
  const adapter = createSlackAdapter({
    inbox: options.wrapInbox ? options.wrapInbox(inbox) : inbox,
    // Every answer through response_url unless a test asks for answers in the acknowledgement.
    answerWithinMs: options.answerWithinMs ?? 0,
    config: {
      botToken: options.botToken ?? BOT_TOKEN,
      mode,
      appToken: options.appToken ?? APP_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      ...(options.commandPrefix ? { commandPrefix: options.commandPrefix } : {}),
    },
    commandNames: (options.registry ?? createRegistry()).all().map((command) => command.name),
    port: 0,
    logger: options.logger ?? silentLogger(),
    dmIntervalMs: options.dmIntervalMs ?? 0,
    ...(options.now ? { now: options.now } : {}),
    ...(options.stopTimeoutMs ? { stopTimeoutMs: options.stopTimeoutMs } : {}),
    ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
  });
  try {
    await adapter.start();
  } catch (error) {
    if (!options.fake) await fake.close();
    throw error;
  }
  if (mode === 'socket') await fake.waitForConnection();
  return {
    fake,
    app,
    adapter,
    eventsUrl: `http://127.0.0.1:${adapter.port ?? 0}/slack/events`,
    async close() {
      await adapter.stop();
      await app.flushAudit();
      if (!options.fake) await fake.close();
    },
  };
}

/** The MoodScale user id of a Slack account, or undefined when it never reached the dispatcher. */
export async function slackUserId(db: Db, externalUserId: string, team = TEAM): Promise<number | undefined> {
  const rows = await queryRows<{ user_id: number }>(
    db,
    sql`SELECT user_id FROM chat_identities
         WHERE platform = 'slack' AND workspace_id = ${team} AND external_user_id = ${externalUserId}`,
  );
  return rows[0]?.user_id;
}

/** The display name stored with a Slack account's identity. */
export async function displayNameOf(db: Db, externalUserId: string, team = TEAM): Promise<string | null> {
  const rows = await queryRows<{ display_name: string | null }>(
    db,
    sql`SELECT display_name FROM chat_identities
         WHERE platform = 'slack' AND workspace_id = ${team} AND external_user_id = ${externalUserId}`,
  );
  return rows[0]?.display_name ?? null;
}

/** Mood entries stored for a Slack account (0 when it has no user). */
export async function entriesOfSlackUser(db: Db, externalUserId: string, team = TEAM): Promise<number> {
  const userId = await slackUserId(db, externalUserId, team);
  if (userId === undefined) return 0;
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM mood_entries WHERE user_id = ${userId}`,
  );
  return row?.n ?? 0;
}

/** A user's time zone setting; no settings row means every default, UTC included. */
export async function timeZoneOf(db: Db, userId: number): Promise<string> {
  const rows = await queryRows<{ time_zone: string }>(
    db,
    sql`SELECT time_zone FROM user_settings WHERE user_id = ${userId}`,
  );
  return rows[0]?.time_zone ?? 'UTC';
}

/** The id at the end of a response_url. */
export function responseId(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** Waits for the `n`th answer posted to a response_url. */
export function waitForResponse(fake: FakeSlack, url: string, n = 1): Promise<RecordedResponse> {
  const id = responseId(url);
  return fake.waitFor(() => fake.responsesTo(id)[n - 1], 15_000, `response ${n} to ${id}`);
}

/** Lets deliveries that should be ignored have their (no) effect before counting. */
export const settle = (ms = 300): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every text in a response (fallback text and block texts), for content assertions. */
export function allText(body: Record<string, unknown>): string {
  return JSON.stringify(body);
}

/** The buttons of a response: action_id and value of each. */
export function buttonsOf(body: Record<string, unknown>): Array<{ action_id: string; value: string }> {
  const blocks = Array.isArray(body.blocks) ? body.blocks : [];
  const out: Array<{ action_id: string; value: string }> = [];
  for (const block of blocks) {
    if (!isRecord(block) || block.type !== 'actions' || !Array.isArray(block.elements)) continue;
    for (const element of block.elements) {
      if (isRecord(element) && typeof element.action_id === 'string' && typeof element.value === 'string') {
        out.push({ action_id: element.action_id, value: element.value });
      }
    }
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A logger whose lines are kept, for assertions on what an operator would read. */
export function capturingLogger(): { logger: Logger; lines: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines: () => text };
}

/**
 * The answer to a slash command as the user gets it: the acknowledgement's body when it carries the
 * answer (a command that finished within the adapter's budget), else the first post to its response_url.
 */
export async function answerOf(
  fake: FakeSlack,
  acknowledgement: { body: string },
  responseUrl: string,
): Promise<Record<string, unknown>> {
  if (acknowledgement.body.trim() !== '') {
    const body: unknown = JSON.parse(acknowledgement.body);
    if (isRecord(body) && (typeof body.text === 'string' || Array.isArray(body.blocks))) return body;
  }
  return (await waitForResponse(fake, responseUrl)).body;
}

/** Delivers an event callback as `mode` does (a signed POST, or a Socket Mode envelope); resolves once acknowledged. */
export async function deliverEvent(
  rig: SlackRig,
  mode: 'http' | 'socket',
  callback: Record<string, unknown>,
  retryNum?: number,
): Promise<void> {
  if (mode === 'http') {
    const answer = await post(
      rig.eventsUrl,
      signedJson(SIGNING_SECRET, callback),
      retryNum === undefined
        ? {}
        : { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'timeout' },
    );
    if (answer.status !== 200) throw new Error(`the event was answered ${answer.status}, not 200`);
    return;
  }
  const envelope = rig.fake.sendEnvelope('events_api', callback);
  await rig.fake.waitForAcks(envelope.envelope_id);
}
