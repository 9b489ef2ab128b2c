import { describe, expect, it } from 'vitest';
import { post, signedForm, slashCommand } from '../../fakes/slack/slack-requests.js';
import { portRefuses } from '../../support/free-port.js';
import { describeEachDatabase } from '../../support/test-database.js';
import { entriesOfSlackUser, SIGNING_SECRET, settle, startSlackRig } from './slack-support.js';

describeEachDatabase('Slack adapter, HTTP mode, the port accepting on several handles', (getDb) => {
  describe('GIVEN a burst of commands over new connections, then a stop', () => {
    it('THEN every command is answered and stored once, and once stopped the port takes no connection', async () => {
      const rig = await startSlackRig(getDb().db, 'http');
      const port = Number(new URL(rig.eventsUrl).port);
      // Long enough for the helper to hand the extra handles over (well under a second).
      await settle(1000);
      const stamp = Date.now().toString(36).toUpperCase();
      const users = Array.from({ length: 40 }, (_, i) => `UPORT${i}X${stamp}`);
      const results = await Promise.all(
        users.map((user_id) =>
          post(
            rig.eventsUrl,
            signedForm(SIGNING_SECRET, {
              ...slashCommand({
                command: '/mood',
                text: '7 calm',
                user_id,
                response_url: rig.fake.responseUrl(),
              }),
            }),
            { connection: 'close' },
          ),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(users.map(() => 200));
      await rig.fake.waitFor(
        () => (rig.fake.responses.length >= users.length ? true : undefined),
        30_000,
        'every answer',
      );
      const counts = await Promise.all(users.map((user) => entriesOfSlackUser(getDb().db, user)));
      expect(counts).toEqual(users.map(() => 1));
      await rig.close();
      expect(await portRefuses(port)).toBe(true);
    }, 60_000);
  });
});
