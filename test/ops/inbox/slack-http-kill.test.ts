import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { signedForm, slashCommand } from '../../fakes/slack/slack-requests.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../../support/test-database.js';
import {
  type BotProcess,
  botEnv,
  countingPool,
  createGate,
  entriesByAccount,
  freePort,
  inboxByStatus,
  inboxMetrics,
  killAllBots,
  postToSlackEvents,
  report,
  runPool,
  SIGNING_SECRET,
  type SlackPostResult,
  slackAnswersOutside,
  slackBodyText,
  slackHttpEnv,
  startBot,
  TEAM,
  tempDir,
  waitForBot,
  waitQuiescent,
} from './inbox-harness.js';
import { type Delivery, describeVerdict, judge, saysNotSaved } from './verdicts.js';

const USERS = 1000;
const CONCURRENCY = 100;
/** The bot is SIGKILLed once this many commands were answered 200. */
const KILL_AFTER_ACKS = 300;
const PREFIX = 'UKILL';

const userOf = (i: number) => `${PREFIX}${String(i).padStart(5, '0')}`;
const responseIdOf = (i: number) => `kill-${i}`;

describe.skipIf(!postgresAvailable())(
  'Slack HTTP: a bot SIGKILLed mid-burst and restarted [postgres]',
  () => {
    const databases = useMigratedPostgresDatabases();
    let fake: FakeSlack;
    let pool: ReturnType<typeof countingPool> | undefined;
    let dataDir: ReturnType<typeof tempDir> | undefined;
    let env: Record<string, string>;
    let port: number;

    beforeAll(async () => {
      fake = await FakeSlack.start();
      const { url: databaseUrl } = await databases.create();
      pool = countingPool(databaseUrl);
      dataDir = tempDir('moodscale-inbox-kill-');
      port = await freePort();
      env = {
        ...botEnv({ databaseUrl, dataDir: dataDir.path, port }),
        ...slackHttpEnv(fake),
      };
    }, 60_000);

    afterAll(async () => {
      await killAllBots();
      await pool?.end().catch(() => undefined);
      await fake?.close();
      dataDir?.remove();
    }, 60_000);

    it('GIVEN 1,000 signed /mood commands from 1,000 users, 100 at a time WHEN the bot is SIGKILLed after ~300 were answered 200 and restarted on the same port THEN every 200 has exactly one row and an answer, every other command has no row or a row and an answer, and nobody has two rows', async () => {
      const url = `http://127.0.0.1:${port}/slack/events`;
      let bot: BotProcess = startBot('first', env);
      await waitForBot(bot);

      const results: Array<SlackPostResult | undefined> = new Array(USERS);
      const gate = createGate();
      let acks = 0;
      let restart: Promise<void> | undefined;
      let killedAt = -1;
      let inFlightAtKill = 0;
      let inFlight = 0;

      const killAndRestart = async () => {
        gate.close();
        killedAt = results.filter(Boolean).length;
        inFlightAtKill = inFlight;
        await bot.kill();
        bot = startBot('second', env);
        await waitForBot(bot);
        gate.open();
      };

      await runPool(USERS, CONCURRENCY, async (i) => {
        await gate.wait();
        const command = slashCommand({
          command: '/mood',
          text: `${(i % 10) + 1} calm -- burst ${i}`,
          user_id: userOf(i),
          team_id: TEAM,
          channel_id: 'C0GENERAL',
          trigger_id: `trigger-kill-${i}`,
          response_url: fake.responseUrl(responseIdOf(i)),
        });
        inFlight += 1;
        const result = await postToSlackEvents(url, signedForm(SIGNING_SECRET, { ...command }));
        inFlight -= 1;
        results[i] = result;
        if (result.status === 200) acks += 1;
        if (acks >= KILL_AFTER_ACKS && !restart) restart = killAndRestart();
      });
      await restart;
      expect(restart, 'the bot was never killed: fewer than 300 commands were answered 200').toBeDefined();

      const deliveries = (): Delivery[] =>
        results.map((r, i) => {
          const ackText = r?.status === 200 ? slackBodyText(r.body) : '';
          return {
            who: userOf(i),
            acked: r?.status === 200,
            refused: r?.status === 200 && saysNotSaved(ackText),
            answers: [
              ...(ackText ? [ackText] : []),
              ...slackAnswersOutside(fake, responseIdOf(i), userOf(i)),
            ],
          };
        });
      const verdictNow = async () => judge(deliveries(), await entriesByAccount(pool!, 'slack', PREFIX));

      const ended = await waitQuiescent({
        maxMs: 25_000,
        stableMs: 5000,
        done: async () => (await verdictNow()).ok && (await inboxByStatus(pool!)).claimed === undefined,
        signature: async () =>
          JSON.stringify([
            (await verdictNow()).counts,
            fake.responses.length,
            fake.calls.length,
            await inboxByStatus(pool!),
          ]),
      });

      const verdict = await verdictNow();
      const errors: Record<string, number> = {};
      for (const r of results)
        if (r && r.status !== 200)
          errors[r.error ?? `HTTP ${r.status}`] = (errors[r.error ?? `HTTP ${r.status}`] ?? 0) + 1;
      const latencies = results
        .filter((r) => r?.status === 200)
        .map((r) => r!.elapsedMs)
        .sort((a, b) => a - b);
      const extra = {
        quiescence: ended,
        killedAfterResults: killedAt,
        inFlightAtKill,
        failures: errors,
        ackP50Ms: Math.round(latencies[Math.floor(latencies.length / 2)] ?? 0),
        ackP99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
        responseUrlPosts: fake.responses.length,
        dms: fake.callsTo('chat.postMessage').length,
        inbox: await inboxByStatus(pool!),
        metrics: await inboxMetrics(port),
      };
      report('slack-http-kill', { ...verdict.counts, ...extra, violations: verdict.violations });
      // The harness itself: the kill really happened mid-burst, on both sides of it traffic flowed.
      expect(killedAt, 'the kill came after the burst had ended').toBeLessThan(USERS);
      expect(verdict.counts.acked + verdict.counts.refused).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
      expect(verdict.ok, describeVerdict(verdict, extra)).toBe(true);
      expect(verdict.counts.duplicates).toBe(0);
    }, 90_000);
  },
);
