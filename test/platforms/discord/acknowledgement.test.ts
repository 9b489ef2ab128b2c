import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../../commands/index.js';
import { CommandRegistry, createCommandFactory, reply } from '../../../src/core/commands/index.js';
import { UserError } from '../../../src/core/errors.js';
import type { Database } from '../../../src/db/database.js';
import type { Services } from '../../../src/services/services.js';
import { createTestDatabase } from '../../support/test-database.js';
import {
  type DiscordHarness,
  EPHEMERAL,
  messageOf,
  messageOfRequest,
  newDiscordUser,
  startDiscord,
  textOfMessage,
} from './discord-harness.js';

const defineCommand = createCommandFactory<Services>();

/** Declared slow, and slower than Discord's 3 seconds would allow to answer directly. */
const ponder = defineCommand({
  name: 'ponder',
  description: 'Takes 2.5 s and says so',
  slow: true,
  async run() {
    await sleep(2500);
    return reply.private('Pondered for 2.5 s.');
  },
});

/** Not declared slow, but slower than the adapter waits before deferring. */
const dawdle = defineCommand({
  name: 'dawdle',
  description: 'Takes 600 ms without saying so',
  async run() {
    await sleep(600);
    return reply.private('Dawdled.');
  },
});

/** A public, slow command that fails: its private error must not go to the channel. */
const announce = defineCommand({
  name: 'announce',
  description: 'A public answer that fails after a while',
  visibility: 'public',
  slow: true,
  async run() {
    await sleep(50);
    throw new UserError('Nothing to announce yet.');
  },
});

/** A public, slow command that works. */
const share = defineCommand({
  name: 'slow-post',
  description: 'A public answer after a while',
  visibility: 'public',
  slow: true,
  async run() {
    await sleep(50);
    return reply.public('Shared with the channel.');
  },
});

describe('acknowledging within 3 seconds', () => {
  let db: Database;
  let h: DiscordHarness;
  const editOf = (token: string) =>
    h.fake.waitForRequest(
      (r) =>
        r.method === 'PATCH' && r.path === `/webhooks/${h.fake.applicationId}/${token}/messages/@original`,
    );

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    h = await startDiscord(db.db, {
      registry: new CommandRegistry<Services>([...allCommands, ponder, dawdle, announce, share]),
      adapter: { ackAfterMs: 200 },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  it('GIVEN a command declared slow (2.5 s) THEN it is deferred at once with the ephemeral flag, then edited with the answer', async () => {
    const ack = await h.command('ponder', [], newDiscordUser());
    expect(ack.type).toBe(5);
    expect(messageOf(ack.data).flags).toBe(EPHEMERAL);
    // Sanity bound only: the deferral does not wait for the handler.
    expect(ack.ackMs).toBeLessThan(1500);
    const edit = await editOf(ack.token);
    expect(edit.status).toBe(200);
    expect(textOfMessage(messageOfRequest(edit))).toContain('Pondered for 2.5 s.');
    expect(messageOfRequest(edit).allowed_mentions).toEqual({ parse: [] });
  });

  it('GIVEN a command not declared slow that outlasts ackAfterMs THEN it is deferred privately, then edited', async () => {
    const ack = await h.command('dawdle', [], newDiscordUser());
    expect(ack.type).toBe(5);
    expect(messageOf(ack.data).flags).toBe(EPHEMERAL);
    expect(ack.ackMs).toBeGreaterThanOrEqual(150);
    expect(ack.ackMs).toBeLessThan(3000);
    const edit = await editOf(ack.token);
    expect(textOfMessage(messageOfRequest(edit))).toContain('Dawdled.');
  });

  it('GIVEN a quick command THEN it is answered directly, without deferral', async () => {
    const ack = await h.command('help', [], newDiscordUser());
    expect(ack.type).toBe(4);
  });

  it('GIVEN a public slow command THEN the deferral is public (no flag) and the edit shows the answer', async () => {
    const ack = await h.command('slow-post', [], newDiscordUser());
    expect(ack.type).toBe(5);
    expect(messageOf(ack.data).flags ?? 0).toBe(0);
    const edit = await editOf(ack.token);
    expect(textOfMessage(messageOfRequest(edit))).toContain('Shared with the channel.');
  });

  it('GIVEN a public slow command whose answer is a private error THEN the public placeholder is deleted and the error sent ephemerally', async () => {
    const ack = await h.command('announce', [], newDiscordUser());
    expect(ack.type).toBe(5);
    const followUp = await h.fake.waitForRequest(
      (r) => r.method === 'POST' && r.path === `/webhooks/${h.fake.applicationId}/${ack.token}`,
    );
    expect(messageOfRequest(followUp).flags).toBe(EPHEMERAL);
    expect(textOfMessage(messageOfRequest(followUp))).toContain('Nothing to announce yet.');
    expect(
      h.fake.requests.some(
        (r) =>
          r.method === 'DELETE' &&
          r.path === `/webhooks/${h.fake.applicationId}/${ack.token}/messages/@original`,
      ),
    ).toBe(true);
    expect(
      h.fake.requests.some(
        (r) =>
          r.method === 'PATCH' &&
          r.path === `/webhooks/${h.fake.applicationId}/${ack.token}/messages/@original`,
      ),
    ).toBe(false);
  });
});

describe('stopping with interactions in flight', () => {
  it('GIVEN a slow command in flight WHEN the adapter stops THEN new interactions are turned away and the slow one still completes', async () => {
    const db = await createTestDatabase('pglite');
    const h = await startDiscord(db.db, {
      registry: new CommandRegistry<Services>([...allCommands, ponder]),
    });
    try {
      const slow = await h.command('ponder', [], newDiscordUser());
      expect(slow.type).toBe(5);
      const stopped = h.adapter.stop();
      const late = await h.command('help', [], newDiscordUser());
      expect(textOfMessage(messageOf(late.data))).toContain('restarting');
      expect(messageOf(late.data).flags).toBe(EPHEMERAL);
      await stopped;
      const edit = h.fake.requests.find(
        (r) =>
          r.method === 'PATCH' &&
          r.path === `/webhooks/${h.fake.applicationId}/${slow.token}/messages/@original`,
      );
      expect(edit?.status).toBe(200);
    } finally {
      await h.stop();
      await db.close();
    }
  });
});
