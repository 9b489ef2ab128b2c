import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../../../src/db/database.js';
import type { DeliveryRunner } from '../../../src/platforms/inbox/delivery-runner.js';
import { NOT_SAVED_YET } from '../../../src/platforms/slack/direct-moods.js';
import { LINK_NOT_SAVED_YET } from '../../../src/platforms/slack/message-links.js';
import { slackDeliveryKey } from '../../../src/platforms/slack/slack-deliveries.js';
import type { RecordedCall } from '../../fakes/slack/fake-slack.js';
import { eventCallback, messageEvent, slashCommand } from '../../fakes/slack/slack-requests.js';
import { queryRows } from '../../support/query-rows.js';
import { registryWithFakeShare, trackUrl } from '../../support/stand-in-share.js';
import { createTestDatabase, describeEachDatabase } from '../../support/test-database.js';
import {
  deliverEvent,
  entriesOfSlackUser,
  responseId,
  type SlackRig,
  settle,
  startSlackRig,
  TEAM,
} from './slack-support.js';

const TRACK = '4uLU6hMCjMI75M1A2tKUQC';

/** How the inbox behind the rig behaves for the next deliveries. */
interface InboxControl {
  /** Each write waits this long first (so an ack sent before the write would be seen early). */
  delayMs: number;
  /** Writes are refused ('unsaved'), as when the database is down. */
  failing: boolean;
  /** The delivery keys refused so far. */
  refused: string[];
}

function controlledInbox(control: InboxControl): (inbox: DeliveryRunner) => DeliveryRunner {
  return (inbox) => ({
    ...inbox,
    async record(delivery, deadlineMs) {
      if (control.failing) {
        control.refused.push(delivery.deliveryKey);
        return 'unsaved';
      }
      if (control.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, control.delayMs));
      return inbox.record(delivery, deadlineMs);
    },
  });
}

/** Rows of the inbox for one delivery key. */
async function inboxRows(db: Db, deliveryKey: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM inbox WHERE delivery_key = ${deliveryKey}`,
  );
  return row?.n ?? 0;
}

/** The inbox key of the first link of a channel message. */
const linkKey = (event: Record<string, unknown>) =>
  slackDeliveryKey.message(TEAM, String(event.channel), String(event.client_msg_id), 0);

const threadRepliesTo = (rig: SlackRig, ts: unknown): RecordedCall[] =>
  rig.fake.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === ts);

const waitForThreadReply = (rig: SlackRig, ts: unknown): Promise<RecordedCall> =>
  rig.fake.waitFor(() => threadRepliesTo(rig, ts)[0], 10_000, `a thread reply to ${String(ts)}`);

/** A message written to the bot in its DM. */
const directMessage = (text: string, user: string) =>
  messageEvent({ text, user, channel: `D${user.slice(1)}` }, { channel_type: 'im' });

describeEachDatabase('Slack Socket Mode: an event is acknowledged after the inbox holds it', (getDb) => {
  let rig: SlackRig;
  const control: InboxControl = { delayMs: 0, failing: false, refused: [] };
  beforeAll(async () => {
    rig = await startSlackRig(getDb().db, 'socket', {
      registry: registryWithFakeShare(),
      wrapInbox: controlledInbox(control),
    });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('GIVEN Socket Mode and a channel message with a Spotify link THEN its ack reaches Slack only once the inbox row for the link exists', async () => {
    control.delayMs = 300;
    const event = messageEvent({ text: trackUrl(TRACK) });
    const rowsAtAck = new Map<string, Promise<number>>();
    // Read the inbox the moment the ack arrives: were it sent before the (delayed) write, no row yet.
    rig.fake.onAck = (ack) => rowsAtAck.set(ack.envelope_id, inboxRows(getDb().db, linkKey(event)));
    try {
      const envelope = rig.fake.sendEnvelope('events_api', eventCallback(event));
      await rig.fake.waitForAcks(envelope.envelope_id);
      expect(await rowsAtAck.get(envelope.envelope_id)).toBe(1);
      await waitForThreadReply(rig, event.ts);
    } finally {
      rig.fake.onAck = undefined;
      control.delayMs = 0;
    }
  });

  it('GIVEN the inbox cannot take a channel message with a Spotify link THEN its envelope is not acked, and its redelivery once the inbox works again is stored once and answered once', async () => {
    const event = messageEvent({ text: trackUrl(TRACK) });
    control.failing = true;
    const envelope = rig.fake.sendEnvelope('events_api', eventCallback(event));
    try {
      await expect.poll(() => control.refused.includes(linkKey(event))).toBe(true);
      await settle();
      expect(rig.fake.acksOf(envelope.envelope_id)).toHaveLength(0);
    } finally {
      control.failing = false;
    }

    expect(rig.fake.redeliver(envelope.envelope_id).retry_attempt).toBe(1);
    await rig.fake.waitForAcks(envelope.envelope_id);
    await waitForThreadReply(rig, event.ts);
    await settle();
    expect(rig.fake.acksOf(envelope.envelope_id)).toHaveLength(1);
    expect(await inboxRows(getDb().db, linkKey(event))).toBe(1);
    expect(threadRepliesTo(rig, event.ts)).toHaveLength(1);
  });

  it('GIVEN the inbox cannot take a mood written in the bot DM THEN its envelope is not acked, the author is told once that it is not saved yet, and its redelivery is stored once', async () => {
    const user = `UDA${Date.now().toString(36).toUpperCase()}`;
    const event = directMessage('6 tired', user);
    const key = slackDeliveryKey.direct(TEAM, String(event.channel), String(event.client_msg_id));
    control.failing = true;
    const envelope = rig.fake.sendEnvelope('events_api', eventCallback(event));
    try {
      await expect.poll(() => control.refused.includes(key)).toBe(true);
      await settle();
      expect(rig.fake.acksOf(envelope.envelope_id)).toHaveLength(0);
    } finally {
      control.failing = false;
    }
    const inDm = () => rig.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === event.channel);
    expect(inDm().map((c) => c.body.text)).toEqual([NOT_SAVED_YET.text]);

    rig.fake.redeliver(envelope.envelope_id);
    await rig.fake.waitForAcks(envelope.envelope_id);
    await rig.fake.waitFor(() => inDm()[1], 10_000, 'the answer in the DM');
    await settle();
    expect(rig.fake.acksOf(envelope.envelope_id)).toHaveLength(1);
    expect(await entriesOfSlackUser(getDb().db, user)).toBe(1);
    expect(inDm()).toHaveLength(2);
    expect(String(inDm()[1]?.body.text)).toContain('6/10');
  });

  it('GIVEN messages the listener ignores (a bot post, the bot own post, a message without a link) THEN each envelope is still acked, once', async () => {
    const ignored = [
      messageEvent({ text: trackUrl(TRACK) }, { subtype: 'bot_message', bot_id: 'B0OTHER', user: undefined }),
      messageEvent({ text: trackUrl(TRACK), user: 'U0BOT' }, { bot_id: 'B0BOT' }),
      messageEvent({ text: 'no links here' }),
    ];
    const envelopes = ignored.map((event) => rig.fake.sendEnvelope('events_api', eventCallback(event)));
    for (const envelope of envelopes) await rig.fake.waitForAcks(envelope.envelope_id);
    await settle();
    for (const envelope of envelopes) expect(rig.fake.acksOf(envelope.envelope_id)).toHaveLength(1);
    for (const event of ignored) expect(threadRepliesTo(rig, event.ts)).toHaveLength(0);
  });
});

describe('Slack Socket Mode: a command answered within the budget', () => {
  it('GIVEN a slash command that finishes in time THEN its ack carries the answer, and nothing goes to response_url', async () => {
    const database = await createTestDatabase('pglite');
    const rig = await startSlackRig(database.db, 'socket', { answerWithinMs: 5000 });
    try {
      const command = slashCommand({
        command: '/mood',
        text: '6 tired',
        response_url: rig.fake.responseUrl(),
      });
      const envelope = rig.fake.sendEnvelope('slash_commands', { ...command });
      const [ack] = await rig.fake.waitForAcks(envelope.envelope_id);
      expect(JSON.stringify(ack?.payload)).toContain('Mood logged: 6/10');
      await settle();
      expect(rig.fake.acksOf(envelope.envelope_id)).toHaveLength(1);
      expect(rig.fake.responsesTo(responseId(command.response_url))).toHaveLength(0);
    } finally {
      await rig.close();
      await database.close();
    }
  });
});

describe('Slack HTTP mode: a message event the inbox cannot take', () => {
  /** A rig in HTTP mode on a database of its own, whose inbox refuses writes until `control.failing` is unset. */
  async function withRefusingRig(
    test: (rig: SlackRig, database: Database, control: InboxControl) => Promise<void>,
  ): Promise<void> {
    const database = await createTestDatabase('pglite');
    const control: InboxControl = { delayMs: 0, failing: true, refused: [] };
    const rig = await startSlackRig(database.db, 'http', {
      registry: registryWithFakeShare(),
      wrapInbox: controlledInbox(control),
    });
    try {
      await test(rig, database, control);
    } finally {
      await rig.close();
      await database.close();
    }
  }

  it('GIVEN HTTP mode and the inbox cannot take a channel message with a Spotify link THEN it is answered 500, and Slack retry once the inbox works is stored once', () =>
    withRefusingRig(async (rig, database, control) => {
      const event = messageEvent({ text: trackUrl(TRACK) });
      const callback = eventCallback(event);
      await expect(deliverEvent(rig, 'http', callback)).rejects.toThrow('answered 500');
      control.failing = false;
      await deliverEvent(rig, 'http', callback, 1);
      await waitForThreadReply(rig, event.ts);
      expect(await inboxRows(database.db, linkKey(event))).toBe(1);
    }));

  it('GIVEN the inbox cannot take a channel message with a Spotify link THEN its author alone is told once, in its thread, that it is not saved yet, and Slack retries add no second notice', () =>
    withRefusingRig(async (rig) => {
      const event = messageEvent({ text: trackUrl(TRACK) });
      const callback = eventCallback(event);
      const notices = () => rig.fake.callsTo('chat.postEphemeral');
      await expect(deliverEvent(rig, 'http', callback)).rejects.toThrow('answered 500');
      await rig.fake.waitFor(() => notices()[0], 10_000, 'the notice to the author');
      await expect(deliverEvent(rig, 'http', callback, 1)).rejects.toThrow('answered 500');
      await settle();

      expect(notices().map((c) => c.body)).toEqual([
        expect.objectContaining({
          channel: event.channel,
          user: event.user,
          thread_ts: event.ts,
          text: LINK_NOT_SAVED_YET,
        }),
      ]);
      expect(threadRepliesTo(rig, event.ts)).toHaveLength(0);
    }));
});
