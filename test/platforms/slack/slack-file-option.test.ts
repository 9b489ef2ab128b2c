import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mood from '../../../commands/mood.js';
import { CommandRegistry } from '../../../src/core/commands/index.js';
import type { Database } from '../../../src/db/database.js';
import { isSlackFileUrl, slackFile } from '../../../src/platforms/slack/shared-files.js';
import type { Services } from '../../../src/services/services.js';
import type { FakeSlack, RecordedCall } from '../../fakes/slack/fake-slack.js';
import {
  eventCallback,
  fileShareEvent,
  messageEvent,
  slashCommand,
} from '../../fakes/slack/slack-requests.js';
import { createTestDatabase } from '../../support/test-database.js';
import { fileTestRegistry, READ_LIMIT, useRegistryForHelp } from '../file-command.js';
import {
  BOT_TOKEN,
  deliverEvent,
  entriesOfSlackUser,
  type SlackRig,
  settle,
  startSlackRig,
  waitForResponse,
} from './slack-support.js';

const CSV = 'date,score,tags,note\n2026-01-02,6,tired,long day\n';
const MINUTE = 60_000;

let users = 0;
const newUser = () => `UFILE${Date.now().toString(36).toUpperCase()}${(users++).toString(36).toUpperCase()}`;

/** Runs a slash command as `user` (from a channel, as Slack sends it) and resolves with the answer's text. */
async function run(rig: SlackRig, user: string, command: string, text = ''): Promise<string> {
  const fields = slashCommand({ command, text, user_id: user, response_url: rig.fake.responseUrl() });
  rig.fake.sendEnvelope('slash_commands', { ...fields });
  const answer = await waitForResponse(rig.fake, fields.response_url);
  return String(answer.body.text);
}

/** The bot's posts in a DM channel, once `n` have arrived. */
function postsIn(fake: FakeSlack, channel: string, n = 1): Promise<RecordedCall[]> {
  return fake.waitFor(
    () => {
      const found = fake.callsTo('chat.postMessage').filter((c) => c.body.channel === channel);
      return found.length >= n ? found : undefined;
    },
    10_000,
    `${n} post(s) in ${channel}`,
  );
}

describe('a file option on Slack: the newest file the user shared in their DM with the bot', () => {
  let db: Database;
  let rig: SlackRig;
  const registry = fileTestRegistry();

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    rig = await startSlackRig(db.db, 'socket', { registry });
    useRegistryForHelp(rig.app.services, registry);
  });
  afterAll(async () => {
    await rig?.close();
    await db?.close();
  });

  it('GIVEN a CSV shared in the DM WHEN the user runs /readfile in a channel THEN the command reads it and answers with its name, size and first line', async () => {
    const user = newUser();
    rig.fake.shareFile({ user, name: 'daylio_export.csv', data: CSV });

    const text = await run(rig, user, '/readfile');
    expect(text).toContain(
      `daylio_export.csv: ${CSV.length} bytes (size ${CSV.length}); first line: date,score,tags,note`,
    );
  });

  it('GIVEN a shared file THEN files.list is asked for the user’s files in their DM from 30 minutes back, with the bot token', async () => {
    const user = newUser();
    rig.fake.shareFile({ user, name: 'a.csv', data: CSV });
    const before = Math.floor((Date.now() - 30 * MINUTE) / 1000);
    await run(rig, user, '/readfile');

    const list = rig.fake.callsTo('files.list').at(-1)!;
    expect(list.token).toBe(BOT_TOKEN);
    expect(list.body).toMatchObject({ channel: `D${user}`, user });
    expect(Number(list.body.ts_from)).toBeGreaterThanOrEqual(before - 5);
    expect(Number(list.body.ts_from)).toBeLessThanOrEqual(before + 5);
  });

  it('GIVEN a shared file THEN its bytes are downloaded with the bot token', async () => {
    const user = newUser();
    const file = rig.fake.shareFile({ user, name: 'b.csv', data: CSV });
    await run(rig, user, '/readfile');
    expect(rig.fake.fileDownloads.filter((d) => d.fileId === file.id)).toEqual([
      { fileId: file.id, token: BOT_TOKEN, served: true },
    ]);
  });

  it('GIVEN two files shared in the DM THEN the newer one is read', async () => {
    const user = newUser();
    rig.fake.shareFile({ user, name: 'older.csv', data: 'old\n', createdAt: Date.now() - 10 * MINUTE });
    rig.fake.shareFile({ user, name: 'newer.csv', data: 'new\n', createdAt: Date.now() - MINUTE });
    expect(await run(rig, user, '/readfile')).toContain('newer.csv: 4 bytes (size 4); first line: new');
  });

  it('GIVEN no file shared THEN the answer says to share the file in the DM with MoodScale, then run the command again', async () => {
    const text = await run(rig, newUser(), '/readfile');
    expect(text).toContain(
      'I found no file you shared with me in the last 30 minutes. Share the file in your direct message with MoodScale (its Messages tab), then run /readfile again.',
    );
  });

  it('GIVEN a file shared 31 minutes ago THEN it is not taken', async () => {
    const user = newUser();
    rig.fake.shareFile({ user, name: 'stale.csv', data: CSV, createdAt: Date.now() - 31 * MINUTE });
    expect(await run(rig, user, '/readfile')).toContain('I found no file you shared with me');
  });

  it('GIVEN files shared by someone else, or by the user in a channel THEN neither is taken', async () => {
    const user = newUser();
    rig.fake.shareFile({ user: newUser(), name: 'theirs.csv', data: CSV, channel: `D${user}` });
    rig.fake.shareFile({ user, name: 'channel.csv', data: CSV, channel: 'C0GENERAL' });
    expect(await run(rig, user, '/readfile')).toContain('I found no file you shared with me');
  });

  it('GIVEN a shared file larger than the command reads THEN the answer says its size and the limit, and nothing is downloaded', async () => {
    const user = newUser();
    const file = rig.fake.shareFile({ user, name: 'big.csv', data: 'x'.repeat(READ_LIMIT + 1) });
    const text = await run(rig, user, '/readfile');
    expect(text).toContain('big.csv is 65 bytes, more than the 64 bytes I can read.');
    expect(rig.fake.fileDownloads.filter((d) => d.fileId === file.id)).toEqual([]);
  });

  it('GIVEN a recorded /readfile resumed after a crash THEN it finds the file shared before the command arrived, not one shared after', async () => {
    const user = newUser();
    const receivedAt = Date.now() - 10 * MINUTE;
    rig.fake.shareFile({ user, name: 'before.csv', data: CSV, createdAt: receivedAt - 5 * MINUTE });
    rig.fake.shareFile({ user, name: 'after.csv', data: CSV, createdAt: receivedAt + 5 * MINUTE });
    // The delivery as the inbox keeps it (slack-deliveries.ts), read back by a new instance.
    const payload = {
      kind: 'command',
      receivedAt,
      command: slashCommand({
        command: '/readfile',
        text: '',
        user_id: user,
        response_url: rig.fake.responseUrl(),
      }),
      displayName: null,
    };
    const invocation = rig.adapter.inboxSurface.invocationOf(payload);
    const files = await invocation?.files?.();
    expect(files?.typed).toBe(false);
    const file = files?.open(undefined);
    expect(file?.name).toBe('before.csv');
    expect(new TextDecoder().decode(await file?.read(READ_LIMIT))).toBe(CSV);
  });

  it('GIVEN a listed file whose URL is not on a Slack file host THEN it is skipped and the bot token is not sent there', async () => {
    const user = newUser();
    const file = rig.fake.shareFile({ user, name: 'elsewhere.csv', data: CSV });
    file.url_private_download = 'https://files.example.org/elsewhere.csv';
    file.url_private = 'https://files.example.org/elsewhere.csv';
    expect(await run(rig, user, '/readfile')).toContain('I found no file you shared with me');
  });

  it('GIVEN URLs THEN Slack’s own https hosts and SLACK_API_URL’s origin are trusted with the token, nothing else', () => {
    const api = 'http://127.0.0.1:4000/api/';
    expect(isSlackFileUrl('https://files.slack.com/files-pri/T1-F1/download/a.csv', undefined)).toBe(true);
    expect(isSlackFileUrl('http://127.0.0.1:4000/files-pri/T1-F1/a.csv', api)).toBe(true);
    expect(isSlackFileUrl('http://files.slack.com/a.csv', undefined)).toBe(false);
    expect(isSlackFileUrl('https://slack.com.example.org/a.csv', undefined)).toBe(false);
    expect(isSlackFileUrl('http://127.0.0.1:4001/a.csv', api)).toBe(false);
    expect(isSlackFileUrl('not a url', api)).toBe(false);
  });

  it('GIVEN a file URL fetched without the bot token THEN the fake answers with the sign-in page, not the bytes', async () => {
    const file = rig.fake.shareFile({ user: newUser(), name: 'private.csv', data: CSV });
    const response = await fetch(file.url_private_download);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).not.toContain('date,score');
    expect(rig.fake.fileDownloads.at(-1)).toEqual({ fileId: file.id, token: undefined, served: false });
  });

  it('GIVEN a token Slack does not accept for files THEN reading says Slack refused it, instead of reading the sign-in page', async () => {
    const file = rig.fake.shareFile({ user: newUser(), name: 'refused.csv', data: CSV });
    rig.fake.invalidTokens.add('xoxb-revoked');
    const incoming = slackFile(rig.fake.fileObject(file) as never, 'xoxb-revoked');
    await expect(incoming.read(1000)).rejects.toThrow(
      'Slack did not let MoodScale download refused.csv (it answered with its sign-in page).',
    );
  });

  it('GIVEN the file typed by name (file:x) THEN the answer says a file is not typed here', async () => {
    const text = await run(rig, newUser(), '/readfile', 'file:daylio.csv');
    expect(text).toContain(
      'The file cannot be typed here: attach or share the file instead (see /help readfile).',
    );
  });

  it('GIVEN /help readfile on Slack THEN the file option says to share it in the DM first', async () => {
    const text = await run(rig, newUser(), '/help', 'readfile');
    expect(text).toContain('a file: share the file in your DM with MoodScale first, then run the command');
  });

  it('GIVEN a file shared in the DM without a command THEN one line in the DM names the command that reads it', async () => {
    const user = newUser();
    const file = rig.fake.shareFile({ user, name: 'daylio_export.csv', data: CSV });
    const channel = `D${user}`;
    await deliverEvent(
      rig,
      'socket',
      eventCallback(fileShareEvent({ user, channel, files: [rig.fake.fileObject(file)] })),
    );
    const [post] = await postsIn(rig.fake, channel);
    expect(post!.body.text).toBe(
      'Got daylio_export.csv. Type `/readfile` to preview it before anything is saved.',
    );
    expect(await entriesOfSlackUser(db.db, user)).toBe(0);
  });

  it('GIVEN a DM "6 tired" (no file) THEN it is still logged as a mood', async () => {
    const user = newUser();
    const channel = `D${user}`;
    await deliverEvent(
      rig,
      'socket',
      eventCallback(messageEvent({ text: '6 tired', user, channel }, { channel_type: 'im' })),
    );
    const [post] = await postsIn(rig.fake, channel);
    expect(String(post!.body.text)).toContain('Mood logged: 6/10');
    expect(await entriesOfSlackUser(db.db, user)).toBe(1);
  });
});

describe('Slack without the files:read scope', () => {
  it('GIVEN an app installed before files:read WHEN a user runs a file command THEN the answer says the permission is missing and who can add it', async () => {
    const db = await createTestDatabase('pglite');
    const rig = await startSlackRig(db.db, 'socket', { registry: fileTestRegistry() });
    try {
      rig.fake.scopes = rig.fake.scopes.filter((scope) => scope !== 'files:read');
      const user = newUser();
      rig.fake.shareFile({ user, name: 'a.csv', data: CSV });
      expect(await run(rig, user, '/readfile')).toContain(
        'its Slack app lacks the files:read permission. Ask whoever runs MoodScale to update the app from slack-manifest.yaml and reinstall it.',
      );
    } finally {
      await rig.close();
      await db.close();
    }
  });
});

describe('a file shared in the Slack DM when no command reads files', () => {
  it('GIVEN only /mood THEN a file shared in the DM gets no answer', async () => {
    const db = await createTestDatabase('pglite');
    const rig = await startSlackRig(db.db, 'socket', { registry: new CommandRegistry<Services>([mood]) });
    try {
      const user = newUser();
      const file = rig.fake.shareFile({ user, name: 'a.csv', data: CSV });
      await deliverEvent(
        rig,
        'socket',
        eventCallback(fileShareEvent({ user, channel: `D${user}`, files: [rig.fake.fileObject(file)] })),
      );
      await settle(500);
      expect(rig.fake.callsTo('chat.postMessage')).toEqual([]);
    } finally {
      await rig.close();
      await db.close();
    }
  });
});
