import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.js';
import type { RecordedCall } from '../../fakes/slack/fake-slack.js';
import { eventCallback, messageEvent } from '../../fakes/slack/slack-requests.js';
import { createTestDatabase } from '../../support/test-database.js';
import {
  allText,
  deliverEvent,
  entriesOfSlackUser,
  type SlackRig,
  settle,
  startSlackRig,
} from './slack-support.js';

/** A message written to the bot in its DM (the messages tab). */
const directMessage = (text: string, user: string) =>
  messageEvent({ text, user, channel: `D${user.slice(1)}` }, { channel_type: 'im' });

/** The bot's posts in a DM channel. */
const postsIn = (rig: SlackRig, channel: unknown): RecordedCall[] =>
  rig.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === channel);

const waitForPosts = (rig: SlackRig, channel: unknown, n = 1): Promise<RecordedCall[]> =>
  rig.fake.waitFor(
    () => {
      const found = postsIn(rig, channel);
      return found.length >= n ? found : undefined;
    },
    10_000,
    `${n} post(s) in ${String(channel)}`,
  );

let users = 0;
const newUser = () => `UDM${Date.now().toString(36).toUpperCase()}${(users++).toString(36).toUpperCase()}`;

describe.each(['http', 'socket'] as const)('moods written to the bot in a Slack DM (%s mode)', (mode) => {
  let db: Database;
  let rig: SlackRig;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    rig = await startSlackRig(db.db, mode);
  });
  afterAll(async () => {
    await rig?.close();
    await db?.close();
  });

  const deliver = (callback: Record<string, unknown>, retryNum?: number) =>
    deliverEvent(rig, mode, callback, retryNum);

  it('GIVEN a DM "6 tired, anxious -- long day" THEN one entry is stored and the /mood answer is posted in the DM', async () => {
    const user = newUser();
    const event = directMessage('6 tired, anxious -- long day', user);
    await deliver(eventCallback(event));

    const [answer] = await waitForPosts(rig, event.channel);
    expect(allText(answer!.body)).toContain('Saved 6/10 — tired, anxious, with your note.');
    expect(answer!.body.thread_ts).toBeUndefined();
    expect(await entriesOfSlackUser(db.db, user)).toBe(1);
  });

  it('GIVEN a DM "8/10" with Slack-escaped text after it THEN it is logged with the text decoded', async () => {
    const user = newUser();
    const event = directMessage('8/10 -- dinner &amp; a film', user);
    await deliver(eventCallback(event));

    const [answer] = await waitForPosts(rig, event.channel);
    expect(allText(answer!.body)).toContain('Saved 8/10, with your note.');
    expect(await entriesOfSlackUser(db.db, user)).toBe(1);
  });

  it('GIVEN a DM that is not a mood THEN the hint shows the form and nothing is stored', async () => {
    const user = newUser();
    const event = directMessage('hi bot', user);
    await deliver(eventCallback(event));

    const [answer] = await waitForPosts(rig, event.channel);
    expect(String(answer!.body.text)).toContain('send a number from 1 to 10');
    expect(await entriesOfSlackUser(db.db, user)).toBe(0);
  });

  it('GIVEN the same DM event retried by Slack THEN it is stored and answered once', async () => {
    const user = newUser();
    const event = directMessage('4', user);
    const callback = eventCallback(event);
    await deliver(callback);
    await waitForPosts(rig, event.channel);
    await deliver(callback, 1);

    await settle(500);
    expect(postsIn(rig, event.channel)).toHaveLength(1);
    expect(await entriesOfSlackUser(db.db, user)).toBe(1);
  });

  it('GIVEN a DM from a bot (its own answer echoed back) THEN nothing is logged or answered', async () => {
    const user = newUser();
    const event = directMessage('6', user);
    await deliver(eventCallback({ ...event, bot_id: 'B0BOT' }));

    await settle(500);
    expect(postsIn(rig, event.channel)).toHaveLength(0);
    expect(await entriesOfSlackUser(db.db, user)).toBe(0);
  });
});
