import { expect, it } from 'vitest';
import { newAccount, useApp } from '../support/app-harness.js';
import { describeEachDatabase } from '../support/test-database.js';

describeEachDatabase('/channel-digest outside a channel', (getDb) => {
  const app = useApp(getDb);

  it('GIVEN /channel-digest on in the console THEN it says the post belongs to a Discord or Slack channel, not that this is a direct message', async () => {
    const result = await app().run('/channel-digest on', newAccount(), 'console');

    expect(result.outcome).toBe('user_error');
    expect(result.reply.text).toContain(
      'The weekly channel post belongs to a Discord or Slack channel, and the console has none',
    );
    expect(result.reply.text).not.toContain('direct message');
  });

  it('GIVEN /channel-digest on in a Slack direct message THEN it says to run it in a channel, not in a direct message', async () => {
    const result = await app().run('/channel-digest on', newAccount(), 'slack');

    expect(result.outcome).toBe('user_error');
    expect(result.reply.text).toContain('not in a direct message');
  });
});
