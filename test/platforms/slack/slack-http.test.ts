import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { listMoodEntries } from '../../../src/db/repositories/mood-entries.js';
import {
  blockActions,
  post,
  signedForm,
  signedInteraction,
  slackSignature,
  slashCommand,
} from '../../fakes/slack/slack-requests.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  allText,
  buttonsOf,
  displayNameOf,
  entriesOfSlackUser,
  SIGNING_SECRET,
  type SlackRig,
  settle,
  slackUserId,
  startSlackRig,
  TEAM,
  timeZoneOf,
  waitForResponse,
} from './slack-support.js';

function fieldsOf(command: ReturnType<typeof slashCommand>): Record<string, string> {
  return { ...command };
}

describeEachDatabase('Slack adapter, HTTP mode', (getDb) => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startSlackRig(getDb().db, 'http');
  });
  afterAll(async () => {
    await rig?.close();
  });

  describe('signed slash commands', () => {
    it('GIVEN a validly signed /mood 6 tired THEN it answers 200 at once, stores one entry and posts a private Block Kit answer', async () => {
      const command = slashCommand({
        command: '/mood',
        text: '6 tired',
        response_url: rig.fake.responseUrl(),
      });
      const res = await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(command)));
      expect(res.status).toBe(200);
      expect(res.body).toBe('');
      expect(res.elapsedMs).toBeLessThan(3000);

      const answer = await waitForResponse(rig.fake, command.response_url);
      expect(answer.body.response_type).toBe('ephemeral');
      expect(answer.body.text).toContain('Mood logged: 6/10');
      expect(Array.isArray(answer.body.blocks)).toBe(true);
      expect(allText({ blocks: answer.body.blocks })).toContain('Mood logged: 6/10');
      expect(await entriesOfSlackUser(getDb().db, command.user_id)).toBe(1);
    });

    it('GIVEN the same signed request replayed with x-slack-retry-num: 1 THEN it is acknowledged and ignored: one entry, one answer', async () => {
      const command = slashCommand({
        command: '/mood',
        text: '6 tired',
        response_url: rig.fake.responseUrl(),
      });
      const signed = signedForm(SIGNING_SECRET, fieldsOf(command));
      expect((await post(rig.eventsUrl, signed)).status).toBe(200);
      await waitForResponse(rig.fake, command.response_url);

      const retry = await post(rig.eventsUrl, signed, {
        'x-slack-retry-num': '1',
        'x-slack-retry-reason': 'http_timeout',
      });
      expect(retry.status).toBe(200);
      const replay = await post(rig.eventsUrl, signed);
      expect(replay.status).toBe(200);
      await settle();
      expect(await entriesOfSlackUser(getDb().db, command.user_id)).toBe(1);
      expect(rig.fake.responsesTo(command.response_url.split('/').pop()!)).toHaveLength(1);
    });

    it('GIVEN the same command delivered twice at the same moment THEN it is stored once', async () => {
      const command = slashCommand({ command: '/mood', text: '7', response_url: rig.fake.responseUrl() });
      const signed = signedForm(SIGNING_SECRET, fieldsOf(command));
      const [a, b] = await Promise.all([
        post(rig.eventsUrl, signed),
        post(rig.eventsUrl, signed, { 'x-slack-retry-num': '1' }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      await waitForResponse(rig.fake, command.response_url);
      await settle();
      expect(await entriesOfSlackUser(getDb().db, command.user_id)).toBe(1);
    });

    const rejected: Array<
      [string, (fields: Record<string, string>) => { body: string; headers: Record<string, string> }]
    > = [
      [
        'a tampered body',
        (fields) => {
          const signed = signedForm(SIGNING_SECRET, fields);
          return { ...signed, body: signed.body.replace('text=6', 'text=9') };
        },
      ],
      ['the wrong signing secret', (fields) => signedForm('not-the-secret', fields)],
      [
        'a timestamp 6 minutes old',
        (fields) => signedForm(SIGNING_SECRET, fields, Math.floor(Date.now() / 1000) - 360),
      ],
      [
        'a timestamp 6 minutes in the future',
        (fields) => signedForm(SIGNING_SECRET, fields, Math.floor(Date.now() / 1000) + 360),
      ],
      [
        'a timestamp a year in the future',
        (fields) => signedForm(SIGNING_SECRET, fields, Math.floor(Date.now() / 1000) + 365 * 86_400),
      ],
      [
        'no signature headers',
        (fields) => {
          const { headers, body } = signedForm(SIGNING_SECRET, fields);
          return { body, headers: { 'content-type': headers['content-type']! } };
        },
      ],
      [
        'a signature but no timestamp',
        (fields) => {
          const { headers, body } = signedForm(SIGNING_SECRET, fields);
          return {
            body,
            headers: {
              'content-type': headers['content-type']!,
              'x-slack-signature': headers['x-slack-signature']!,
            },
          };
        },
      ],
      [
        'a signature of another version',
        (fields) => {
          const signed = signedForm(SIGNING_SECRET, fields);
          return {
            ...signed,
            headers: {
              ...signed.headers,
              'x-slack-signature': signed.headers['x-slack-signature']!.replace('v0=', 'v1='),
            },
          };
        },
      ],
    ];
    for (const [what, build] of rejected) {
      it(`GIVEN ${what} THEN 401 and nothing changes`, async () => {
        const command = slashCommand({
          command: '/mood',
          text: '6 tired',
          response_url: rig.fake.responseUrl(),
        });
        const callsBefore = rig.fake.calls.length;
        const res = await post(rig.eventsUrl, build(fieldsOf(command)));
        expect(res.status).toBe(401);
        await settle();
        expect(await slackUserId(getDb().db, command.user_id)).toBeUndefined();
        expect(rig.fake.responsesTo(command.response_url.split('/').pop()!)).toHaveLength(0);
        expect(rig.fake.calls.length).toBe(callsBefore);
      });
    }

    it('GIVEN a signed request declaring a 4 MB body THEN 413 before any of it is sent, and the connection is closed', async () => {
      const command = slashCommand({ command: '/mood', text: '6', response_url: rig.fake.responseUrl() });
      const { headers } = signedForm(SIGNING_SECRET, fieldsOf(command));
      const answer = await headersOnly(rig.eventsUrl, {
        ...headers,
        'content-length': String(4 * 1024 * 1024),
      });
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
      expect(answer.closedByServer).toBe(true);
      expect(await slackUserId(getDb().db, command.user_id)).toBeUndefined();
    });

    it('GIVEN an unsigned request declaring a 4 MB body THEN 401 before any of it is sent', async () => {
      const answer = await headersOnly(rig.eventsUrl, {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(4 * 1024 * 1024),
      });
      expect(answer.status).toBe(401);
      expect(answer.closedByServer).toBe(true);
    });

    it('GIVEN a signed request sent chunked (no Content-Length) THEN 411', async () => {
      const command = slashCommand({ command: '/mood', text: '6', response_url: rig.fake.responseUrl() });
      const { headers } = signedForm(SIGNING_SECRET, fieldsOf(command));
      const answer = await headersOnly(rig.eventsUrl, { ...headers, 'transfer-encoding': 'chunked' });
      expect(answer.status).toBe(411);
      expect(await slackUserId(getDb().db, command.user_id)).toBeUndefined();
    });

    it('GIVEN a request just over SLACK_MAX_BODY_BYTES THEN 413, and a normal command right after is answered', async () => {
      const command = slashCommand({ command: '/mood', text: '6', response_url: rig.fake.responseUrl() });
      const padded = signedForm(SIGNING_SECRET, { ...fieldsOf(command), text: `6 -- ${'x'.repeat(70_000)}` });
      expect((await post(rig.eventsUrl, padded)).status).toBe(413);
      const res = await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(command)));
      expect(res.status).toBe(200);
      await waitForResponse(rig.fake, command.response_url);
      expect(await entriesOfSlackUser(getDb().db, command.user_id)).toBe(1);
    });

    it('GIVEN a signature over the body at a timestamp 4 minutes old THEN it is still accepted', async () => {
      const command = slashCommand({ command: '/mood', text: '5', response_url: rig.fake.responseUrl() });
      const res = await post(
        rig.eventsUrl,
        signedForm(SIGNING_SECRET, fieldsOf(command), Math.floor(Date.now() / 1000) - 240),
      );
      expect(res.status).toBe(200);
      await waitForResponse(rig.fake, command.response_url);
      expect(await entriesOfSlackUser(getDb().db, command.user_id)).toBe(1);
    });

    it("GIVEN the signature helper THEN it matches Slack's documented example", () => {
      // From Slack's "Verifying requests from Slack" page.
      const body =
        'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
      expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
        'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      );
    });
  });

  describe('what a user sees', () => {
    it('GIVEN a new user whose Slack profile says Asia/Tokyo THEN their time zone becomes Asia/Tokyo after the first command', async () => {
      const command = slashCommand({ command: '/mood', text: '6', response_url: rig.fake.responseUrl() });
      rig.fake.users.set(command.user_id, { tz: 'Asia/Tokyo', real_name: 'Kei' });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(command)));
      await waitForResponse(rig.fake, command.response_url);
      const userId = await slackUserId(getDb().db, command.user_id);
      expect(userId).toBeDefined();
      // users.info is asked after the user is made, so nobody waits for it: the zone follows shortly.
      await expect.poll(() => timeZoneOf(getDb().db, userId!)).toBe('Asia/Tokyo');
      expect(await displayNameOf(getDb().db, command.user_id)).toBe('Kei');
      expect(rig.fake.callsTo('users.info').filter((c) => c.body.user === command.user_id)).toHaveLength(1);

      // Later commands do not ask again.
      const again = slashCommand({
        ...command,
        trigger_id: `${command.trigger_id}-2`,
        response_url: rig.fake.responseUrl(),
      });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(again)));
      await waitForResponse(rig.fake, again.response_url);
      expect(rig.fake.callsTo('users.info').filter((c) => c.body.user === command.user_id)).toHaveLength(1);
    });

    it('GIVEN users.info takes 3 s for a new user THEN the first answer does not wait for it, and the zone follows', async () => {
      rig.fake.usersInfoDelayMs = 3000;
      onTestFinished(() => {
        rig.fake.usersInfoDelayMs = 0;
      });
      {
        const command = slashCommand({ command: '/mood', text: '6', response_url: rig.fake.responseUrl() });
        rig.fake.users.set(command.user_id, { tz: 'Asia/Tokyo' });
        const started = performance.now();
        const res = await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(command)));
        await waitForResponse(rig.fake, command.response_url);
        expect(res.status).toBe(200);
        expect(performance.now() - started).toBeLessThan(2500);
        const userId = (await slackUserId(getDb().db, command.user_id))!;
        expect(await timeZoneOf(getDb().db, userId)).toBe('UTC');
        await expect.poll(() => timeZoneOf(getDb().db, userId), { timeout: 6000 }).toBe('Asia/Tokyo');
      }
    });

    it('GIVEN a burst of new users THEN users.info is asked only once their commands are answered, and every zone follows', async () => {
      const commands = Array.from({ length: 20 }, () =>
        slashCommand({ command: '/mood', text: '6', response_url: rig.fake.responseUrl() }),
      );
      for (const command of commands) rig.fake.users.set(command.user_id, { tz: 'Asia/Tokyo' });
      const answeredAt = await Promise.all(
        commands.map(async (command) => {
          const res = await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(command)));
          expect(res.status).toBe(200);
          return Date.now();
        }),
      );
      const lastAnswer = Math.max(...answeredAt);
      const ids = new Set(commands.map((c) => c.user_id));
      await rig.fake.waitFor(
        () =>
          rig.fake.callsTo('users.info').filter((c) => ids.has(String(c.body.user))).length >= ids.size
            ? true
            : undefined,
        10_000,
        'users.info for every new user',
      );
      const asked = rig.fake.callsTo('users.info').filter((c) => ids.has(String(c.body.user)));
      // The fake stamps a call on arrival; the last acknowledgement left the bot before the client read it.
      expect(Math.min(...asked.map((c) => c.at))).toBeGreaterThanOrEqual(lastAnswer - 50);
      for (const command of commands) {
        const userId = (await slackUserId(getDb().db, command.user_id))!;
        await expect.poll(() => timeZoneOf(getDb().db, userId), { timeout: 6000 }).toBe('Asia/Tokyo');
      }
    });

    it('GIVEN a new user chose a time zone before users.info answered THEN their choice stays', async () => {
      rig.fake.usersInfoDelayMs = 1500;
      onTestFinished(() => {
        rig.fake.usersInfoDelayMs = 0;
      });
      const mood = slashCommand({ command: '/mood', text: '6', response_url: rig.fake.responseUrl() });
      rig.fake.users.set(mood.user_id, { tz: 'Asia/Tokyo' });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(mood)));
      await waitForResponse(rig.fake, mood.response_url);
      const settings = slashCommand({
        ...mood,
        command: '/settings',
        text: 'timezone Europe/Lisbon',
        trigger_id: `${mood.trigger_id}-tz`,
        response_url: rig.fake.responseUrl(),
      });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(settings)));
      await waitForResponse(rig.fake, settings.response_url);
      await rig.fake.waitFor(
        () => (rig.fake.callsTo('users.info').some((c) => c.body.user === mood.user_id) ? true : undefined),
        5000,
        'users.info',
      );
      await new Promise((resolve) => setTimeout(resolve, 1800));
      expect(await timeZoneOf(getDb().db, (await slackUserId(getDb().db, mood.user_id))!)).toBe(
        'Europe/Lisbon',
      );
    });

    it('GIVEN users.info fails for a new user THEN the command still works and the zone is UTC', async () => {
      const command = slashCommand({ command: '/mood', text: '4', response_url: rig.fake.responseUrl() });
      const res = await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(command)));
      expect(res.status).toBe(200);
      const answer = await waitForResponse(rig.fake, command.response_url);
      expect(answer.body.text).toContain('Mood logged: 4/10');
      expect(await timeZoneOf(getDb().db, (await slackUserId(getDb().db, command.user_id))!)).toBe('UTC');
    });

    it('GIVEN a note with <!channel> and <@U123> THEN /history shows it escaped, mentioning no one', async () => {
      const user = `U${Date.now().toString(36).toUpperCase()}`;
      const mood = slashCommand({
        command: '/mood',
        user_id: user,
        // As Slack delivers typed text: &, < and > escaped.
        text: '5 -- hi &lt;!channel&gt; &amp; &lt;@U123&gt;',
        response_url: rig.fake.responseUrl(),
      });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(mood)));
      await waitForResponse(rig.fake, mood.response_url);
      const history = slashCommand({
        command: '/history',
        user_id: user,
        text: '',
        response_url: rig.fake.responseUrl(),
      });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(history)));
      const answer = await waitForResponse(rig.fake, history.response_url);
      const shown = allText(answer.body);
      expect(shown).toContain('hi &lt;!channel&gt; &amp; &lt;@U123&gt;');
      expect(shown).not.toContain('<!channel>');
      expect(shown).not.toContain('<@U123>');
      expect(answer.body.link_names).toBeUndefined();
    });

    it('GIVEN /mood with quoted tags holding a comma, straight or as curly quotes THEN each quoted tag is stored as one', async () => {
      const user = `U${Date.now().toString(36).toUpperCase()}Q`;
      for (const text of [`5 "tired, sad" 'anxious'`, '6 “tired, sad” ‘anxious’']) {
        const mood = slashCommand({
          command: '/mood',
          user_id: user,
          text,
          response_url: rig.fake.responseUrl(),
        });
        await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(mood)));
        expect((await waitForResponse(rig.fake, mood.response_url)).body.text).toContain('Mood logged');
      }

      const entries = await listMoodEntries(getDb().db, (await slackUserId(getDb().db, user))!);
      expect(entries.map((e) => e.emotions)).toEqual([
        ['tired, sad', 'anxious'],
        ['tired, sad', 'anxious'],
      ]);
    });

    it('GIVEN a typo in the options THEN the answer is private and says what to fix, and nothing is stored', async () => {
      const command = slashCommand({ command: '/mood', text: '11', response_url: rig.fake.responseUrl() });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(command)));
      const answer = await waitForResponse(rig.fake, command.response_url);
      expect(answer.body.response_type).toBe('ephemeral');
      expect(String(answer.body.text)).toMatch(/1 to 10/);
      expect(await entriesOfSlackUser(getDb().db, command.user_id)).toBe(0);
    });

    it('GIVEN a slash command this version does not know (in the manifest, e.g. /link before it ships) THEN it still gets an answer', async () => {
      const command = slashCommand({ command: '/nosuch', text: '', response_url: rig.fake.responseUrl() });
      const res = await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(command)));
      expect(res.status).toBe(200);
      const answer = await waitForResponse(rig.fake, command.response_url);
      expect(String(answer.body.text)).toContain('There is no /nosuch command');
    });

    it('GIVEN /export THEN both files are uploaded to the DM through getUploadURLExternal, upload and completeUploadExternal, and the answer says so', async () => {
      const mood = slashCommand({ command: '/mood', text: '8 calm', response_url: rig.fake.responseUrl() });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(mood)));
      await waitForResponse(rig.fake, mood.response_url);
      const uploadsBefore = rig.fake.uploads.length;
      const completeBefore = rig.fake.callsTo('files.completeUploadExternal').length;

      const command = slashCommand({
        command: '/export',
        user_id: mood.user_id,
        text: '',
        response_url: rig.fake.responseUrl(),
      });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(command)));
      const answer = await waitForResponse(rig.fake, command.response_url);
      expect(answer.body.response_type).toBe('ephemeral');
      expect(String(answer.body.text)).toContain('direct messages');

      const opened = rig.fake.callsTo('conversations.open').filter((c) => c.body.users === mood.user_id);
      expect(opened).toHaveLength(1);
      const uploads = rig.fake.uploads.slice(uploadsBefore);
      expect(uploads.map((u) => u.filename).sort()).toEqual([
        expect.stringMatching(/^moodscale-export-[\w-]+-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.json$/),
        expect.stringMatching(/^moodscale-moods-[\w-]+-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.csv$/),
      ]);
      const jsonFile = uploads.find((u) => u.filename.endsWith('.json'))!;
      expect(() => JSON.parse(jsonFile.bytes.toString('utf8'))).not.toThrow();
      expect(uploads.find((u) => u.filename.endsWith('.csv'))!.bytes.toString('utf8')).toContain('calm');
      const complete = rig.fake.callsTo('files.completeUploadExternal').slice(completeBefore);
      expect(complete).toHaveLength(1);
      expect(complete[0]!.body.channel_id).toBe(`D${mood.user_id}`);
      expect(complete[0]!.body.files).toHaveLength(2);
    });

    it('GIVEN /export when the upload fails THEN the answer says the files could not be sent', async () => {
      rig.fake.failNext('files.getUploadURLExternal', { error: 'missing_scope' });
      const command = slashCommand({ command: '/export', text: '', response_url: rig.fake.responseUrl() });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(command)));
      const answer = await waitForResponse(rig.fake, command.response_url);
      expect(String(answer.body.text)).toContain('could not send');
      expect(String(answer.body.text)).toContain('missing_scope');
    });
  });

  describe('the /forget button', () => {
    async function forgetPrompt(user: string) {
      const mood = slashCommand({
        command: '/mood',
        user_id: user,
        text: '3',
        response_url: rig.fake.responseUrl(),
      });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(mood)));
      await waitForResponse(rig.fake, mood.response_url);
      const forget = slashCommand({
        command: '/forget',
        user_id: user,
        text: '',
        response_url: rig.fake.responseUrl(),
      });
      await post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(forget)));
      const prompt = await waitForResponse(rig.fake, forget.response_url);
      const [button] = buttonsOf(prompt.body);
      expect(button).toBeDefined();
      return { prompt, button: button! };
    }

    it('GIVEN the confirmation button clicked THEN everything is erased and the prompt is replaced; a second delivery of the click is ignored', async () => {
      const user = `UF${Date.now().toString(36).toUpperCase()}`;
      const { prompt, button } = await forgetPrompt(user);
      expect(button.action_id).toMatch(/^ms:/);
      expect(button.value).toContain('/forget confirm:');
      expect(allText(prompt.body)).toContain('<!date^');

      const click = blockActions({
        user_id: user,
        team_id: TEAM,
        ...button,
        response_url: rig.fake.responseUrl(),
      });
      const signed = signedInteraction(SIGNING_SECRET, click);
      expect((await post(rig.eventsUrl, signed)).status).toBe(200);
      const answer = await waitForResponse(rig.fake, String(click.response_url));
      expect(answer.body.replace_original).toBe(true);
      expect(String(answer.body.text)).toContain('Erased');
      expect(await slackUserId(getDb().db, user)).toBeUndefined();

      expect((await post(rig.eventsUrl, signed, { 'x-slack-retry-num': '1' })).status).toBe(200);
      await settle();
      expect(rig.fake.responsesTo(String(click.response_url).split('/').pop()!)).toHaveLength(1);
      // The retried click did not create the user again.
      expect(await slackUserId(getDb().db, user)).toBeUndefined();
    });

    it('GIVEN an expired button THEN nothing is erased and the answer says to run the command again', async () => {
      const user = `UE${Date.now().toString(36).toUpperCase()}`;
      const { button } = await forgetPrompt(user);
      const value = JSON.parse(button.value) as { c: string; x: number };
      const click = blockActions({
        user_id: user,
        team_id: TEAM,
        action_id: button.action_id,
        value: JSON.stringify({ ...value, x: Date.now() - 1000 }),
        response_url: rig.fake.responseUrl(),
      });
      expect((await post(rig.eventsUrl, signedInteraction(SIGNING_SECRET, click))).status).toBe(200);
      const answer = await waitForResponse(rig.fake, String(click.response_url));
      expect(String(answer.body.text)).toContain('expired');
      expect(await entriesOfSlackUser(getDb().db, user)).toBe(1);
    });
  });

  describe('load', () => {
    it('GIVEN 500 signed /mood requests from 50 users at once THEN every one is acknowledged with 200 and stored exactly once', async () => {
      const users = Array.from(
        { length: 50 },
        (_, i) => `ULOAD${i}X${Date.now().toString(36).toUpperCase()}`,
      );
      const commands = Array.from({ length: 500 }, (_, i) =>
        slashCommand({
          command: '/mood',
          text: `${(i % 10) + 1} tired -- load ${i}`,
          user_id: users[i % 50]!,
          response_url: rig.fake.responseUrl(),
        }),
      );
      const started = performance.now();
      const results = await Promise.all(
        commands.map((c) => post(rig.eventsUrl, signedForm(SIGNING_SECRET, fieldsOf(c)))),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      // Generous sanity bound only; bench/slack-http.ts reports the real distribution.
      expect(Math.max(...results.map((r) => r.elapsedMs))).toBeLessThan(15_000);

      await rig.fake.waitFor(
        () =>
          commands.every((c) => rig.fake.responsesTo(c.response_url.split('/').pop()!).length === 1) ||
          undefined,
        90_000,
        'every answer',
      );
      const counts = await Promise.all(users.map((u) => entriesOfSlackUser(getDb().db, u)));
      expect(counts).toEqual(users.map(() => 10));
      expect(performance.now() - started).toBeLessThan(90_000);
    }, 120_000);
  });
});

/**
 * Sends a POST's headers and none of its body, and reads the answer: a server that waited for the
 * body would never answer (the test would time out).
 */
function headersOnly(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string>; closedByServer: boolean }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = ''] = received.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const parsed: Record<string, string> = {};
      for (const line of lines) {
        const at = line.indexOf(':');
        if (at > 0) parsed[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers: parsed, closedByServer: true });
      socket.destroy();
    });
    const lines = Object.entries({ host: target.host, ...headers }).map(([k, v]) => `${k}: ${v}`);
    socket.write(`POST ${target.pathname} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
  });
}
