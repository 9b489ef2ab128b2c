import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import {
  blockActions,
  signedForm,
  signedInteraction,
  slashCommand,
} from '../../fakes/slack/slack-requests.js';
import { buttonsOf } from '../../platforms/slack/slack-support.js';
import {
  postgresAvailable,
  postgresUrlFor,
  useMigratedPostgresDatabases,
} from '../../support/test-database.js';
import {
  type BotProcess,
  botEnv,
  countingPool,
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
  waitUntil,
} from './inbox-harness.js';

const USER = 'UFORGET0001';
const ERASED = /Erased/;
const CODE_REFUSED = /confirmation code is wrong or has expired/;

describe.skipIf(!postgresAvailable())(
  'Slack HTTP: a /forget button click whose process is killed mid-way [postgres]',
  () => {
    const databases = useMigratedPostgresDatabases();
    let fake: FakeSlack;
    let name: string | undefined;
    let pool: ReturnType<typeof countingPool> | undefined;
    let locker: pg.Client | undefined;
    let dataDir: ReturnType<typeof tempDir> | undefined;
    let env: Record<string, string>;
    let port: number;
    let url: string;
    let bot: BotProcess | undefined;
    /** The click, byte for byte, for the redelivery of the second test. */
    let click: ReturnType<typeof signedInteraction> | undefined;
    const clickAnswers = () => slackAnswersOutside(fake, 'forget-click', USER);
    const clickAck: SlackPostResult[] = [];

    beforeAll(async () => {
      fake = await FakeSlack.start();
      const created = await databases.create();
      name = created.name;
      pool = countingPool(created.url);
      dataDir = tempDir('moodscale-inbox-button-');
      port = await freePort();
      url = `http://127.0.0.1:${port}/slack/events`;
      env = {
        ...botEnv({ databaseUrl: created.url, dataDir: dataDir.path, port }),
        ...slackHttpEnv(fake),
      };
    }, 60_000);

    afterAll(async () => {
      await killAllBots();
      await locker?.end().catch(() => undefined);
      await pool?.end().catch(() => undefined);
      await fake?.close();
      dataDir?.remove();
    }, 60_000);

    const identityRows = async () =>
      (
        await pool!.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM chat_identities WHERE platform = 'slack' AND external_user_id = $1`,
          [USER],
        )
      ).rows[0]?.n ?? 0;

    /** Backends of the bot waiting for a lock in a DELETE (the erasure, stuck behind our lock on audit_log). */
    const blockedErasures = async () =>
      (
        await pool!.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'delete%'`,
        )
      ).rows[0]?.n ?? 0;

    async function slash(command: string, text: string, responseId: string): Promise<string[]> {
      const fields = slashCommand({
        command,
        text,
        user_id: USER,
        team_id: TEAM,
        channel_id: 'C0GENERAL',
        trigger_id: `trigger-${responseId}`,
        response_url: fake.responseUrl(responseId),
      });
      const result = await postToSlackEvents(url, signedForm(SIGNING_SECRET, { ...fields }));
      if (result.status !== 200)
        throw new Error(`${command} was not acknowledged: ${JSON.stringify(result)}`);
      const inAck = slackBodyText(result.body);
      if (inAck) return [inAck];
      await waitUntil(
        () => fake.responsesTo(responseId).length > 0,
        10_000,
        () => `an answer to ${command} (response_url posts: ${fake.responses.length})\n${bot?.tail()}`,
      );
      return fake.responsesTo(responseId).map((r) => JSON.stringify(r.body));
    }

    it('GIVEN a user who asked /forget WHEN their click on "Erase everything" is acknowledged, the bot is SIGKILLed while the erasure waits on a lock, and a new process starts THEN the erasure runs exactly once and the user is told once', async () => {
      bot = startBot('first', env);
      await waitForBot(bot);
      await slash('/mood', '4 tired -- before forgetting', 'forget-mood');
      const [prompt] = await slash('/forget', '', 'forget-prompt');
      const [button] = buttonsOf(JSON.parse(prompt!) as Record<string, unknown>);
      expect(button?.value, `the /forget prompt has no button: ${prompt}`).toContain('/forget confirm:');

      // Hold the erasure mid-way: it deletes from audit_log inside its transaction, after the inbox rows.
      locker = new pg.Client({ connectionString: postgresUrlFor(name!) });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE audit_log IN SHARE MODE');

      click = signedInteraction(
        SIGNING_SECRET,
        blockActions({
          user_id: USER,
          team_id: TEAM,
          action_id: button!.action_id,
          value: button!.value,
          response_url: fake.responseUrl('forget-click'),
          trigger_id: 'trigger-forget-click',
          action_ts: '1700000000.000001',
        }),
      );
      clickAck.push(await postToSlackEvents(url, click));
      await waitUntil(
        async () => (await blockedErasures()) > 0,
        10_000,
        () =>
          `the erasure to wait on the lock (click answered ${JSON.stringify(clickAck[0])})\n${bot?.tail()}`,
      );
      const ackedBeforeKill = clickAck[0]!.status === 200;
      const answersBeforeKill = clickAnswers().length;
      await bot.kill();
      await locker.query('ROLLBACK');
      await locker.end();
      locker = undefined;
      const identitiesAfterKill = await identityRows();

      bot = startBot('second', env);
      await waitForBot(bot);
      const ended = await waitQuiescent({
        maxMs: 20_000,
        stableMs: 3000 + 1000 * 2,
        signature: async () =>
          JSON.stringify([clickAnswers().length, await identityRows(), await inboxByStatus(pool!)]),
      });
      const answers = [
        ...clickAnswers(),
        ...(clickAck[0]?.status === 200 ? [slackBodyText(clickAck[0].body)] : []),
      ];
      const summary = {
        quiescence: ended,
        clickAck: {
          status: clickAck[0]?.status,
          error: clickAck[0]?.error,
          body: clickAck[0]?.body.slice(0, 200),
        },
        answersBeforeKill,
        identitiesAfterKill,
        identitiesNow: await identityRows(),
        erasedAnswers: answers.filter((a) => ERASED.test(a)).length,
        codeRefusedAnswers: answers.filter((a) => CODE_REFUSED.test(a)).length,
        otherAnswers: answers
          .filter((a) => a && !ERASED.test(a) && !CODE_REFUSED.test(a))
          .map((a) => a.slice(0, 160)),
        inbox: await inboxByStatus(pool!),
        metrics: await inboxMetrics(port),
      };
      report('button-resume', summary);
      const message = JSON.stringify(summary, null, 1);
      // The harness: the click was acknowledged, and the kill really came before the erasure committed.
      expect(ackedBeforeKill, message).toBe(true);
      expect(answersBeforeKill, message).toBe(0);
      expect(identitiesAfterKill, message).toBe(1);
      // The promise: erased, once, and told once.
      expect(summary.identitiesNow, message).toBe(0);
      expect(summary.erasedAnswers, message).toBe(1);
      expect(summary.codeRefusedAnswers, message).toBe(0);
    }, 90_000);

    it('GIVEN the resumed erasure WHEN Slack delivers the same signed click again THEN it is acknowledged and not run again (no new user, no second answer)', async () => {
      expect(click, 'the first test did not get as far as the click').toBeDefined();
      const before = clickAnswers().length;
      const again = await postToSlackEvents(url, click!);
      await new Promise((r) => setTimeout(r, 3000));
      const summary = {
        status: again.status,
        body: again.body.slice(0, 200),
        newAnswers: clickAnswers()
          .slice(before)
          .map((a) => a.slice(0, 160)),
        identitiesNow: await identityRows(),
      };
      report('button-redelivered', summary);
      const message = JSON.stringify(summary, null, 1);
      expect(again.status, message).toBe(200);
      expect(summary.newAnswers, message).toEqual([]);
      expect(CODE_REFUSED.test(again.body) || ERASED.test(again.body), message).toBe(false);
      expect(summary.identitiesNow, message).toBe(0);
    }, 30_000);
  },
);
