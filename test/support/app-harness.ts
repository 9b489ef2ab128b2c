import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll } from 'vitest';
import { createRegistry } from '../../commands/index.js';
import { type Clock, systemClock } from '../../src/core/clock.js';
import type { CommandRegistry, Platform, Reply } from '../../src/core/commands/index.js';
import { renderPlainText, splitCommandLine } from '../../src/core/commands/index.js';
import { type Logger, silentLogger } from '../../src/core/logger.js';
import { createFieldCipher } from '../../src/crypto/create-field-cipher.js';
import type { FieldCipher } from '../../src/crypto/field-cipher.js';
import type { Database, Db } from '../../src/db/database.js';
import { createDispatcher, type Dispatcher, type Outcome } from '../../src/platforms/dispatcher.js';
import { createInbox, type DeliveryRunner } from '../../src/platforms/inbox/delivery-runner.js';
import type { ChartRenderer } from '../../src/services/charts/index.js';
import type { MusicSettings } from '../../src/services/music/build-track-analysis.js';
import type { RateLimitSettings } from '../../src/services/rate-limiter.js';
import { createServices, type Services } from '../../src/services/services.js';
import { insertMoodEntry } from './mood-entries.js';
import { queryRows } from './query-rows.js';

export interface HarnessOptions {
  /** The services' clock; the system clock when not given (rows get created_at = now() anyway). */
  clock?: Clock;
  /** Overrides of the generous default limit (1,000 commands a minute, in memory). */
  rateLimit?: Partial<RateLimitSettings>;
  /** CARE_RESOURCES_TEXT; the built-in helpline text when not given. */
  careText?: string;
  logger?: Logger;
  /** Where track analysis goes (the loopback fakes); the public services when not given. */
  music?: MusicSettings;
  /** The services' chart renderer (one that fails, say); the real one when not given. */
  charts?: ChartRenderer;
  /** /import's limits (IMPORT_MAX_ENTRIES, IMPORT_MAX_BYTES, IMPORT_PER_HOUR); production's when not given. */
  imports?: { maxEntries: number; maxBytes: number; perHour: number };
}

/** The real app stack (services, registry, dispatcher) on a test database, driven by typed lines. */
export interface AppHarness {
  db: Db;
  cipher: FieldCipher;
  services: Services;
  registry: CommandRegistry<Services>;
  dispatcher: Dispatcher;
  /** The inbox on the same database, as the app builds it (its resume loop not started). */
  inbox: DeliveryRunner;
  /** Dispatches a typed line such as '/mood 6 tired' as `who` on `platform`. */
  run(line: string, who?: string, platform?: Platform): Promise<Outcome>;
  /** Writes the audit entries queued so far. */
  flushAudit(): Promise<void>;
}

export function createAppHarness(db: Db, options: HarnessOptions = {}): AppHarness {
  const cipher = createFieldCipher({ currentKey: 'f'.repeat(64) });
  const registry = createRegistry();
  const services = createServices({
    db,
    cipher,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger(),
    config: {
      rateLimit: { points: 1000, durationSeconds: 60, store: 'memory', ...options.rateLimit },
      care: { text: options.careText },
      ...(options.imports ? { imports: options.imports } : {}),
    },
    secret: 'test-secret',
    catalog: { commands: () => registry.all() },
    ...(options.music ? { music: options.music } : {}),
    ...(options.charts ? { charts: options.charts } : {}),
  });
  const dispatcher = createDispatcher(registry, services);
  return {
    db,
    cipher,
    services,
    registry,
    dispatcher,
    inbox: createTestInbox(db, cipher, dispatcher),
    run(line, who = 'alice', platform = 'console') {
      const parsed = splitCommandLine(line);
      if (!parsed) throw new Error(`not a command line: ${line}`);
      return dispatcher.dispatch({
        identity: { platform, workspaceId: '', externalUserId: who },
        command: parsed.name,
        input: { text: parsed.args },
      });
    },
    flushAudit: () => services.audit.flush(),
  };
}

/** The inbox as the app builds it, with the lease and retention of production. */
export function createTestInbox(db: Db, cipher: FieldCipher, dispatcher: Dispatcher): DeliveryRunner {
  const logger = silentLogger();
  return createInbox({ db, cipher, logger, leaseMs: 20_000, retentionMs: 3_600_000, dispatcher }).runner;
}

/**
 * A harness for the enclosing describe block, built in its beforeAll on the block's database (call it
 * inside describeEachDatabase's body, so the database is open first).
 */
export function useApp(getDb: () => Database, options: HarnessOptions = {}): () => AppHarness {
  let app: AppHarness | undefined;
  beforeAll(() => {
    app = createAppHarness(getDb().db, options);
  });
  return () => {
    if (!app) throw new Error('the app harness is not built yet');
    return app;
  };
}

/** A chat account name no other test uses, so tests sharing a database never see each other's rows. */
export function newAccount(prefix = 'who'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** The reply as the console shows it: title, text, fields and button hints. */
export function textOf(outcome: Outcome | Reply): string {
  return renderPlainText('reply' in outcome ? outcome.reply : outcome);
}

/** The value of the reply field called `name`; fails loudly when there is none. */
export function field(outcome: Outcome, name: string): string {
  const found = outcome.reply.fields?.find((f) => f.name === name);
  if (!found) throw new Error(`the reply has no field "${name}": ${textOf(outcome)}`);
  return found.value;
}

/** The user id behind an outcome; fails when the command resolved no user. */
export function userOf(outcome: Outcome): number {
  if (outcome.userId === null) throw new Error(`no user: ${textOf(outcome)}`);
  return outcome.userId;
}

/** How many mood entries the user has (all users when undefined). */
export async function countEntries(db: Db, userId?: number): Promise<number> {
  const where = userId === undefined ? sql`` : sql` WHERE user_id = ${userId}`;
  const [row] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM mood_entries${where}`);
  return row?.n ?? 0;
}

/** Creates the MoodScale user of a chat account (by running /help) and returns its id. */
export async function userFor(app: AppHarness, who: string): Promise<number> {
  return userOf(await app.run('/help', who));
}

/**
 * Gives the account earlier mood entries. created_at is the database's now() for anything /mood logs, so
 * entries in the past are inserted directly, with their score and time.
 */
export async function insertEntries(
  app: AppHarness,
  who: string,
  entries: Array<[Date, number]>,
): Promise<number> {
  const userId = await userFor(app, who);
  for (const [createdAt, moodScore] of entries)
    await insertMoodEntry(app.db, { userId, moodScore, createdAt });
  return userId;
}

/** The calendar day (YYYY-MM-DD) of `date` in `timeZone`, computed independently of the product. */
export function dayIn(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
}

/** `day` moved by `n` days. */
export function shiftDay(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
}

export { DAY_MS } from '../../src/core/calendar/index.js';

/**
 * A past instant (15 minutes to a day before `now`) that falls on today's date in exactly one of two time
 * zones. Logging an entry then tells which zone a day computation used, whatever the time of day.
 */
export function instantTodayInOnlyOne(
  now: Date,
  zone: string,
  other: string,
): { at: Date; todayInZone: boolean } {
  const today = (at: Date, tz: string) => dayIn(at, tz) === dayIn(now, tz);
  for (let step = 1; step <= 96; step++) {
    const at = new Date(now.getTime() - step * 15 * 60_000);
    if (today(at, zone) !== today(at, other)) return { at, todayInZone: today(at, zone) };
  }
  throw new Error(`${zone} and ${other} share every day boundary`);
}

/** For adapters a test drives without commands (DMs, start-up errors): an inbox that must not be used. */
export const unusedInbox: DeliveryRunner = {
  record: () => Promise.reject(new Error('the inbox is not expected to be used')),
  prepare: () => undefined,
  run: () => Promise.reject(new Error('the inbox is not expected to be used')),
  finish: () => Promise.resolve(),
  resumeOnce: () => Promise.resolve(0),
  start: () => undefined,
  stop: () => Promise.resolve(),
};
