import { expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import type { AudioFeatures } from '../../../src/core/music.js';
import { musicBetween, trackCatalogue } from '../../../src/db/repositories/digest-data.js';
import {
  type DigestEnding,
  finishDigests,
  settledDigests,
} from '../../../src/db/repositories/digest-deliveries.js';
import { insertMusicAnalysis } from '../../../src/db/repositories/music-analysis.js';
import {
  insertPersonalityInsights,
  listInsights,
} from '../../../src/db/repositories/personality-insights.js';
import { claimOneDigest } from '../../support/digest-claims.js';
import { newUser } from '../../support/fixtures.js';
import { describeEachDatabase } from '../../support/test-database.js';

describeEachDatabase('digest batch queries', (getDb) => {
  it('GIVEN a track whose stored features are not numbers THEN the batch still reads, with those features null', async () => {
    const { db } = getDb();
    const user = await newUser(db, 'odd-features');
    // A provider's answer stored as it came: the jsonb column accepts any value.
    const odd = { valence: 'high', energy: 0.8, tempo: 'fast' } as unknown as AudioFeatures;
    await insertMusicAnalysis(db, {
      userId: user.id,
      spotifyTrackId: 'odd-features-track',
      trackName: 't',
      artistName: 'a',
      audioFeatures: odd,
    });
    const today = new Date().toISOString().slice(0, 10);
    const rows = await musicBetween(db, { userIds: [user.id], timeZones: ['UTC'] }, today, today);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ valence: null, energy: 0.8, tempo: null });
    const catalogue = await trackCatalogue(db, 100_000);
    expect(catalogue.map((t) => t.spotifyTrackId)).not.toContain('odd-features-track');
  });

  it('GIVEN digests sent, skipped, failed once and failed out of attempts THEN all but the retryable one are settled', async () => {
    const { db } = getDb();
    const period = '2026-W48';
    const now = new Date('2026-11-30T09:00:00Z');
    const [sent, skipped, retry, spent, untouched] = await Promise.all(
      Array.from({ length: 5 }, () => newUser(db, 'settled')),
    );
    const end = async (userId: number, status: DigestEnding['status'], reason?: string) => {
      const claim = await claimOneDigest(db, { userId, period, claimedBy: 'a', leaseMs: 60_000, now });
      await finishDigests(db, [{ ...claim!, status, reason }], 'a', now);
    };
    await end(sent!.id, 'sent');
    await end(skipped!.id, 'skipped', 'nothing to send');
    await end(retry!.id, 'failed', 'platform down');
    await end(spent!.id, 'failed', 'platform down');
    const ids = [sent!.id, skipped!.id, retry!.id, spent!.id, untouched!.id];
    // One attempt each so far: with a budget of 2 the failures may be retried, with 1 they are spent.
    expect(await settledDigests(db, ids, [period], 2)).toEqual(
      new Set([`${sent!.id}:${period}`, `${skipped!.id}:${period}`]),
    );
    expect(await settledDigests(db, ids, [period], 1)).toEqual(
      new Set([sent, skipped, retry, spent].map((u) => `${u!.id}:${period}`)),
    );
    expect(await settledDigests(db, ids, ['2026-W47'], 1)).toEqual(new Set());
  });

  it('GIVEN a batch of sent digests’ insights THEN they are stored in one call, and a NUL is a UserError', async () => {
    const { db } = getDb();
    const [a, b] = [await newUser(db, 'insights'), await newUser(db, 'insights')];
    const generatedAt = new Date('2026-11-30T09:00:00Z');
    await insertPersonalityInsights(db, []);
    await insertPersonalityInsights(db, [
      { userId: a.id, musicDna: 'Bright', energyLevel: 0.7, aiSuggestion: 'Walk', generatedAt },
      { userId: b.id, musicDna: 'Calm', positivityLevel: 0.4, generatedAt },
    ]);
    expect((await listInsights(db, a.id)).map((i) => [i.musicDna, i.aiSuggestion])).toEqual([
      ['Bright', 'Walk'],
    ]);
    expect((await listInsights(db, b.id)).map((i) => i.musicDna)).toEqual(['Calm']);
    const [stored] = await listInsights(db, b.id);
    expect(stored).toMatchObject({ energyLevel: null, aiSuggestion: null, generatedAt });
    expect(stored?.positivityLevel).toBeCloseTo(0.4);
    await expect(
      insertPersonalityInsights(db, [{ userId: a.id, musicDna: 'bad\u0000dna', generatedAt }]),
    ).rejects.toBeInstanceOf(UserError);
    expect(await listInsights(db, a.id)).toHaveLength(1);
  });
});
