import { expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { Reply } from '../../src/core/commands/index.js';
import { findDigestDelivery } from '../../src/db/repositories/digest-deliveries.js';
import type { SendDirect } from '../../src/platforms/direct-messages.js';
import { describeEachDatabase } from '../support/test-database.js';
import { digestUser, runnerFor } from './digest-support.js';

/** A platform that accepts every DM and remembers who got what. */
function recordingDirect(): { sendDirect: SendDirect; to: (id: string) => Reply[] } {
  const sent: Array<{ id: string; reply: Reply }> = [];
  return {
    sendDirect: async (to, reply) => {
      sent.push({ id: to.externalUserId, reply });
      return 'sent';
    },
    to: (id) => sent.filter((s) => s.id === id).map((s) => s.reply),
  };
}

describeEachDatabase('digest timing in each user’s own time zone', (getDb) => {
  it('GIVEN Europe/Berlin, Monday 09:00, the week daylight saving ended (Oct 25) THEN due at 08:00 UTC, not 07:00, over Berlin’s own days', async () => {
    const db = getDb().db;
    const { sendDirect, to } = recordingDirect();
    const id = `berlin-${Math.random()}`;
    const userId = await digestUser(db, {
      discord: id,
      settings: { timeZone: 'Europe/Berlin' },
      moods: [
        ['2026-10-18T22:30:00Z', 8, []], // Mon Oct 19 00:30 CEST: in W43 (Sunday in UTC)
        ['2026-10-25T22:30:00Z', 4, []], // Sun Oct 25 23:30 CET: in W43
        ['2026-10-25T23:30:00Z', 1, []], // Mon Oct 26 00:30 CET: W44, not in this digest
      ],
    });
    const clock = fixedClock('2026-10-26T07:00:00Z');
    const { runner } = runnerFor(db, sendDirect, { clock });
    await runner.runDue(clock.now());
    expect(to(id)).toHaveLength(0);

    clock.set('2026-10-26T08:00:00Z');
    await runner.runDue(clock.now());
    expect(to(id)).toHaveLength(1);
    expect(to(id)[0]?.text).toContain('Average mood 6.0 over 2 entries');
    expect(await findDigestDelivery(db, userId, '2026-W43')).toMatchObject({ status: 'sent' });
  });

  it('GIVEN America/New_York, Monday 09:00, the week daylight saving ended (Nov 1) THEN due at 14:00 UTC, not 13:00, over New York’s own days', async () => {
    const db = getDb().db;
    const { sendDirect, to } = recordingDirect();
    const id = `nyc-${Math.random()}`;
    await digestUser(db, {
      discord: id,
      settings: { timeZone: 'America/New_York' },
      moods: [
        ['2026-10-26T03:30:00Z', 2, []], // Sun Oct 25 23:30 EDT: W43
        ['2026-10-26T12:00:00Z', 6, []], // Mon Oct 26 08:00 EDT: W44
        ['2026-11-02T04:30:00Z', 8, []], // Sun Nov 1 23:30 EST: W44 (Monday in UTC)
      ],
    });
    const clock = fixedClock('2026-11-02T13:00:00Z');
    const { runner } = runnerFor(db, sendDirect, { clock });
    await runner.runDue(clock.now());
    expect(to(id)).toHaveLength(0);
    clock.set('2026-11-02T14:00:00Z');
    await runner.runDue(clock.now());
    expect(to(id).map((r) => r.text.split('.')[0])).toEqual(['Average mood 7']);
    expect(to(id)[0]?.text).toContain('over 2 entries');
  });

  it('GIVEN Asia/Tokyo, Sunday 20:00 THEN it goes out at 11:00 UTC on Sunday, and a run missed then catches up later that day', async () => {
    const db = getDb().db;
    const { sendDirect, to } = recordingDirect();
    const id = `tokyo-${Math.random()}`;
    const userId = await digestUser(db, {
      discord: id,
      settings: { timeZone: 'Asia/Tokyo', digestDay: 7, digestHour: 20 },
      moods: [['2026-10-20T03:00:00Z', 7, ['happy']]],
    });
    const clock = fixedClock('2026-11-01T10:00:00Z');
    const { runner } = runnerFor(db, sendDirect, { clock });
    await runner.runDue(clock.now());
    expect(to(id)).toHaveLength(0);
    // The bot was down at 11:00 UTC; the 14:00 run (23:00 in Tokyo, still Sunday) catches up.
    clock.set('2026-11-01T14:00:00Z');
    await runner.runDue(clock.now());
    expect(to(id)).toHaveLength(1);
    expect(await findDigestDelivery(db, userId, '2026-W43')).toMatchObject({ status: 'sent' });
    // Every later hour of that local week finds it sent.
    clock.set('2026-11-01T14:59:00Z');
    await runner.runDue(clock.now());
    expect(to(id)).toHaveLength(1);
  });

  it('GIVEN the default slot (UTC, Monday 09:00) and a bot down all week THEN the next week moves on to the new week only', async () => {
    const db = getDb().db;
    const { sendDirect, to } = recordingDirect();
    const id = `utc-${Math.random()}`;
    const userId = await digestUser(db, {
      discord: id,
      moods: [
        ['2026-11-04T12:00:00Z', 5, []], // W45
        ['2026-11-11T12:00:00Z', 6, []], // W46
      ],
    });
    // W46's digest was due on Monday Nov 16; the bot comes back on Monday Nov 23 at 10:00.
    const clock = fixedClock('2026-11-23T10:00:00Z');
    const { runner } = runnerFor(db, sendDirect, { clock });
    await runner.runDue(clock.now());
    expect(await findDigestDelivery(db, userId, '2026-W46')).toBeUndefined();
    // W47 was quiet after an active W46: the one gentle nudge.
    expect(to(id)).toHaveLength(1);
    expect(to(id)[0]?.text).toContain('No moods logged last week');
    expect(await findDigestDelivery(db, userId, '2026-W47')).toMatchObject({ status: 'sent' });
  });
});
