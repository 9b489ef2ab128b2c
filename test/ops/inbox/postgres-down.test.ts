import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { signedForm, slashCommand } from '../../fakes/slack/slack-requests.js';
import { withAdmin } from '../../support/postgres-admin.js';
import {
  type PrivateCluster,
  privateClusterUnavailable,
  startPrivateCluster,
} from '../faults/private-postgres.js';
import {
  type BotProcess,
  botEnv,
  countingPool,
  entriesByAccount,
  freePort,
  inboxByStatus,
  inboxMetrics,
  killAllBots,
  postToSlackEvents,
  report,
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

const unavailable = privateClusterUnavailable();
if (unavailable) process.stderr.write(`[moodscale] inbox PostgreSQL-down test skipped: ${unavailable}\n`);

const PREFIX = 'UPGDOWN';
const DOWN_MS = 15_000;
const WORKERS = 4;
const PAUSE_MS = 50;

interface Sent {
  who: string;
  responseId: string;
  /** Date.now() when it was sent, to tell the phases apart in the counts. */
  at: number;
  result: SlackPostResult;
}

describe.skipIf(unavailable !== undefined)(
  'Slack HTTP with PostgreSQL stopped for 15 s under /mood traffic [postgres]',
  () => {
    let cluster: PrivateCluster | undefined;
    let fake: FakeSlack;
    let pool: ReturnType<typeof countingPool> | undefined;
    let dataDir: ReturnType<typeof tempDir> | undefined;
    let bot: BotProcess;
    let port: number;

    beforeAll(async () => {
      cluster = await startPrivateCluster();
      await withAdmin(cluster.url(), (admin) => admin.query('CREATE DATABASE moodscale'));
      fake = await FakeSlack.start();
      pool = countingPool(cluster.url('moodscale'));
      dataDir = tempDir('moodscale-inbox-pgdown-');
      port = await freePort();
      bot = startBot('on-private-cluster', {
        ...botEnv({ databaseUrl: cluster.url('moodscale'), dataDir: dataDir.path, port }),
        ...slackHttpEnv(fake),
      });
      await waitForBot(bot);
    }, 90_000);

    afterAll(async () => {
      await killAllBots();
      await pool?.end().catch(() => undefined);
      await fake?.close();
      await cluster?.destroy();
      dataDir?.remove();
    }, 60_000);

    it('GIVEN a stream of signed /mood commands WHEN PostgreSQL is stopped for 15 s and started again THEN every command acknowledged as received is stored once and its user told, and every other one was answered "not saved" in its acknowledgement', async () => {
      const url = `http://127.0.0.1:${port}/slack/events`;
      const sent: Sent[] = [];
      let running = true;
      let next = 0;
      const loops = Array.from({ length: WORKERS }, async () => {
        while (running) {
          const n = next++;
          const who = `${PREFIX}${String(n).padStart(5, '0')}`;
          const responseId = `pgdown-${n}`;
          const command = slashCommand({
            command: '/mood',
            text: `${(n % 10) + 1} calm -- stream ${n}`,
            user_id: who,
            team_id: TEAM,
            channel_id: 'C0GENERAL',
            trigger_id: `trigger-${responseId}`,
            response_url: fake.responseUrl(responseId),
          });
          const at = Date.now();
          const result = await postToSlackEvents(url, signedForm(SIGNING_SECRET, { ...command }));
          sent.push({ who, responseId, at, result });
          await sleep(PAUSE_MS);
        }
      });

      await sleep(2000);
      const stoppedAt = Date.now();
      await cluster!.stop('fast');
      await sleep(DOWN_MS);
      await cluster!.start();
      const backAt = Date.now();
      await sleep(4000);
      running = false;
      await Promise.all(loops);

      const deliveries = (): Delivery[] =>
        sent.map((s) => {
          const ackText = s.result.status === 200 ? slackBodyText(s.result.body) : '';
          return {
            who: s.who,
            acked: s.result.status === 200,
            refused: s.result.status === 200 && saysNotSaved(ackText),
            answers: [...(ackText ? [ackText] : []), ...slackAnswersOutside(fake, s.responseId, s.who)],
          };
        });
      const verdictNow = async () =>
        judge(deliveries(), await entriesByAccount(pool!, 'slack', PREFIX), { notAckedIsViolation: true });
      const ended = await waitQuiescent({
        maxMs: 25_000,
        stableMs: 5000,
        done: async () => (await verdictNow()).ok && (await inboxByStatus(pool!)).claimed === undefined,
        signature: async () =>
          JSON.stringify([(await verdictNow()).counts, fake.responses.length, await inboxByStatus(pool!)]),
      });

      const verdict = await verdictNow();
      const phase = (s: Sent) => (s.at < stoppedAt ? 'before' : s.at < backAt ? 'down' : 'after');
      const byPhase: Record<string, Record<string, number>> = {};
      for (const s of sent) {
        const ackText = slackBodyText(s.result.body);
        const kind =
          s.result.status !== 200
            ? (s.result.error ?? `HTTP ${s.result.status}`)
            : saysNotSaved(ackText)
              ? 'refused "not saved"'
              : ackText
                ? 'acked with answer'
                : 'acked empty';
        const row = byPhase[phase(s)] ?? {};
        byPhase[phase(s)] = row;
        row[kind] = (row[kind] ?? 0) + 1;
      }
      const extra = {
        quiescence: ended,
        byPhase,
        responseUrlPosts: fake.responses.length,
        dms: fake.callsTo('chat.postMessage').length,
        inbox: await inboxByStatus(pool!),
        metrics: await inboxMetrics(port),
        botAlive: bot.child.exitCode === null && bot.child.signalCode === null,
      };
      report('postgres-down', { ...verdict.counts, ...extra, violations: verdict.violations });
      const message = describeVerdict(verdict, extra);
      // The harness: traffic flowed before, during and after the outage.
      expect(sent.filter((s) => phase(s) === 'down').length, message).toBeGreaterThan(0);
      expect(sent.filter((s) => phase(s) === 'after').length, message).toBeGreaterThan(0);
      expect(verdict.ok, message).toBe(true);
      expect(verdict.counts.duplicates, message).toBe(0);
    }, 90_000);
  },
);
