import { setTimeout as sleep } from 'node:timers/promises';
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
import type { RecordedRequest } from '../../fakes/discord/fake-discord.js';
import {
  buttonInteraction,
  type MessageJson,
  messageJson,
  type UserJson,
} from '../../fakes/discord/payloads.js';
import { modalSchema } from '../../fakes/discord/schemas.js';
import { createTestDatabase } from '../../support/test-database.js';
import {
  type DiscordHarness,
  messageOf,
  messageOfRequest,
  newDiscordUser,
  startDiscord,
  textOfMessage,
} from './discord-harness.js';

const defineCommand = createCommandFactory<Services>();

/** Every run of the test commands, as "score|note". */
const runs: string[] = [];

const NOTE_FORM = {
  title: 'Add a note',
  label: 'Your note',
  placeholder: 'What made today what it was?',
  maxLength: 500,
};

/** What a check-in tap answers: what was logged, and a button that opens the note form. */
function logged(name: string, score: number, note: string | undefined): Reply {
  return reply.private({
    text: note ? `Logged ${score} with the note "${note}".` : `Logged ${score}.`,
    buttons: [
      { id: 'note', label: 'Add a note', style: 'secondary', action: `/${name} ${score}`, form: NOTE_FORM },
    ],
  });
}

const options = {
  score: opt.integer({ description: 'Score', min: 1, max: 10, required: true }),
  note: opt.text({ description: 'Note', max: 500, rest: true }),
};

/** A stand-in for the check-in command: logs a score and an optional note. */
const tap = defineCommand({
  name: 'tap-test',
  description: 'Logs a score and a note (test)',
  options,
  run({ options: { score, note } }) {
    runs.push(`tap-test:${score}|${note ?? ''}`);
    return logged('tap-test', score, note);
  },
});

/** The same, slower than the adapter waits before deferring. */
const slowTap = defineCommand({
  name: 'slow-tap-test',
  description: 'Logs a score and a note after a while (test)',
  options,
  async run({ options: { score, note } }) {
    await sleep(400);
    runs.push(`slow-tap-test:${score}|${note ?? ''}`);
    return logged('slow-tap-test', score, note);
  },
});

/** The check-in prompt: "How are you feeling?" with a button that logs 6 in place. */
function prompt(command: string): Reply {
  return reply.private({
    text: 'How are you feeling?',
    buttons: [{ id: 'six', label: '6', style: 'primary', action: `/${command} 6`, updatesMessage: true }],
  });
}

describe('Discord: buttons that update their message, and form buttons', () => {
  let db: Database;
  let h: DiscordHarness;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    h = await startDiscord(db.db, {
      registry: new CommandRegistry<Services>([tap, slowTap]),
      adapter: { ackAfterMs: 150 },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  /** DMs `reply` to `user` and returns the message as Discord holds it. */
  async function direct(user: UserJson, value: Reply): Promise<MessageJson> {
    await expect(h.adapter.sendDirect(user.id, value)).resolves.toBe('sent');
    const request = h.fake.directMessagesTo(user.id).at(-1);
    const channelId = /^\/channels\/(\d+)\/messages$/.exec(request?.path ?? '')?.[1];
    if (request?.status !== 200 || !channelId) throw new Error('no DM was posted');
    const body = messageOfRequest(request);
    return messageJson({
      channelId,
      author: h.fake.botUser,
      embeds: body.embeds ?? [],
      components: body.components ?? [],
    });
  }

  /** Clicks the button labelled `label` on `message` in the DM; resolves with its first callback. */
  async function click(user: UserJson, message: MessageJson, label: string) {
    const customId = messageOf(message)
      .components?.flatMap((row) => row.components)
      .find((b) => b.label === label)?.custom_id;
    if (!customId) throw new Error(`no button ${label}`);
    const sent = h.fake.interact(
      buttonInteraction(h.fake.applicationId, customId, message, user, { channelId: message.channel_id }),
    );
    const request = await h.fake.acknowledgement(sent.json.id);
    return { id: sent.json.id, token: sent.json.token, request, type: sent.ack?.type };
  }

  const callbacksOf = (id: string): RecordedRequest[] =>
    h.fake.requests.filter((r) => r.path.startsWith(`/interactions/${id}/`));

  it('GIVEN a DM with an updatesMessage button WHEN it is clicked THEN that DM message is updated (7) to the answer', async () => {
    const user = newDiscordUser();
    const message = await direct(user, prompt('tap-test'));

    const clicked = await click(user, message, '6');

    expect(clicked.type).toBe(7);
    const answer = messageOfRequest(clicked.request);
    expect(textOfMessage(answer)).toContain('Logged 6.');
    expect(answer.components?.[0]?.components[0]?.label).toBe('Add a note');
    expect(h.fake.interactions.get(clicked.id)?.original?.id).toBe(message.id);
    expect(runs).toContain('tap-test:6|');
  });

  it('GIVEN an updatesMessage button whose command outlasts the wait THEN the update is deferred (6) and the DM message edited', async () => {
    const user = newDiscordUser();
    const message = await direct(user, prompt('slow-tap-test'));

    const clicked = await click(user, message, '6');

    expect(clicked.type).toBe(6);
    const edit = await h.fake.waitForRequest(
      (r) =>
        r.method === 'PATCH' &&
        r.path === `/webhooks/${h.fake.applicationId}/${clicked.token}/messages/@original`,
    );
    expect(edit.status).toBe(200);
    expect(textOfMessage(messageOfRequest(edit))).toContain('Logged 6.');
    expect(h.fake.interactions.get(clicked.id)?.original?.id).toBe(message.id);
  });

  it('GIVEN a form button WHEN it is clicked THEN a modal (9) opens with the form, and nothing is run', async () => {
    const user = newDiscordUser();
    const message = await direct(user, logged('tap-test', 6, undefined));
    const before = runs.length;

    const clicked = await click(user, message, 'Add a note');

    expect(clicked.type).toBe(9);
    const modal = modalSchema.parse(h.fake.interactions.get(clicked.id)?.modal);
    expect(modal.title).toBe('Add a note');
    expect(modal.components).toEqual([
      expect.objectContaining({
        type: 18,
        label: 'Your note',
        component: expect.objectContaining({
          type: 4,
          style: 2,
          required: true,
          max_length: 500,
          placeholder: 'What made today what it was?',
        }),
      }),
    ]);
    await sleep(100);
    expect(runs.length).toBe(before);
  });

  it("GIVEN the form sent with 'long day' THEN the action runs with the text after -- and the message is updated (7) to the answer", async () => {
    const user = newDiscordUser();
    const message = await direct(user, logged('tap-test', 6, undefined));
    const opened = await click(user, message, 'Add a note');

    const submit = h.fake.submitModal(opened.id, { text: 'long day' });
    const request = await h.fake.acknowledgement(submit.json.id);

    expect(submit.ack?.type).toBe(7);
    expect(textOfMessage(messageOfRequest(request))).toContain('Logged 6 with the note "long day".');
    expect(submit.original?.id).toBe(message.id);
    expect(runs).toContain('tap-test:6|long day');
  });

  it('GIVEN the same form submission delivered twice THEN it is run and answered once', async () => {
    const user = newDiscordUser();
    const message = await direct(user, logged('tap-test', 7, undefined));
    const opened = await click(user, message, 'Add a note');
    const submit = h.fake.submitModal(opened.id, { text: 'twice?' });
    await h.fake.acknowledgement(submit.json.id);

    h.fake.redeliver(submit.json.id);
    await sleep(400);

    expect(runs.filter((r) => r === 'tap-test:7|twice?')).toHaveLength(1);
    expect(callbacksOf(submit.json.id)).toHaveLength(1);
    expect(h.logs.some((line) => line.msg === 'discord interaction delivered again; ignored')).toBe(true);
  });
});
