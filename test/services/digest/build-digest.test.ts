import { describe, expect, it } from 'vitest';
import { renderPlainText } from '../../../src/core/commands/index.js';
import type { DigestMoodRow, DigestMusicRow } from '../../../src/db/repositories/digest-data.js';
import { buildDigest, type DigestInput } from '../../../src/services/digest/build-digest.js';
import { renderDigest } from '../../../src/services/digest/render-digest.js';

let serial = 0;
const mood = (day: string, score: number, emotions: string[] = []): DigestMoodRow => ({
  userId: 1,
  id: ++serial,
  day,
  score,
  emotions,
});
const track = (day: string, valence: number, energy: number, id = `own${++serial}`): DigestMusicRow => ({
  userId: 1,
  day,
  spotifyTrackId: id,
  artistName: 'Artist',
  predictedMood: valence > 0.5 ? 'happy' : 'sad',
  valence,
  energy,
  danceability: null,
  acousticness: null,
  tempo: null,
});
const catalogue = Array.from({ length: 60 }, (_, i) => ({
  spotifyTrackId: `cat${String(i).padStart(3, '0')}`,
  trackName: `Song ${i}`,
  artistName: `Band ${i % 7}`,
  albumImage: null,
  valence: (i % 10) / 10 + 0.05,
  energy: Math.floor(i / 6) / 10 + 0.05,
}));

const input = (moods: DigestMoodRow[], music: DigestMusicRow[] = []): DigestInput => ({
  userId: 1,
  period: '2026-W47',
  moods,
  music,
  catalogue,
});

describe('building one digest', () => {
  it('GIVEN entries this week and last THEN the average, the trend, the days and the top emotions', () => {
    const d = buildDigest(
      input(
        [
          mood('2026-11-12', 4),
          mood('2026-11-16', 6, ['calm', 'tired']),
          mood('2026-11-16', 7, ['Tired']),
          mood('2026-11-20', 8, ['happy', 'calm', 'tired']),
        ],
        [track('2026-11-16', 0.4, 0.8), track('2026-11-16', 0.6, 0.6), track('2026-11-21', 0.9, 0.2)],
      ),
    );
    expect(d).toMatchObject({
      kind: 'digest',
      entries: 3,
      average: 7,
      previousAverage: 4,
      trend: 'up',
      change: 3,
    });
    expect(d.days.map((x) => x.mood)).toEqual([6.5, null, null, null, 8, null, null]);
    expect(d.days[0]).toMatchObject({
      label: 'Mon',
      date: '2026-11-16',
      entries: 2,
      energy: 0.7,
      positivity: 0.5,
    });
    expect(d.days[5]).toMatchObject({ label: 'Sat', mood: null, energy: 0.2, positivity: 0.9 });
    expect(d.topEmotions).toEqual([
      { emotion: 'tired', count: 3 },
      { emotion: 'calm', count: 2 },
      { emotion: 'happy', count: 1 },
    ]);
    expect(d.insight?.energyLevel).toBeCloseTo((0.8 + 0.6 + 0.2) / 3, 3);
    expect(d.latestEntryId).toBe(serial - 3);
  });

  it('GIVEN a good week THEN three recommendations that stay with the mood, none of them the user’s own tracks', () => {
    const own = track('2026-11-17', 0.75, 0.55, 'cat077');
    const d = buildDigest(input([mood('2026-11-17', 8, ['happy'])], [own]));
    expect(d.goal).toBe('match');
    expect(d.recommendations).toHaveLength(3);
    expect(d.recommendations.map((r) => r.track.spotifyTrackId)).not.toContain('cat077');
    for (const r of d.recommendations) {
      expect(r.reason.length).toBeGreaterThan(0);
      expect(r.matchScore).toBeGreaterThan(0.5);
    }
  });

  it('GIVEN a hard week THEN the recommendations lift gently (the iso principle)', () => {
    const d = buildDigest(input([mood('2026-11-17', 2, ['sad']), mood('2026-11-18', 3, ['tired'])]));
    expect(d.goal).toBe('lift');
    const valences = d.recommendations.map((r) => r.track.valence);
    expect(valences).toHaveLength(3);
    expect(valences[2]!).toBeGreaterThan(valences[0]!);
    expect(renderPlainText(renderDigest(d))).toContain('a gentle path upwards');
  });

  it('GIVEN averages within 0.3 of each other THEN steady; lower by more THEN down, said kindly', () => {
    expect(buildDigest(input([mood('2026-11-10', 6), mood('2026-11-17', 6.2)])).trend).toBe('steady');
    const down = buildDigest(input([mood('2026-11-10', 8), mood('2026-11-17', 5)]));
    expect(down).toMatchObject({ trend: 'down', change: -3 });
    expect(renderDigest(down).text).toContain("Down 3.0 from last week's 8.0");
  });

  it('GIVEN no entries last week THEN the trend is new', () => {
    expect(buildDigest(input([mood('2026-11-17', 6)]))).toMatchObject({
      trend: 'new',
      previousAverage: null,
    });
  });

  it('GIVEN a quiet week after an active one THEN a nudge; after a quiet one THEN nothing to send', () => {
    expect(buildDigest(input([mood('2026-11-10', 6)])).kind).toBe('nudge');
    expect(buildDigest(input([])).kind).toBe('empty');
    const nudge = renderDigest(buildDigest(input([mood('2026-11-10', 6)])));
    expect(nudge.fields).toBeUndefined();
    expect(renderPlainText(nudge)).toContain('[Turn off weekly digests] type: /settings digest off');
  });

  it('GIVEN a digest THEN the message holds every part and the way to turn digests off', () => {
    const d = buildDigest(
      input([mood('2026-11-10', 5), mood('2026-11-16', 7, ['happy'])], [track('2026-11-16', 0.7, 0.7)]),
    );
    const text = renderPlainText(renderDigest(d));
    expect(text).toContain('Your week in mood and music, Nov 16 – 22');
    expect(text).toContain('Average mood 7.0 over 1 entry. Up 2.0');
    expect(text).toContain('Mon ▆ 7.0 · energy 70%, positivity 70%');
    expect(text).toContain('Top emotions: happy (1)');
    expect(text).toContain('Your music DNA:');
    expect(text).toContain('A suggestion:');
    expect(text).toContain('https://open.spotify.com/track/cat');
    expect(text).toContain('[Turn off weekly digests] type: /settings digest off');
  });
});

describe('rankings shared across users in one run', () => {
  it('GIVEN many users with the same moods and different own tracks THEN shared rankings give exactly the fresh ones', () => {
    const rankings = new Map();
    const weeks = [
      [mood('2026-11-17', 8, ['happy'])],
      [mood('2026-11-17', 2, ['sad']), mood('2026-11-18', 3, ['tired'])],
      [mood('2026-11-19', 6, ['calm', 'tired'])],
    ];
    for (const moods of weeks) {
      const fresh = buildDigest(input(moods));
      // The user's own tracks include, in turn, each of the tracks the others would get.
      for (const own of [[], ...fresh.recommendations.map((r) => [r.track.spotifyTrackId])]) {
        const music = own.map((id) => track('2026-11-17', 0.5, 0.5, id));
        const shared = buildDigest({ ...input(moods, music), rankings });
        const alone = buildDigest(input(moods, music));
        expect(shared.recommendations).toEqual(alone.recommendations);
        for (const id of own)
          expect(shared.recommendations.map((r) => r.track.spotifyTrackId)).not.toContain(id);
      }
    }
    expect(rankings.size).toBe(3);
  });
});
