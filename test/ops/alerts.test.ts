import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { type Alerter, createAlerter, webhookBody } from '../../src/ops/alerts.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const HOUR = 3_600_000;

describe('GIVEN an alerter posting to a webhook on 127.0.0.1', () => {
  let receiver: WebhookReceiver;
  let now: Date;
  let alerter: Alerter;
  const clock: Clock = { now: () => now };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => {
    receiver.bodies.length = 0;
    now = new Date('2026-03-02T10:00:00Z');
    alerter = createAlerter({
      webhookUrl: receiver.url,
      logger: silentLogger(),
      clock,
      reminderMs: 6 * HOUR,
    });
  });

  it('WHEN the same incident is raised 20 times THEN the webhook gets one post with its text', async () => {
    for (let i = 0; i < 20; i++) {
      alerter.raise('database', 'The database is unreachable: connection refused');
      await alerter.settled();
    }
    expect(receiver.bodies).toEqual([
      {
        text: ':rotating_light: MoodScale alert (database): The database is unreachable: connection refused',
      },
    ]);
    expect(alerter.open()).toEqual(['database']);
  });

  it('WHEN an incident is resolved and raised again THEN a resolved post and a second alert follow', async () => {
    alerter.raise('storage', 'The database uses 900 MB');
    alerter.raise('storage', 'The database uses 901 MB');
    await alerter.settled();
    now = new Date(now.getTime() + 30 * 60_000);
    alerter.resolve('storage');
    alerter.resolve('storage');
    await alerter.settled();
    alerter.raise('storage', 'The database uses 950 MB');
    await alerter.settled();
    expect(receiver.bodies.map((b) => b.text)).toEqual([
      ':rotating_light: MoodScale alert (storage): The database uses 900 MB',
      ':white_check_mark: MoodScale: resolved (storage) after 30 min.',
      ':rotating_light: MoodScale alert (storage): The database uses 950 MB',
    ]);
  });

  it('WHEN two different incidents open THEN each is posted once', async () => {
    alerter.raise('database', 'down');
    alerter.raise('backup-failed', 'pg_dump exited 1');
    alerter.raise('database', 'down');
    await alerter.settled();
    expect(receiver.bodies).toHaveLength(2);
  });

  it('WHEN an incident stays open past the reminder interval THEN it is posted again, once', async () => {
    alerter.raise('database', 'down');
    await alerter.settled();
    now = new Date(now.getTime() + 5 * HOUR);
    alerter.raise('database', 'down');
    await alerter.settled();
    expect(receiver.bodies).toHaveLength(1);
    now = new Date(now.getTime() + 1 * HOUR);
    alerter.raise('database', 'still down');
    alerter.raise('database', 'still down');
    await alerter.settled();
    expect(receiver.bodies).toHaveLength(2);
    expect(receiver.bodies[1]?.text).toBe(
      ':rotating_light: MoodScale alert (database), open since 2026-03-02T10:00:00.000Z: still down',
    );
  });

  it('WHEN the webhook refuses the first post THEN it is retried at a later raise, not at once', async () => {
    receiver.failNext(500);
    alerter.raise('digest', 'a digest failed');
    await alerter.settled();
    alerter.raise('digest', 'a digest failed');
    await alerter.settled();
    expect(receiver.bodies).toHaveLength(0);
    now = new Date(now.getTime() + 61_000);
    alerter.raise('digest', 'a digest failed');
    await alerter.settled();
    expect(receiver.bodies).toHaveLength(1);
  });
});

describe('GIVEN an alerter posting to a channel through a running platform', () => {
  it('WHEN an incident is raised twice THEN the channel gets one message', async () => {
    const sent: string[] = [];
    const alerter = createAlerter({
      sendToChannel: async (text) => {
        sent.push(text);
      },
      logger: silentLogger(),
      clock: { now: () => new Date() },
    });
    alerter.raise('backup-stale', 'No backup for 30 h');
    alerter.raise('backup-stale', 'No backup for 31 h');
    await alerter.settled();
    expect(sent).toEqual([':rotating_light: MoodScale alert (backup-stale): No backup for 30 h']);
  });
});

describe('GIVEN webhook URLs of each kind', () => {
  it('THEN a Slack incoming webhook gets { text } and a Discord webhook { content } without mentions', () => {
    expect(webhookBody('https://hooks.slack.com/services/T1/B2/xyz', 'hi')).toEqual({ text: 'hi' });
    expect(webhookBody('https://discord.com/api/webhooks/1/abc', 'hi')).toEqual({
      content: 'hi',
      allowed_mentions: { parse: [] },
    });
    expect(webhookBody('https://discord.com/api/webhooks/1/abc/slack', 'hi')).toEqual({ text: 'hi' });
  });
});
