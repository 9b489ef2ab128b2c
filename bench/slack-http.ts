/**
 * bench/slack-http: 500 signed `/mood` slash commands from 50 users, all sent at once, through Bolt's
 * HTTPReceiver and the Slack adapter onto real PostgreSQL, each answered in its acknowledgement when
 * the command finishes within the adapter's budget, else through a loopback response_url.
 * Beside it, in the same run and at the same concurrency, the same 500 requests against a bare
 * node:http server that answers 200 at once (the floor of the machine and the client). Target: every
 * request acknowledged within Slack's 3 s (p99 and max reported), every command stored exactly once.
 * The load client and the fake Slack share the process with the bot, so the figures are pessimistic.
 * Knobs: BENCH_SLACK_REQUESTS (500), BENCH_SLACK_CONCURRENCY (the adapter's dispatch slots, default 8).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { silentLogger } from '../src/core/logger.js';
import { createSlackAdapter } from '../src/platforms/slack/slack-adapter.js';
import { FakeSlack } from '../test/fakes/slack/fake-slack.js';
import { post, signedForm, slashCommand } from '../test/fakes/slack/slack-requests.js';
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

const REQUESTS = Number(process.env.BENCH_SLACK_REQUESTS ?? 500);
const USERS = 50;
const ROUNDS = 3;
const SECRET = 'bench-signing-secret';
const ACK_TARGET_MS = 3000;

interface Round {
  ack: number[];
  answer: number[];
  statuses: number[];
  seconds: number;
}

interface Summary {
  p50: number;
  p99: number;
  max: number;
}

const summarise = (values: readonly number[]): Summary => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
};

export async function runSlackHttp(): Promise<{ figures: BenchFigure[]; report: string }> {
  applyProductRuntime();
  const server = benchServerUrl();
  const fresh = await freshDatabase(server, 'moodscale_bench_slack');
  const database = openBenchDatabase(fresh.url);
  const fake = await FakeSlack.start();
  const bare = await bareServer();
  const raw = new pg.Pool({ connectionString: fresh.url, max: 2 });
  raw.on('error', () => undefined);
  let adapter: ReturnType<typeof createSlackAdapter> | undefined;
  try {
    await database.migrate();
    const { services, inbox } = benchStack(database.db);
    adapter = createSlackAdapter({
      inbox,
      config: {
        botToken: 'xoxb-bench',
        mode: 'http',
        appToken: undefined,
        signingSecret: SECRET,
        apiUrl: fake.apiUrl,
      },
      port: 0,
      logger: silentLogger(),
      ...(process.env.BENCH_SLACK_CONCURRENCY
        ? { concurrency: Number(process.env.BENCH_SLACK_CONCURRENCY) }
        : {}),
    });
    await adapter.start();
    const eventsUrl = `http://127.0.0.1:${adapter.port}/slack/events`;

    const send = async (
      url: string,
      round: number,
      count: number,
      waitForAnswers: boolean,
    ): Promise<Round> => {
      const commands = Array.from({ length: count }, (_, i) =>
        slashCommand({
          command: '/mood',
          text: `${(i % 10) + 1} tired anxious -- round ${round}, request ${i}`,
          user_id: `UBENCH${round}X${i % USERS}`,
          response_url: fake.responseUrl(`r${round}-${i}`),
        }),
      );
      const requests = commands.map((c) => signedForm(SECRET, { ...c }));
      const sentAt: number[] = [];
      const started = performance.now();
      const results = await Promise.all(
        requests.map((r, i) => {
          sentAt[i] = Date.now();
          return post(url, r);
        }),
      );
      const answer: number[] = [];
      if (waitForAnswers) {
        // A command answered within the adapter's budget has its answer in the acknowledgement's body;
        // the others get theirs through response_url.
        const inAck = results.map((r) => r.body.trim() !== '');
        await fake.waitFor(
          () =>
            commands.every((_, i) => inAck[i] || fake.responsesTo(`r${round}-${i}`).length > 0) || undefined,
          120_000,
          `the answers of round ${round}`,
        );
        commands.forEach((_, i) => {
          answer.push(
            inAck[i] ? results[i]!.elapsedMs : fake.responsesTo(`r${round}-${i}`)[0]!.at - sentAt[i]!,
          );
        });
      }
      return {
        ack: results.map((r) => r.elapsedMs),
        answer,
        statuses: results.map((r) => r.status),
        seconds: (performance.now() - started) / 1000,
      };
    };

    // Warm both paths (JIT, pool connections, prepared statements), then alternate rounds.
    await send(bare.url, 0, 50, false);
    await send(eventsUrl, 0, 50, true);
    const slackRounds: Round[] = [];
    const bareRounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      bareRounds.push(await send(bare.url, round, REQUESTS, false));
      slackRounds.push(await send(eventsUrl, round, REQUESTS, true));
    }
    await services.audit.flush();

    // Stored exactly once: every measured round's users hold exactly their commands.
    const { rows } = await raw.query<{ n: number; users: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT m.user_id)::int AS users
         FROM mood_entries m JOIN chat_identities c ON c.user_id = m.user_id
        WHERE c.platform = 'slack' AND c.external_user_id ~ '^UBENCH[1-9]'`,
    );
    const stored = rows[0]?.n ?? 0;
    const expected = REQUESTS * ROUNDS;
    const allOk = slackRounds.every((r) => r.statuses.every((s) => s === 200));

    const ack = summarise(slackRounds.flatMap((r) => r.ack));
    const answer = summarise(slackRounds.flatMap((r) => r.answer));
    const floor = summarise(bareRounds.flatMap((r) => r.ack));
    const wall = slackRounds.map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
    const fmt = (n: number) => n.toFixed(1);
    const row = (name: string, s: Summary) => [name, fmt(s.p50), fmt(s.p99), fmt(s.max)];
    const report = [
      `bench/slack-http: ${REQUESTS} signed /mood requests from ${USERS} users at once, ${ROUNDS} rounds, real PostgreSQL`,
      table(
        ['measured (all rounds)', 'p50 ms', 'p99 ms', 'max ms'],
        [
          row('bare node:http 200 (floor)', floor),
          row('Slack HTTPReceiver ack (HTTP 200)', ack),
          row('answer (in the ack, else response_url)', answer),
        ],
      ),
      `acknowledged with 200: ${allOk ? 'all' : 'NOT all'}; stored ${stored} of ${expected} (exactly once: ${stored === expected ? 'yes' : 'NO'}); ` +
        `median round ${fmt(wall)} s; ack target p99 and max < ${ACK_TARGET_MS} ms`,
    ].join('\n');
    return {
      report,
      figures: [
        {
          bench: 'slack-http',
          figure: `Slack ack p99 / max, ${REQUESTS} at once`,
          value: `${fmt(ack.p99)} / ${fmt(ack.max)} ms`,
          target: `< ${ACK_TARGET_MS} ms`,
          baseline: `${fmt(floor.p99)} / ${fmt(floor.max)} ms bare http`,
          pass: allOk && ack.max < ACK_TARGET_MS,
        },
        {
          bench: 'slack-http',
          figure: 'Slack /mood stored exactly once',
          value: `${stored} of ${expected}`,
          target: 'all, once',
          baseline: `answer p99 ${fmt(answer.p99)} ms`,
          pass: stored === expected,
        },
      ],
    };
  } finally {
    await adapter?.stop();
    await raw.end();
    await new Promise<void>((resolve) => bare.server.close(() => resolve()));
    await fake.close();
    await database.close();
    await fresh.drop();
  }
}

/** A node:http server that reads the body and answers 200 with nothing: what acknowledging costs at the least. */
async function bareServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { report, figures } = await runSlackHttp();
  console.log(report);
  process.exitCode = figures.every((f) => f.pass) ? 0 : 1;
}
