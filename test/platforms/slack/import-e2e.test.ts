import { afterAll, beforeAll, expect, it } from 'vitest';
import { blockActions, slashCommand } from '../../fakes/slack/slack-requests.js';
import {
  DAYLIO_EXPORT,
  DAYLIO_EXPORT_ENTRIES,
  PNG_BYTES,
  pendingImportCount,
  storedEntriesOf,
} from '../../support/import-fixtures.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  allText,
  type SlackRig,
  slackUserId,
  startSlackRig,
  TEAM,
  waitForResponse,
} from './slack-support.js';

let users = 0;
const newUser = () => `UIMP${Date.now().toString(36).toUpperCase()}${(users++).toString(36).toUpperCase()}`;

/** The account's mood entries, oldest first ([] when it has no MoodScale user). */
const entriesOf = async (x: SlackRig, user: string) =>
  storedEntriesOf(x.app.db, await slackUserId(x.app.db, user));

/** Imports waiting for (or done with) a confirmation for the account. */
const pendingImportsOf = async (x: SlackRig, user: string) =>
  pendingImportCount(x.app.db, await slackUserId(x.app.db, user));

type Body = Record<string, unknown>;

/** The buttons of a message: label, action_id and value. */
function buttonsOf(body: Body): Array<{ label: string; action_id: string; value: string }> {
  const blocks = Array.isArray(body.blocks) ? (body.blocks as Body[]) : [];
  return blocks
    .filter((block) => block.type === 'actions' && Array.isArray(block.elements))
    .flatMap((block) => block.elements as Body[])
    .filter((e) => e.type === 'button')
    .map((e) => ({
      label: String((e.text as Body | undefined)?.text ?? ''),
      action_id: String(e.action_id),
      value: String(e.value),
    }));
}

const labelsOf = (body: Body): string[] => buttonsOf(body).map((b) => b.label);

/** Runs `/command text` as `user` from a channel, as Slack sends it; resolves with the private answer. */
async function run(rig: SlackRig, user: string, command: string, text = ''): Promise<Body> {
  const fields = slashCommand({ command, text, user_id: user, response_url: rig.fake.responseUrl() });
  rig.fake.sendEnvelope('slash_commands', { ...fields });
  return (await waitForResponse(rig.fake, fields.response_url)).body;
}

/** Clicks the button labelled `label` of a private answer, as `user`; resolves with what the click answers. */
async function click(rig: SlackRig, user: string, answer: Body, label: RegExp): Promise<Body> {
  const button = buttonsOf(answer).find((b) => label.test(b.label));
  if (!button) throw new Error(`no button ${label} in: ${labelsOf(answer).join(', ')}`);
  const payload = blockActions({
    user_id: user,
    team_id: TEAM,
    action_id: button.action_id,
    value: button.value,
    response_url: rig.fake.responseUrl(),
  });
  const envelope = rig.fake.sendEnvelope('interactive', payload);
  await rig.fake.waitForAcks(envelope.envelope_id);
  return (await waitForResponse(rig.fake, String(payload.response_url))).body;
}

describeEachDatabase(
  'Slack /import end to end (a file shared in the DM, Bolt and the fake Slack)',
  (getDb) => {
    let rig: SlackRig;
    beforeAll(async () => {
      rig = await startSlackRig(getDb().db, 'socket');
    });
    afterAll(async () => {
      await rig?.close();
    });

    it('GIVEN a Daylio CSV shared in the DM WHEN the user runs /import THEN the private answer is the preview with its counts and an Import button, and no mood entry exists yet', async () => {
      const user = newUser();
      rig.fake.shareFile({ user, name: 'daylio_export.csv', data: DAYLIO_EXPORT });

      const preview = await run(rig, user, '/import');

      expect(preview.response_type).toBe('ephemeral');
      const text = allText(preview);
      expect(text).toContain('Import preview: daylio_export.csv');
      expect(text).toContain('Daylio export: 4 entries from 2026-11-01 to 2026-11-04');
      expect(text).toContain('4 new entries');
      expect(labelsOf(preview)).toEqual(['Import 4 entries', 'Cancel']);
      expect(await slackUserId(rig.app.db, user)).toBeDefined();
      expect(await entriesOf(rig, user)).toEqual([]);
    });

    it('GIVEN the preview WHEN its Import button is clicked THEN the preview is replaced by the entries added, and the database holds exactly those entries with the Daylio scores', async () => {
      const user = newUser();
      rig.fake.shareFile({ user, name: 'daylio_export.csv', data: DAYLIO_EXPORT });
      const preview = await run(rig, user, '/import');

      const done = await click(rig, user, preview, /^Import/);

      expect(done.replace_original).toBe(true);
      expect(done.response_type).toBe('ephemeral');
      expect(allText(done)).toContain('4 entries added to your history');
      expect(labelsOf(done)).toEqual([]);
      expect(await entriesOf(rig, user)).toEqual(DAYLIO_EXPORT_ENTRIES);
    });

    it('GIVEN a Daylio CSV imported once WHEN /import reads the same shared file again THEN the preview has nothing new to add and the history is unchanged', async () => {
      const user = newUser();
      rig.fake.shareFile({ user, name: 'daylio_export.csv', data: DAYLIO_EXPORT });
      await click(rig, user, await run(rig, user, '/import'), /^Import/);
      expect(await entriesOf(rig, user)).toHaveLength(4);

      // The file is still the newest the user shared in the DM in the last 30 minutes.
      const again = await run(rig, user, '/import');

      expect(allText(again)).toContain('4 entries are in your history already');
      expect(allText(again)).toContain('Nothing new to add');
      expect(labelsOf(again)).toEqual(['Cancel']);
      expect(await entriesOf(rig, user)).toEqual(DAYLIO_EXPORT_ENTRIES);
    });

    it("GIVEN the user's /export JSON WHEN it is shared in the DM and imported after their data was forgotten THEN the same entries come back, and importing it again adds nothing", async () => {
      const user = newUser();
      await run(rig, user, '/mood', '3 tired anxious -- a hard day');
      await run(rig, user, '/mood', '8');
      const before = await entriesOf(rig, user);
      expect(before.map((e) => e.score)).toEqual([3, 8]);

      const uploadsBefore = rig.fake.uploads.length;
      await run(rig, user, '/export');
      const json = await rig.fake.waitFor(
        () => rig.fake.uploads.slice(uploadsBefore).find((u) => u.filename.endsWith('.json')),
        10_000,
        'the JSON file /export uploads',
      );
      const oldId = await slackUserId(rig.app.db, user);
      if (oldId === undefined) throw new Error('no user');
      expect(await rig.app.services.privacy.forget(oldId)).toBe(true);
      expect(await entriesOf(rig, user)).toEqual([]);

      rig.fake.shareFile({ user, name: json.filename, data: json.bytes, mimetype: 'application/json' });
      const preview = await run(rig, user, '/import');
      expect(allText(preview)).toContain('MoodScale export: 2 entries');
      expect(allText(preview)).toContain('2 new entries');
      const done = await click(rig, user, preview, /^Import/);

      expect(allText(done)).toContain('2 entries added to your history');
      expect(await slackUserId(rig.app.db, user)).not.toBe(oldId);
      expect(await entriesOf(rig, user)).toEqual(before);

      const again = await run(rig, user, '/import');
      expect(allText(again)).toContain('2 entries are in your history already');
      expect(allText(again)).toContain('Nothing new to add');
      // The export carries settings too, so the preview still offers to import (them): clicking it adds no entry.
      const twice = await click(rig, user, again, /^Import/);
      expect(allText(twice)).toContain('0 entries added to your history');
      expect(allText(twice)).toContain('2 entries were there already and skipped');
      expect(await entriesOf(rig, user)).toEqual(before);
    });

    it('GIVEN a PNG picture shared in the DM WHEN the user runs /import THEN the private answer says what the file is and what is read, and nothing is stored', async () => {
      const user = newUser();
      rig.fake.shareFile({ user, name: 'mood.png', data: PNG_BYTES, mimetype: 'image/png' });

      const answer = await run(rig, user, '/import');

      expect(answer.response_type).toBe('ephemeral');
      const text = allText(answer);
      expect(text).toMatch(/mood\.png\W* is a PNG image\./);
      expect(text).toContain('Daylio export');
      expect(text).toContain('MoodScale export');
      expect(labelsOf(answer)).toEqual([]);
      expect(await entriesOf(rig, user)).toEqual([]);
      expect(await pendingImportsOf(rig, user)).toBe(0);
    });
  },
);
