import { describe, expect, it } from 'vitest';
import { createInHand } from '../../../src/platforms/slack/work-queue.js';

const QUIET_MS = 20;
const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('GIVEN the deliveries in hand, asked when there are none', () => {
  it('THEN with nothing in hand it answers at once', async () => {
    const inHand = createInHand(QUIET_MS);
    let idle = false;
    void inHand.whenIdle(10_000).then(() => {
      idle = true;
    });
    await tick();
    expect(idle).toBe(true);
  });

  it('THEN while deliveries are handled it waits until the last one has been, and a lull after it', async () => {
    const inHand = createInHand(QUIET_MS);
    const finish: Array<() => void> = [];
    const handler = () => new Promise<void>((resolve) => finish.push(resolve));
    void inHand.hold(handler);
    void inHand.hold(handler);
    let idle = false;
    void inHand.whenIdle(10_000).then(() => {
      idle = true;
    });
    finish.shift()?.();
    await tick();
    expect(idle).toBe(false);
    finish.shift()?.();
    await tick();
    expect(idle).toBe(false);
    await tick(QUIET_MS * 2);
    expect(idle).toBe(true);
  });

  it('THEN a delivery that arrives within the lull keeps it waiting', async () => {
    const inHand = createInHand(QUIET_MS);
    let finishFirst = () => {};
    void inHand.hold(() => new Promise<void>((resolve) => (finishFirst = resolve)));
    let idle = false;
    void inHand.whenIdle(10_000).then(() => {
      idle = true;
    });
    finishFirst();
    await tick();
    void inHand.hold(() => new Promise<void>(() => {}));
    await tick(QUIET_MS * 2);
    expect(idle).toBe(false);
  });

  it('THEN a handler that throws still leaves the hand', async () => {
    const inHand = createInHand(QUIET_MS);
    let idle = false;
    const failing = inHand.hold(() => tick().then(() => Promise.reject(new Error('boom'))));
    void inHand.whenIdle(10_000).then(() => {
      idle = true;
    });
    await expect(failing).rejects.toThrow('boom');
    await tick(QUIET_MS * 2);
    expect(idle).toBe(true);
  });

  it('THEN under load that never ends it answers after the longest wait it was given', async () => {
    const inHand = createInHand(QUIET_MS);
    void inHand.hold(() => new Promise<void>(() => {}));
    const started = performance.now();
    await inHand.whenIdle(50);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});
