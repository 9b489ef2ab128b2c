import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import { reply } from '../../../src/core/commands/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createDmQueue } from '../../../src/platforms/discord/dm-queue.js';

const apiError = (code: number, status: number) =>
  new DiscordAPIError({ code, message: `error ${code}` }, code, status, 'POST', 'http://x/api/v10/y', {});

function queue(
  send: (id: string) => Promise<void>,
  overrides: { intervalMs?: number; maxAttempts?: number } = {},
) {
  const onBlocked = vi.fn(async (_id: string) => undefined);
  const q = createDmQueue({
    send: (id) => send(id),
    intervalMs: overrides.intervalMs ?? 1,
    retryDelayMs: 1,
    maxAttempts: overrides.maxAttempts ?? 3,
    onBlocked,
    logger: silentLogger(),
  });
  return { q, onBlocked };
}

const message = reply.private('Your week');

describe('the direct message queue', () => {
  it('GIVEN a send that works THEN the result is sent', async () => {
    const { q } = queue(async () => undefined);
    await expect(q.enqueue('1', message)).resolves.toBe('sent');
  });

  it('GIVEN a user who does not accept DMs (50007) THEN blocked, reported once, and never retried', async () => {
    const send = vi.fn(async () => {
      throw apiError(50007, 403);
    });
    const { q, onBlocked } = queue(send);
    await expect(q.enqueue('42', message)).resolves.toBe('blocked');
    expect(send).toHaveBeenCalledTimes(1);
    expect(onBlocked).toHaveBeenCalledExactlyOnceWith('42');
  });

  it('GIVEN DMs opened too fast (40003) once THEN it waits, retries and sends', async () => {
    let calls = 0;
    const { q } = queue(async () => {
      calls += 1;
      if (calls === 1) throw apiError(40003, 403);
    });
    await expect(q.enqueue('1', message)).resolves.toBe('sent');
    expect(calls).toBe(2);
  });

  it('GIVEN Discord failing with 5xx every time THEN it gives up as failed after the bounded attempts', async () => {
    const send = vi.fn(async () => {
      throw new HTTPError(502, 'Bad Gateway', 'POST', 'http://x', {});
    });
    const { q } = queue(send, { maxAttempts: 3 });
    await expect(q.enqueue('1', message)).resolves.toBe('failed');
    expect(send).toHaveBeenCalledTimes(3);
  });

  it('GIVEN another client error (unknown user) THEN failed at once, without retrying', async () => {
    const send = vi.fn(async () => {
      throw apiError(10013, 404);
    });
    const { q } = queue(send);
    await expect(q.enqueue('1', message)).resolves.toBe('failed');
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('GIVEN one message failing THEN the messages behind it are still sent', async () => {
    const { q } = queue(async (id) => {
      if (id === 'bad') throw new Error('boom');
    });
    const results = await Promise.all([q.enqueue('bad', message), q.enqueue('good', message)]);
    expect(results).toEqual(['failed', 'sent']);
  });

  it('GIVEN messages queued behind a long interval WHEN the queue closes THEN they fail at once', async () => {
    const { q } = queue(async () => undefined, { intervalMs: 60_000 });
    const first = q.enqueue('1', message);
    const second = q.enqueue('2', message);
    await expect(first).resolves.toBe('sent');
    const started = performance.now();
    await q.close();
    await expect(second).resolves.toBe('failed');
    expect(performance.now() - started).toBeLessThan(5000);
    await expect(q.enqueue('3', message)).resolves.toBe('failed');
  });
});
