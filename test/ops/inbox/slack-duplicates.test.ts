import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { type SignedRequest, signedForm, slashCommand } from '../../fakes/slack/slack-requests.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../../support/test-database.js';
import {
  botEnv,
  CONFIRMED,
  countingPool,
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

/** One signed /mood of its own user, kept byte for byte so it can be delivered again. */
interface Sent {
  who: string;
  responseId: string;
  signed: SignedRequest;
  results: SlackPostResult[];
}

function signedMood(fake: FakeSlack, who: string, responseId: string, n: number): Sent {
  const command = slashCommand({
    command: '/mood',
    text: `${(n % 10) + 1} calm -- again ${n}`,
    user_id: who,
    team_id: TEAM,
    channel_id: 'C0GENERAL',
    trigger_id: `trigger-${responseId}`,
    response_url: fake.responseUrl(responseId),
  });
  return { who, responseId, signed: signedForm(SIGNING_SECRET, { ...command }), results: [] };
}

/** How often each user was told "Mood logged" (acknowledgement bodies, response_url posts, DMs). */
function confirmations(fake: FakeSlack, sent: Sent): number {
  const inAcks = sent.results.filter((r) => r.status === 200 && CONFIRMED.test(slackBodyText(r.body))).length;
  return (
    inAcks + slackAnswersOutside(fake, sent.responseId, sent.who).filter((a) => CONFIRMED.test(a)).length
  );
}

describe.skipIf(!postgresAvailable())(
  'Slack HTTP: the same signed request delivered twice [postgres]',
  () => {
    const databases = useMigratedPostgresDatabases();
    let fake: FakeSlack;
    let pool: ReturnType<typeof countingPool> | undefined;
    let dataDir: ReturnType<typeof tempDir> | undefined;
    let databaseUrl: string;

    beforeAll(async () => {
      fake = await FakeSlack.start();
      ({ url: databaseUrl } = await databases.create());
      pool = countingPool(databaseUrl);
      dataDir = tempDir('moodscale-inbox-dup-');
    }, 60_000);

    afterAll(async () => {
      await killAllBots();
      await pool?.end().catch(() => undefined);
      await fake?.close();
      dataDir?.remove();
    }, 60_000);

    const envFor = (port: number) => ({
      ...botEnv({ databaseUrl, dataDir: dataDir!.path, port }),
      ...slackHttpEnv(fake),
    });

    /** Waits for the answers to settle, then returns the rows per user and a summary for the messages. */
    async function settle(prefix: string, sent: readonly Sent[], port: number, untilStable = false) {
      const rowsNow = () => entriesByAccount(pool!, 'slack', prefix);
      const allStoredAndTold = async () => {
        const rows = await rowsNow();
        return sent.every((s) => (rows.get(s.who) ?? 0) >= 1 && confirmations(fake, s) >= 1);
      };
      const ended = await waitQuiescent({
        maxMs: 20_000,
        stableMs: 3000,
        // After a second delivery nothing more should happen: only a quiet spell tells it did not.
        done: async () =>
          !untilStable && (await allStoredAndTold()) && (await inboxByStatus(pool!)).claimed === undefined,
        signature: async () =>
          JSON.stringify([
            [...(await rowsNow())],
            fake.responses.length,
            fake.calls.length,
            await inboxByStatus(pool!),
          ]),
      });
      const rows = await rowsNow();
      const summary = {
        quiescence: ended,
        deliveries: sent.reduce((n, s) => n + s.results.length, 0),
        acked: sent.reduce((n, s) => n + s.results.filter((r) => r.status === 200).length, 0),
        usersStored: sent.filter((s) => (rows.get(s.who) ?? 0) >= 1).length,
        usersWithDuplicates: sent
          .filter((s) => (rows.get(s.who) ?? 0) > 1)
          .map((s) => s.who)
          .slice(0, 5),
        duplicateCount: sent.filter((s) => (rows.get(s.who) ?? 0) > 1).length,
        usersNeverTold: sent.filter((s) => confirmations(fake, s) === 0).length,
        usersToldTwice: sent.filter((s) => confirmations(fake, s) > 1).length,
        notAcked: sent
          .flatMap((s) => s.results.filter((r) => r.status !== 200))
          .map((r) => r.error ?? r.status)
          .slice(0, 5),
        inbox: await inboxByStatus(pool!),
        metrics: await inboxMetrics(port),
      };
      return { rows, summary };
    }

    it('GIVEN 20 /mood commands answered by a bot WHEN the bot restarts and Slack delivers each signed request again THEN each is stored once', async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/slack/events`;
      const sent = Array.from({ length: 20 }, (_, i) =>
        signedMood(fake, `UAGAIN${String(i).padStart(4, '0')}`, `again-${i}`, i),
      );
      const first = startBot('before-restart', envFor(port));
      await waitForBot(first);
      await runPool(sent.length, 10, async (i) => {
        sent[i]!.results.push(await postToSlackEvents(url, sent[i]!.signed));
      });
      await settle('UAGAIN', sent, port);
      await first.stop();

      const second = startBot('after-restart', envFor(port));
      await waitForBot(second);
      await runPool(sent.length, 10, async (i) => {
        sent[i]!.results.push(await postToSlackEvents(url, sent[i]!.signed));
      });
      const { rows, summary } = await settle('UAGAIN', sent, port, true);
      report('slack-redelivery-after-restart', summary);
      await second.stop();

      const message = JSON.stringify(summary, null, 1);
      expect(summary.acked, message).toBe(40);
      expect(
        sent.map((s) => rows.get(s.who) ?? 0),
        message,
      ).toEqual(sent.map(() => 1));
      expect(summary.usersNeverTold, message).toBe(0);
    }, 90_000);

    it('GIVEN two bot processes on one PostgreSQL WHEN each of 100 signed /mood commands is delivered to both (50 at the same time, 50 one after the other) THEN each is stored once and answered', async () => {
      const ports = [await freePort(), await freePort()];
      const urls = ports.map((p) => `http://127.0.0.1:${p}/slack/events`);
      const bots = ports.map((p, i) => startBot(`instance-${i}`, envFor(p)));
      await Promise.all(bots.map((b) => waitForBot(b)));
      const sent = Array.from({ length: 100 }, (_, i) =>
        signedMood(fake, `UTWIN${String(i).padStart(4, '0')}`, `twin-${i}`, i),
      );

      await runPool(sent.length, 20, async (i) => {
        const s = sent[i]!;
        // Round robin: even users reach instance 0 first, odd ones instance 1.
        const [a, b] = i % 2 === 0 ? [urls[0]!, urls[1]!] : [urls[1]!, urls[0]!];
        if (i < 50) {
          s.results.push(
            ...(await Promise.all([postToSlackEvents(a, s.signed), postToSlackEvents(b, s.signed)])),
          );
        } else {
          s.results.push(await postToSlackEvents(a, s.signed));
          s.results.push(await postToSlackEvents(b, s.signed));
        }
      });
      const { rows, summary } = await settle('UTWIN', sent, ports[0]!, true);
      const extra = { ...summary, metricsOfInstance1: await inboxMetrics(ports[1]!) };
      report('slack-two-instances', extra);
      await Promise.all(bots.map((b) => b.stop()));

      const message = JSON.stringify(extra, null, 1);
      expect(summary.acked, message).toBe(200);
      expect(summary.duplicateCount, message).toBe(0);
      expect(
        sent.map((s) => rows.get(s.who) ?? 0),
        message,
      ).toEqual(sent.map(() => 1));
      expect(summary.usersNeverTold, message).toBe(0);
    }, 90_000);
  },
);
