import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { type ScheduledJob, startScheduler } from '../../src/jobs/scheduler.js';

const clock = fixedClock('2026-11-23T09:00:00Z');

describe('the job scheduler', () => {
  it('GIVEN a job every second THEN node-cron runs it with the clock’s time', async () => {
    const seen: Date[] = [];
    const scheduler = startScheduler({
      jobs: [{ name: 'tick', cron: '* * * * * *', run: async (now) => void seen.push(now) }],
      clock,
      logger: silentLogger(),
    });
    await sleep(2200);
    await scheduler.stop();
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen[0]?.toISOString()).toBe('2026-11-23T09:00:00.000Z');
  });

  it('GIVEN several jobs THEN runOnce runs the named one only, at the time given', async () => {
    const ran: string[] = [];
    const job = (name: string): ScheduledJob => ({
      name,
      cron: '0 * * * *',
      run: async (now) => void ran.push(`${name}@${now.toISOString()}`),
    });
    const scheduler = startScheduler({
      jobs: [job('digest'), job('channel')],
      clock,
      logger: silentLogger(),
    });
    await scheduler.runOnce('channel', new Date('2026-11-23T10:00:00Z'));
    await scheduler.stop();
    expect(ran).toEqual(['channel@2026-11-23T10:00:00.000Z']);
    await expect(scheduler.runOnce('missing')).rejects.toThrow('no scheduled job called missing');
  });

  it('GIVEN a run still going THEN a second one joins it instead of overlapping', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const scheduler = startScheduler({
      jobs: [
        {
          name: 'slow',
          cron: '0 * * * *',
          run: async () => {
            runs++;
            active++;
            most = Math.max(most, active);
            await sleep(100);
            active--;
          },
        },
      ],
      clock,
      logger: silentLogger(),
    });
    await Promise.all([scheduler.runOnce('slow'), scheduler.runOnce('slow'), scheduler.runOnce('slow')]);
    await scheduler.stop();
    expect(most).toBe(1);
    expect(runs).toBe(1);
  });

  it('GIVEN a job that throws THEN onFailure hears of it and the next run still happens', async () => {
    const failures: string[] = [];
    let calls = 0;
    const scheduler = startScheduler({
      jobs: [
        {
          name: 'flaky',
          cron: '0 * * * *',
          run: async () => {
            calls++;
            if (calls === 1) throw new Error('database unreachable');
          },
        },
      ],
      clock,
      logger: silentLogger(),
      onFailure: (job, error) => failures.push(`${job}: ${(error as Error).message}`),
    });
    await scheduler.runOnce('flaky');
    await scheduler.runOnce('flaky');
    await scheduler.stop();
    expect(failures).toEqual(['flaky: database unreachable']);
    expect(calls).toBe(2);
  });

  it('GIVEN a running job WHEN the scheduler stops THEN the job is told to stop and stop() waits for it', async () => {
    const events: string[] = [];
    const scheduler = startScheduler({
      jobs: [
        {
          name: 'long',
          cron: '0 * * * *',
          run: async (_now, signal) => {
            events.push('started');
            while (!signal.aborted) await sleep(10);
            await sleep(50);
            events.push('finished');
          },
        },
      ],
      clock,
      logger: silentLogger(),
    });
    const run = scheduler.runOnce('long');
    await sleep(30);
    await scheduler.stop();
    events.push('stopped');
    await run;
    expect(events).toEqual(['started', 'finished', 'stopped']);
  });
});
