import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { within, withTimeout } from '../../src/core/within.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const never = () => new Promise<never>(() => {});

// Workers keep their modules between files (isolate: false), so a timer another file's code left
// running can be counted by the fake clock too: each test compares with the count it started from.
describe('withTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('GIVEN work that resolves before the deadline THEN it resolves with its value and clears the timer', async () => {
    vi.useFakeTimers();
    const othersBefore = vi.getTimerCount();
    const onTimeout = vi.fn(() => 'fallback');

    const result = await withTimeout(Promise.resolve('done'), 1000, onTimeout);

    expect(result).toBe('done');
    expect(vi.getTimerCount()).toBe(othersBefore);
    await vi.advanceTimersByTimeAsync(2000);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it('GIVEN work still pending at the deadline THEN it resolves with what onTimeout returns', async () => {
    vi.useFakeTimers();
    const result = withTimeout(never(), 1000, () => 'fallback' as const);

    await vi.advanceTimersByTimeAsync(1000);

    await expect(result).resolves.toBe('fallback');
  });

  it('GIVEN work still pending at the deadline and an onTimeout that throws THEN it rejects with that error', async () => {
    vi.useFakeTimers();
    const result = withTimeout(never(), 1000, () => {
      throw new Error('no answer within 1000 ms');
    });
    const settled = expect(result).rejects.toThrow('no answer within 1000 ms');

    await vi.advanceTimersByTimeAsync(1000);

    await settled;
  });

  it('GIVEN work that rejects before the deadline THEN it rejects with the work own error and clears the timer', async () => {
    vi.useFakeTimers();
    const othersBefore = vi.getTimerCount();
    const onTimeout = vi.fn(() => 'fallback');

    await expect(withTimeout(Promise.reject(new Error('refused')), 1000, onTimeout)).rejects.toThrow(
      'refused',
    );

    expect(vi.getTimerCount()).toBe(othersBefore);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it('GIVEN unref THEN a pending deadline does not keep the process alive', async () => {
    const script = [
      "import { withTimeout } from './src/core/within.ts';",
      'void withTimeout(new Promise(() => {}), 60_000, () => undefined, { unref: true });',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      const kill = setTimeout(() => {
        child.kill();
        reject(new Error('the process was still alive after 20 s'));
      }, 20_000);
      child.on('exit', (exitCode) => {
        clearTimeout(kill);
        resolve(exitCode);
      });
    });

    expect(code).toBe(0);
  });
});

describe('within', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('GIVEN a promise still pending at the deadline THEN it answers undefined and clears the timer', async () => {
    vi.useFakeTimers();
    const othersBefore = vi.getTimerCount();
    const result = within(never(), 500);
    expect(vi.getTimerCount()).toBe(othersBefore + 1);

    await vi.advanceTimersByTimeAsync(500);

    await expect(result).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(othersBefore);
  });

  it('GIVEN a promise that resolves within the deadline THEN it answers its value', async () => {
    await expect(within(Promise.resolve(7), 500)).resolves.toEqual({ value: 7 });
  });
});
