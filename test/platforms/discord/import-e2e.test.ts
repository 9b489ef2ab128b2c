import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RecordedRequest } from '../../fakes/discord/fake-discord.js';
import { buttonInteraction, type UserJson } from '../../fakes/discord/payloads.js';
import type { MessageBody } from '../../fakes/discord/schemas.js';
import {
  DAYLIO_EXPORT,
  DAYLIO_EXPORT_ENTRIES,
  PNG_BYTES,
  pendingImportCount,
  storedEntriesOf,
} from '../../support/import-fixtures.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  type Acknowledged,
  type DiscordHarness,
  EPHEMERAL,
  finalAnswerRequest,
  messageOf,
  messageOfRequest,
  newDiscordUser,
  startDiscord,
  textOfMessage,
  userIdOf,
} from './discord-harness.js';

/** The account's mood entries, oldest first ([] when it has no MoodScale user). */
const entriesOf = async (x: DiscordHarness, user: string) =>
  storedEntriesOf(x.app.db, await userIdOf(x.app.db, user));

/** Imports waiting for (or done with) a confirmation for the account. */
const pendingImportsOf = async (x: DiscordHarness, user: string) =>
  pendingImportCount(x.app.db, await userIdOf(x.app.db, user));

/** An answer as the user sees it: the message, the request that carried it, and the interaction. */
interface Answer {
  ack: Acknowledged;
  message: MessageBody;
  text: string;
  request: RecordedRequest;
}

/**
 * The message an interaction ends with: its reply (4) or update (7), or the edit completing its deferral
 * (5, or 6 for a deferred update).
 */
async function answerOf(h: DiscordHarness, ack: Acknowledged): Promise<Answer> {
  const request = await finalAnswerRequest(h, ack);
  const message = messageOfRequest(request);
  return { ack, message, text: textOfMessage(message), request };
}

/** Runs /import with `data` attached to its file option. */
async function importFile(
  h: DiscordHarness,
  user: UserJson,
  name: string,
  data: string | Uint8Array,
  contentType = 'text/csv',
): Promise<Answer> {
  const ack = await h.commandWithFile('import', { option: 'file', name, data, contentType }, user);
  return answerOf(h, ack);
}

const labelsOf = (message: MessageBody): string[] =>
  message.components?.flatMap((row) => row.components.map((b) => b.label ?? '')) ?? [];

/**
 * Clicks the button labelled `label` on the message `answer` is (as Discord holds it now); resolves with
 * what the click ends with (see answerOf).
 */
async function click(h: DiscordHarness, user: UserJson, answer: Answer, label: RegExp): Promise<Answer> {
  const customId = answer.message.components
    ?.flatMap((row) => row.components)
    .find((b) => label.test(b.label ?? ''))?.custom_id;
  if (!customId) throw new Error(`no button ${label} in: ${labelsOf(answer.message).join(', ')}`);
  const original = h.fake.interactions.get(answer.ack.id)?.original;
  if (!original) throw new Error('Discord holds no message for that answer');
  const sent = h.fake.interact(
    buttonInteraction(h.fake.applicationId, customId, original, user, {
      guildId: '800000000000000001',
      channelId: original.channel_id,
    }),
  );
  const request = await h.fake.acknowledgement(sent.json.id);
  const type = h.fake.interactions.get(sent.json.id)?.ack?.type ?? 0;
  const ack: Acknowledged = {
    id: sent.json.id,
    token: sent.json.token,
    type,
    data: undefined,
    request,
    ackMs: 0,
  };
  return answerOf(h, ack);
}

describeEachDatabase(
  'Discord /import end to end (an attachment, discord.js and the fake Discord)',
  (getDb) => {
    let h: DiscordHarness;
    beforeAll(async () => {
      h = await startDiscord(getDb().db);
    });
    afterAll(async () => {
      await h?.stop();
    });

    it('GIVEN a Daylio CSV attached WHEN the user runs /import THEN the private answer is the preview with its counts and an Import button, and no mood entry exists yet', async () => {
      const user = newDiscordUser();

      const preview = await importFile(h, user, 'daylio_export.csv', DAYLIO_EXPORT);

      expect(messageOf(preview.ack.data).flags).toBe(EPHEMERAL);
      expect(preview.text).toContain('Import preview: daylio_export.csv');
      expect(preview.text).toContain('Daylio export: 4 entries from 2026-11-01 to 2026-11-04');
      expect(preview.text).toContain('4 new entries');
      expect(labelsOf(preview.message)).toEqual(['Import 4 entries', 'Cancel']);
      expect(await userIdOf(h.app.db, user.id)).toBeDefined();
      expect(await entriesOf(h, user.id)).toEqual([]);
    });

    it('GIVEN the preview WHEN its Import button is clicked THEN the message says the entries were added and the database holds exactly those entries with the Daylio scores', async () => {
      const user = newDiscordUser();
      const preview = await importFile(h, user, 'daylio_export.csv', DAYLIO_EXPORT);

      const done = await click(h, user, preview, /^Import/);

      expect([6, 7]).toContain(done.ack.type);
      expect(done.text).toContain('4 entries added to your history');
      expect(labelsOf(done.message)).toEqual([]);
      expect(await entriesOf(h, user.id)).toEqual(DAYLIO_EXPORT_ENTRIES);
    });

    it('GIVEN a Daylio CSV imported once WHEN the same file is given to /import again THEN the preview has nothing new to add and the history is unchanged', async () => {
      const user = newDiscordUser();
      await click(h, user, await importFile(h, user, 'daylio_export.csv', DAYLIO_EXPORT), /^Import/);
      expect(await entriesOf(h, user.id)).toHaveLength(4);

      const again = await importFile(h, user, 'daylio_export.csv', DAYLIO_EXPORT);

      expect(again.text).toContain('4 entries are in your history already');
      expect(again.text).toContain('Nothing new to add');
      expect(labelsOf(again.message)).toEqual(['Cancel']);
      expect(await entriesOf(h, user.id)).toEqual(DAYLIO_EXPORT_ENTRIES);
    });

    it("GIVEN the user's /export JSON WHEN it is attached to /import after their data was forgotten THEN the same entries come back, and importing it again adds nothing", async () => {
      const user = newDiscordUser();
      await h.command(
        'mood',
        [
          { name: 'score', type: 4, value: 3 },
          { name: 'emotions', type: 3, value: 'tired, anxious' },
          { name: 'note', type: 3, value: 'a hard day' },
        ],
        user,
      );
      await h.command('mood', [{ name: 'score', type: 4, value: 8 }], user);
      const before = await entriesOf(h, user.id);
      expect(before.map((e) => e.score)).toEqual([3, 8]);

      const exported = await answerOf(h, await h.command('export', [], user));
      const json = exported.request.files.find((f) => f.name.endsWith('.json'));
      if (!json) throw new Error(`/export attached no JSON: ${exported.text}`);
      const oldId = await userIdOf(h.app.db, user.id);
      if (oldId === undefined) throw new Error('no user');
      expect(await h.app.services.privacy.forget(oldId)).toBe(true);
      expect(await entriesOf(h, user.id)).toEqual([]);

      const preview = await importFile(h, user, json.name, json.data, 'application/json');
      expect(preview.text).toContain('MoodScale export: 2 entries');
      expect(preview.text).toContain('2 new entries');
      const done = await click(h, user, preview, /^Import/);

      expect(done.text).toContain('2 entries added to your history');
      expect(await userIdOf(h.app.db, user.id)).not.toBe(oldId);
      expect(await entriesOf(h, user.id)).toEqual(before);

      const again = await importFile(h, user, json.name, json.data, 'application/json');
      expect(again.text).toContain('2 entries are in your history already');
      expect(again.text).toContain('Nothing new to add');
      // The export carries settings too, so the preview still offers to import (them): clicking it adds no entry.
      const twice = await click(h, user, again, /^Import/);
      expect(twice.text).toContain('0 entries added to your history');
      expect(twice.text).toContain('2 entries were there already and skipped');
      expect(await entriesOf(h, user.id)).toEqual(before);
    });

    it('GIVEN a PNG picture attached WHEN the user runs /import THEN the private answer says what the file is and what is read, and nothing is stored', async () => {
      const user = newDiscordUser();

      const answer = await importFile(h, user, 'mood.png', PNG_BYTES, 'image/png');

      expect(messageOf(answer.ack.data).flags).toBe(EPHEMERAL);
      expect(answer.text).toContain('"mood.png" is a PNG image.');
      expect(answer.text).toContain('Daylio export');
      expect(answer.text).toContain('MoodScale export');
      expect(labelsOf(answer.message)).toEqual([]);
      expect(await entriesOf(h, user.id)).toEqual([]);
      expect(await pendingImportsOf(h, user.id)).toBe(0);
    });
  },
);
