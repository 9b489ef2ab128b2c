import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { renderPlainText } from '../../src/core/commands/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { listUserAnalyses } from '../../src/db/repositories/music-analysis.js';
import { findUserById, readSpotifyLink } from '../../src/db/repositories/users.js';
import { defaultFakeTrack, type FakeSpotify, startFakeSpotify } from '../fakes/spotify/fake-spotify.js';
import { tempDir } from '../support/temp-dir.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** `npm start`'s composition with Spotify linking configured: the callback is served on PORT. */
describe('GIVEN MoodScale started with Spotify linking configured', () => {
  let spotify: FakeSpotify;
  let app: App;
  let port: number;

  beforeAll(async () => {
    spotify = await startFakeSpotify();
    port = await freePort();
    const config = loadConfig({
      DATA_DIR: tempDir('moodscale-spotify-'),
      SPOTIFY_CLIENT_ID: spotify.clientId,
      SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
      SPOTIFY_API_URL: spotify.url,
      SPOTIFY_ACCOUNTS_URL: spotify.url,
      SPOTIFY_REDIRECT_URI: `http://127.0.0.1:${port}/spotify/callback`,
      PORT: String(port),
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, silentLogger());
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await spotify?.close();
  });

  const run = (text: string) =>
    app.dispatcher.dispatch({
      identity: { platform: 'console', workspaceId: '', externalUserId: 'listener' },
      command: 'spotify',
      input: { text },
    });

  it('WHEN the user connects and the browser returns THEN the account is linked with encrypted tokens', async () => {
    const connect = await run('connect');
    const authorizeUrl = /https?:\/\/\S+authorize\S+/.exec(renderPlainText(connect.reply))?.[0];
    expect(authorizeUrl).toBeDefined();
    const { redirect } = spotify.consent(authorizeUrl!);
    const page = await fetch(redirect);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Spotify/);

    const userId = connect.userId!;
    const link = await readSpotifyLink(app.database.db, app.cipher, userId);
    expect(link?.spotifyId).toBeTruthy();
    const raw = await findUserById(app.database.db, userId);
    expect(raw?.spotifyRefreshToken).toMatch(/^enc:v1:/);
    expect(renderPlainText((await run('status')).reply)).toMatch(/linked/i);
  });

  it('WHEN the user syncs THEN recently played tracks are analysed once, bounded, and not again this week', async () => {
    const me = await run('status');
    const spotifyId = renderPlainText(me.reply).match(/Spotify account: (\S+)/)?.[1];
    expect(spotifyId).toBeDefined();
    const played = ['1a2B3c4D5e6F7g8H9i0Jk1', '1a2B3c4D5e6F7g8H9i0Jk2'];
    for (const id of played) spotify.addTrack(id, { ...defaultFakeTrack, name: `Played ${id.slice(-1)}` });
    spotify.setRecentlyPlayed(spotifyId!, [...played, played[0]!]);
    const first = await run('sync');
    expect(renderPlainText(first.reply)).toMatch(/Analysed 2 recently played tracks/);
    const rows = await listUserAnalyses(app.database.db, first.userId!);
    expect(rows.map((r) => r.spotifyTrackId).sort()).toEqual([...played].sort());
    expect(renderPlainText((await run('sync')).reply)).toMatch(/Nothing new/);
  });

  it('WHEN the callback carries a forged state THEN the page says so and nothing is linked', async () => {
    const page = await fetch(`http://127.0.0.1:${port}/spotify/callback?code=abc&state=forged`);
    expect(page.status).toBe(400);
  });

  it('WHEN the user disconnects THEN the tokens are deleted', async () => {
    const done = await run('disconnect');
    expect(done.outcome).toBe('ok');
    expect(await readSpotifyLink(app.database.db, app.cipher, done.userId!)).toBeUndefined();
  });
});
