import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeLocalInsight,
  type InsightMood,
  type InsightTrack,
} from '../../../src/services/insights/compute-insight.js';
import { isPlainAndKind } from '../../../src/services/recommendations/kind-text.js';

const t = (
  day: string,
  valence: number | null,
  energy: number | null,
  extra: Partial<InsightTrack> = {},
): InsightTrack => ({
  valence,
  energy,
  day,
  artistName: 'Band',
  predictedMood: null,
  ...extra,
});
const m = (day: string, score: number, emotions: string[] = []): InsightMood => ({ day, score, emotions });

const arbDay = fc.constantFrom(
  '2026-11-16',
  '2026-11-17',
  '2026-11-18',
  '2026-11-19',
  '2026-11-20',
  '2026-11-21',
);
const arbLevel = fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null });
const arbTrack = fc.record({
  valence: arbLevel,
  energy: arbLevel,
  day: arbDay,
  artistName: fc.constantFrom('A', 'B', 'C', ' '),
  predictedMood: fc.option(fc.constantFrom('happy', 'calm', 'sad', 'energetic', 'unknown'), { nil: null }),
  danceability: arbLevel,
  acousticness: arbLevel,
});
const arbMood = fc.record({
  score: fc.integer({ min: 1, max: 10 }),
  emotions: fc.array(fc.constantFrom('tired', 'happy', 'calm', 'anxious'), { maxLength: 3 }),
  day: arbDay,
});

describe('the levels', () => {
  it('GIVEN tracks with features THEN energy and positivity are their means, rounded to 3 places', () => {
    const insight = computeLocalInsight(
      [],
      [t('2026-11-16', 0.2, 0.9), t('2026-11-17', 0.5, 0.6), t('2026-11-18', null, 0.3)],
    );
    expect(insight.energyLevel).toBe(0.6);
    expect(insight.positivityLevel).toBe(0.35);
  });

  it('GIVEN no music with features THEN both levels are null and the DNA says it is still taking shape', () => {
    const insight = computeLocalInsight([m('2026-11-16', 6)], [t('2026-11-16', null, null)]);
    expect(insight).toMatchObject({ energyLevel: null, positivityLevel: null, moodMusic: [] });
    expect(insight.musicDna).toMatch(/Still getting to know your sound/);
    expect(insight.suggestion).toMatch(/\/share/);
  });

  it('GIVEN lively bright music, mostly happy, one artist twice THEN the DNA describes it', () => {
    const insight = computeLocalInsight(
      [],
      [
        t('2026-11-16', 0.9, 0.8, { predictedMood: 'happy', artistName: 'Sun' }),
        t('2026-11-17', 0.8, 0.7, { predictedMood: 'happy', artistName: 'Sun' }),
        t('2026-11-18', 0.7, 0.9, { predictedMood: 'energetic', artistName: 'Moon' }),
      ],
    );
    expect(insight.musicDna).toBe(
      'Your week sounded upbeat and sunny, with mostly happy tracks, and Sun came back more than once.',
    );
    expect(insight.suggestion).toMatch(/\/recommend calm/);
  });

  it('GIVEN low moods and dark music THEN the suggestion offers a gentle lift', () => {
    const insight = computeLocalInsight(
      [m('2026-11-16', 3), m('2026-11-17', 4)],
      [t('2026-11-16', 0.2, 0.5), t('2026-11-17', 0.1, 0.5), t('2026-11-17', 0.3, 0.5)],
    );
    expect(insight.suggestion).toMatch(/\/recommend lift/);
  });
});

describe('mood and music together', () => {
  it('GIVEN two high-energy days and two other days with moods THEN the averages are compared', () => {
    const insight = computeLocalInsight(
      [m('2026-11-16', 8), m('2026-11-17', 7), m('2026-11-18', 5), m('2026-11-19', 4), m('2026-11-19', 6)],
      [t('2026-11-16', 0.5, 0.9), t('2026-11-17', 0.5, 0.7), t('2026-11-18', 0.5, 0.2)],
    );
    expect(insight.moodMusic).toContain(
      'On the 2 days with high-energy music your mood averaged 7.5, higher than the 5.0 of the other 2 days.',
    );
  });

  it('GIVEN only one high-energy day THEN no comparison is made (not enough data)', () => {
    const insight = computeLocalInsight(
      [m('2026-11-16', 8), m('2026-11-17', 7), m('2026-11-18', 5)],
      [t('2026-11-16', 0.5, 0.9)],
    );
    expect(insight.moodMusic.some((s) => s.includes('high-energy'))).toBe(false);
  });

  it('GIVEN an emotion on three days whose music was mostly calm THEN it is said to come with calm music', () => {
    const days = ['2026-11-16', '2026-11-17', '2026-11-18'];
    const insight = computeLocalInsight(
      days.map((d) => m(d, 6, ['tired'])),
      days.map((d) => t(d, 0.6, 0.2, { predictedMood: 'calm' })),
    );
    expect(insight.moodMusic).toContain('Feeling tired often came with calm music (3 days).');
  });

  it('GIVEN the pairing on only two days THEN nothing is said about it', () => {
    const days = ['2026-11-16', '2026-11-17'];
    const insight = computeLocalInsight(
      days.map((d) => m(d, 6, ['tired'])),
      days.map((d) => t(d, 0.6, 0.2, { predictedMood: 'calm' })),
    );
    expect(insight.moodMusic).toEqual([]);
  });
});

describe('properties', () => {
  it('GIVEN any week THEN levels are null or within 0..1 and all text is plain and kind', () => {
    fc.assert(
      fc.property(
        fc.array(arbMood, { maxLength: 30 }),
        fc.array(arbTrack, { maxLength: 30 }),
        (moods, tracks) => {
          const insight = computeLocalInsight(moods, tracks);
          for (const level of [insight.energyLevel, insight.positivityLevel]) {
            if (level !== null) {
              expect(level).toBeGreaterThanOrEqual(0);
              expect(level).toBeLessThanOrEqual(1);
            }
          }
          for (const text of [insight.musicDna, insight.suggestion, ...insight.moodMusic]) {
            expect(isPlainAndKind(text)).toBe(true);
          }
        },
      ),
    );
  });

  it('GIVEN any week THEN the insight does not depend on the order of the inputs', () => {
    fc.assert(
      fc.property(
        fc.array(arbMood, { maxLength: 20 }),
        fc.array(arbTrack, { maxLength: 20 }),
        (moods, tracks) => {
          const a = computeLocalInsight(moods, tracks);
          const b = computeLocalInsight([...moods].reverse(), [...tracks].reverse());
          expect(b.musicDna).toBe(a.musicDna);
          expect(b.suggestion).toBe(a.suggestion);
          expect(b.moodMusic).toEqual(a.moodMusic);
          expect(b.energyLevel).toBeCloseTo(a.energyLevel ?? 0, 9);
        },
      ),
    );
  });

  it('GIVEN every mood on one day THEN no statement is made (not enough data)', () => {
    fc.assert(
      fc.property(
        fc.array(
          arbMood.map((x) => ({ ...x, day: '2026-11-16' })),
          { maxLength: 10 },
        ),
        fc.array(arbTrack, { maxLength: 20 }),
        (moods, tracks) => {
          expect(computeLocalInsight(moods, tracks).moodMusic).toEqual([]);
        },
      ),
    );
  });
});
