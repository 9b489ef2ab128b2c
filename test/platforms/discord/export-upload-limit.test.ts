import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { RecordedRequest } from '../../fakes/discord/fake-discord.js';
import { chatInputInteraction, type UserJson } from '../../fakes/discord/payloads.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  type DiscordHarness,
  messageOfRequest,
  newDiscordUser,
  startDiscord,
  textOfMessage,
  userIdOf,
} from './discord-harness.js';

/**
 * Discord's real limit is 10 MiB; a multi-year heavy user's export reaches it. The fake enforces a
 * smaller one (413, code 40005) so that an export of a few thousand entries crosses it.
 */
const LIMIT = 256 * 1024;
/** Enough entries for a JSON export of about 1 MB, which gzip shrinks well under LIMIT. */
const ENTRIES = 5000;

describeEachDatabase('Discord /export larger than the upload limit', (getDb) => {
  let h: DiscordHarness;
  let heavy: UserJson;
  beforeAll(async () => {
    h = await startDiscord(getDb().db, { fake: { attachmentSizeLimit: LIMIT } });
    heavy = newDiscordUser();
    await h.command('mood', [{ name: 'score', type: 4, value: 7 }], heavy);
    const userId = await userIdOf(getDb().db, heavy.id);
    await queryRows(
      getDb().db,
      sql`INSERT INTO mood_entries (user_id, mood_score, emotions, created_at)
          SELECT ${userId}, 1 + g % 10, ARRAY['tired', 'calm', 'hopeful'], now() - g * interval '3 hours'
            FROM generate_series(1, ${ENTRIES}) AS g`,
    );
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    h.fake.setAttachmentSizeLimit(LIMIT);
  });

  /** Runs /export (as `json` describes it) and resolves with the edit that completed its answer. */
  async function exportAnswer(
    interaction = chatInputInteraction(h.fake.applicationId, { name: 'export' }, heavy),
  ) {
    const sent = h.fake.interact(interaction);
    const ack = await h.fake.acknowledgement(sent.json.id);
    const edits = () =>
      h.fake.requests.filter(
        (r) =>
          r.method === 'PATCH' &&
          r.path === `/webhooks/${h.fake.applicationId}/${sent.json.token}/messages/@original`,
      );
    const done = await h.fake.waitForRequest((r) => edits().includes(r) && r.status === 200, 30_000);
    return { ack, done, edits: edits(), original: h.fake.interactions.get(sent.json.id)?.original };
  }

  const gunzipJson = (edit: RecordedRequest) => {
    const file = edit.files.find((f) => f.name.endsWith('.json.gz'));
    return JSON.parse(gunzipSync(file?.data ?? Buffer.alloc(0)).toString('utf8')) as {
      format?: string;
    };
  };

  it('GIVEN an export over the upload limit that fits once compressed THEN the answer carries the JSON and CSV gzipped, whole, and says so', async () => {
    const { ack, done, edits } = await exportAnswer();
    expect(ack.status).toBe(204);
    expect(edits.map((e) => e.status)).toEqual([200]);
    expect(done.files.map((f) => f.name)).toEqual([
      expect.stringMatching(/\.json\.gz$/),
      expect.stringMatching(/\.csv\.gz$/),
    ]);
    expect(done.files.reduce((sum, f) => sum + f.data.length, 0)).toBeLessThanOrEqual(LIMIT);
    expect(gunzipJson(done).format).toBe('moodscale-export/1');
    const csv = gunzipSync(done.files[1]?.data ?? Buffer.alloc(0)).toString('utf8');
    expect(csv.split('\n').filter(Boolean)).toHaveLength(ENTRIES + 2);
    expect(textOfMessage(messageOfRequest(done))).toContain(
      "compressed with gzip to fit Discord's upload limit",
    );
  });

  it('GIVEN an export whose files are over the limit together even compressed THEN the JSON (which holds everything) is attached alone, and the answer names the CSV left out and another way to get it', async () => {
    const { done } = await exportAnswer();
    const [json, csv] = done.files.map((f) => f.data.length);
    // Room for the JSON alone with half the CSV to spare: each export also holds the audit rows of the
    // ones before it, so its size moves by some bytes from one to the next.
    h.fake.setAttachmentSizeLimit(json! + Math.floor(csv! / 2));
    const { done: answer, edits } = await exportAnswer();
    expect(edits.map((e) => e.status)).toEqual([200]);
    expect(answer.files.map((f) => f.name)).toEqual([expect.stringMatching(/\.json\.gz$/)]);
    expect(gunzipJson(answer).format).toBe('moodscale-export/1');
    const text = textOfMessage(messageOfRequest(answer));
    expect(text).toMatch(/\.csv` \(\d+ KB compressed\) did not fit within Discord's upload limit/);
    expect(text).toContain('/link');
  });

  it('GIVEN a limit no file fits in even compressed THEN the answer carries no file and says so for both, never staying on "thinking..."', async () => {
    h.fake.setAttachmentSizeLimit(1024);
    const { done, edits } = await exportAnswer();
    expect(edits.map((e) => e.status)).toEqual([200]);
    expect(done.files).toEqual([]);
    const text = textOfMessage(messageOfRequest(done));
    expect(text).toMatch(/\.json` \(\d+ KB compressed\) and `[^`]+\.csv` \(\d+ KB compressed\) did not fit/);
    expect(text).toContain('Your data');
  });

  it('GIVEN Discord refusing the upload with 40005 although the interaction announced a larger limit THEN the answer is edited to say so instead of staying on "thinking..."', async () => {
    const interaction = {
      ...chatInputInteraction(h.fake.applicationId, { name: 'export' }, heavy),
      attachment_size_limit: 10 * 1024 * 1024,
    };
    const { edits, original } = await exportAnswer(interaction);
    expect(edits.map((e) => e.status)).toEqual([413, 200]);
    const final = edits.at(-1)!;
    expect(final.files).toEqual([]);
    expect(textOfMessage(messageOfRequest(final))).toContain('Discord refused');
    expect(original?.embeds).not.toEqual([]);
  });
});
