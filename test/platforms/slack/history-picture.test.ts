import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHART_WIDTH } from '../../../src/services/charts/index.js';
import { post, signedForm, slashCommand } from '../../fakes/slack/slack-requests.js';
import { hasPngSignature, pngSize } from '../../support/png.js';
import { describeEachDatabase } from '../../support/test-database.js';
import { allText, SIGNING_SECRET, type SlackRig, startSlackRig, waitForResponse } from './slack-support.js';

describeEachDatabase('Slack /history picture', (getDb) => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startSlackRig(getDb().db, 'http');
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('GIVEN /history 30 THEN the PNG is uploaded to the DM and the private answer says so and what it shows', async () => {
    const mood = slashCommand({ command: '/mood', text: '7 calm', response_url: rig.fake.responseUrl() });
    await post(rig.eventsUrl, signedForm(SIGNING_SECRET, { ...mood }));
    await waitForResponse(rig.fake, mood.response_url);
    const uploadsBefore = rig.fake.uploads.length;
    const completeBefore = rig.fake.callsTo('files.completeUploadExternal').length;

    const history = slashCommand({
      command: '/history',
      user_id: mood.user_id,
      text: '30',
      response_url: rig.fake.responseUrl(),
    });
    await post(rig.eventsUrl, signedForm(SIGNING_SECRET, { ...history }));
    const answer = await waitForResponse(rig.fake, history.response_url);

    expect(answer.body.response_type).toBe('ephemeral');
    const text = allText({ blocks: answer.body.blocks });
    expect(text).toMatch(/I sent moodscale-history-30d-\d{4}-\d{2}-\d{2}\.png to our direct messages/);
    expect(text).toContain('Line chart');
    const uploads = rig.fake.uploads.slice(uploadsBefore);
    expect(uploads.map((u) => u.filename)).toEqual([
      expect.stringMatching(/^moodscale-history-30d-\d{4}-\d{2}-\d{2}\.png$/),
    ]);
    expect(hasPngSignature(uploads[0]!.bytes)).toBe(true);
    expect(pngSize(uploads[0]!.bytes).width).toBe(CHART_WIDTH);
    const complete = rig.fake.callsTo('files.completeUploadExternal').slice(completeBefore);
    expect(complete.map((c) => c.body.channel_id)).toEqual([`D${mood.user_id}`]);
    // The alt text goes with the upload (files.getUploadURLExternal), for screen readers.
    const asked = rig.fake.callsTo('files.getUploadURLExternal').at(-1);
    expect(JSON.stringify(asked?.body)).toContain('Line chart');
  });
});
