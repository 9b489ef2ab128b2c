import { type App, AuthorizationError, type ReceiverEvent } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { boltLogger } from '../../../src/platforms/slack/bolt-logger.js';
import { SocketModeReceiver } from '../../../src/platforms/slack/socket-mode-receiver.js';

/** What was sent on the socket, and when. */
type Sent = Array<{ response: unknown; at: number }>;

/** What Bolt's processEvent does with one envelope in a test (`acks`: what the socket got so far). */
type Processing = (event: ReceiverEvent, acks: Sent) => Promise<void>;

/**
 * A receiver whose app runs `processing` for each envelope, and an envelope handed to it as the SDK
 * does (`slack_event`); resolves with what was sent on the socket and when the ack left (arrival.sent).
 */
async function deliver(type: string, body: Record<string, unknown>, processing: Processing) {
  const log = silentLogger();
  const receiver = new SocketModeReceiver({ appToken: 'xapp-test', sdkLogger: boltLogger(log), log });
  const acks: Sent = [];
  let sent: Promise<number | undefined> | undefined;
  const app = {
    processEvent(event: ReceiverEvent) {
      const arrival = event.customProperties?.arrival as { sent?: Promise<number | undefined> } | undefined;
      sent = arrival?.sent;
      return processing(event, acks);
    },
  };
  // Only processEvent of the app is used by a receiver.
  receiver.init(app as unknown as App);
  const ack = async (response?: unknown) => {
    acks.push({ response, at: performance.now() });
  };
  receiver.client.emit('slack_event', { ack, envelope_id: 'env-1', type, body, retry_num: 0 });
  if (!sent) throw new Error('processEvent was not called');
  return { acks, sentAt: await sent };
}

const messageBody = { type: 'event_callback', event: { type: 'message', text: 'hi' } };

describe('Socket Mode receiver: when an envelope is acknowledged', () => {
  it('GIVEN an events_api envelope THEN Bolt ack() sends nothing until processEvent resolved, then the ack is sent once and sent reports that time', async () => {
    let listenerDone = 0;
    const { acks, sentAt } = await deliver('events_api', messageBody, async (event) => {
      await event.ack();
      await new Promise((resolve) => setTimeout(resolve, 50));
      listenerDone = performance.now();
    });
    expect(acks).toHaveLength(1);
    expect(acks[0]!.at).toBeGreaterThanOrEqual(listenerDone);
    expect(sentAt).toBeGreaterThanOrEqual(acks[0]!.at);
  });

  it('GIVEN processEvent rejects for an events_api envelope THEN no ack is sent and sent settles undefined', async () => {
    const { acks, sentAt } = await deliver('events_api', messageBody, async (event) => {
      await event.ack();
      throw new Error('the inbox did not take a message event');
    });
    expect(acks).toHaveLength(0);
    expect(sentAt).toBeUndefined();
  });

  it('GIVEN processEvent rejects with an AuthorizationError THEN the envelope is acked, so Slack stops retrying', async () => {
    const { acks } = await deliver('events_api', messageBody, async () => {
      throw new AuthorizationError('no installation', new Error('none'));
    });
    expect(acks).toHaveLength(1);
  });

  it('GIVEN a slash_commands envelope THEN ack() sends at once with its payload, and a second ack() is ignored', async () => {
    let sentInListener = 0;
    const { acks, sentAt } = await deliver('slash_commands', { command: '/mood' }, async (event, socket) => {
      await event.ack({ text: 'Mood logged' });
      sentInListener = socket.length;
      await event.ack({ text: 'again' });
    });
    expect(sentInListener).toBe(1);
    expect(acks.map((a) => a.response)).toEqual([{ text: 'Mood logged' }]);
    expect(sentAt).toBeGreaterThanOrEqual(acks[0]!.at);
  });

  it('GIVEN a function_executed event THEN its ack is the listener, sent when called', async () => {
    const body = { type: 'event_callback', event: { type: 'function_executed' } };
    let sentInListener = 0;
    const { acks } = await deliver('events_api', body, async (event, socket) => {
      await event.ack();
      sentInListener = socket.length;
    });
    expect(sentInListener).toBe(1);
    expect(acks).toHaveLength(1);
  });

  it('GIVEN a slash_commands envelope the listener never acks THEN sent settles undefined once processing ends', async () => {
    const { acks, sentAt } = await deliver('slash_commands', { command: '/mood' }, async () => undefined);
    expect(acks).toHaveLength(0);
    expect(sentAt).toBeUndefined();
  });
});
