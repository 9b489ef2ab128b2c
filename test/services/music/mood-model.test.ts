import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AudioFeatures, trackMoods } from '../../../src/integrations/music-types.js';
import {
  circumplexPosition,
  moodRegions,
  predictFromFeatures,
} from '../../../src/services/music/mood-model.js';

describe('predictFromFeatures', () => {
  it.each([
    { name: 'bright and lively', valence: 0.9, energy: 0.75, mood: 'happy' },
    { name: 'loud, neutral valence', valence: 0.55, energy: 0.95, mood: 'energetic' },
    { name: 'agitated and negative', valence: 0.15, energy: 0.85, mood: 'tense' },
    { name: 'very negative, mid-high energy', valence: 0.1, energy: 0.6, mood: 'dark' },
    { name: 'negative and subdued', valence: 0.15, energy: 0.2, mood: 'sad' },
    { name: 'slightly negative and quiet', valence: 0.4, energy: 0.1, mood: 'melancholic' },
    { name: 'positive and quiet', valence: 0.7, energy: 0.1, mood: 'calm' },
    { name: 'positive, low-mid energy', valence: 0.9, energy: 0.4, mood: 'romantic' },
  ])('GIVEN a $name track (valence $valence, energy $energy) THEN the mood is $mood', (row) => {
    const prediction = predictFromFeatures({ valence: row.valence, energy: row.energy });
    expect(prediction.mood).toBe(row.mood);
    expect(prediction.source).toBe('audio-features');
    expect(prediction.confidence).toBeGreaterThan(0.4);
  });

  it.each([
    { name: 'acoustic and major', extra: { acousticness: 0.8, mode: 1 }, mood: 'romantic' },
    { name: 'danceable', extra: { danceability: 0.8, mode: 0 }, mood: 'happy' },
  ])('GIVEN a point on the happy|romantic boundary that is $name THEN the tie-breaker picks $mood', (row) => {
    expect(predictFromFeatures({ valence: 0.85, energy: 0.5, ...row.extra }).mood).toBe(row.mood);
  });

  it.each([
    { mode: 0, mood: 'dark' },
    { mode: 1, mood: 'tense' },
  ])('GIVEN a point on the tense|dark boundary in mode $mode THEN the mood is $mood', (row) => {
    const energy = 0.5 + 0.35 * Math.tan(Math.PI / 6); // exactly 150 degrees from the centre
    expect(predictFromFeatures({ valence: 0.15, energy, mode: row.mode }).mood).toBe(row.mood);
  });

  it('GIVEN a point deep inside a sector THEN the confidence is high, and at the centre it is minimal', () => {
    expect(
      predictFromFeatures({ valence: 0.95, energy: 0.5 + 0.45 * Math.tan(Math.PI / 6) }).confidence,
    ).toBe(0.95);
    expect(predictFromFeatures({ valence: 0.5, energy: 0.5 }).confidence).toBe(0.05);
    expect(predictFromFeatures({ valence: 0.52, energy: 0.51 }).confidence).toBeLessThan(0.15);
  });

  it('GIVEN a point on a sector boundary THEN the confidence is lower than in the middle of the sector', () => {
    const r = 0.4;
    const at = (deg: number) => ({
      valence: 0.5 + r * Math.cos((deg * Math.PI) / 180),
      energy: 0.5 + r * Math.sin((deg * Math.PI) / 180),
    });
    expect(predictFromFeatures(at(60.01)).confidence).toBeLessThan(0.3);
    expect(predictFromFeatures(at(90)).confidence).toBeGreaterThan(0.9);
  });

  it.each([
    { name: 'no valence', features: { energy: 0.7 } },
    { name: 'no energy', features: { valence: 0.7 } },
    { name: 'NaN valence', features: { valence: Number.NaN, energy: 0.5 } },
    { name: 'nothing', features: {} },
  ])('GIVEN features with $name THEN the prediction is an honest unknown', ({ features }) => {
    expect(predictFromFeatures(features)).toEqual({ mood: 'unknown', confidence: 0.1, source: 'unknown' });
  });

  it('GIVEN the regions THEN they tile the circle without gaps', () => {
    let expected = 0;
    for (const region of moodRegions) {
      expect(region.from).toBe(expected);
      expected = region.to;
    }
    expect(expected).toBe(360);
  });
});

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const features = fc.record(
  {
    valence: unit,
    energy: unit,
    danceability: unit,
    acousticness: unit,
    mode: fc.constantFrom(0, 1),
    tempo: fc.double({ min: 40, max: 220, noNaN: true }),
  },
  { requiredKeys: ['valence', 'energy'] },
);

describe('predictFromFeatures properties', () => {
  it('GIVEN any features THEN the confidence is within [0.05, 0.95] and the mood is in the vocabulary', () => {
    fc.assert(
      fc.property(features, (f) => {
        const p = predictFromFeatures(f);
        expect(p.confidence).toBeGreaterThanOrEqual(0.05);
        expect(p.confidence).toBeLessThanOrEqual(0.95);
        expect(trackMoods).toContain(p.mood);
      }),
    );
  });

  it('GIVEN the same features twice THEN the prediction is the same', () => {
    fc.assert(
      fc.property(features, (f) => {
        expect(predictFromFeatures({ ...f })).toEqual(predictFromFeatures(f));
      }),
    );
  });

  it('GIVEN a point moved outwards from the centre THEN the mood stays and the confidence never drops', () => {
    fc.assert(
      fc.property(features, unit, (f, t) => {
        const x = (f.valence as number) - 0.5;
        const y = (f.energy as number) - 0.5;
        // the largest scale that keeps the point inside [0,1]^2
        const kMax = Math.min(x === 0 ? 4 : 0.5 / Math.abs(x), y === 0 ? 4 : 0.5 / Math.abs(y), 4);
        const k = 1 + t * (kMax - 1);
        const moved: AudioFeatures = { ...f, valence: clamp01(0.5 + k * x), energy: clamp01(0.5 + k * y) };
        const before = predictFromFeatures(f);
        const after = predictFromFeatures(moved);
        expect(after.mood).toBe(before.mood);
        expect(after.confidence).toBeGreaterThanOrEqual(before.confidence);
      }),
    );
  });

  it('GIVEN a point turned towards the middle of its sector THEN the mood stays and the confidence never drops', () => {
    const polar = fc.record({
      radius: fc.double({ min: 0.001, max: 0.5, noNaN: true }),
      angle: fc.double({ min: 0, max: 359.999, noNaN: true }),
      f: unit,
    });
    const point = (radius: number, deg: number) => ({
      valence: clamp01(0.5 + radius * Math.cos((deg * Math.PI) / 180)),
      energy: clamp01(0.5 + radius * Math.sin((deg * Math.PI) / 180)),
    });
    fc.assert(
      fc.property(polar, ({ radius, angle, f }) => {
        const start = point(radius, angle);
        const actual = circumplexPosition(start.valence, start.energy).angle;
        const region = moodRegions.find((r) => actual >= r.from && actual < r.to);
        if (region === undefined) throw new Error(`no region for ${actual}`);
        const mid = (region.from + region.to) / 2;
        const before = predictFromFeatures(start);
        const after = predictFromFeatures(point(radius, actual + f * (mid - actual)));
        expect(after.mood).toBe(before.mood);
        // one rounding step of tolerance for the recomputed angle
        expect(after.confidence).toBeGreaterThanOrEqual(before.confidence - 0.001);
      }),
    );
  });
});

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
