import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeSlack, TRIGGER_LIFETIME_MS } from './slack/fake-slack.js';

const view = {
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: 'Add a note' },
  submit: { type: 'plain_text' as const, text: 'Save' },
  blocks: [
    {
      type: 'input' as const,
      block_id: 'form',
      label: { type: 'plain_text' as const, text: 'Your note' },
      element: { type: 'plain_text_input' as const, action_id: 'text', max_length: 10 },
    },
  ],
};

describe('the fake Slack: views.open and view submissions', () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  beforeAll(async () => {
    fake = await FakeSlack.start();
    client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => {
    await fake?.close();
  });

  const errorOf = (call: Promise<unknown>) =>
    call.then(
      () => 'ok',
      (error: { data?: { error?: string } }) => error.data?.error,
    );

  it('GIVEN a trigger_id the fake never handed out THEN views.open answers invalid_trigger_id', async () => {
    expect(await errorOf(client.views.open({ trigger_id: '1.2.3', view }))).toBe('invalid_trigger_id');
  });

  it('GIVEN a trigger_id used once THEN a second views.open with it answers exchanged_trigger_id', async () => {
    const trigger = fake.triggerId('U1');
    expect(await errorOf(client.views.open({ trigger_id: trigger, view }))).toBe('ok');
    expect(await errorOf(client.views.open({ trigger_id: trigger, view }))).toBe('exchanged_trigger_id');
  });

  it('GIVEN a trigger_id older than 3 seconds THEN views.open answers expired_trigger_id', async () => {
    const trigger = fake.triggerId('U2');
    const issuedAt = Date.now();
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => issuedAt + TRIGGER_LIFETIME_MS + 1);
    try {
      expect(await errorOf(client.views.open({ trigger_id: trigger, view }))).toBe('expired_trigger_id');
    } finally {
      clock.mockRestore();
    }
  });

  it('GIVEN an opened view THEN its submission carries the values by block and action, and a required field left empty is refused', async () => {
    await client.views.open({ trigger_id: fake.triggerId('U3'), view });
    const [opened] = fake.viewsOf('U3');
    const payload = fake.viewSubmission(opened?.id ?? '', { text: 'long day' });
    expect(payload).toMatchObject({
      type: 'view_submission',
      user: { id: 'U3' },
      view: { id: opened?.id, state: { values: { form: { text: { value: 'long day' } } } } },
    });
    expect(() => fake.viewSubmission(opened?.id ?? '', {})).toThrow(/required/);
    expect(() => fake.viewSubmission(opened?.id ?? '', { text: 'x'.repeat(11) })).toThrow(/do not fit/);
  });
});
