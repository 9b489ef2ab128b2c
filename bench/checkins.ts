/**
 * bench/checkins: check-in prompts for many users due in the same minute, sent through the real
 * discord.js client to a fake Discord on 127.0.0.1 that enforces Discord's global limit (50 requests a
 * second, 429 with retry_after beyond it), on real PostgreSQL.
 *
 * A first prompt is two requests (open the DM channel, post the message); the next day's is one (the
 * channel is remembered). The floor the limit allows is requests / 50 seconds. Target: every prompt delivered within 1.25x that floor, no request sent while a
 * 429 said to wait, and /mood interactions arriving during the run still acknowledged within 3 s.
 * Baseline in the same run: a minimal bot written on discord.js alone sending the same number of DMs
 * with the same concurrency (no database, no claims).
 */
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { silentLogger } from '../src/core/logger.js';
import { selectRows } from '../src/db/raw-query.js';
import { createSendDirect } from '../src/platforms/direct-messages.js';
import { createDiscordAdapter } from '../src/platforms/discord/discord-adapter.js';
import { createDiscordClient } from '../src/platforms/discord/discord-client.js';
import { createCheckinRunner } from '../src/services/checkins/checkin-runner.js';
import { startFakeDiscord } from '../test/fakes/discord/fake-discord.js';
import { chatInputInteraction, userJson } from '../test/fakes/discord/payloads.js';
import {
  applyProductRuntime,
  type BenchFigure,
  benchServerUrl,
  benchStack,
  freshDatabase,
  openBenchDatabase,
  percentile,
  table,
} from './support.js';

const USERS = Number(process.env.BENCH_CHECKIN_USERS ?? 1000);
const LIMIT = 50;
const RATIO_TARGET = 1.25;
const ACK_TARGET_MS = 3000;
const LANES = 16;
/** /mood interactions a second from other users while the prompts go out. */
const MOODS_PER_SECOND = 5;

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Users with check-ins on at `now`'s UTC minute and a Discord account each, in a few statements. */
async function seedDue(
  db: ReturnType<typeof openBenchDatabase>['db'],
  count: number,
  now: Date,
  idBase: bigint,
) {
  const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
  await db.execute(sql`
    WITH made AS (
      INSERT INTO users (username)
      SELECT 'checkin-bench-' || g FROM generate_series(1, ${count}) g
      RETURNING id, username)
    , ids AS (
      INSERT INTO chat_identities (user_id, platform, workspace_id, external_user_id)
      SELECT id, 'discord', '', (${idBase.toString()}::numeric + substring(username FROM 15)::int)::text FROM made
      RETURNING user_id)
    INSERT INTO checkin_schedules (user_id, enabled, times, resumed_at)
    SELECT user_id, true, ARRAY[${minute}]::smallint[], now() AT TIME ZONE 'UTC' - interval '30 days' FROM ids`);
}

export async function runCheckins(): Promise<{ figures: BenchFigure[]; report: string }> {
  applyProductRuntime();
  const fresh = await freshDatabase(benchServerUrl(), 'moodscale_bench_checkins');
  const database = openBenchDatabase(fresh.url);
  const fake = await startFakeDiscord({ globalRateLimit: { requestsPerSecond: LIMIT } });
  const stops: Array<() => Promise<unknown>> = [];
  try {
    await database.migrate();

    // The floor, as a minimal bot on discord.js alone meets it: the same DMs, the same concurrency.
    const minimal = createDiscordClient({ apiUrl: fake.apiUrl });
    stops.push(() => minimal.destroy());
    await minimal.login(fake.token);
    fake.resetRateLimitStats();
    const baseIds = Array.from({ length: USERS }, (_, i) =>
      (400_000_000_000_000_000n + BigInt(i)).toString(),
    );
    const baseStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next < baseIds.length) {
          const id = baseIds[next++]!;
          const channel = await minimal.users.createDM(id, { cache: false });
          await channel.send({ content: 'How are you feeling?' });
        }
      }),
    );
    const baseStats = fake.rateLimitStats();
    const baseSeconds = ((baseStats.lastDmMessageAt ?? Number.NaN) - baseStart) / 1000;
    await minimal.destroy();

    // MoodScale: the check-in runner through the Discord adapter, with /mood arriving meanwhile.
    const { dispatcher, inbox } = benchStack(database.db);
    const adapter = createDiscordAdapter({
      dispatcher,
      inbox,
      config: {
        token: fake.token,
        applicationId: fake.applicationId,
        guildId: undefined,
        apiUrl: fake.apiUrl,
      },
      logger: silentLogger(),
    });
    await adapter.start();
    stops.push(() => adapter.stop());
    const now = new Date();
    await seedDue(database.db, USERS, now, 500_000_000_000_000_000n);
    const runner = createCheckinRunner({
      db: database.db,
      logger: silentLogger(),
      clock: { now: () => new Date() },
      sendDirect: createSendDirect({ discord: adapter }, async () => undefined),
      platforms: ['discord'],
      leaseMs: 120_000,
      concurrency: LANES,
    });
    fake.resetRateLimitStats();
    const acks: number[] = [];
    let moods = true;
    let nextUser = 1n;
    const moodLoad = (async () => {
      const pending: Array<Promise<void>> = [];
      while (moods) {
        const user = userJson((600_000_000_000_000_000n + nextUser++).toString());
        const sent = fake.interact(
          chatInputInteraction(
            fake.applicationId,
            { name: 'mood', options: [{ name: 'score', type: 4, value: 6 }] },
            user,
          ),
        );
        pending.push(
          fake.acknowledgement(sent.json.id, 30_000).then((ack) => {
            acks.push(
              ack.status === 204 ? (sent.ack?.at ?? Number.NaN) - sent.sentAt : Number.POSITIVE_INFINITY,
            );
          }),
        );
        await new Promise((r) => setTimeout(r, 1000 / MOODS_PER_SECOND));
      }
      await Promise.all(pending);
    })();
    const started = performance.now();
    const summary = await runner.runDue(now);
    const stats = fake.rateLimitStats();
    const seconds = ((stats.lastDmMessageAt ?? Number.NaN) - started) / 1000;
    // The next day: the DM channels are known, so each prompt is one request.
    fake.resetRateLimitStats();
    const nextStart = performance.now();
    const nextSummary = await runner.runDue(new Date(now.getTime() + 86_400_000));
    const nextStats = fake.rateLimitStats();
    const nextSeconds = ((nextStats.lastDmMessageAt ?? Number.NaN) - nextStart) / 1000;
    moods = false;
    await moodLoad;

    const floor = stats.botRequests / LIMIT;
    const ratio = seconds / floor;
    const nextFloor = nextStats.botRequests / LIMIT;
    const nextRatio = nextSeconds / nextFloor;
    const sortedAcks = [...acks].sort((a, b) => a - b);
    const ackP99 = percentile(sortedAcks, 99);
    const ackMax = sortedAcks.at(-1) ?? Number.NaN;
    const [row] = await selectRows(
      database.db,
      sql`SELECT count(*)::int AS sent, count(DISTINCT user_id)::int AS users FROM checkin_prompts WHERE status = 'sent' AND slot_at < (now() AT TIME ZONE 'UTC') + interval '1 hour'`,
      z.object({ sent: z.coerce.number(), users: z.coerce.number() }),
    );
    const onceEach = row?.sent === USERS && row.users === USERS && stats.dmMessagesCreated === USERS;
    const report = [
      `bench/checkins: ${USERS} users due in the same minute, fake Discord limited to ${LIMIT} requests/s, PostgreSQL`,
      table(
        ['run', 'DMs', 'requests', 'floor s', 'time s', 'x floor', '429s', 'unhonoured'],
        [
          [
            'minimal discord.js bot (baseline)',
            String(baseStats.dmMessagesCreated),
            String(baseStats.botRequests),
            fmt(baseStats.botRequests / LIMIT),
            fmt(baseSeconds),
            fmt(baseSeconds / (baseStats.botRequests / LIMIT), 2),
            String(baseStats.globalRateLimited + baseStats.routeRateLimited),
            String(baseStats.unhonoured),
          ],
          [
            'MoodScale, first day (opens each DM channel)',
            String(stats.dmMessagesCreated),
            String(stats.botRequests),
            fmt(floor),
            fmt(seconds),
            fmt(ratio, 2),
            String(stats.globalRateLimited + stats.routeRateLimited),
            String(stats.unhonoured),
          ],
          [
            'MoodScale, next day (DM channels known)',
            String(nextStats.dmMessagesCreated),
            String(nextStats.botRequests),
            fmt(nextFloor),
            fmt(nextSeconds),
            fmt(nextRatio, 2),
            String(nextStats.globalRateLimited + nextStats.routeRateLimited),
            String(nextStats.unhonoured),
          ],
        ],
      ),
      `prompts: first day ${summary.sent} sent, ${summary.failed} failed, ${summary.taken} taken; next day ${nextSummary.sent} sent, ${nextSummary.failed} failed; stored once each: ${onceEach}`,
      `/mood during the runs: ${acks.length} interactions, acknowledged p50 ${fmt(percentile(sortedAcks, 50))} ms, p99 ${fmt(ackP99)} ms, max ${fmt(ackMax)} ms (target < ${ACK_TARGET_MS} ms)`,
      `The floor counts the requests the run made (the DM channel and the message per prompt; /mood answers are interaction callbacks, which Discord does not count). Shrink or grow with BENCH_CHECKIN_USERS (10,000 users: floors of about ${fmt((2 * 10_000) / LIMIT, 0)} s and ${fmt(10_000 / LIMIT, 0)} s).`,
    ].join('\n');
    const figures: BenchFigure[] = [
      {
        bench: 'checkins',
        figure: `time to deliver ${USERS} prompts vs the ${LIMIT}/s floor`,
        value: `${fmt(seconds)} s (${fmt(ratio, 2)}x)`,
        target: `<= ${RATIO_TARGET}x floor, 0 unhonoured 429s`,
        baseline: `minimal bot ${fmt(baseSeconds)} s`,
        pass: ratio <= RATIO_TARGET && stats.unhonoured === 0 && onceEach,
      },
      {
        bench: 'checkins',
        figure: `the next day, ${USERS} prompts to known DM channels vs the floor`,
        value: `${fmt(nextSeconds)} s (${fmt(nextRatio, 2)}x)`,
        target: `<= ${RATIO_TARGET}x floor, 0 unhonoured 429s`,
        baseline: `floor ${fmt(nextFloor)} s`,
        pass: nextRatio <= RATIO_TARGET && nextStats.unhonoured === 0 && nextSummary.sent === USERS,
      },
      {
        bench: 'checkins',
        figure: '/mood acknowledgement during the runs, max',
        value: `${fmt(ackMax)} ms`,
        target: `< ${ACK_TARGET_MS} ms`,
        baseline: '-',
        pass: ackMax < ACK_TARGET_MS,
      },
    ];
    return { figures, report };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await fake.close();
    await database.close();
    await fresh.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { report } = await runCheckins();
  process.stdout.write(`${report}\n`);
  process.exit(0);
}
