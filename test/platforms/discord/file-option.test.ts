import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnyCommand,
  CommandRegistry,
  createCommandFactory,
  opt,
  reply,
} from '../../../src/core/commands/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Database } from '../../../src/db/database.js';
import { toDiscordCommand } from '../../../src/platforms/discord/command-json.js';
import { createDispatcher } from '../../../src/platforms/dispatcher.js';
import { createInbox } from '../../../src/platforms/inbox/delivery-runner.js';
import type { Services } from '../../../src/services/services.js';
import type { RecordedRequest } from '../../fakes/discord/fake-discord.js';
import { chatInputInteraction } from '../../fakes/discord/payloads.js';
import { commandListSchema } from '../../fakes/discord/schemas.js';
import { createAppHarness } from '../../support/app-harness.js';
import { createTestDatabase } from '../../support/test-database.js';
import { fileTestRegistry, READ_LIMIT, readFileCommand, useRegistryForHelp } from '../file-command.js';
import {
  type Acknowledged,
  type DiscordHarness,
  messageOf,
  messageOfRequest,
  moodsOf,
  newDiscordUser,
  startDiscord,
  textOfMessage,
} from './discord-harness.js';

const CSV = 'date,score,tags,note\n2026-01-02,6,tired,long day\n';

/** The answer's text: the reply itself, or the edit that completes a deferral. */
async function answerText(h: DiscordHarness, ack: Acknowledged): Promise<string> {
  if (ack.type === 4) return textOfMessage(messageOf(ack.data));
  const edit = await h.fake.waitForRequest(
    (r) =>
      r.method === 'PATCH' && r.path === `/webhooks/${h.fake.applicationId}/${ack.token}/messages/@original`,
  );
  return textOfMessage(messageOfRequest(edit));
}

/** Messages the bot posted in a user's DM channel, once `count` of them have arrived. */
async function dmsTo(h: DiscordHarness, userId: string, count = 1): Promise<RecordedRequest[]> {
  await h.fake.waitForRequest(() => h.fake.directMessagesTo(userId).length >= count);
  return h.fake.directMessagesTo(userId);
}

describe('a file option on Discord (an attachment, through discord.js and the fake Discord)', () => {
  let db: Database;
  let h: DiscordHarness;
  const registry = fileTestRegistry();

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    h = await startDiscord(db.db, { registry });
    useRegistryForHelp(h.app.services, registry);
  });
  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  it('GIVEN a command with a file option THEN its Discord JSON declares an attachment option (type 11), required', () => {
    const json = toDiscordCommand(readFileCommand as AnyCommand);
    expect(json.options).toEqual([
      { name: 'file', description: 'The file to read', required: true, type: 11 },
    ]);
  });

  it('GIVEN the bot started THEN Discord holds the command with its attachment option', () => {
    const registered = commandListSchema.parse(h.fake.commands()).find((c) => c.name === 'readfile');
    expect(registered?.options).toEqual([
      expect.objectContaining({ name: 'file', type: 11, required: true }),
    ]);
  });

  it('GIVEN /readfile with a CSV attached THEN the command reads it from the CDN and answers with its name, size and first line', async () => {
    const ack = await h.commandWithFile(
      'readfile',
      { option: 'file', name: 'daylio_export.csv', data: CSV, contentType: 'text/csv' },
      newDiscordUser(),
    );
    const text = await answerText(h, ack);
    expect(text).toContain(
      `daylio_export.csv: ${CSV.length} bytes (size ${CSV.length}); first line: date,score,tags,note`,
    );
    expect(h.fake.attachmentDownloads.at(-1)).toMatchObject({ status: 200 });
    expect(h.fake.attachmentDownloads.at(-1)?.path).toMatch(/^\/attachments\/\d+\/\d+\/daylio_export\.csv$/);
  });

  it('GIVEN /readfile in the bot’s DM with a file attached THEN it is read there too', async () => {
    const ack = await h.commandWithFile(
      'readfile',
      { option: 'file', name: 'notes.txt', data: 'first\nsecond\n' },
      newDiscordUser(),
      { channelId: '900000000000000777' },
    );
    expect(await answerText(h, ack)).toContain('notes.txt: 13 bytes (size 13); first line: first');
  });

  it('GIVEN an attachment larger than the command reads THEN the answer says its size, the limit and how to get under it, and the CDN is not asked', async () => {
    const before = h.fake.attachmentDownloads.length;
    const ack = await h.commandWithFile(
      'readfile',
      { option: 'file', name: 'big.csv', data: 'x'.repeat(READ_LIMIT + 1) },
      newDiscordUser(),
    );
    const text = await answerText(h, ack);
    expect(text).toContain('big.csv is 65 bytes, more than the 64 bytes I can read.');
    expect(text).toContain('Make it smaller (export a shorter period, or split it into several files)');
    expect(h.fake.attachmentDownloads.length).toBe(before);
  });

  it('GIVEN an attachment whose CDN link expired THEN the answer says to attach it again', async () => {
    const user = newDiscordUser();
    const attachment = h.fake.uploadAttachment({ name: 'old.csv', data: CSV });
    h.fake.expireAttachments();
    const sent = h.fake.interact(
      chatInputInteraction(
        h.fake.applicationId,
        {
          name: 'readfile',
          options: [{ name: 'file', type: 11, value: attachment.id }],
          resolved: { attachments: { [attachment.id]: attachment } },
        },
        user,
      ),
    );
    const ack = await h.fake.acknowledgement(sent.json.id);
    expect(textOfMessage(messageOfRequest(ack))).toContain(
      'Discord no longer has old.csv. Attach the file again and send the command once more.',
    );
  });

  it('GIVEN /help readfile on Discord THEN the file option says to attach the file', async () => {
    const ack = await h.command('help', [{ name: 'command', type: 3, value: 'readfile' }], newDiscordUser());
    const text = await answerText(h, ack);
    expect(text).toContain('file  The file to read (required; a file: attach the file to the command)');
  });

  it('GIVEN a DM with a file and no command THEN one line names the command that reads files', async () => {
    const author = newDiscordUser();
    h.fake.sendDirectMessage({
      author,
      content: '',
      files: [{ name: 'daylio_export.csv', size: 120, contentType: 'text/csv' }],
    });
    const [answer] = await dmsTo(h, author.id);
    expect(textOfMessage(messageOfRequest(answer!))).toBe(
      'Got daylio_export.csv. Type `/readfile` and attach the file there to preview it before anything is saved.',
    );
    expect(await moodsOf(db.db, author.id)).toEqual([]);
  });

  it('GIVEN a DM "6 tired" with a file attached THEN the mood is logged as before', async () => {
    const author = newDiscordUser();
    h.fake.sendDirectMessage({
      author,
      content: '6 tired',
      files: [{ name: 'photo.png', size: 10, contentType: 'image/png' }],
    });
    const [answer] = await dmsTo(h, author.id);
    expect(textOfMessage(messageOfRequest(answer!))).toContain('Mood logged: 6/10');
    expect(await moodsOf(db.db, author.id)).toEqual([{ score: 6, emotions: ['tired'] }]);
  });
});

describe('a DM with a file when no command reads files', () => {
  it('GIVEN the app without a file command THEN a file DM gets the ordinary hint', async () => {
    const db = await createTestDatabase('pglite');
    const { default: mood } = await import('../../../commands/mood.js');
    const h = await startDiscord(db.db, { registry: new CommandRegistry<Services>([mood]) });
    try {
      const author = newDiscordUser();
      h.fake.sendDirectMessage({
        author,
        content: 'here',
        files: [{ name: 'a.csv', size: 3, contentType: 'text/csv' }],
      });
      const [answer] = await dmsTo(h, author.id);
      expect(textOfMessage(messageOfRequest(answer!))).toContain('send a number from 1 to 10');
    } finally {
      await h.stop();
      await db.close();
    }
  });
});

describe('an attachment delivery resumed after its instance died', () => {
  it('GIVEN /readlater recorded and deferred by an instance that died before reading WHEN another instance resumes it THEN the file is read from the url kept in the inbox and the answer edits the deferral', async () => {
    const db = await createTestDatabase('pglite');
    let firstRunStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      firstRunStarted = resolve;
    });
    let releaseFirst!: () => void;
    const firstGate = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let runs = 0;
    const readLater = createCommandFactory<Services>()({
      name: 'readlater',
      description: 'Read a file, slowly (a test command)',
      slow: true,
      options: { file: opt.file({ description: 'The file to read', required: true }) },
      async run({ options }) {
        // The first instance "dies" here: it never reads the file nor answers.
        if (runs++ === 0) {
          firstRunStarted();
          await firstGate;
        }
        const bytes = await options.file.read(READ_LIMIT);
        return reply.private(`${options.file.name}: ${new TextDecoder().decode(bytes).split('\n')[0]}`);
      },
    });
    const registry = new CommandRegistry<Services>([readLater as AnyCommand<Services>]);
    const app = createAppHarness(db.db);
    const inboxOf = () =>
      createInbox({
        db: db.db,
        cipher: app.cipher,
        logger: silentLogger(),
        leaseMs: 400,
        retentionMs: 3_600_000,
        dispatcher: createDispatcher(registry, app.services),
      }).runner;
    const first = inboxOf();
    const h = await startDiscord(db.db, { registry, adapter: { inbox: first } });
    const second = inboxOf();
    try {
      const ack = await h.commandWithFile(
        'readlater',
        { option: 'file', name: 'resumed.csv', data: CSV },
        newDiscordUser(),
      );
      expect(ack.type).toBe(5);
      await started;
      // The first instance holds the delivery without renewing its lease (its inbox loop never runs).
      second.start([h.adapter.inboxSurface], 200);
      const edit = await h.fake.waitForRequest(
        (r) =>
          r.method === 'PATCH' &&
          r.path === `/webhooks/${h.fake.applicationId}/${ack.token}/messages/@original`,
        15_000,
      );
      expect(textOfMessage(messageOfRequest(edit))).toContain('resumed.csv: date,score,tags,note');
      expect(h.fake.attachmentDownloads.filter((d) => d.path.endsWith('/resumed.csv'))).toEqual([
        expect.objectContaining({ status: 200 }),
      ]);
    } finally {
      await second.stop();
      releaseFirst();
      await h.stop();
      await db.close();
    }
  }, 30_000);
});
