import { describe, expect, it } from 'vitest';
import { createStatementGroup } from '../../src/core/statement-group.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A group whose statement only records what it was sent. */
function recordingGroup(options: Parameters<typeof createStatementGroup>[1] = {}) {
  const sent: number[][] = [];
  const group = createStatementGroup<number, number>(async (items) => {
    sent.push(items);
    await sleep(5);
    return items.map((n) => n * 10);
  }, options);
  return { group, sent };
}

describe('grouping statements', () => {
  it('GIVEN calls made in one turn THEN they leave in one statement and each gets its own answer', async () => {
    const { group, sent } = recordingGroup();
    const answers = await Promise.all([group.run(1), group.run(2), group.run(3)]);
    expect(sent).toEqual([[1, 2, 3]]);
    expect(answers).toEqual([10, 20, 30]);
  });

  it('GIVEN a linger of 200 ms THEN calls spread over a few ms still share one statement', async () => {
    // Far longer than the two 5 ms sleeps: with 30 ms, timers late under a busy suite split the group.
    const { group, sent } = recordingGroup({ lingerMs: 200 });
    const first = group.run(1);
    await sleep(5);
    const second = group.run(2);
    await sleep(5);
    const third = group.run(3);
    expect(await Promise.all([first, second, third])).toEqual([10, 20, 30]);
    expect(sent).toEqual([[1, 2, 3]]);
  });

  it('GIVEN no linger THEN calls in different turns leave in separate statements', async () => {
    const { group, sent } = recordingGroup({ maxInFlight: 4 });
    const first = group.run(1);
    await sleep(1);
    const second = group.run(2);
    await Promise.all([first, second]);
    expect(sent).toEqual([[1], [2]]);
  });

  it('GIVEN a group of 20 callers THEN they are answered a few per turn of the event loop, so other work runs between them', async () => {
    const order: string[] = [];
    const group = createStatementGroup<number, number>(async (items) => {
      await sleep(5);
      // Work that becomes ready as the statement returns (another request, a timer).
      setImmediate(() => order.push('other work'));
      return items;
    });
    const calls = Array.from({ length: 20 }, (_, i) => group.run(i).then(() => order.push(`caller ${i}`)));

    await Promise.all(calls);

    const other = order.indexOf('other work');
    expect(other).toBeGreaterThan(0);
    expect(other).toBeLessThan(20);
    expect(order.filter((o) => o.startsWith('caller'))).toEqual(
      Array.from({ length: 20 }, (_, i) => `caller ${i}`),
    );
  });

  it('GIVEN a group of 20 callers THEN idle resolves only once every caller has its answer', async () => {
    const { group } = recordingGroup();
    const answered: number[] = [];
    const calls = Array.from({ length: 20 }, (_, i) => group.run(i).then(() => answered.push(i)));
    await new Promise((resolve) => setTimeout(resolve, 1));

    await group.idle;

    expect(answered).toHaveLength(20);
    await Promise.all(calls);
  });
});
