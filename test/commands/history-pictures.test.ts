import { Writable } from 'node:stream';
import { pino } from 'pino';
import { beforeAll, expect, it } from 'vitest';
import { addDays } from '../../src/core/calendar/index.js';
import { fixedClock } from '../../src/core/clock.js';
import {
  CHART_WIDTH,
  type ChartRenderer,
  MOOD_BANDS,
  moodColour,
  NO_MOOD,
  SERIES_COLOURS,
  yearGridCell,
  yearGridSize,
} from '../../src/services/charts/index.js';
import { shareTracks } from '../services/recommendations/music-fixtures.js';
import { type AppHarness, field, newAccount, useApp, userFor } from '../support/app-harness.js';
import { insertMoodEntry } from '../support/mood-entries.js';
import { colourFacts, decodePng, hasColourNear, hasPngSignature, pngSize, rgbOf } from '../support/png.js';
import { describeEachDatabase } from '../support/test-database.js';

// Sunday 15 March 2026, noon UTC: /history 30 runs from 14 February, /history 365 from 16 March 2025.
const NOW = '2026-03-15T12:00:00Z';
const YEAR_FROM = '2025-03-16';
const TODAY = '2026-03-15';
/** The one 10/10 day. */
const TEN_DAY = '2026-03-11';

/** Moods over the year (every band, a 10 on TEN_DAY) and music on five of the last 30 days. */
async function seed(app: AppHarness, who: string): Promise<void> {
  const userId = await userFor(app, who);
  const moods: Array<[string, number]> = [
    ['2025-04-02', 1],
    ['2025-05-20', 3],
    ['2025-07-14', 5],
    ['2025-09-01', 7],
    ['2025-12-24', 9],
    ['2026-02-20', 4],
    ['2026-02-27', 6],
    ['2026-03-05', 8],
    ['2026-03-09', 2],
    [TEN_DAY, 10],
    ['2026-03-15', 6],
  ];
  for (const [day, moodScore] of moods)
    await insertMoodEntry(app.db, { userId, moodScore, createdAt: new Date(`${day}T10:00:00Z`) });
  for (const [day, track] of [
    ['2026-02-20', 'SadSlow'],
    ['2026-02-27', 'Middle'],
    ['2026-03-05', 'BrightMid'],
    ['2026-03-09', 'DarkLoud'],
    [TEN_DAY, 'HappyLoud'],
  ] as const)
    await shareTracks(app.db, userId, [track], new Date(`${day}T11:00:00Z`));
}

/** The reply's one file, checked to be a PNG named as /history names it. */
function pictureOf(result: Awaited<ReturnType<AppHarness['run']>>, days: number): Uint8Array {
  expect(result.reply.files?.map((f) => [f.name, f.contentType])).toEqual([
    [
      expect.stringMatching(new RegExp(`^moodscale-history-${days}d-\\d{4}-\\d{2}-\\d{2}\\.png$`)),
      'image/png',
    ],
  ]);
  const data = result.reply.files![0]!.data;
  if (typeof data === 'string') throw new Error('the picture came as text');
  return data;
}

describeEachDatabase('/history pictures', (getDb) => {
  const app = useApp(getDb, { clock: fixedClock(NOW) });
  const who = newAccount('pictures');
  beforeAll(() => seed(app(), who));

  it('GIVEN "/history 30" THEN the answer carries a PNG of the chart width whose IHDR and pixels are a real chart', async () => {
    const png = pictureOf(await app().run('/history 30', who), 30);
    expect(hasPngSignature(png)).toBe(true);
    const size = pngSize(png);
    expect(size.width).toBe(CHART_WIDTH);
    expect(size.height).toBeGreaterThan(250);
    expect(size.height).toBeLessThan(420);
    const decoded = decodePng(png);
    expect(colourFacts(decoded).distinctColours).toBeGreaterThan(50);
    // The mood line and both music lines are drawn.
    for (const colour of Object.values(SERIES_COLOURS))
      expect(hasColourNear(decoded, colour), colour).toBe(true);
  });

  it('GIVEN "/history 30" THEN the text answer stays whole and a field says what the picture shows', async () => {
    const result = await app().run('/history 30', who);
    expect(result.reply.text).toContain('2026-02-14 → 2026-03-15');
    expect(field(result, 'Average')).toBe('6.0 over 6 entries');
    expect(field(result, 'Picture')).toBe(
      "Line chart, Feb 14 to Mar 15 (30 days): your daily average mood on a 1 to 10 scale, with your music's " +
        'energy and positivity (0 to 100%) per day. 6 of 30 days have a mood, averaging 6.0; highest 10.0 on ' +
        'Mar 11, lowest 2.0 on Mar 9. Music on 5 days: energy averaged 60%, positivity 48%.',
    );
  });

  it('GIVEN "/history 365" THEN the answer carries the year in pixels, its IHDR the grid size, every band drawn', async () => {
    const png = pictureOf(await app().run('/history 365', who), 365);
    expect(hasPngSignature(png)).toBe(true);
    expect(pngSize(png)).toEqual(yearGridSize(YEAR_FROM, TODAY));
    const decoded = decodePng(png);
    expect(colourFacts(decoded).distinctColours).toBeGreaterThan(20);
    for (const band of MOOD_BANDS) expect(hasColourNear(decoded, band.colour), band.label).toBe(true);
  });

  it('GIVEN a 10/10 day THEN the year grid colours its own square with the palette colour for 10', async () => {
    const decoded = decodePng(pictureOf(await app().run('/history 365', who), 365));
    const box = yearGridCell(YEAR_FROM, TEN_DAY);
    const at = decoded.rgbAt(box.x + box.width / 2, box.y + box.height / 2);
    expect(at).toEqual(rgbOf(moodColour(10)));
    // Its neighbours, days without a mood, are empty squares.
    const before = yearGridCell(YEAR_FROM, addDays(TEN_DAY, -1));
    expect(decoded.rgbAt(before.x + before.width / 2, before.y + before.height / 2)).toEqual(
      rgbOf(NO_MOOD.fill),
    );
  });

  it('GIVEN "/history 365" THEN a field says in words what the year grid shows', async () => {
    const result = await app().run('/history 365', who);
    expect(field(result, 'Picture')).toContain('Year in pixels, Mar 16, 2025 to Mar 15, 2026');
    expect(field(result, 'Picture')).toContain('11 of 365 days have a mood');
    expect(result.reply.text).toContain('(one bar per week)');
  });
});

describeEachDatabase('/history when the picture cannot be drawn', (getDb) => {
  const lines: Array<{ level: number; msg: string; chart?: string }> = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  const broken = () => Promise.reject(new Error('resvg fell over'));
  const charts: ChartRenderer = {
    render: broken,
    moodLine: broken,
    yearInPixels: broken,
    moodVsMusic: broken,
  };
  const app = useApp(getDb, { clock: fixedClock(NOW), charts, logger });
  const who = newAccount('broken');
  beforeAll(() => seed(app(), who));

  it('GIVEN a renderer that fails THEN /history answers with its whole text, no file, and one warning logged', async () => {
    lines.length = 0;
    const result = await app().run('/history 30', who);

    expect(result.outcome).toBe('ok');
    expect(result.reply.files ?? []).toEqual([]);
    expect(result.reply.fields?.map((f) => f.name)).toEqual([
      'Average',
      'Best day',
      'Hardest day',
      'Top emotions',
      'Trend',
      'Latest entries',
    ]);
    expect(field(result, 'Average')).toBe('6.0 over 6 entries');
    const warnings = lines.filter((l) => l.msg.includes('chart failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, chart: expect.stringMatching(/^moodscale-history-30d-/) });
  });
});
