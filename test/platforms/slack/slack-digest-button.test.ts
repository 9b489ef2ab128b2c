import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDigest } from '../../../src/services/digest/build-digest.js';
import { renderDigest } from '../../../src/services/digest/render-digest.js';
import { blockActions, post, signedInteraction } from '../../fakes/slack/slack-requests.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  allText,
  buttonsOf,
  SIGNING_SECRET,
  type SlackRig,
  slackUserId,
  startSlackRig,
  TEAM,
  waitForResponse,
} from './slack-support.js';

/** A weekly digest as the digest job renders it: the week's figures and the "Turn off" button. */
const digest = renderDigest(
  buildDigest({
    userId: 1,
    period: '2026-W47',
    moods: [
      { userId: 1, id: 1, day: '2026-11-16', score: 6, emotions: ['calm'] },
      { userId: 1, id: 2, day: '2026-11-19', score: 8, emotions: ['happy'] },
    ],
    music: [],
    catalogue: [],
  }),
);

describeEachDatabase('Slack: the "Turn off weekly digests" button under a digest DM', (getDb) => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startSlackRig(getDb().db, 'http');
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('GIVEN a digest in the DM WHEN its "Turn off weekly digests" button is clicked THEN the digest stays as it was, a new message beside it says digests are off, and they are off', async () => {
    const user = `UDIG${Date.now().toString(36).toUpperCase()}`;
    expect(await rig.adapter.sendDirect(user, TEAM, digest)).toBe('sent');
    const dm = `D${user}`;
    const [posted] = rig.fake.messagesIn(dm);
    expect(posted).toBeDefined();
    const before = structuredClone(posted!);
    const [button] = buttonsOf({ blocks: posted!.blocks });
    expect(button?.value).toContain('/settings digest off');

    const click = blockActions({
      user_id: user,
      team_id: TEAM,
      ...button!,
      response_url: rig.fake.responseUrlForMessage(dm, posted!.ts),
      message: { channel: dm, ts: posted!.ts },
    });
    expect((await post(rig.eventsUrl, signedInteraction(SIGNING_SECRET, click))).status).toBe(200);
    const answer = await waitForResponse(rig.fake, String(click.response_url));

    expect(answer.body.replace_original).toBe(false);
    const [kept, beside, ...rest] = rig.fake.messagesIn(dm);
    expect(kept).toEqual(before);
    expect(allText({ text: kept?.text })).toContain('Your week in mood and music');
    expect(allText({ text: beside?.text, blocks: beside?.blocks }).toLowerCase()).toContain('digest');
    expect(rest).toEqual([]);
    const userId = await slackUserId(getDb().db, user);
    const [settings] = await queryRows<{ digest_enabled: boolean }>(
      getDb().db,
      sql`SELECT digest_enabled FROM user_settings WHERE user_id = ${userId}`,
    );
    expect(settings?.digest_enabled).toBe(false);
  });
});
