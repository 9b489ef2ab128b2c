import { expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { CHART_WIDTH, NOT_CAUSE, SERIES_COLOURS } from '../../src/services/charts/index.js';
import { type SeededName, shareTracks } from '../services/recommendations/music-fixtures.js';
import { type AppHarness, field, newAccount, useApp, userFor } from '../support/app-harness.js';
import { insertMoodEntry } from '../support/mood-entries.js';
import { colourFacts, decodePng, hasColourNear, hasPngSignature, pngSize } from '../support/png.js';
import { describeEachDatabase } from '../support/test-database.js';

// Sunday 15 March 2026, noon UTC: the picture's 30 days run from 14 February.
const NOW = '2026-03-15T12:00:00Z';

/** A user with a mood on each of `moods` days, music on each of `music` days (YYYY-MM-DD, UTC). */
async function userWith(
  app: AppHarness,
  moods: Array<[string, number]>,
  music: Array<[string, SeededName]>,
): Promise<string> {
  const who = newAccount('insight-picture');
  const userId = await userFor(app, who);
  for (const [day, moodScore] of moods)
    await insertMoodEntry(app.db, { userId, moodScore, createdAt: new Date(`${day}T09:00:00Z`) });
  for (const [day, track] of music) await shareTracks(app.db, userId, [track], new Date(`${day}T10:00:00Z`));
  return who;
}

describeEachDatabase('/insights and its picture', (getDb) => {
  const app = useApp(getDb, { clock: fixedClock(NOW) });

  it('GIVEN five days in the last 30 with both a mood and music THEN /insights carries the mood and music scatter as a PNG', async () => {
    const who = await userWith(
      app(),
      [
        ['2026-02-16', 3],
        ['2026-02-25', 5],
        ['2026-03-02', 6],
        ['2026-03-10', 8],
        ['2026-03-14', 9],
      ],
      [
        ['2026-02-16', 'SadSlow'],
        ['2026-02-25', 'Middle'],
        ['2026-03-02', 'FocusSteady'],
        ['2026-03-10', 'BrightMid'],
        ['2026-03-14', 'HappyLoud'],
      ],
    );

    const result = await app().run('/insights', who);

    expect(result.reply.files?.map((f) => [f.name, f.contentType])).toEqual([
      ['moodscale-mood-vs-music-30d.png', 'image/png'],
    ]);
    const png = result.reply.files![0]!.data as Uint8Array;
    expect(hasPngSignature(png)).toBe(true);
    expect(pngSize(png).width).toBe(CHART_WIDTH);
    const decoded = decodePng(png);
    expect(colourFacts(decoded).distinctColours).toBeGreaterThan(50);
    expect(hasColourNear(decoded, SERIES_COLOURS.energy)).toBe(true);
    expect(hasColourNear(decoded, SERIES_COLOURS.positivity)).toBe(true);
    expect(field(result, 'Picture')).toContain('for the 5 days with both a mood and music');
    expect(field(result, 'Picture')).toContain(NOT_CAUSE);
    expect(field(result, 'Energy')).toBeDefined();
  });

  it('GIVEN only three days with both a mood and music in the last 30 THEN there is no picture, and the answer says how many days there are and how many it needs', async () => {
    const who = await userWith(
      app(),
      [
        ['2026-03-01', 4],
        ['2026-03-08', 6],
        ['2026-03-12', 7],
        ['2026-03-13', 5],
        // Outside the 30 days: does not count.
        ['2026-01-20', 8],
      ],
      [
        ['2026-03-01', 'LowMid'],
        ['2026-03-08', 'Middle'],
        ['2026-03-12', 'BrightMid'],
        // Music without a mood that day: does not count either.
        ['2026-03-11', 'HappyLoud'],
        ['2026-01-20', 'HappyLoud'],
      ],
    );

    const result = await app().run('/insights', who);

    expect(result.outcome).toBe('ok');
    expect(result.reply.files ?? []).toEqual([]);
    expect(field(result, 'Picture')).toBe(
      'A picture of your mood beside your music needs 5 days with both a mood and music in the last 30 days; ' +
        'you have 3 such days so far.',
    );
    expect(result.reply.title).toBe('Your music personality');
  });
});
