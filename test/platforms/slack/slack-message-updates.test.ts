import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandRegistry,
  createCommandFactory,
  opt,
  type Reply,
  reply,
} from '../../../src/core/commands/index.js';
import type { Database } from '../../../src/db/database.js';
import type { Services } from '../../../src/services/services.js';
import type { FakeMessage } from '../../fakes/slack/fake-slack.js';
import { blockActions, post, signedInteraction } from '../../fakes/slack/slack-requests.js';
import { createTestDatabase } from '../../support/test-database.js';
import {
  allText,
  buttonsOf,
  capturingLogger,
  SIGNING_SECRET,
  type SlackRig,
  settle,
  startSlackRig,
  TEAM,
  waitForResponse,
} from './slack-support.js';

const defineCommand = createCommandFactory<Services>();

/** Every run of the test command, as "score|note". */
const runs: string[] = [];

/** What a check-in tap answers: what was logged, and a button that opens the note form. */
function logged(score: number, note: string | undefined, expiresAt?: Date): Reply {
  return reply.private({
    text: note ? `Logged ${score} with the note "${note}".` : `Logged ${score}.`,
    buttons: [
      {
        id: 'note',
        label: 'Add a note',
        style: 'secondary',
        action: `/tap-test ${score}`,
        form: { title: 'Add a note', label: 'Your note', placeholder: 'What made today?', maxLength: 500 },
        ...(expiresAt ? { expiresAt } : {}),
      },
    ],
  });
}

/** A stand-in for the check-in command: logs a score and an optional note. */
const tap = defineCommand({
  name: 'tap-test',
  description: 'Logs a score and a note (test)',
  options: {
    score: opt.integer({ description: 'Score', min: 1, max: 10, required: true }),
    note: opt.text({ description: 'Note', max: 500, rest: true }),
  },
  run({ options: { score, note } }) {
    runs.push(`${score}|${note ?? ''}`);
    return logged(score, note);
  },
});

/** The check-in prompt: "How are you feeling?" with a button that logs 6 in place. */
const prompt = reply.private({
  text: 'How are you feeling?',
  buttons: [{ id: 'six', label: '6', style: 'primary', action: '/tap-test 6', updatesMessage: true }],
});

describe('Slack: buttons that update their message, and form buttons', () => {
  let db: Database;
  let rig: SlackRig;
  /** Added to the adapter's clock: a form sent later than its button's expiry. */
  let offsetMs = 0;
  const { logger, lines } = capturingLogger();

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    rig = await startSlackRig(db.db, 'http', {
      registry: new CommandRegistry<Services>([tap]),
      now: () => new Date(Date.now() + offsetMs),
      logger,
    });
  });
  afterAll(async () => {
    await rig?.close();
    await db?.close();
  });

  /** DMs `value` to a new user; returns the user, the DM and the message as Slack holds it. */
  async function direct(value: Reply) {
    const user = `UUPD${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
    expect(await rig.adapter.sendDirect(user, TEAM, value)).toBe('sent');
    const dm = `D${user}`;
    const [message] = rig.fake.messagesIn(dm);
    if (!message) throw new Error('no DM was posted');
    return { user, dm, message };
  }

  /** Clicks the button labelled `label` of `message` as `user`; resolves once the click is acknowledged. */
  async function click(user: string, message: FakeMessage, value: (v: string) => boolean) {
    const button = buttonsOf({ blocks: message.blocks }).find((b) => value(b.value));
    if (!button) throw new Error('no such button');
    const payload = blockActions({
      user_id: user,
      team_id: TEAM,
      ...button,
      response_url: rig.fake.responseUrlForMessage(message.channel, message.ts),
      message: { channel: message.channel, ts: message.ts },
      trigger_id: rig.fake.triggerId(user),
    });
    const answer = await post(rig.eventsUrl, signedInteraction(SIGNING_SECRET, payload));
    expect(answer.status).toBe(200);
    return { responseUrl: String(payload.response_url) };
  }

  const to = () => ({ url: rig.eventsUrl, signingSecret: SIGNING_SECRET });

  it('GIVEN a DM with an updatesMessage button WHEN it is clicked THEN the answer replaces that DM message', async () => {
    const { user, dm, message } = await direct(prompt);

    const { responseUrl } = await click(user, message, (v) => v.includes('/tap-test 6'));
    const answer = await waitForResponse(rig.fake, responseUrl);

    expect(answer.body.replace_original).toBe(true);
    const messages = rig.fake.messagesIn(dm);
    expect(messages).toHaveLength(1);
    expect(allText({ text: messages[0]?.text })).toContain('Logged 6.');
    expect(buttonsOf({ blocks: messages[0]?.blocks })).toHaveLength(1);
  });

  it('GIVEN a form button WHEN it is clicked THEN views.open opens its form with the trigger, and nothing is run', async () => {
    const { user, message } = await direct(logged(6, undefined));
    const before = runs.length;

    await click(user, message, (v) => v.includes('"f"'));
    const [opened] = await rig.fake.waitFor(
      () => rig.fake.viewsOf(user).length > 0 && rig.fake.viewsOf(user),
    );

    expect(opened?.view).toMatchObject({
      type: 'modal',
      callback_id: 'moodscale_form',
      title: { text: 'Add a note' },
      submit: { text: 'Save' },
      blocks: [
        {
          type: 'input',
          label: { text: 'Your note' },
          element: {
            type: 'plain_text_input',
            multiline: true,
            max_length: 500,
            placeholder: { text: 'What made today?' },
          },
        },
      ],
    });
    expect(opened?.view.blocks[0]).not.toHaveProperty('optional', true);
    await settle(100);
    expect(runs.length).toBe(before);
    expect(rig.fake.callsTo('chat.update')).toHaveLength(0);
  });

  it("GIVEN the form sent with 'long day' THEN it closes, the action runs with the text after --, and chat.update replaces the DM message", async () => {
    const { user, dm, message } = await direct(logged(6, undefined));
    await click(user, message, (v) => v.includes('"f"'));
    const [opened] = await rig.fake.waitFor(
      () => rig.fake.viewsOf(user).length > 0 && rig.fake.viewsOf(user),
    );

    const sent = await rig.fake.submitView(to(), opened?.id ?? '', { text: 'long day' });

    expect(sent.status).toBe(200);
    expect(sent.body).toBe('');
    const update = await rig.fake.waitFor(() =>
      rig.fake.callsTo('chat.update').find((c) => c.body.channel === dm && c.body.ts === message.ts),
    );
    expect(allText(update.body)).toContain('Logged 6 with the note \\"long day\\".');
    expect(runs).toContain('6|long day');
    const messages = rig.fake.messagesIn(dm);
    expect(messages).toHaveLength(1);
    expect(allText({ text: messages[0]?.text })).toContain('long day');
  });

  it('GIVEN the same form submission delivered twice THEN it is run and answered once', async () => {
    const { user, dm, message } = await direct(logged(7, undefined));
    await click(user, message, (v) => v.includes('"f"'));
    const [opened] = await rig.fake.waitFor(
      () => rig.fake.viewsOf(user).length > 0 && rig.fake.viewsOf(user),
    );
    const first = await rig.fake.submitView(to(), opened?.id ?? '', { text: 'twice?' });
    await rig.fake.waitFor(() => rig.fake.callsTo('chat.update').find((c) => c.body.channel === dm));

    const again = await post(rig.eventsUrl, signedInteraction(SIGNING_SECRET, first.payload));
    await settle(300);

    expect(again.status).toBe(200);
    expect(runs.filter((r) => r === '7|twice?')).toHaveLength(1);
    expect(rig.fake.callsTo('chat.update').filter((c) => c.body.channel === dm)).toHaveLength(1);
    expect(lines()).toContain('Slack form submission delivered again; ignored');
  });

  it('GIVEN a form sent after its button expired THEN the form stays open saying so, and nothing is run', async () => {
    const { user, message } = await direct(logged(8, undefined, new Date(Date.now() + 60_000)));
    await click(user, message, (v) => v.includes('"f"'));
    const [opened] = await rig.fake.waitFor(
      () => rig.fake.viewsOf(user).length > 0 && rig.fake.viewsOf(user),
    );
    offsetMs = 120_000;
    try {
      const sent = await rig.fake.submitView(to(), opened?.id ?? '', { text: 'too late' });

      expect(sent.status).toBe(200);
      expect(JSON.parse(sent.body)).toMatchObject({
        response_action: 'errors',
        errors: { form: expect.stringContaining('expired') },
      });
      await settle(200);
      expect(runs).not.toContain('8|too late');
    } finally {
      offsetMs = 0;
    }
  });
});
