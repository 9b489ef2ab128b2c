import { afterAll, beforeAll, expect, it } from 'vitest';
import { chatInputInteraction, type UserJson } from '../../fakes/discord/payloads.js';
import { countEntries } from '../../support/app-harness.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  type DiscordHarness,
  messageOfRequest,
  moodsOf,
  newDiscordUser,
  startDiscord,
  textOfMessage,
} from './discord-harness.js';

const USERS = 50;
const PER_USER = 4;

describeEachDatabase('200 /mood interactions from 50 users at once', (getDb) => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscord(getDb().db);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('GIVEN 200 /mood interactions arriving together THEN every one is acknowledged in time, answered, and stored exactly once', async () => {
    const users: UserJson[] = Array.from({ length: USERS }, () => newDiscordUser());
    const before = await countEntries(getDb().db);
    const sent = [];
    for (let round = 0; round < PER_USER; round++) {
      for (const [i, user] of users.entries()) {
        const score = 1 + ((i + round) % 10);
        sent.push(
          h.fake.interact(
            chatInputInteraction(
              h.fake.applicationId,
              {
                name: 'mood',
                options: [
                  { name: 'score', type: 4, value: score },
                  { name: 'emotions', type: 3, value: 'calm' },
                ],
              },
              user,
            ),
          ),
        );
      }
    }

    const acks = await Promise.all(sent.map((s) => h.fake.acknowledgement(s.json.id, 30_000)));
    // The fake refuses (10062) a callback later than 3 s after the dispatch, so 204 means in time.
    expect(acks.map((a) => a.status)).toEqual(sent.map(() => 204));

    const answers = await Promise.all(
      sent.map(async (s) => {
        const ack = h.fake.interactions.get(s.json.id)?.ack;
        if (ack?.type === 4) return messageOfRequest(ack.request);
        expect(ack?.type).toBe(5);
        const edit = await h.fake.waitForRequest(
          (r) =>
            r.method === 'PATCH' &&
            r.path === `/webhooks/${h.fake.applicationId}/${s.json.token}/messages/@original`,
          30_000,
        );
        return messageOfRequest(edit);
      }),
    );
    for (const answer of answers) expect(textOfMessage(answer)).toMatch(/Mood logged: \d+\/10/);

    expect((await countEntries(getDb().db)) - before).toBe(USERS * PER_USER);
    const perUser = await Promise.all(users.map(async (u) => (await moodsOf(getDb().db, u.id)).length));
    expect(perUser).toEqual(users.map(() => PER_USER));

    // A generous sanity bound; the benchmark reports the real distribution.
    const ackMs = sent.map((s) => {
      const sentInteraction = h.fake.interactions.get(s.json.id);
      return (sentInteraction?.ack?.at ?? Number.POSITIVE_INFINITY) - s.sentAt;
    });
    expect(Math.max(...ackMs)).toBeLessThan(3000);
  });
});
