import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Envelope, FakeSlack } from '../../fakes/slack/fake-slack.js';
import { slashCommand } from '../../fakes/slack/slack-requests.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../../support/test-database.js';
import {
  type BotProcess,
  botEnv,
  CONFIRMED,
  countingPool,
  entriesByAccount,
  freePort,
  inboxByStatus,
  inboxMetrics,
  killAllBots,
  report,
  slackAnswersOutside,
  slackSocketEnv,
  startBot,
  TEAM,
  tempDir,
  waitForBot,
  waitQuiescent,
  waitUntil,
} from './inbox-harness.js';

const USERS = 30;
const PREFIX = 'USOCK';
const userOf = (i: number) => `${PREFIX}${String(i).padStart(4, '0')}`;

describe.skipIf(!postgresAvailable())(
  'Slack Socket Mode: an envelope redelivered to another instance [postgres]',
  () => {
    const databases = useMigratedPostgresDatabases();
    let fake: FakeSlack;
    let pool: ReturnType<typeof countingPool> | undefined;
    let dataDir: ReturnType<typeof tempDir> | undefined;
    const bots: BotProcess[] = [];
    const ports: number[] = [];

    beforeAll(async () => {
      fake = await FakeSlack.start();
      const { url: databaseUrl } = await databases.create();
      pool = countingPool(databaseUrl);
      dataDir = tempDir('moodscale-inbox-socket-');
      // Two instances of the app, one after the other, so connection 0 is the first and 1 the second.
      for (const label of ['instance-0', 'instance-1']) {
        const port = await freePort();
        ports.push(port);
        const bot = startBot(label, {
          ...botEnv({ databaseUrl, dataDir: dataDir.path, port }),
          ...slackSocketEnv(fake),
        });
        bots.push(bot);
        await waitForBot(bot);
        await waitUntil(
          () => fake.connections >= bots.length,
          30_000,
          () => `Socket Mode connection of ${label} (connections: ${fake.connections}):\n${bot.tail()}`,
        );
      }
    }, 90_000);

    afterAll(async () => {
      await killAllBots();
      await pool?.end().catch(() => undefined);
      await fake?.close();
      dataDir?.remove();
    }, 60_000);

    it('GIVEN two Socket Mode instances on one PostgreSQL WHEN each of 30 /mood envelopes reaches instance 0 and is redelivered to instance 1 (15 at once, 15 after the first ack) THEN every envelope is acked by both and stored once, and its user is told once at least', async () => {
      const envelopes: Envelope[] = [];
      const firstAckMissing: string[] = [];
      for (let i = 0; i < USERS; i++) {
        const command = slashCommand({
          command: '/mood',
          text: `${(i % 10) + 1} calm -- socket ${i}`,
          user_id: userOf(i),
          team_id: TEAM,
          channel_id: 'C0GENERAL',
          trigger_id: `trigger-socket-${i}`,
          response_url: fake.responseUrl(`socket-${i}`),
        });
        const envelope = fake.sendEnvelope('slash_commands', { ...command }, 0);
        envelopes.push(envelope);
        if (i < USERS / 2) fake.redeliver(envelope.envelope_id, 1);
        else {
          // Slack redelivers what was not acked in time too: after 5 s without an ack, redeliver anyway.
          const acked = await fake.waitForAcks(envelope.envelope_id, 1, 5000).then(
            () => true,
            () => false,
          );
          if (!acked) firstAckMissing.push(envelope.envelope_id);
          fake.redeliver(envelope.envelope_id, 1);
        }
        await sleep(20);
      }

      const answersOf = (i: number) => [
        ...fake
          .acksOf(envelopes[i]!.envelope_id)
          .map((a) => (a.payload === undefined ? '' : JSON.stringify(a.payload)))
          .filter((t) => t !== '' && t !== '{}'),
        ...slackAnswersOutside(fake, `socket-${i}`, userOf(i)),
      ];
      const rowsNow = () => entriesByAccount(pool!, 'slack', PREFIX);
      const ended = await waitQuiescent({
        maxMs: 20_000,
        stableMs: 3000,
        signature: async () =>
          JSON.stringify([
            [...(await rowsNow())],
            fake.acks.length,
            fake.responses.length,
            await inboxByStatus(pool!),
          ]),
      });
      const rows = await rowsNow();
      const summary = {
        quiescence: ended,
        envelopes: envelopes.length,
        firstAckMissing: firstAckMissing.length,
        ackedTwice: envelopes.filter((e) => fake.acksOf(e.envelope_id).length >= 2).length,
        stored: envelopes.filter((_, i) => (rows.get(userOf(i)) ?? 0) >= 1).length,
        duplicates: envelopes.filter((_, i) => (rows.get(userOf(i)) ?? 0) > 1).length,
        duplicateExamples: envelopes
          .map((_, i) => userOf(i))
          .filter((u) => (rows.get(u) ?? 0) > 1)
          .slice(0, 5),
        neverTold: envelopes.filter((_, i) => !answersOf(i).some((a) => CONFIRMED.test(a))).length,
        toldTwice: envelopes.filter((_, i) => answersOf(i).filter((a) => CONFIRMED.test(a)).length > 1)
          .length,
        inbox: await inboxByStatus(pool!),
        metrics: (await Promise.all(ports.map((p) => inboxMetrics(p)))).join('\n'),
      };
      report('socket-mode-redelivery', summary);
      const message = JSON.stringify(summary, null, 1);
      expect(summary.ackedTwice, message).toBe(USERS);
      expect(summary.duplicates, message).toBe(0);
      expect(summary.stored, message).toBe(USERS);
      expect(summary.neverTold, message).toBe(0);
    }, 90_000);
  },
);
