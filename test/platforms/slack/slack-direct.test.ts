import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reply } from '../../../src/core/commands/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createSlackAdapter, type SlackAdapter } from '../../../src/platforms/slack/slack-adapter.js';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { unusedInbox } from '../../support/app-harness.js';
import { BOT_TOKEN, SIGNING_SECRET } from './slack-support.js';

describe('Slack sendDirect', () => {
  let fake: FakeSlack;
  let adapter: SlackAdapter;
  const make = (dmIntervalMs: number) =>
    createSlackAdapter({
      inbox: unusedInbox,
      config: {
        botToken: BOT_TOKEN,
        mode: 'http',
        appToken: undefined,
        signingSecret: SIGNING_SECRET,
        apiUrl: fake.apiUrl,
      },
      port: 0,
      logger: silentLogger(),
      dmIntervalMs,
    });

  beforeAll(async () => {
    fake = await FakeSlack.start();
    adapter = make(0);
  });
  afterAll(async () => {
    await adapter.stop();
    await fake.close();
  });
  let before = 0;
  afterEach(() => {
    fake.clearFailures();
    before = fake.calls.length;
  });
  const callsSince = (method: string) => fake.calls.slice(before).filter((c) => c.method === method);

  it('GIVEN a digest with a file THEN it opens the DM, posts the message with blocks and text, and uploads the file into the DM', async () => {
    const digest = reply.private({
      title: 'Your week',
      text: 'Average 6.2 <!here>',
      fields: [{ name: 'Best day', value: 'Tuesday', inline: true }],
      files: [{ name: 'week.csv', contentType: 'text/csv', data: 'day,average\nTue,7\n' }],
    });
    expect(await adapter.sendDirect('UDIGEST1', 'T0FAKE', digest)).toBe('sent');

    const [open] = callsSince('conversations.open');
    expect(open?.body.users).toBe('UDIGEST1');
    expect(open?.token).toBe(BOT_TOKEN);
    const [message] = callsSince('chat.postMessage');
    expect(message?.body.channel).toBe('DUDIGEST1');
    expect(String(message?.body.text)).toContain('Your week');
    expect(JSON.stringify(message?.body.blocks)).toContain('Best day');
    expect(JSON.stringify(message?.body)).not.toContain('<!here>');
    expect(message?.body.link_names).toBeUndefined();
    const [complete] = callsSince('files.completeUploadExternal');
    expect(complete?.body.channel_id).toBe('DUDIGEST1');
    expect(fake.uploads.at(-1)?.bytes.toString('utf8')).toBe('day,average\nTue,7\n');
  });

  it('GIVEN a bot user (cannot_dm_bot) THEN blocked', async () => {
    fake.users.set('UROBOT', { is_bot: true });
    expect(await adapter.sendDirect('UROBOT', 'T0FAKE', reply.private('hi'))).toBe('blocked');
    expect(callsSince('chat.postMessage')).toHaveLength(0);
  });

  for (const error of ['user_not_found', 'not_allowed_token_type', 'channel_not_found']) {
    it(`GIVEN chat.postMessage answers ${error} THEN blocked`, async () => {
      fake.failNext('chat.postMessage', { error });
      expect(await adapter.sendDirect(`U${error.length}X`, 'T0FAKE', reply.private('hi'))).toBe('blocked');
    });
  }

  it('GIVEN a passing Slack error (internal_error) THEN failed, so a later run may retry', async () => {
    fake.failNext('chat.postMessage', { error: 'internal_error' });
    expect(await adapter.sendDirect('UINTERNAL', 'T0FAKE', reply.private('hi'))).toBe('failed');
  });

  it('GIVEN a 429 with Retry-After: 1 THEN it waits about a second and sends', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    expect(await adapter.sendDirect('URATE', 'T0FAKE', reply.private('hi'))).toBe('sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(callsSince('chat.postMessage')).toHaveLength(2);
  });

  it('GIVEN rate limits that never end THEN it gives up after a bounded number of attempts: failed', async () => {
    for (let i = 0; i < 5; i++) fake.failNext('chat.postMessage', { status: 429, retryAfter: 120 });
    const started = Date.now();
    expect(await adapter.sendDirect('URATE2', 'T0FAKE', reply.private('hi'))).toBe('failed');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('GIVEN three DMs in a row with dmIntervalMs 150 THEN the posts are spaced at least 150 ms apart', async () => {
    const spaced = make(150);
    try {
      const results = await Promise.all(
        ['USP1', 'USP2', 'USP3'].map((u) => spaced.sendDirect(u, 'T0FAKE', reply.private('weekly digest'))),
      );
      expect(results).toEqual(['sent', 'sent', 'sent']);
      const times = callsSince('chat.postMessage').map((c) => c.at);
      expect(times).toHaveLength(3);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(140);
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(140);
    } finally {
      await spaced.stop();
    }
  });
});
