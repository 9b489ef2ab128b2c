import type { Db } from '../../../src/db/database.js';
import { insertMusicAnalysis } from '../../../src/db/repositories/music-analysis.js';
import type { MusicSettings } from '../../../src/services/music/build-track-analysis.js';
import type { FakeOpenAi } from '../../fakes/openai/fake-openai.js';
import type { FakeSpotify } from '../../fakes/spotify/fake-spotify.js';

/** A 22-character Spotify-style id made from a readable name. */
export const trackId = (name: string): string =>
  name
    .replace(/[^A-Za-z0-9]/g, '')
    .padEnd(22, '0')
    .slice(0, 22);

/** Named points of the valence/energy plane: the seeded catalogue. */
export const seededTracks = {
  SadSlow: { valence: 0.1, energy: 0.15 },
  LowMid: { valence: 0.3, energy: 0.3 },
  DarkLoud: { valence: 0.1, energy: 0.9 },
  Middle: { valence: 0.5, energy: 0.5 },
  FocusSteady: { valence: 0.55, energy: 0.45 },
  CalmWarm: { valence: 0.65, energy: 0.18 },
  BrightMid: { valence: 0.8, energy: 0.6 },
  HappyLoud: { valence: 0.9, energy: 0.85 },
} as const;
export type SeededName = keyof typeof seededTracks;

/** Analyses `names` as shared by `userId` (created `at`, default now). */
export async function shareTracks(
  db: Db,
  userId: number,
  names: readonly SeededName[],
  at?: Date,
): Promise<void> {
  for (const name of names) {
    const f = seededTracks[name];
    await insertMusicAnalysis(db, {
      userId,
      spotifyTrackId: trackId(name),
      trackName: `Song ${name}`,
      artistName: `Artist ${name}`,
      albumImage: `https://i.scdn.co/image/${name}`,
      audioFeatures: {
        valence: f.valence,
        energy: f.energy,
        source: 'reccobeats',
        moodSource: 'audio-features',
      },
      predictedMood: f.energy < 0.4 ? 'calm' : f.valence > 0.6 ? 'happy' : 'tense',
      moodConfidence: 0.8,
      ...(at ? { createdAt: at } : {}),
    });
  }
}

export const allSeeded = Object.keys(seededTracks) as SeededName[];

/** Music settings pointing at the fakes; Spotify's Web API (search) only when `search` is set. */
export function musicSettings(options: {
  openai?: FakeOpenAi;
  spotify?: FakeSpotify;
  search?: boolean;
  timeoutMs?: number;
}): MusicSettings {
  const spotify = options.spotify;
  return {
    music: {
      spotify:
        options.search && spotify
          ? { clientId: spotify.clientId, clientSecret: spotify.clientSecret }
          : undefined,
      spotifyApiUrl: spotify?.url ?? 'http://127.0.0.1:9',
      spotifyAccountsUrl: spotify?.url ?? 'http://127.0.0.1:9',
      oembedUrl: spotify?.oembedUrl ?? 'http://127.0.0.1:9/oembed',
      reccoBeatsUrl: 'http://127.0.0.1:9',
      redirectUri: undefined,
    },
    ai: options.openai
      ? { apiKey: 'test-key', baseUrl: options.openai.baseURL, model: 'test-model' }
      : undefined,
    timeoutMs: options.timeoutMs ?? 1500,
    allowLoopbackForTests: true,
  };
}

/** The user message of a recorded chat request, as the model saw it. */
export function userMessageOf(body: Record<string, unknown>): string {
  const messages = body.messages as Array<{ role: string; content: string }> | undefined;
  return messages?.find((msg) => msg.role === 'user')?.content ?? '';
}
