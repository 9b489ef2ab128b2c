import { describe, expect, it } from 'vitest';
import { looseName, sameName } from '../../../src/integrations/spotify/spotify-api.js';
import { whenFelt } from '../../../src/services/recommendations/recommendation-service.js';

describe('how a mood entry is named in reasons', () => {
  const now = new Date('2026-11-26T10:00:00Z'); // a Thursday
  it.each([
    ['2026-11-26T08:00:00Z', 'UTC', 'today'],
    ['2026-11-25T08:00:00Z', 'UTC', 'yesterday'],
    ['2026-11-24T08:00:00Z', 'UTC', 'on Tuesday'],
    ['2026-11-20T08:00:00Z', 'UTC', 'on Friday'],
    ['2026-11-19T08:00:00Z', 'UTC', 'on 19 Nov (Thu)'],
    // 23:30 UTC on the 25th is already the 26th in Tokyo.
    ['2026-11-25T23:30:00Z', 'Asia/Tokyo', 'today'],
    ['2026-11-25T23:30:00Z', 'America/New_York', 'yesterday'],
  ])('GIVEN an entry at %s in %s THEN it is "%s"', (at, zone, expected) => {
    expect(whenFelt(new Date(at), now, zone)).toBe(expected);
  });
});

describe('matching a suggestion to a Spotify search result', () => {
  it.each([
    ['Song', 'Song', true],
    ['Beyoncé', 'beyonce', true],
    ["Don't Stop Me Now", 'dont stop me now', true],
    ['Song - Remastered 2011', 'Song', true],
    ['Song (Live at Wembley)', 'song', true],
    ['Real On Spotify', 'Real', false],
    ['Another Song', 'Song', false],
    ['', 'Song', false],
  ])('GIVEN "%s" and "%s" THEN same is %s', (a, b, same) => {
    expect(sameName(a, b)).toBe(same);
    expect(sameName(b, a)).toBe(same);
  });

  it('GIVEN accents and punctuation THEN looseName drops them', () => {
    expect(looseName('  Café — Déjà Vu!! ')).toBe('cafe deja vu');
  });
});
