import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { listInsights } from '../../../src/db/repositories/personality-insights.js';
import { insertRecommendations } from '../../../src/db/repositories/recommendations.js';
import { FakeOpenAi, type FakeOpenAiReply } from '../../fakes/openai/fake-openai.js';
import { createAppHarness, newAccount, userFor } from '../../support/app-harness.js';
import { insertMoodEntry } from '../../support/mood-entries.js';
import { describeEachDatabase } from '../../support/test-database.js';
import { musicSettings, shareTracks, trackId, userMessageOf } from '../recommendations/music-fixtures.js';

let openai: FakeOpenAi;
beforeAll(async () => {
  openai = await new FakeOpenAi().start();
});
afterAll(async () => {
  await openai?.close();
});

const modelInsight = {
  kind: 'ok',
  answer: {
    musicDna: 'A warm explorer who moves between bright pop and quiet evenings.',
    suggestion: 'Make a short playlist of three songs that felt like this week.',
  },
} as const;

const WEEK_A = { from: new Date('2026-11-09T00:00:00Z'), to: new Date('2026-11-16T00:00:00Z') };
const WEEK_B = { from: new Date('2026-11-16T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') };
const at = (iso: string) => new Date(iso);

describeEachDatabase('weekly personality insights', (getDb) => {
  it('GIVEN two weeks of moods and music THEN each week gets its own stored insight from its own music, recommendations included', async () => {
    const clock = fixedClock('2026-11-24T10:00:00Z');
    const app = createAppHarness(getDb().db, { clock, music: musicSettings({}) });
    const userId = await userFor(app, newAccount());
    // The recommended track's features come from its analysis by someone else.
    await shareTracks(
      app.db,
      await userFor(app, newAccount('seeder')),
      ['CalmWarm'],
      at('2026-11-01T12:00:00Z'),
    );
    await shareTracks(app.db, userId, ['SadSlow', 'LowMid'], at('2026-11-10T12:00:00Z'));
    await insertMoodEntry(app.db, {
      userId,
      moodScore: 3,
      emotions: ['tired'],
      createdAt: at('2026-11-10T13:00:00Z'),
    });
    await shareTracks(app.db, userId, ['HappyLoud'], at('2026-11-18T12:00:00Z'));
    await insertRecommendations(app.db, [
      {
        userId,
        spotifyTrackId: trackId('CalmWarm'),
        trackName: 'Song CalmWarm',
        artistName: 'Artist CalmWarm',
        createdAt: at('2026-11-19T08:00:00Z'),
      },
    ]);
    await insertMoodEntry(app.db, { userId, moodScore: 8, createdAt: at('2026-11-18T13:00:00Z') });

    const a = await app.services.insights.generate({ userId, ...WEEK_A });
    clock.advance(60_000);
    const b = await app.services.insights.generate({ userId, ...WEEK_B });

    expect(a.insight).toMatchObject({ energyLevel: 0.225, positivityLevel: 0.2 });
    expect(b.insight).toMatchObject({ energyLevel: 0.515, positivityLevel: 0.775 });
    expect(a.source).toBe('local');
    expect(a.insight.musicDna).toMatch(/\w/);
    expect(a.insight.aiSuggestion).toMatch(/\w/);
    const stored = await listInsights(app.db, userId);
    expect(stored.map((s) => s.id)).toEqual([b.insight.id, a.insight.id]);
    expect(stored[0]?.generatedAt).toEqual(at('2026-11-24T10:01:00Z'));
    expect((await app.services.insights.latest(userId))?.insight.id).toBe(b.insight.id);
  });

  it('GIVEN a week with nothing in it THEN the insight still stores, with no levels and a kind nudge', async () => {
    const app = createAppHarness(getDb().db, { music: musicSettings({}) });
    const userId = await userFor(app, newAccount());
    const result = await app.services.insights.generate({ userId, ...WEEK_A });
    expect(result.insight).toMatchObject({ energyLevel: null, positivityLevel: null });
    expect(result.counts).toEqual({ moods: 0, tracks: 0 });
    expect(result.moodMusic).toEqual([]);
  });

  it('GIVEN the model THEN music DNA and suggestion come from its structured answer', async () => {
    const app = createAppHarness(getDb().db, { music: musicSettings({ openai }) });
    const userId = await userFor(app, newAccount());
    await shareTracks(app.db, userId, ['BrightMid'], at('2026-11-17T12:00:00Z'));
    openai.reply(modelInsight);
    const result = await app.services.insights.generate({ userId, ...WEEK_B });
    expect(result.source).toBe('model');
    expect(result.insight).toMatchObject({
      musicDna: modelInsight.answer.musicDna,
      aiSuggestion: modelInsight.answer.suggestion,
      energyLevel: 0.6,
    });
  });

  it.each<[string, FakeOpenAiReply]>([
    ['429', { kind: 'rate-limit' }],
    ['a timeout', { kind: 'hang' }],
    ['malformed JSON', { kind: 'malformed' }],
    [
      'medical advice',
      { kind: 'ok', answer: { musicDna: 'Upbeat.', suggestion: 'Ask your doctor about a diagnosis.' } },
    ],
  ])('GIVEN the model answers with %s THEN the local template is stored instead', async (_, failure) => {
    const app = createAppHarness(getDb().db, { music: musicSettings({ openai, timeoutMs: 800 }) });
    const userId = await userFor(app, newAccount());
    await shareTracks(app.db, userId, ['BrightMid', 'HappyLoud', 'Middle'], at('2026-11-17T12:00:00Z'));
    openai.reply(failure);
    const result = await app.services.insights.generate({ userId, ...WEEK_B });
    expect(result.source).toBe('local');
    expect(result.insight.musicDna).toMatch(/^Your week sounded/);
    expect(result.insight.aiSuggestion).not.toMatch(/doctor/);
  });

  it('GIVEN a note THEN it reaches the model only after the user consents, decrypted', async () => {
    const app = createAppHarness(getDb().db, { music: musicSettings({ openai }) });
    const who = newAccount();
    await app.run('/mood 4 tired -- my quiet garden thought', who);
    const userId = await userFor(app, who);
    await shareTracks(app.db, userId, ['CalmWarm']);
    const period = { userId, from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000) };

    openai.reply(modelInsight);
    let before = openai.requests.length;
    await app.services.insights.generate(period);
    const withoutConsent = userMessageOf(openai.requests[before]!.body);
    expect(withoutConsent).not.toContain('garden');
    expect(JSON.parse(withoutConsent)).toMatchObject({ days: [{ average_mood: 4, emotions: ['tired'] }] });

    await app.run('/settings notes-consent on', who);
    openai.reply(modelInsight);
    before = openai.requests.length;
    await app.services.insights.generate(period);
    const withConsent = JSON.parse(userMessageOf(openai.requests[before]!.body));
    expect(withConsent.notes).toEqual(['my quiet garden thought']);
  });
});
