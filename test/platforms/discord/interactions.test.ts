import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buttonCustomId } from '../../../src/platforms/discord/render.js';
import {
  buttonInteraction,
  chatInputInteraction,
  type InteractionJson,
} from '../../fakes/discord/payloads.js';
import { autocompleteDataSchema } from '../../fakes/discord/schemas.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  type DiscordHarness,
  EPHEMERAL,
  messageOf,
  messageOfRequest,
  messageRequests,
  moodsOf,
  newDiscordUser,
  startDiscord,
  textOfMessage,
  userIdOf,
} from './discord-harness.js';

describeEachDatabase('Discord interactions through discord.js and a fake Discord', (getDb) => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscord(getDb().db);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('GIVEN /mood score 6 emotions tired THEN a private reply (flag 64) confirms it and the entry is stored', async () => {
    const user = newDiscordUser();
    const ack = await h.command(
      'mood',
      [
        { name: 'score', type: 4, value: 6 },
        { name: 'emotions', type: 3, value: 'tired' },
      ],
      user,
    );
    expect(ack.type).toBe(4);
    const message = messageOf(ack.data);
    expect(message.flags).toBe(EPHEMERAL);
    expect(textOfMessage(message)).toContain('Mood logged: 6/10');
    expect(await moodsOf(getDb().db, user.id)).toEqual([{ score: 6, emotions: ['tired'] }]);
  });

  it("GIVEN an interaction without `entitlements` (as in Discord's documented example) THEN it is answered, and so is the next one", async () => {
    const user = newDiscordUser();
    const { entitlements: _dropped, ...bare } = chatInputInteraction(
      h.fake.applicationId,
      { name: 'mood', options: [{ name: 'score', type: 4, value: 7 }] },
      user,
    );
    const sent = h.fake.interact(bare as InteractionJson);
    const ack = await h.fake.acknowledgement(sent.json.id);
    expect(textOfMessage(messageOfRequest(ack))).toContain('Mood logged: 7/10');
    const next = await h.command('mood', [{ name: 'score', type: 4, value: 5 }], user);
    expect(textOfMessage(messageOf(next.data))).toContain('Mood logged: 5/10');
    expect(await moodsOf(getDb().db, user.id)).toHaveLength(2);
  });

  it('GIVEN a server admin turning on the channel post through a copy installed to their own account THEN it is refused and nothing is turned on', async () => {
    const user = newDiscordUser();
    const interaction = chatInputInteraction(
      h.fake.applicationId,
      { name: 'channel-digest', options: [{ name: 'state', type: 3, value: 'on' }] },
      user,
      { guildId: '812345678901234567', channelId: '912345678901234567', permissions: String(1n << 5n) },
    );
    const userInstalled = {
      ...interaction,
      authorizing_integration_owners: { '1': user.id },
      context: 2,
    } as unknown as InteractionJson;
    const sent = h.fake.interact(userInstalled);
    const ack = await h.fake.acknowledgement(sent.json.id);
    const text = textOfMessage(messageOfRequest(ack));
    expect(text).toContain('not through an app installed to your account');
    expect(text).not.toContain('Weekly channel post on');
    const rows = await queryRows<{ n: number }>(
      getDb().db,
      sql`SELECT count(*)::int AS n FROM channel_digest_channels WHERE channel_id = '912345678901234567'`,
    );
    expect(rows[0]?.n).toBe(0);
    expect(messageOfRequest(ack).flags).toBe(EPHEMERAL);
  });

  it('GIVEN /mood score 11 THEN a private reply says the score is 1 to 10 and nothing is stored', async () => {
    const user = newDiscordUser();
    const ack = await h.command('mood', [{ name: 'score', type: 4, value: 11 }], user);
    const message = messageOf(ack.data);
    expect(message.flags).toBe(EPHEMERAL);
    expect(textOfMessage(message)).toContain('The score is a whole number from 1 to 10 (you wrote 11).');
    expect(await moodsOf(getDb().db, user.id)).toEqual([]);
  });

  it('GIVEN the user types "ti" into emotions THEN autocomplete (type 8) suggests tired among at most 25 choices', async () => {
    const ack = await h.autocomplete(
      'mood',
      [
        { name: 'score', type: 4, value: 6 },
        { name: 'emotions', type: 3, value: 'ti', focused: true },
      ],
      newDiscordUser(),
    );
    expect(ack.type).toBe(8);
    const { choices } = autocompleteDataSchema.parse(ack.data);
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.map((c) => c.value)).toContain('tired');
  });

  it('GIVEN "tired, anx" typed into emotions THEN the suggestion keeps the earlier tag', async () => {
    const ack = await h.autocomplete(
      'mood',
      [{ name: 'emotions', type: 3, value: 'tired, anx', focused: true }],
      newDiscordUser(),
    );
    const { choices } = autocompleteDataSchema.parse(ack.data);
    expect(choices.map((c) => c.value)).toContain('tired, anxious');
  });

  it('GIVEN /forget and a click on its button THEN the private message becomes the confirmation and everything is erased', async () => {
    const user = newDiscordUser();
    await h.command('mood', [{ name: 'score', type: 4, value: 5 }], user);
    expect(await userIdOf(getDb().db, user.id)).toBeDefined();

    const asked = await h.command('forget', [], user);
    const prompt = messageOf(asked.data);
    expect(prompt.flags).toBe(EPHEMERAL);
    const button = prompt.components?.[0]?.components[0];
    expect(button).toMatchObject({ style: 4, label: 'Erase everything' });
    expect(button?.custom_id).toMatch(/^ms:[0-9a-z]+:\/forget confirm:[A-Z0-9]+$/);

    const original = h.fake.interactions.get(asked.id)?.original;
    if (!original || !button?.custom_id) throw new Error('no /forget message with a button');
    const click = h.fake.interact(buttonInteraction(h.fake.applicationId, button.custom_id, original, user));
    const request = await h.fake.acknowledgement(click.json.id);
    const answer = messageOfRequest(request);
    expect(h.fake.interactions.get(click.json.id)?.ack?.type).toBe(7);
    expect(textOfMessage(answer)).toContain('Erased');
    expect(answer.components).toEqual([]);
    expect(await userIdOf(getDb().db, user.id)).toBeUndefined();
    expect(await moodsOf(getDb().db, user.id)).toEqual([]);
  });

  it('GIVEN a /forget button clicked after it expired THEN a private answer says so and nothing is erased', async () => {
    const user = newDiscordUser();
    await h.command('mood', [{ name: 'score', type: 4, value: 5 }], user);
    const asked = await h.command('forget', [], user);
    const original = h.fake.interactions.get(asked.id)?.original;
    if (!original) throw new Error('no /forget message');
    const stale = buttonCustomId({
      action: '/forget confirm:AAAAAA',
      expiresAt: new Date(Date.now() - 60_000),
    });
    if (!stale) throw new Error('no custom id');

    const click = h.fake.interact(buttonInteraction(h.fake.applicationId, stale, original, user));
    const request = await h.fake.acknowledgement(click.json.id);
    const answer = messageOfRequest(request);
    expect(h.fake.interactions.get(click.json.id)?.ack?.type).toBe(4);
    expect(answer.flags).toBe(EPHEMERAL);
    expect(textOfMessage(answer)).toContain('This button has expired');
    expect(textOfMessage(answer)).toContain('/forget');
    expect(await moodsOf(getDb().db, user.id)).toHaveLength(1);
  });

  it('GIVEN /export (declared slow) THEN it is deferred privately, then the edit attaches the JSON and CSV files', async () => {
    const user = newDiscordUser();
    await h.command('mood', [{ name: 'score', type: 4, value: 7 }], user);
    const ack = await h.command('export', [], user);
    expect(ack.type).toBe(5);
    expect(messageOf(ack.data).flags).toBe(EPHEMERAL);

    const edit = await h.fake.waitForRequest(
      (r) =>
        r.method === 'PATCH' &&
        r.path === `/webhooks/${h.fake.applicationId}/${ack.token}/messages/@original`,
    );
    expect(edit.status).toBe(200);
    const names = edit.files.map((f) => f.name);
    expect(names).toEqual([expect.stringMatching(/\.json$/), expect.stringMatching(/\.csv$/)]);
    const json = edit.files.find((f) => f.name.endsWith('.json'));
    const csv = edit.files.find((f) => f.name.endsWith('.csv'));
    expect(JSON.parse(json?.data.toString('utf8') ?? '{}')).toHaveProperty('format', 'moodscale-export/1');
    expect(csv?.data.toString('utf8').split('\n').filter(Boolean)).toHaveLength(2);
    expect(messageOfRequest(edit).attachments).toHaveLength(2);
  });

  it('GIVEN /help run in a DM with the bot (no server) THEN it is answered privately', async () => {
    const ack = await h.command('help', [], newDiscordUser(), {});
    expect(ack.type).toBe(4);
    expect(textOfMessage(messageOf(ack.data))).toContain('/mood');
  });

  it('GIVEN a command Discord still lists but MoodScale no longer has THEN a private answer says so', async () => {
    const ack = await h.command('retired', [], newDiscordUser());
    const message = messageOf(ack.data);
    expect(message.flags).toBe(EPHEMERAL);
    expect(textOfMessage(message)).toContain('There is no /retired command');
  });

  it('GIVEN the fake closes the gateway (resumable) and a command arrives meanwhile THEN the session resumes and the command is answered and stored', async () => {
    const identifies = h.fake.gateway.identifies;
    const resumes = h.fake.gateway.resumes;
    const user = newDiscordUser();
    h.fake.gateway.drop(4000);
    expect(h.fake.gateway.live).toBe(false);

    const ack = await h.command('mood', [{ name: 'score', type: 4, value: 8 }], user);
    expect(ack.type).toBe(4);
    expect(h.fake.gateway.resumes).toBe(resumes + 1);
    expect(h.fake.gateway.identifies).toBe(identifies);
    expect(await moodsOf(getDb().db, user.id)).toEqual([{ score: 8, emotions: null }]);

    const next = newDiscordUser();
    await h.command('mood', [{ name: 'score', type: 4, value: 3 }], next);
    expect(await moodsOf(getDb().db, next.id)).toHaveLength(1);
  });

  it('GIVEN a note that mentions @everyone and a user THEN every message the bot sent has mentions disabled', async () => {
    await h.command(
      'mood',
      [
        { name: 'score', type: 4, value: 6 },
        { name: 'note', type: 3, value: 'hey @everyone and <@123456789012345678>' },
      ],
      newDiscordUser(),
    );
    const messages = messageRequests(h.fake.requests);
    expect(messages.length).toBeGreaterThanOrEqual(10);
    for (const request of messages) {
      expect(messageOfRequest(request).allowed_mentions, `${request.method} ${request.path}`).toEqual({
        parse: [],
      });
    }
  });
});
