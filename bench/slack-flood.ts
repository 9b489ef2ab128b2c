/**
 * bench/slack-flood: what an unsigned flood at the Slack endpoint costs. POSTs to /slack/events with
 * 4 MB bodies and no signature, 100 at a time, at least 400 and for at least 5 s, against the minimal bot (bench/baseline/, Bolt's
 * defaults) and against MoodScale (started as `npm start` starts it), each in its own process on its
 * own fresh database, one after the other. During each flood a signed `/mood` goes every 100 ms (from
 * a new user each) and, on MoodScale, `GET /healthz` every 100 ms.
 * Measured: the bot's peak resident memory (VmRSS from /proc, every 50 ms), the signed commands'
 * acknowledgement times and how many were stored, /healthz times.
 * Targets (issue 16): MoodScale's peak resident memory < 200 MB, /healthz within 1 s, every signed
 * command acknowledged within 3 s and stored once.
 * Knob: BENCH_FLOOD_REQUESTS (400).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { startFakeDiscord } from '../test/fakes/discord/fake-discord.js';
import { FakeSlack } from '../test/fakes/slack/fake-slack.js';
import { post, signedForm, slashCommand } from '../test/fakes/slack/slack-requests.js';
import type { Side } from './answer-bot-process.js';
import { type BotProcess, processesQuiet, startBot } from './bot-process.js';
import {
  type BenchFigure,
  benchServerUrl,
  freshDatabase,
  openBenchDatabase,
  percentile,
  table,
} from './support.js';

const FLOOD_REQUESTS = Number(process.env.BENCH_FLOOD_REQUESTS ?? 400);
const FLOOD_CONCURRENCY = 100;
const FLOOD_MIN_MS = 5000;
const FLOOD_BODY_BYTES = 4 * 1024 * 1024;
const PROBE_EVERY_MS = 100;
const RSS_EVERY_MS = 50;
const SIGNING_SECRET = 'bench-flood-secret';
const TEAM_ID = 'TFLOOD';
const RSS_TARGET_MB = 200;
const HEALTH_TARGET_MS = 1000;
const ACK_TARGET_MS = 3000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The resident memory of a process in MB, from /proc (Linux). */
function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** One unsigned POST with a large body; resolves however the server ends it (a refusal closes early). */
function unsignedPost(url: string, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** GET /healthz: the time until its answer in ms (Infinity when it fails). */
async function healthz(url: string): Promise<number> {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.ok ? performance.now() - started : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

interface FloodResult {
  side: Side;
  peakRssMb: number;
  idleRssMb: number;
  floodSeconds: number;
  floodRequests: number;
  floodStatuses: Map<number, number>;
  acks: number[];
  failedAcks: number;
  stored: number;
  health: number[];
}

async function flood(side: Side, bot: BotProcess, pool: pg.Pool, fake: FakeSlack): Promise<FloodResult> {
  const pid = bot.pid;
  if (pid === undefined) throw new Error(`the ${side} bot has no process id`);
  const healthUrl = `${bot.opsUrl ?? bot.slackEventsUrl.replace('/slack/events', '')}/healthz`;
  // The flood meets a bot at rest: right after it says ready, its start-up's garbage is still resident
  // (20-30 MB, collected within a few hundred ms), which would be counted as the flood's.
  await processesQuiet([pid]);
  const idleRssMb = residentMb(pid);
  let peakRssMb = idleRssMb;
  let flooding = true;
  const sampler = (async () => {
    while (flooding) {
      peakRssMb = Math.max(peakRssMb, residentMb(pid));
      await sleep(RSS_EVERY_MS);
    }
  })();

  const acks: number[] = [];
  let failedAcks = 0;
  const users: string[] = [];
  const signed = (async () => {
    for (let i = 0; flooding; i++) {
      const user = `UFLOOD${side.toUpperCase()}${i}`;
      users.push(user);
      const command = slashCommand({
        command: '/mood',
        text: '6 tired',
        user_id: user,
        team_id: TEAM_ID,
        response_url: fake.responseUrl(`${side}-${i}`),
      });
      void post(bot.slackEventsUrl, signedForm(SIGNING_SECRET, { ...command })).then(
        (res) => {
          if (res.status === 200) acks.push(res.elapsedMs);
          else failedAcks += 1;
        },
        () => {
          failedAcks += 1;
        },
      );
      await sleep(PROBE_EVERY_MS);
    }
  })();

  const health: number[] = [];
  const probing =
    side === 'moodscale'
      ? (async () => {
          while (flooding) {
            health.push(await healthz(healthUrl));
            await sleep(PROBE_EVERY_MS);
          }
        })()
      : Promise.resolve();

  const body = Buffer.alloc(FLOOD_BODY_BYTES, 0x61);
  const floodStatuses = new Map<number, number>();
  const started = performance.now();
  // At least FLOOD_REQUESTS, and for at least FLOOD_MIN_MS: a bot that refuses fast still gets a window
  // long enough for the probes to say something.
  let sent = 0;
  await Promise.all(
    Array.from({ length: FLOOD_CONCURRENCY }, async () => {
      while (sent < FLOOD_REQUESTS || performance.now() - started < FLOOD_MIN_MS) {
        sent += 1;
        const status = await unsignedPost(bot.slackEventsUrl, body);
        floodStatuses.set(status, (floodStatuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const floodSeconds = (performance.now() - started) / 1000;
  flooding = false;
  await Promise.all([sampler, signed, probing]);
  // Let the last signed commands finish before counting what was stored.
  await sleep(3000);
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(DISTINCT i.external_user_id) AS n FROM mood_entries m
       JOIN chat_identities i ON i.user_id = m.user_id
      WHERE i.platform = 'slack' AND i.external_user_id = ANY($1::text[])`,
    [users],
  );
  const { rows: baselineRows } =
    side === 'baseline'
      ? await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM mood_entries m JOIN users u ON u.id = m.user_id
            WHERE u.username = ANY($1::text[])`,
          [users.map((u) => `slack:${TEAM_ID}:${u}`)],
        )
      : { rows: [] };
  const stored = Number(rows[0]?.n ?? 0) + Number(baselineRows[0]?.n ?? 0);
  return {
    side,
    peakRssMb,
    idleRssMb,
    floodSeconds,
    floodRequests: sent,
    floodStatuses,
    acks,
    failedAcks,
    stored,
    health,
  };
}

export async function runSlackFlood(): Promise<{ figures: BenchFigure[]; report: string }> {
  const server = benchServerUrl();
  const fake = await FakeSlack.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'moodscale-bench-flood-'));
  const results: FloodResult[] = [];
  try {
    for (const side of ['baseline', 'moodscale'] as const) {
      const db = await freshDatabase(server, `moodscale_bench_flood_${side}`);
      const discord = await startFakeDiscord();
      const pool = new pg.Pool({ connectionString: db.url, max: 2 });
      pool.on('error', () => undefined);
      let bot: BotProcess | undefined;
      try {
        if (side === 'baseline') {
          const schema = openBenchDatabase(db.url);
          await schema.migrate();
          await schema.close();
        }
        bot = await startBot(side, {
          NODE_ENV: 'production',
          LOG_LEVEL: 'silent',
          LOG_FORMAT: 'json',
          DATABASE_URL: db.url,
          DATA_DIR: join(dataDir, side),
          ENCRYPTION_KEY: 'd'.repeat(64),
          PORT: '0',
          OPS_PORT: '0',
          DIGEST_ENABLED: 'false',
          SLACK_MODE: 'http',
          SLACK_BOT_TOKEN: 'xoxb-bench-flood',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: fake.apiUrl,
          DISCORD_TOKEN: discord.token,
          DISCORD_APPLICATION_ID: discord.applicationId,
          DISCORD_API_URL: discord.apiUrl,
        });
        results.push(await flood(side, bot, pool, fake));
      } finally {
        await bot?.stop().catch(() => undefined);
        await discord.close().catch(() => undefined);
        await pool.end().catch(() => undefined);
        await db.drop().catch(() => undefined);
      }
    }
  } finally {
    await fake.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return report(results);
}

function report(results: readonly FloodResult[]): { figures: BenchFigure[]; report: string } {
  const of = (side: Side) => results.find((r) => r.side === side)!;
  const summary = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
  };
  const rows = results.map((r) => {
    const acks = summary(r.acks);
    const health = summary(r.health);
    return [
      r.side === 'baseline' ? 'minimal bot (Bolt defaults)' : 'MoodScale',
      r.idleRssMb.toFixed(0),
      r.peakRssMb.toFixed(0),
      `+${(r.peakRssMb - r.idleRssMb).toFixed(0)}`,
      `${r.floodRequests} in ${r.floodSeconds.toFixed(1)}`,
      [...r.floodStatuses].map(([status, n]) => `${status || 'reset'}: ${n}`).join(', '),
      `${r.acks.length} ok, ${r.failedAcks} not`,
      `${acks.p99.toFixed(0)} / ${acks.max.toFixed(0)}`,
      `${r.stored}`,
      r.health.length ? `${health.p99.toFixed(0)} / ${health.max.toFixed(0)}` : '-',
    ];
  });
  const moodscale = of('moodscale');
  const baseline = of('baseline');
  const acks = summary(moodscale.acks);
  const health = summary(moodscale.health);
  const sentSigned = moodscale.acks.length + moodscale.failedAcks;
  const figures: BenchFigure[] = [
    {
      bench: 'slack-flood',
      figure: `peak resident memory during an unsigned flood of 4 MB bodies, ${FLOOD_CONCURRENCY} at once`,
      value: `${moodscale.peakRssMb.toFixed(0)} MB (idle ${moodscale.idleRssMb.toFixed(0)})`,
      target: `< ${RSS_TARGET_MB} MB`,
      baseline: `${baseline.peakRssMb.toFixed(0)} MB (idle ${baseline.idleRssMb.toFixed(0)}) minimal bot`,
      pass: moodscale.peakRssMb < RSS_TARGET_MB,
    },
    {
      bench: 'slack-flood',
      figure: '/healthz during the flood, max',
      value: `${health.max.toFixed(0)} ms`,
      target: `< ${HEALTH_TARGET_MS} ms`,
      baseline: '-',
      pass: moodscale.health.length > 0 && health.max < HEALTH_TARGET_MS,
    },
    {
      bench: 'slack-flood',
      figure: 'signed /mood during the flood: acknowledged, max; stored',
      value: `${moodscale.acks.length}/${sentSigned}, ${acks.max.toFixed(0)} ms; ${moodscale.stored} stored`,
      target: `all, < ${ACK_TARGET_MS} ms; all`,
      baseline: `${baseline.acks.length}/${baseline.acks.length + baseline.failedAcks}, ${summary(baseline.acks).max.toFixed(0)} ms minimal bot`,
      pass:
        moodscale.failedAcks === 0 &&
        moodscale.acks.length > 0 &&
        acks.max < ACK_TARGET_MS &&
        moodscale.stored === sentSigned,
    },
  ];
  const text = [
    `bench/slack-flood: unsigned POSTs of 4 MB to /slack/events, ${FLOOD_CONCURRENCY} at once (at least ${FLOOD_REQUESTS}, for at least ${FLOOD_MIN_MS / 1000} s); a signed /mood and (MoodScale) GET /healthz every ${PROBE_EVERY_MS} ms meanwhile; each bot in its own process`,
    table(
      [
        'bot',
        'idle RSS MB',
        'peak RSS MB',
        'growth MB',
        'flood requests in s',
        'flood answers',
        'signed /mood',
        'ack p99 / max ms',
        'stored',
        '/healthz p99 / max ms',
      ],
      rows,
    ),
    '',
    table(
      ['figure', 'value', 'target', 'result'],
      figures.map((f) => [f.figure, f.value, f.target, f.pass ? 'PASS' : 'MISS']),
    ),
  ].join('\n');
  return { figures, report: text };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { report: text, figures } = await runSlackFlood();
  console.log(text);
  process.exitCode = figures.every((f) => f.pass) ? 0 : 1;
}
