import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainAndKind } from '../../../src/services/recommendations/kind-text.js';
import {
  type CandidateTrack,
  describeSound,
  goalTarget,
  moodPoint,
  type RecommendationGoal,
  rankLocalRecommendations,
  rankNearTarget,
  recommendationGoals,
} from '../../../src/services/recommendations/rank-local.js';

const track = (id: string, valence: number, energy: number): CandidateTrack => ({
  spotifyTrackId: id,
  trackName: `Song ${id}`,
  artistName: `Artist ${id}`,
  albumImage: null,
  valence,
  energy,
});

/** Named corners and middle of the valence/energy plane. */
const catalogue: CandidateTrack[] = [
  track('sad-slow', 0.1, 0.15),
  track('dark-loud', 0.1, 0.9),
  track('mid', 0.5, 0.5),
  track('calm-warm', 0.65, 0.18),
  track('focus', 0.55, 0.45),
  track('happy-loud', 0.9, 0.85),
  track('bright-mid', 0.8, 0.6),
  track('low-mid', 0.3, 0.3),
];

const ids = (ranked: { track: CandidateTrack }[]) => ranked.map((r) => r.track.spotifyTrackId);
const dist = (a: { valence: number; energy: number }, b: { valence: number; energy: number }) =>
  Math.hypot(a.valence - b.valence, a.energy - b.energy);

const arbTrack = fc.record({
  spotifyTrackId: fc.stringMatching(/^[a-z0-9]{1,6}$/),
  trackName: fc.string({ maxLength: 20 }),
  artistName: fc.string({ maxLength: 20 }),
  albumImage: fc.constant(null),
  valence: fc.double({ min: 0, max: 1, noNaN: true }),
  energy: fc.double({ min: 0, max: 1, noNaN: true }),
});
const arbGoal = fc.constantFrom<RecommendationGoal>(...recommendationGoals);
const arbEmotions = fc.array(
  fc.constantFrom('happy', 'sad', 'tired', 'anxious', 'calm', 'excited', 'whatever'),
  {
    maxLength: 4,
  },
);
const arbInput = fc.record({
  moodScore: fc.integer({ min: 1, max: 10 }),
  emotions: arbEmotions,
  goal: arbGoal,
  candidates: fc.array(arbTrack, { maxLength: 60 }),
  limit: fc.integer({ min: 0, max: 12 }),
});

describe('the mood point and the goals', () => {
  it.each([
    [1, [], 0, 0.5],
    [10, [], 1, 0.5],
    [5.5, [], 0.5, 0.5],
  ] as const)(
    'GIVEN score %s and no tags THEN valence %s and middle energy %s',
    (score, emotions, valence, energy) => {
      expect(moodPoint(score, emotions)).toEqual({ valence, energy });
    },
  );

  it('GIVEN tired THEN energy is low, and excited THEN energy is high', () => {
    expect(moodPoint(6, ['tired']).energy).toBeLessThan(0.3);
    expect(moodPoint(6, ['excited']).energy).toBeGreaterThan(0.7);
  });

  it('GIVEN any mood THEN lift aims at least as bright as the mood, calm low energy, match the mood itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), arbEmotions, (score, emotions) => {
        const mood = moodPoint(score, emotions);
        expect(goalTarget('lift', mood).valence).toBeGreaterThanOrEqual(Math.max(mood.valence, 0.75));
        expect(goalTarget('calm', mood).energy).toBeLessThanOrEqual(0.25);
        expect(goalTarget('match', mood)).toEqual(mood);
      }),
    );
  });
});

describe('ranking a seeded catalogue by goal', () => {
  it.each([
    ['match', 9, ['excited'], 'happy-loud'],
    ['match', 2, ['sad'], 'sad-slow'],
    ['calm', 3, ['anxious'], 'calm-warm'],
    ['focus', 6, [], 'focus'],
  ] as const)('GIVEN goal %s, score %s, tags %j THEN %s comes first', (goal, moodScore, emotions, first) => {
    const ranked = rankLocalRecommendations({ moodScore, emotions, goal, candidates: catalogue, limit: 3 });
    expect(ranked[0]?.track.spotifyTrackId).toBe(first);
    expect(ranked).toHaveLength(3);
  });

  it('GIVEN a sad low mood WHEN lifting THEN the path starts near the mood and ends bright', () => {
    const ranked = rankLocalRecommendations({
      moodScore: 2,
      emotions: ['sad'],
      goal: 'lift',
      candidates: catalogue,
      limit: 4,
    });
    expect(ids(ranked)[0]).toBe('sad-slow');
    const last = ranked.at(-1)!.track;
    expect(last.valence).toBeGreaterThanOrEqual(0.8);
    expect(ranked[0]?.reason).toMatch(/meeting you where you are/);
  });

  it('GIVEN a moodWhen THEN match reasons say how the user felt then, in plain words', () => {
    const [first] = rankLocalRecommendations({
      moodScore: 9,
      emotions: ['happy'],
      goal: 'match',
      candidates: catalogue,
      limit: 1,
      moodWhen: 'on Tuesday',
    });
    expect(first?.reason).toBe('bright and upbeat, close to how you felt on Tuesday');
  });

  it('GIVEN excluded ids and duplicated candidates THEN neither comes back and each track appears once', () => {
    const ranked = rankLocalRecommendations({
      moodScore: 9,
      emotions: ['excited'],
      goal: 'match',
      candidates: [...catalogue, track('happy-loud', 0.9, 0.85), track('happy-loud', 0.9, 0.85)],
      limit: 10,
      exclude: new Set(['bright-mid']),
    });
    expect(ids(ranked)).not.toContain('bright-mid');
    expect(new Set(ids(ranked)).size).toBe(ranked.length);
    expect(ranked).toHaveLength(catalogue.length - 1);
  });

  it('GIVEN tracks without usable features THEN they are left out', () => {
    const ranked = rankNearTarget({
      target: { valence: 0.5, energy: 0.5 },
      candidates: [
        track('nan', Number.NaN, 0.5),
        track('inf', 0.5, Number.POSITIVE_INFINITY),
        track('ok', 0.5, 0.5),
      ],
      limit: 5,
    });
    expect(ids(ranked)).toEqual(['ok']);
    expect(ranked[0]?.matchScore).toBe(1);
  });

  it('GIVEN a candidates array that grew after a first ranking THEN the new tracks are considered', () => {
    const growing = Array.from({ length: 300 }, (_, i) => track(`far${i}`, 0, 0));
    expect(ids(rankNearTarget({ target: { valence: 1, energy: 1 }, candidates: growing, limit: 1 }))).toEqual(
      ['far0'],
    );
    growing.push(track('near', 1, 1));
    expect(ids(rankNearTarget({ target: { valence: 1, energy: 1 }, candidates: growing, limit: 1 }))).toEqual(
      ['near'],
    );
  });

  it('GIVEN a target THEN rankNearTarget orders by distance with ties broken by id', () => {
    const ranked = rankNearTarget({
      target: { valence: 0.5, energy: 0.5 },
      candidates: [track('b', 0.6, 0.5), track('a', 0.4, 0.5), track('c', 0.5, 0.5)],
      limit: 3,
    });
    expect(ids(ranked)).toEqual(['c', 'a', 'b']);
  });
});

describe('properties of local ranking', () => {
  it('GIVEN any input THEN scores are within 0..1, no track repeats, the limit and exclusions hold', () => {
    fc.assert(
      fc.property(
        arbInput,
        fc.array(fc.stringMatching(/^[a-z0-9]{1,6}$/), { maxLength: 10 }),
        (input, ex) => {
          const exclude = new Set(ex);
          const ranked = rankLocalRecommendations({ ...input, exclude });
          const got = ids(ranked);
          expect(new Set(got).size).toBe(got.length);
          expect(ranked.length).toBeLessThanOrEqual(input.limit);
          for (const r of ranked) {
            expect(r.matchScore).toBeGreaterThanOrEqual(0);
            expect(r.matchScore).toBeLessThanOrEqual(1);
            expect(exclude.has(r.track.spotifyTrackId)).toBe(false);
          }
          const available = new Set(
            input.candidates.map((c) => c.spotifyTrackId).filter((id) => !exclude.has(id)),
          );
          expect(ranked.length).toBe(Math.min(input.limit, available.size));
        },
      ),
    );
  });

  it('GIVEN any input THEN the result is deterministic and does not depend on candidate order', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const unique = [...new Map(input.candidates.map((c) => [c.spotifyTrackId, c])).values()];
        const a = rankLocalRecommendations({ ...input, candidates: unique });
        const b = rankLocalRecommendations({ ...input, candidates: [...unique].reverse() });
        expect(ids(a)).toEqual(ids(b));
      }),
    );
  });

  it('GIVEN any lift THEN every step is no further from the target than the step before', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const ranked = rankLocalRecommendations({ ...input, goal: 'lift' });
        const target = goalTarget('lift', moodPoint(input.moodScore, input.emotions));
        for (let i = 1; i < ranked.length; i++) {
          expect(dist(ranked[i]!.track, target)).toBeLessThanOrEqual(
            dist(ranked[i - 1]!.track, target) + 1e-12,
          );
        }
      }),
    );
  });

  it('GIVEN any input THEN every reason is plain and kind, with no medical words', () => {
    fc.assert(
      fc.property(arbInput, fc.constantFrom('today', 'on Tuesday', 'yesterday'), (input, moodWhen) => {
        for (const r of rankLocalRecommendations({ ...input, moodWhen })) {
          expect(isPlainAndKind(r.reason)).toBe(true);
          expect(r.reason.length).toBeLessThan(120);
        }
      }),
    );
  });

  it('GIVEN any point THEN describeSound gives plain words that pass the kindness check', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (v, e) => {
          expect(isPlainAndKind(describeSound(v, e))).toBe(true);
        },
      ),
    );
  });

  it('GIVEN a catalogue large enough for the grid index THEN it returns exactly what a full scan would', () => {
    fc.assert(
      fc.property(
        fc.array(arbTrack, { minLength: 300, maxLength: 600 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        (candidates, valence, energy, limit) => {
          const unique = [...new Map(candidates.map((c) => [c.spotifyTrackId, c])).values()];
          const ranked = rankNearTarget({ target: { valence, energy }, candidates: unique, limit });
          const scan = [...unique]
            .sort(
              (a, b) =>
                dist(a, { valence, energy }) - dist(b, { valence, energy }) ||
                (a.spotifyTrackId < b.spotifyTrackId ? -1 : 1),
            )
            .slice(0, limit);
          expect(ranked).toHaveLength(scan.length);
          ranked.forEach((r, i) => {
            expect(dist(r.track, { valence, energy })).toBeCloseTo(dist(scan[i]!, { valence, energy }), 12);
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('GIVEN 10,000 users against one 100,000-track catalogue THEN ranking takes well under the digest budget', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const big = Array.from({ length: 100_000 }, (_, i) => track(`t${i}`, rnd(), rnd()));
    const started = performance.now();
    let n = 0;
    for (let u = 0; u < 10_000; u++) {
      n += rankLocalRecommendations({
        moodScore: 1 + (u % 10),
        emotions: u % 2 ? ['tired'] : ['happy'],
        goal: recommendationGoals[u % 4]!,
        candidates: big,
        limit: 3,
      }).length;
    }
    expect(n).toBe(30_000);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
