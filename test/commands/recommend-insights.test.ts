import { expect, it } from 'vitest';
import { listInsights } from '../../src/db/repositories/personality-insights.js';
import { listRecommendations } from '../../src/db/repositories/recommendations.js';
import {
  allSeeded,
  musicSettings,
  shareTracks,
  trackId,
} from '../services/recommendations/music-fixtures.js';
import { field, newAccount, textOf, useApp, userFor, userOf } from '../support/app-harness.js';
import { describeEachDatabase } from '../support/test-database.js';

describeEachDatabase('/recommend, /insights and the button under /mood', (getDb) => {
  const app = useApp(getDb, { music: musicSettings({}) });

  it('GIVEN a user who shared music WHEN they log a mood THEN the answer carries a "Recommend music" button for /recommend', async () => {
    const result = await app().run('/mood 6 tired', newAccount());
    expect(result.reply.buttons?.[0]).toEqual({
      id: 'mood:recommend',
      label: 'Recommend music',
      style: 'primary',
      action: '/recommend',
    });
    expect(textOf(result)).toMatch(/\[Recommend music\] type: \/recommend/);
  });

  it('GIVEN the /mood button WHEN it is pressed (its action dispatched) THEN private recommendations for that mood answer', async () => {
    const who = newAccount();
    const userId = await userFor(app(), who);
    await shareTracks(app().db, await userFor(app(), newAccount('seeder')), allSeeded);
    await shareTracks(app().db, userId, ['Middle']);
    const mood = await app().run('/mood 9 excited', who);
    const pressed = await app().run(mood.reply.buttons![0]!.action, who);
    expect(pressed.outcome).toBe('ok');
    expect(pressed.reply.visibility).toBe('private');
    expect(pressed.reply.title).toBe('Music that matches your mood');
    expect(pressed.reply.text).toBe('For your latest mood, 9/10 (excited).');
    // 9 excited sits at valence 0.75 * 8/9 + 0.25 * 0.85 = 0.879 and energy 0.9; HappyLoud (0.9, 0.85) is
    // 0.054 away, and scores fall linearly to 0 at the unit square's diagonal: 1 - 0.054 / 1.414 = 96%.
    expect(pressed.reply.fields?.[0]).toEqual({
      name: '1. Song HappyLoud — Artist HappyLoud',
      value: `bright and upbeat, close to how you felt today\nhttps://open.spotify.com/track/${trackId('HappyLoud')} · 96% match`,
    });
    expect(pressed.reply.image).toEqual({
      url: 'https://i.scdn.co/image/HappyLoud',
      alt: 'Cover of Song HappyLoud',
    });
    const stored = await listRecommendations(app().db, userId);
    expect(stored).toHaveLength(pressed.reply.fields!.length);
  });

  it('GIVEN /recommend lift THEN the reply explains the path and lists it in order', async () => {
    const who = newAccount();
    const userId = await userFor(app(), who);
    await shareTracks(app().db, userId, ['SadSlow']);
    await app().run('/mood 2 sad', who);
    const result = await app().run('/recommend lift', who);
    expect(result.reply.title).toMatch(/A gentle lift/);
    expect(result.reply.text).toMatch(/each song is a small step/);
    expect(result.reply.fields?.[0]?.value).toMatch(/meeting you where you are/);
  });

  it('GIVEN no analysed music WHEN /recommend THEN a private message says to share a Spotify link with /share first', async () => {
    const who = newAccount();
    await app().run('/mood 5', who);
    const result = await app().run('/recommend calm', who);
    expect(result.outcome).not.toBe('ok');
    expect(result.reply.visibility).toBe('private');
    expect(textOf(result)).toMatch(/share a Spotify link with `\/share` first/);
  });

  it('GIVEN an unknown goal THEN the parser names the choices', async () => {
    const result = await app().run('/recommend happier', newAccount());
    expect(textOf(result)).toMatch(/match, lift, calm, focus/);
  });

  it('GIVEN no insight yet WHEN /insights THEN one is computed on demand from the last 7 days and stored', async () => {
    const who = newAccount();
    const userId = await userFor(app(), who);
    await shareTracks(app().db, userId, ['BrightMid', 'HappyLoud', 'Middle']);
    await app().run('/mood 7 happy', who);
    const result = await app().run('/insights', who);
    expect(result.reply.visibility).toBe('private');
    expect(result.reply.title).toBe('Your music personality');
    expect(result.reply.text).toMatch(/^Your week sounded .*\n_Just computed from the last 7 days._$/s);
    // (0.6 + 0.85 + 0.5) / 3
    expect(field(result, 'Energy')).toBe('███████░░░ 0.65');
    // (0.8 + 0.9 + 0.5) / 3
    expect(field(result, 'Positivity')).toBe('███████░░░ 0.73');
    expect(await listInsights(app().db, userId)).toHaveLength(1);
  });

  it('GIVEN an insight WHEN /insights THEN the latest is shown; /insights refresh computes another', async () => {
    const who = newAccount();
    const userId = userOf(await app().run('/mood 4 tired', who));
    await shareTracks(app().db, userId, ['CalmWarm']);
    await app().run('/insights', who);
    const again = await app().run('/insights', who);
    expect(again.reply.text).toMatch(/`\/insights refresh` computes a new one/);
    expect(await listInsights(app().db, userId)).toHaveLength(1);
    const refreshed = await app().run('/insights refresh', who);
    expect(refreshed.reply.text).toMatch(/Just computed/);
    expect(await listInsights(app().db, userId)).toHaveLength(2);
  });

  it('GIVEN /help THEN both commands are listed with their usage', async () => {
    const help = textOf(await app().run('/help', newAccount()));
    expect(help).toMatch(/\/recommend/);
    expect(help).toMatch(/\/insights/);
  });
});
