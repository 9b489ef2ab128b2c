import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.js';
import type { RecordedCall } from '../../fakes/slack/fake-slack.js';
import { eventCallback, messageEvent } from '../../fakes/slack/slack-requests.js';
import { registryWithFakeShare, trackUrl } from '../../support/stand-in-share.js';
import { createTestDatabase } from '../../support/test-database.js';
import { deliverEvent, type SlackRig, settle, slackUserId, startSlackRig } from './slack-support.js';

const registry = registryWithFakeShare;

const TRACK = '4uLU6hMCjMI75M1A2tKUQC';
const OTHER = '0VjIjW4GlUZAMYd2vXMi3b';

/** The chat.postMessage calls answering the message posted at `ts` (in its thread). */
const threadRepliesTo = (rig: SlackRig, ts: string): RecordedCall[] =>
  rig.fake.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === ts);

const waitForThreadReply = (rig: SlackRig, ts: string, n = 1): Promise<RecordedCall[]> =>
  rig.fake.waitFor(
    () => {
      const found = threadRepliesTo(rig, ts);
      return found.length >= n ? found : undefined;
    },
    10_000,
    `${n} thread reply(ies) to ${ts}`,
  );

describe.each(['http', 'socket'] as const)('Spotify links in Slack channel messages (%s mode)', (mode) => {
  let db: Database;
  let rig: SlackRig;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    rig = await startSlackRig(db.db, mode, { registry: registry() });
  });
  afterAll(async () => {
    await rig?.close();
    await db?.close();
  });

  const deliver = (callback: Record<string, unknown>, retryNum?: number) =>
    deliverEvent(rig, mode, callback, retryNum);

  it('GIVEN a channel message with a Slack-wrapped track link THEN the card is posted once in its thread, for the author', async () => {
    const event = messageEvent({ text: `this one! <${trackUrl(TRACK)}?si=x|${trackUrl(TRACK)}>` });
    await deliver(eventCallback(event));
    const [answer] = await waitForThreadReply(rig, String(event.ts));
    expect(answer?.body.channel).toBe(event.channel);
    expect(String(answer?.body.text)).toContain(`Analysed ${trackUrl(TRACK)}`);
    expect(JSON.stringify(answer?.body.blocks)).toContain('Track card');
    expect(answer?.body.link_names).toBeUndefined();
    expect(await slackUserId(db.db, String(event.user))).toBeDefined();
    await settle();
    expect(threadRepliesTo(rig, String(event.ts))).toHaveLength(1);
  });

  it('GIVEN the same event delivered again (a retry or redelivery) THEN there is no second reply', async () => {
    const event = messageEvent({ text: trackUrl(OTHER) });
    const callback = eventCallback(event);
    await deliver(callback);
    await waitForThreadReply(rig, String(event.ts));
    await deliver(callback, 1);
    await settle();
    expect(threadRepliesTo(rig, String(event.ts))).toHaveLength(1);
  });

  it('GIVEN a bot message and an edit (message_changed) with links THEN neither is answered', async () => {
    const fromBot = messageEvent(
      { text: trackUrl(TRACK) },
      { subtype: 'bot_message', bot_id: 'B0OTHER', user: undefined, username: 'other bot' },
    );
    const edited = messageEvent({ text: '' }, { subtype: 'message_changed', user: undefined, hidden: true });
    edited.message = { type: 'message', user: 'U0EDITOR', text: trackUrl(TRACK), ts: '1700000000.000001' };
    const plain = messageEvent({ text: 'no links here' });
    await deliver(eventCallback(fromBot));
    await deliver(eventCallback(edited));
    await deliver(eventCallback(plain));
    // A later message with a link is answered, so the earlier ones have been handled by then.
    const later = messageEvent({ text: trackUrl(TRACK) });
    await deliver(eventCallback(later));
    await waitForThreadReply(rig, String(later.ts));
    await settle();
    for (const ignored of [fromBot, edited, plain]) {
      expect(threadRepliesTo(rig, String(ignored.ts))).toHaveLength(0);
    }
    expect(threadRepliesTo(rig, '1700000000.000001')).toHaveLength(0);
  });

  it('GIVEN a reply inside a thread THEN the card goes to that thread', async () => {
    const parent = '1700000123.000100';
    const event = messageEvent({ text: trackUrl(OTHER), thread_ts: parent });
    await deliver(eventCallback(event));
    const [answer] = await waitForThreadReply(rig, parent);
    expect(String(answer?.body.text)).toContain(trackUrl(OTHER));
  });

  it('GIVEN four track links and an album link THEN at most three are analysed and the album gets no public answer', async () => {
    const ids = [TRACK, OTHER, '7qiZfU4dY1lWllzX7mPBI3', '3n3Ppam7vgaVa1iaRUc9Lp'];
    const event = messageEvent({ text: ids.map(trackUrl).join(' ') });
    await deliver(eventCallback(event));
    await waitForThreadReply(rig, String(event.ts), 3);
    const album = messageEvent({ text: 'https://open.spotify.com/album/1DFixLWuPkv3KT3TnV35m3' });
    await deliver(eventCallback(album));
    await settle();
    expect(threadRepliesTo(rig, String(event.ts))).toHaveLength(3);
    expect(threadRepliesTo(rig, String(album.ts))).toHaveLength(0);
  });
});
