import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeDiscord,
  type RecordedRequest,
  type SentInteraction,
  startFakeDiscord,
} from '../../fakes/discord/fake-discord.js';
import { chatInputInteraction, userJson } from '../../fakes/discord/payloads.js';
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
  report,
  startBot,
  tempDir,
  waitForBot,
  waitQuiescent,
  waitUntil,
} from './inbox-harness.js';
import { type Delivery, describeVerdict, judge, saysNotSaved } from './verdicts.js';

const INTERACTIONS = 500;
/** One interaction every this many ms (about 200 a second). */
const SPACING_MS = 5;
/** The bot is SIGKILLed once this many interactions were acknowledged. */
const KILL_AFTER_ACKS = 150;
/** Deterministic Discord user ids (18 digits), one per interaction. */
const FIRST_USER = 310_000_000_000_000_000n;
const PREFIX = '31000000000000';
const userIdOf = (i: number) => (FIRST_USER + BigInt(i)).toString();

/** What a Discord user was shown for an interaction: a type-4 answer, edits of @original, follow-ups, DMs. */
function discordAnswers(fake: FakeDiscord, sent: SentInteraction, userId: string): string[] {
  const ok = (r: RecordedRequest) => r.status >= 200 && r.status < 300;
  const answers: string[] = [];
  if (sent.ack && ok(sent.ack.request) && (sent.ack.type === 4 || sent.ack.type === 7)) {
    answers.push(JSON.stringify(sent.ack.request.body));
  }
  const hook = `/webhooks/${fake.applicationId}/${sent.json.token}`;
  for (const r of fake.requests) {
    if (!ok(r)) continue;
    if (
      (r.method === 'PATCH' && r.path === `${hook}/messages/@original`) ||
      (r.method === 'POST' && r.path === hook)
    ) {
      answers.push(JSON.stringify(r.body));
    }
  }
  for (const r of fake.directMessagesTo(userId)) if (ok(r)) answers.push(JSON.stringify(r.body));
  return answers;
}

describe.skipIf(!postgresAvailable())(
  'Discord: a bot SIGKILLed mid-stream of interactions and restarted [postgres]',
  () => {
    const databases = useMigratedPostgresDatabases();
    let fake: FakeDiscord;
    let pool: ReturnType<typeof countingPool> | undefined;
    let dataDir: ReturnType<typeof tempDir> | undefined;
    let env: Record<string, string>;
    let port: number;

    beforeAll(async () => {
      fake = await startFakeDiscord();
      const { url: databaseUrl } = await databases.create();
      pool = countingPool(databaseUrl);
      dataDir = tempDir('moodscale-inbox-discord-');
      port = await freePort();
      env = {
        ...botEnv({ databaseUrl, dataDir: dataDir.path, port }),
        DISCORD_TOKEN: fake.token,
        DISCORD_APPLICATION_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
      };
    }, 60_000);

    afterAll(async () => {
      await killAllBots();
      await pool?.end().catch(() => undefined);
      await fake?.close();
      dataDir?.remove();
    }, 60_000);

    /** Starts a bot process and waits until it is ready and holds a live gateway session. */
    async function startReady(label: string, identifiesBefore: number): Promise<BotProcess> {
      const bot = startBot(label, env);
      await waitForBot(bot);
      await waitUntil(
        () => fake.gateway.identifies > identifiesBefore && fake.gateway.live,
        30_000,
        () => `a gateway session of bot ${label} (identifies ${fake.gateway.identifies}):\n${bot.tail()}`,
      );
      return bot;
    }

    it('GIVEN 500 /mood interactions from 500 users through the gateway WHEN the bot is SIGKILLed after ~150 were acknowledged and restarted THEN every acknowledged one has exactly one row and an answer, every other one has no row or a row and an answer, and nobody has two rows', async () => {
      let bot = await startReady('first', 0);
      const sent: SentInteraction[] = [];
      const gate = createGate();
      let restart: Promise<void> | undefined;
      let killedAfterSent = -1;
      const acked = () => sent.filter((s) => s.ack).length;

      const killAndRestart = async () => {
        gate.close();
        killedAfterSent = sent.length;
        await bot.kill();
        bot = await startReady('second', fake.gateway.identifies);
        gate.open();
      };

      for (let i = 0; i < INTERACTIONS; i++) {
        await gate.wait();
        const user = userJson(userIdOf(i), `burst${i}`);
        sent.push(
          fake.interact(
            chatInputInteraction(
              fake.applicationId,
              { name: 'mood', options: [{ name: 'score', type: 4, value: (i % 10) + 1 }] },
              user,
            ),
          ),
        );
        if (!restart && acked() >= KILL_AFTER_ACKS) restart = killAndRestart();
        await sleep(SPACING_MS);
      }
      await restart;
      expect(
        restart,
        `the bot was never killed: only ${acked()} interactions were acknowledged`,
      ).toBeDefined();

      const deliveries = (): Delivery[] =>
        sent.map((s, i) => {
          const answers = discordAnswers(fake, s, userIdOf(i));
          const first = s.ack && s.ack.type === 4 ? JSON.stringify(s.ack.request.body) : '';
          return { who: userIdOf(i), acked: s.ack !== undefined, refused: saysNotSaved(first), answers };
        });
      const verdictNow = async () => judge(deliveries(), await entriesByAccount(pool!, 'discord', PREFIX));

      // Answers by DM go out about one a second (the DM queue's spacing): allow for a few dozen of them.
      const ended = await waitQuiescent({
        maxMs: 60_000,
        stableMs: 5000,
        done: async () => (await verdictNow()).ok && (await inboxByStatus(pool!)).claimed === undefined,
        signature: async () =>
          JSON.stringify([(await verdictNow()).counts, fake.requests.length, await inboxByStatus(pool!)]),
      });

      const verdict = await verdictNow();
      const ackTypes: Record<string, number> = {};
      for (const s of sent) {
        const key = s.ack ? `type ${s.ack.type}` : 'none';
        ackTypes[key] = (ackTypes[key] ?? 0) + 1;
      }
      const extra = {
        quiescence: ended,
        killedAfterSent,
        ackTypes,
        lateCallbacks: fake.requests.filter((r) => /\/callback$/.test(r.path) && r.status === 404).length,
        webhookEdits: fake.requests.filter((r) => r.method === 'PATCH' && r.status === 200).length,
        dms: fake.requests.filter((r) => /^\/channels\/\d+\/messages$/.test(r.path) && r.status === 200)
          .length,
        inbox: await inboxByStatus(pool!),
        metrics: await inboxMetrics(port),
      };
      report('discord-kill', { ...verdict.counts, ...extra, violations: verdict.violations });
      expect(killedAfterSent, 'the kill came after every interaction had been sent').toBeLessThan(
        INTERACTIONS,
      );
      expect(verdict.ok, describeVerdict(verdict, extra)).toBe(true);
      expect(verdict.counts.duplicates).toBe(0);
    }, 90_000);
  },
);
