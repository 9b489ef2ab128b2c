/**
 * Shared pieces of the durable-inbox fault tests: the bot as a separate process (src/main.ts, so SIGKILL
 * is real), a Slack load client with Slack's 3 s deadline, and counts read straight from PostgreSQL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { FakeSlack } from '../../fakes/slack/fake-slack.js';
import type { SignedRequest } from '../../fakes/slack/slack-requests.js';
import { tempDir as makeTempDir, removeTempPath } from '../../support/temp-dir.js';

/** A free TCP port on 127.0.0.1 (the bot is started on it, and restarted on the same one). */
import { freePort as freeLoopbackPort } from '../faults/private-postgres.js';

export const SIGNING_SECRET = 'inbox-fault-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-inbox-fault-bot-token';
export const APP_TOKEN = 'xapp-inbox-fault-app-token';
export const TEAM = 'T0FAKE';
/** Slack gives up on an acknowledgement after 3 s (the user sees operation_timeout). */
export const SLACK_DEADLINE_MS = 3000;
/** The lease the tests give the bot (INBOX_LEASE_SECONDS): a dead instance's rows are taken over after it. */
export const LEASE_SECONDS = 2;
/**
 * What an answer that confirms a stored /mood says: the reply title of commands/mood.ts, or, for a
 * delivery resumed after its entry was stored, the inbox's "Your `/mood 6` from 10:02 UTC is saved".
 */
export const CONFIRMED = /Mood logged: \d+\/10|Your `\/mood [^`]*` from \d\d:\d\d UTC is saved/;
/** What the answer to a command refused while PostgreSQL is down must say. */
export const NOT_SAVED =
  /(?:\bnot|n't)\s+(?:been\s+)?saved|\bnothing\s+(?:was|has\s+been)\s+saved|\b(?:could\s+not|couldn't|did\s+not|didn't)\s+save\b/i;

const MAIN = join(import.meta.dirname, '..', '..', '..', 'src', 'main.ts');

/** A bot process: `node --import tsx src/main.ts` with the given environment. */
export interface BotProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly port: number;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  tail(lines?: number): string;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful stop), then waits for the exit; SIGKILL after `ms`. */
  stop(ms?: number): Promise<void>;
}

/** The operations port (OPS_PORT) that goes with each public port `freePort` handed out. */
const opsPorts = new Map<number, number>();

/** A free public port (PORT), with a free operations port of its own reserved beside it. */
export async function freePort(): Promise<number> {
  const port = await freeLoopbackPort();
  opsPorts.set(port, await freeLoopbackPort());
  return port;
}

/** Where a bot started on `port` answers /healthz and /metrics. */
export function opsPortOf(port: number): number {
  const ops = opsPorts.get(port);
  if (ops === undefined) throw new Error(`port ${port} was not handed out by freePort()`);
  return ops;
}

/** Every bot process a test file started, so afterAll can kill what is left by pid. */
const started = new Set<BotProcess>();

export function startBot(name: string, env: Record<string, string>): BotProcess {
  const port = Number(env.PORT);
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  const onData = (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 400) lines.shift();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const bot: BotProcess = {
    name,
    child,
    port,
    exited,
    tail(n = 40) {
      return [...lines, ...(partial ? [partial] : [])].slice(-n).join('\n');
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      started.delete(bot);
    },
    async stop(ms = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      await exited;
      clearTimeout(timer);
      started.delete(bot);
    },
  };
  started.add(bot);
  void exited.then(() => started.delete(bot));
  return bot;
}

/** Kills (SIGKILL, by pid) every bot process still running; for afterAll. */
export async function killAllBots(): Promise<void> {
  await Promise.all([...started].map((bot) => bot.kill()));
}

/**
 * Waits until the bot answers GET /readyz with 200 (on its operations port: the database answers and
 * every platform is connected, so the public port listens), or fails with its last output.
 */
export async function waitForBot(bot: BotProcess, ms = 45_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (bot.child.exitCode !== null || bot.child.signalCode !== null) {
      throw new Error(`bot ${bot.name} exited before it was ready:\n${bot.tail()}`);
    }
    const status = await httpStatus(`http://127.0.0.1:${opsPortOf(bot.port)}/readyz`);
    if (status === 200) return;
    await sleep(100);
  }
  throw new Error(`bot ${bot.name} was not ready on :${opsPortOf(bot.port)} within ${ms} ms:\n${bot.tail()}`);
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** The moodscale_inbox_* lines of GET /metrics ('' when the bot does not answer). */
export async function inboxMetrics(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${opsPortOf(port)}/metrics`, {
      signal: AbortSignal.timeout(2000),
    });
    const text = await res.text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('moodscale_inbox_'))
      .join('\n');
  } catch {
    return '';
  }
}

/**
 * A temporary directory removed by the returned function (call it in afterAll/finally, after the bots
 * are killed); test/support/temp-dir.ts removes it anyway after the test or the file.
 */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = makeTempDir(prefix);
  return { path, remove: () => removeTempPath(path) };
}

/** The environment every bot process of these tests gets; platform variables are added by each test. */
export function botEnv(fields: {
  databaseUrl: string;
  dataDir: string;
  port: number;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.INBOX_TEST_LOG_LEVEL ?? 'warn',
    LOG_FORMAT: 'json',
    DATABASE_URL: fields.databaseUrl,
    DB_CONNECTION_TIMEOUT: '1000',
    DATA_DIR: fields.dataDir,
    ENCRYPTION_KEY: 'e'.repeat(64),
    RATE_LIMIT_POINTS: '100000',
    PORT: String(fields.port),
    OPS_PORT: String(opsPortOf(fields.port)),
    DIGEST_ENABLED: 'false',
    BACKUP_ENABLED: 'false',
    INBOX_LEASE_SECONDS: String(LEASE_SECONDS),
    ...fields.extra,
  };
}

export function slackHttpEnv(fake: FakeSlack): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_MODE: 'http',
    SLACK_API_URL: fake.apiUrl,
  };
}

export function slackSocketEnv(fake: FakeSlack): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_MODE: 'socket',
    SLACK_API_URL: fake.apiUrl,
  };
}

/** The outcome of one POST to /slack/events as Slack sees it. */
export interface SlackPostResult {
  /** HTTP status, or 0 when there was none within the deadline (refused, reset, timed out). */
  status: number;
  body: string;
  /** Why there was no status: ECONNREFUSED, ECONNRESET, timeout... */
  error?: string;
  elapsedMs: number;
}

/** POSTs a signed request the way Slack does: it gives up after `deadlineMs` and closes the connection. */
export function postToSlackEvents(
  url: string,
  signed: SignedRequest,
  deadlineMs = SLACK_DEADLINE_MS,
): Promise<SlackPostResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: Omit<SlackPostResult, 'elapsedMs'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...result, elapsedMs: performance.now() - started });
    };
    const req = request(url, { method: 'POST', headers: signed.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (error: NodeJS.ErrnoException) =>
        finish({ status: 0, body: '', error: error.code ?? error.message }),
      );
    });
    const timer = setTimeout(() => {
      finish({ status: 0, body: '', error: 'timeout' });
      req.destroy();
    }, deadlineMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ status: 0, body: '', error: error.code ?? error.message }),
    );
    req.end(signed.body);
  });
}

/** The text of a Slack message body (JSON with text and blocks), '' when it is empty or not JSON. */
export function slackBodyText(body: string): string {
  if (body.trim() === '') return '';
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? JSON.stringify(parsed) : '';
  } catch {
    return '';
  }
}

/** Everything a Slack user was told outside the acknowledgement: response_url posts and DMs. */
export function slackAnswersOutside(fake: FakeSlack, responseId: string, userId: string): string[] {
  return [
    ...fake.responsesTo(responseId).map((r) => JSON.stringify(r.body)),
    ...fake.directMessagesTo(userId).map((c) => JSON.stringify(c.body)),
  ];
}

/** A pg pool on the test database for the counts. */
export function countingPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 3000 });
  pool.on('error', () => undefined);
  return pool;
}

/** Mood entries per chat account of `platform` whose external id starts with `prefix` (accounts without any: 0). */
export async function entriesByAccount(
  pool: pg.Pool,
  platform: 'slack' | 'discord',
  prefix: string,
): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ who: string; n: number }>(
    `SELECT ci.external_user_id AS who, count(me.id)::int AS n
       FROM chat_identities ci LEFT JOIN mood_entries me ON me.user_id = ci.user_id
      WHERE ci.platform = $1 AND ci.external_user_id LIKE $2
      GROUP BY ci.external_user_id`,
    [platform, `${prefix}%`],
  );
  return new Map(rows.map((r) => [r.who, r.n]));
}

/** Rows of the inbox table by status ({} while the table does not exist yet). */
export async function inboxByStatus(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows: exists } = await pool.query<{ t: string | null }>(`SELECT to_regclass('inbox')::text AS t`);
  if (!exists[0]?.t) return {};
  const { rows } = await pool.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM inbox GROUP BY status',
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * Waits until `done()` holds, or until `signature()` has not changed for `stableMs` (nothing more is
 * happening), at most `maxMs`. Returns how it ended, for the failure messages.
 */
export async function waitQuiescent(options: {
  signature: () => Promise<string>;
  done?: () => Promise<boolean>;
  stableMs?: number;
  maxMs: number;
}): Promise<'done' | 'stable' | 'timeout'> {
  const stableMs = options.stableMs ?? 4000;
  const deadline = Date.now() + options.maxMs;
  let last = '';
  let since = Date.now();
  while (Date.now() < deadline) {
    if (options.done && (await options.done())) return 'done';
    const now = await options.signature();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= stableMs) {
      return 'stable';
    }
    await sleep(250);
  }
  return 'timeout';
}

/** Waits until `check` holds; fails with `what()` (the counts) when it does not within `ms`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await sleep(50);
  }
}

/** A gate the load workers pass before each request: closed while the bot is down. */
export function createGate(): { wait(): Promise<void>; close(): void; open(): void } {
  let opened: Promise<void> = Promise.resolve();
  let release: (() => void) | undefined;
  return {
    wait: () => opened,
    close() {
      if (release) return;
      opened = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    open() {
      release?.();
      release = undefined;
      opened = Promise.resolve();
    },
  };
}

/** Runs `count` jobs with at most `concurrency` at a time. */
export async function runPool(
  count: number,
  concurrency: number,
  job: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        await job(index);
      }
    }),
  );
}

/** One log line per test run, so a run's counts can be read in the output even when it passes. */
export function report(title: string, counts: Record<string, unknown>): void {
  process.stderr.write(`[inbox-faults] ${title}: ${JSON.stringify(counts)}\n`);
}
