import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/core/logger.js';
import {
  type FakeDiscord,
  type SentInteraction,
  startFakeDiscord,
} from '../../fakes/discord/fake-discord.js';
import { chatInputInteraction } from '../../fakes/discord/payloads.js';
import { callbackSchema } from '../../fakes/discord/schemas.js';
import { messageOf, newDiscordUser, textOfMessage } from '../../platforms/discord/discord-harness.js';
import { tempDir } from '../../support/temp-dir.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../../support/test-database.js';

const FLOOD = 1000;
const POINTS = 30;
const WAVE = 50;
const WAVE_GAP_MS = 500;

describe.skipIf(!postgresAvailable())(
  'GIVEN MoodScale on Discord and PostgreSQL with the default rate limit',
  () => {
    const databases = useMigratedPostgresDatabases();
    let discord: FakeDiscord;
    let app: App;

    beforeAll(async () => {
      const { url } = await databases.create();
      discord = await startFakeDiscord();
      const config = loadConfig({
        DATABASE_URL: url,
        DATA_DIR: tempDir('moodscale-fault-flood-'),
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_API_URL: discord.apiUrl,
        RATE_LIMIT_POINTS: String(POINTS),
        RATE_LIMIT_DURATION: '60',
        PORT: '0',
        OPS_PORT: '0',
        LOG_LEVEL: 'silent',
      });
      app = await startApp(config, silentLogger());
    }, 60_000);

    afterAll(async () => {
      await app?.stop();
      await discord?.close();
    });

    /** The text of an interaction's answer: the direct reply, or the edit of a deferred one. */
    async function answerOf(sent: SentInteraction): Promise<string> {
      const ack = await discord.acknowledgement(sent.json.id, 30_000);
      expect(ack.status).toBe(204);
      const callback = callbackSchema.parse(ack.body);
      if (callback.type === 4) return textOfMessage(messageOf(callback.data));
      const edit = await discord.waitForRequest(
        (r) => r.method === 'PATCH' && r.path.includes(sent.json.token),
        30_000,
      );
      return textOfMessage(messageOf(edit.body));
    }

    it('WHEN one user sends 1,000 /mood within 10 s THEN 30 are logged, the rest are told to slow down, and another user is answered meanwhile', async () => {
      const flooder = newDiscordUser();
      const other = newDiscordUser();
      const mood = (user: typeof flooder, score: number) =>
        discord.interact(
          chatInputInteraction(
            discord.applicationId,
            { name: 'mood', options: [{ name: 'score', type: 4, value: score }] },
            user,
          ),
        );
      const flood: SentInteraction[] = [];
      const others: SentInteraction[] = [];
      // 1,000 in 10 s (100 a second, in waves of 50): a script or a stuck client, not a person. Bot and fake
      // share this process and a 2-core machine, so the waves keep the fake's own work from hiding the bot's.
      for (let i = 0; i < FLOOD; i++) {
        if (i > 0 && i % WAVE === 0) await new Promise((r) => setTimeout(r, WAVE_GAP_MS));
        flood.push(mood(flooder, (i % 10) + 1));
        if (i % 200 === 100) others.push(mood(other, 7));
      }
      const otherAnswers = await Promise.all(others.map(answerOf));
      const floodAnswers = await Promise.all(flood.map(answerOf));

      expect(otherAnswers).toEqual(others.map(() => expect.stringContaining('Mood logged: 7/10')));
      const acknowledgedWithin = [...flood, ...others].map(
        (s) => (s.ack?.at ?? Number.POSITIVE_INFINITY) - s.sentAt,
      );
      expect(Math.max(...acknowledgedWithin)).toBeLessThan(3000);
      const logged = floodAnswers.filter((t) => t.includes('Mood logged'));
      const limited = floodAnswers.filter((t) => /faster than I can take them\. Try again in \d+ s/.test(t));
      expect(logged).toHaveLength(POINTS);
      expect(limited).toHaveLength(FLOOD - POINTS);

      const metrics = await (await fetch(`${app.opsUrl}/metrics`)).text();
      expect(metrics).toContain(
        `moodscale_commands_total{command="mood",platform="discord",outcome="rate_limited"} ${FLOOD - POINTS}`,
      );
    }, 60_000);
  },
);
