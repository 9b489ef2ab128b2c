import { describe, expect, it } from 'vitest';
import { createTurnAdmission } from '../../src/core/turn-admission.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('starting a few tasks per turn of the event loop', () => {
  it('GIVEN 10 tasks arriving in one turn with 4 per turn THEN 4 start at once, then 4, then 2, in order', async () => {
    const admit = createTurnAdmission(4);
    const started: number[] = [];

    for (let i = 0; i < 10; i++) admit(() => started.push(i));
    const counts = [started.length];
    await nextTurn();
    counts.push(started.length);
    await nextTurn();
    counts.push(started.length);

    expect(counts).toEqual([4, 8, 10]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('GIVEN a quiet loop THEN a lone task starts at once', () => {
    const admit = createTurnAdmission(4);
    let started = false;

    admit(() => {
      started = true;
    });

    expect(started).toBe(true);
  });

  it('GIVEN tasks waiting THEN a task arriving later starts after them, never ahead', async () => {
    const admit = createTurnAdmission(1);
    const started: string[] = [];

    admit(() => started.push('first'));
    admit(() => started.push('second'));
    admit(() => started.push('third'));
    await nextTurn();
    admit(() => started.push('late'));
    await nextTurn();
    await nextTurn();

    expect(started).toEqual(['first', 'second', 'third', 'late']);
  });
});
