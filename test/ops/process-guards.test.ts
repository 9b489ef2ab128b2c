import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, it } from 'vitest';
import { guardUnhandledRejections } from '../../src/ops/process-guards.js';

it('GIVEN the guard WHEN a rejection goes unhandled THEN it is logged with its message and counted, and the process goes on', async () => {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  // The test runner listens too (and fails the run on any rejection it hears): only the guard listens here.
  const runners = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  let counted = 0;
  try {
    const remove = guardUnhandledRejections(logger, () => {
      counted += 1;
    });
    // Emitted as Node emits it for a rejection nobody handled.
    process.emit('unhandledRejection', new Error('entitlements is undefined'), Promise.resolve());
    expect(counted).toBe(1);
    expect(lines.join('')).toContain('entitlements is undefined');
    expect(lines.join('')).toContain('the bot keeps serving');
    remove();
    expect(process.listenerCount('unhandledRejection')).toBe(0);
  } finally {
    for (const listener of runners) process.on('unhandledRejection', listener);
  }
});
