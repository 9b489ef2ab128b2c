import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { isUserError, type UserError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createFieldCipher } from '../../../src/crypto/create-field-cipher.js';
import type { Db } from '../../../src/db/database.js';
import { createUser, readSpotifyLink } from '../../../src/db/repositories/users.js';
import { createHttpServer, type HttpServer } from '../../../src/http/http-server.js';
import { SPOTIFY_CALLBACK_PATH, spotifyCallbackRoute } from '../../../src/http/spotify-callback.js';
import { codeChallengeS256, createCodeVerifier } from '../../../src/integrations/spotify/oauth/pkce.js';
import {
  createSpotifyAccountService,
  type SpotifyAccountService,
} from '../../../src/services/spotify-account/spotify-account-service.js';
import { type FakeSpotify, startFakeSpotify } from '../../fakes/spotify/fake-spotify.js';
import { newAccount } from '../../support/app-harness.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';

const HOUR = 3_600_000;

describeEachDatabase('Spotify account linking', (getDb) => {
  const cipher = createFieldCipher({ currentKey: 'c'.repeat(64) });
  const clock = fixedClock('2026-03-01T12:00:00Z');
  let fake: FakeSpotify;
  let server: HttpServer;
  let service: SpotifyAccountService;
  let callbackUrl: string;
  let db: Db;

  beforeAll(async () => {
    db = getDb().db;
    fake = await startFakeSpotify({ tokenLifetime: 3600 });
    // The service needs the redirect URI, which needs the server's port: the route looks the service up late.
    const route = spotifyCallbackRoute({ handleCallback: (q) => service.handleCallback(q) }, silentLogger());
    server = createHttpServer({ port: 0, host: '127.0.0.1', routes: [route], logger: silentLogger() });
    const { url } = await server.start();
    callbackUrl = `${url}${SPOTIFY_CALLBACK_PATH}`;
    service = createSpotifyAccountService({
      db,
      cipher,
      clock,
      logger: silentLogger(),
      settings: {
        clientId: fake.clientId,
        redirectUri: callbackUrl,
        accountsUrl: fake.url,
        apiUrl: fake.url,
        secret: Buffer.from('oauth-test-secret'),
        timeoutMs: 2000,
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await fake?.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.setRefreshRotation(false);
  });

  async function rawRow(userId: number) {
    const [row] = await queryRows<{
      spotify_id: string | null;
      spotify_access_token: string | null;
      spotify_refresh_token: string | null;
    }>(
      db,
      sql`SELECT spotify_id, spotify_access_token, spotify_refresh_token FROM users WHERE id = ${userId}`,
    );
    return row!;
  }

  /** The browser: opens the redirect Spotify sent it to, over real HTTP. */
  async function openCallback(url: string) {
    const response = await fetch(url);
    return { status: response.status, html: await response.text(), headers: response.headers };
  }

  async function linkedUser(spotifyUser = newAccount('spotify')) {
    const userId = (await createUser(db, newAccount())).id;
    const consent = fake.consent(service.connectUrl(userId), spotifyUser);
    const page = await openCallback(consent.redirect);
    if (page.status !== 200) throw new Error(`linking failed: ${page.html}`);
    return { userId, spotifyUser, consent };
  }

  async function expectNothingStored(userId: number) {
    expect(await rawRow(userId)).toEqual({
      spotify_id: null,
      spotify_access_token: null,
      spotify_refresh_token: null,
    });
  }

  async function rejection(promise: Promise<unknown>): Promise<UserError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isUserError(error)) throw new Error(`expected a UserError, got ${String(error)}`);
    return error;
  }

  it('GIVEN /spotify connect THEN the consent and callback over HTTP store the account with encrypted tokens', async () => {
    const userId = (await createUser(db, newAccount())).id;
    const authorize = new URL(service.connectUrl(userId));
    expect(authorize.searchParams.get('redirect_uri')).toBe(callbackUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');

    const consent = fake.consent(authorize.toString(), 'spotify-alice');
    const page = await openCallback(consent.redirect);

    expect(page.status).toBe(200);
    expect(page.html).toContain('Spotify linked');
    expect(page.html).toContain('return to the chat');
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // The verifier Spotify got matches the challenge the authorize URL carried.
    const exchange = new URLSearchParams(fake.requestsTo('token')[0]!.body);
    expect(exchange.get('grant_type')).toBe('authorization_code');
    expect(exchange.get('client_id')).toBe(fake.clientId);
    expect(codeChallengeS256(exchange.get('code_verifier')!)).toBe(
      authorize.searchParams.get('code_challenge'),
    );

    const raw = await rawRow(userId);
    const link = await readSpotifyLink(db, cipher, userId);
    const token = await service.accessToken(userId);
    expect(raw.spotify_id).toBe('spotify-alice');
    expect(token).toMatch(/^fake-user-token-/);
    expect(link?.refreshToken).toMatch(/^fake-refresh-/);
    expect(raw.spotify_access_token).not.toContain(token);
    expect(raw.spotify_refresh_token).not.toContain(link!.refreshToken!);
    expect(cipher.isEncrypted(raw.spotify_access_token!)).toBe(true);
    expect(cipher.isEncrypted(raw.spotify_refresh_token!)).toBe(true);
    expect(await service.status(userId)).toEqual({
      linked: true,
      spotifyId: 'spotify-alice',
      needsRenewal: false,
    });
    expect(fake.requestsTo('token')).toHaveLength(1);
  });

  it('GIVEN a forged state THEN the page refuses and nothing is stored or exchanged', async () => {
    const userId = (await createUser(db, newAccount())).id;
    const consent = fake.consent(service.connectUrl(userId));
    const forged = Buffer.from(JSON.stringify({ u: userId, n: 'n'.repeat(22), e: 9e15, v: 'x' })).toString(
      'base64url',
    );
    const url = new URL(callbackUrl);
    url.searchParams.set('code', consent.code);
    url.searchParams.set('state', `v2.${forged}.${'A'.repeat(43)}`);

    const page = await openCallback(url.toString());

    expect(page.status).toBe(400);
    expect(page.html).toContain('not valid');
    expect(fake.requestsTo('token')).toHaveLength(0);
    await expectNothingStored(userId);
  });

  it('GIVEN a state whose sealed part was altered (it cannot be read to change the user id) THEN it is refused for both users', async () => {
    const victim = (await createUser(db, newAccount())).id;
    const attacker = (await createUser(db, newAccount())).id;
    const consent = fake.consent(service.connectUrl(attacker));
    const [version, sealed, mac] = consent.state.split('.');
    expect(Buffer.from(sealed!, 'base64url').toString('latin1')).not.toContain(`"u":${attacker}`);
    const at = Math.floor(sealed!.length / 2);
    const altered = `${sealed!.slice(0, at)}${sealed![at] === 'A' ? 'B' : 'A'}${sealed!.slice(at + 1)}`;
    const url = new URL(consent.redirect);
    url.searchParams.set('state', `${version}.${altered}.${mac}`);

    const page = await openCallback(url.toString());

    expect(page.status).toBe(400);
    expect(fake.requestsTo('token')).toHaveLength(0);
    await expectNothingStored(victim);
    await expectNothingStored(attacker);
  });

  it('GIVEN the link is used after 10 minutes THEN it is refused as expired', async () => {
    const userId = (await createUser(db, newAccount())).id;
    const consent = fake.consent(service.connectUrl(userId));
    clock.advance(10 * 60_000 + 1);

    const page = await openCallback(consent.redirect);

    expect(page.status).toBe(400);
    expect(page.html).toContain('expired');
    expect(fake.requestsTo('token')).toHaveLength(0);
    await expectNothingStored(userId);
  });

  it('GIVEN a callback that already linked THEN opening it again is refused and stores nothing new', async () => {
    const { userId, consent } = await linkedUser();
    await service.disconnect(userId);
    fake.requests.length = 0;

    const again = await openCallback(consent.redirect);

    expect(again.status).toBe(400);
    expect(again.html).toContain('already used');
    expect(fake.requestsTo('token')).toHaveLength(0);
    await expectNothingStored(userId);
  });

  it('GIVEN a code issued for another code_challenge THEN Spotify refuses the verifier and nothing is stored', async () => {
    const userId = (await createUser(db, newAccount())).id;
    const authorize = new URL(service.connectUrl(userId));
    authorize.searchParams.set('code_challenge', codeChallengeS256(createCodeVerifier()));
    const consent = fake.consent(authorize.toString());

    const page = await openCallback(consent.redirect);

    expect(page.status).toBe(400);
    expect(page.html).toContain('Spotify refused');
    expect(fake.requestsTo('token')).toHaveLength(1);
    await expectNothingStored(userId);
  });

  it('GIVEN the user declined on Spotify THEN the page says nothing was linked', async () => {
    const userId = (await createUser(db, newAccount())).id;
    const state = new URL(service.connectUrl(userId)).searchParams.get('state')!;
    const url = new URL(callbackUrl);
    url.searchParams.set('error', 'access_denied');
    url.searchParams.set('state', state);

    const page = await openCallback(url.toString());

    expect(page.status).toBe(400);
    expect(page.html).toContain('did not allow access');
    await expectNothingStored(userId);
  });

  it('GIVEN a reason with markup THEN the page escapes it', async () => {
    const route = spotifyCallbackRoute(
      { handleCallback: async () => ({ ok: false, reason: '<script>alert(1)</script>' }) },
      silentLogger(),
    );
    const other = createHttpServer({ port: 0, host: '127.0.0.1', routes: [route], logger: silentLogger() });
    const { url } = await other.start();
    try {
      const page = await openCallback(`${url}${SPOTIFY_CALLBACK_PATH}?state=x`);
      expect(page.html).not.toContain('<script>');
      expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    } finally {
      await other.stop();
    }
  });

  it('GIVEN the access token expires soon THEN it is refreshed and the old refresh token is kept', async () => {
    const { userId } = await linkedUser();
    const before = await readSpotifyLink(db, cipher, userId);
    const first = await service.accessToken(userId);
    fake.requests.length = 0;

    clock.advance(HOUR - 60_000);
    const second = await service.accessToken(userId);

    expect(second).not.toBe(first);
    const refresh = new URLSearchParams(fake.requestsTo('token')[0]!.body);
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('refresh_token')).toBe(before!.refreshToken);
    const after = await readSpotifyLink(db, cipher, userId);
    expect(after?.refreshToken).toBe(before!.refreshToken);
    // Now fresh: no further request.
    expect(await service.accessToken(userId)).toBe(second);
    expect(fake.requestsTo('token')).toHaveLength(1);
  });

  it('GIVEN a refresh answer with a new refresh token THEN the new one is stored', async () => {
    const { userId } = await linkedUser();
    const before = await readSpotifyLink(db, cipher, userId);
    fake.setRefreshRotation(true);

    clock.advance(HOUR);
    await service.accessToken(userId);

    const after = await readSpotifyLink(db, cipher, userId);
    expect(after?.refreshToken).toMatch(/^fake-refresh-/);
    expect(after?.refreshToken).not.toBe(before!.refreshToken);
  });

  it('GIVEN Spotify answers invalid_grant THEN the link needs renewal, nothing is deleted and the user is told', async () => {
    const { userId, spotifyUser } = await linkedUser();
    const before = await readSpotifyLink(db, cipher, userId);
    fake.fail('token', { oauthError: 'invalid_grant' });

    clock.advance(HOUR);
    const error = await rejection(service.accessToken(userId));

    expect(error.code).toBe('SPOTIFY_RENEWAL_NEEDED');
    expect(error.message).toContain('/spotify connect');
    expect(await service.status(userId)).toEqual({
      linked: true,
      spotifyId: spotifyUser,
      needsRenewal: true,
    });
    const after = await readSpotifyLink(db, cipher, userId);
    expect(after?.spotifyId).toBe(spotifyUser);
    expect(after?.refreshToken).toBe(before!.refreshToken);
    // Marked: the next call does not ask Spotify again.
    fake.requests.length = 0;
    expect((await rejection(service.accessToken(userId))).code).toBe('SPOTIFY_RENEWAL_NEEDED');
    expect(fake.requestsTo('token')).toHaveLength(0);
  });

  it('GIVEN a renewal-needed link WHEN the user connects again THEN it is linked normally', async () => {
    const { userId, spotifyUser } = await linkedUser();
    fake.revokeRefreshTokens();
    clock.advance(HOUR);
    await rejection(service.accessToken(userId));

    const consent = fake.consent(service.connectUrl(userId), spotifyUser);
    expect((await openCallback(consent.redirect)).status).toBe(200);

    expect((await service.status(userId)).needsRenewal).toBe(false);
    await expect(service.accessToken(userId)).resolves.toMatch(/^fake-user-token-/);
  });

  it('GIVEN Spotify is down during a refresh THEN the user hears it is unreachable and nothing changes', async () => {
    const { userId } = await linkedUser();
    const rawBefore = await rawRow(userId);
    fake.fail('token', { status: 503 });

    clock.advance(HOUR);
    const error = await rejection(service.accessToken(userId));

    expect(error.code).toBe('SPOTIFY_UNREACHABLE');
    expect(error.message).toContain('cannot be reached');
    expect(await rawRow(userId)).toEqual(rawBefore);
    expect((await service.status(userId)).needsRenewal).toBe(false);
    // Once Spotify is back, the same link works.
    await expect(service.accessToken(userId)).resolves.toMatch(/^fake-user-token-/);
  });

  it('GIVEN /spotify disconnect THEN the account and both tokens are deleted', async () => {
    const { userId } = await linkedUser();

    await service.disconnect(userId);

    await expectNothingStored(userId);
    expect(await service.status(userId)).toEqual({ linked: false, spotifyId: null, needsRenewal: false });
    expect((await rejection(service.accessToken(userId))).code).toBe('SPOTIFY_NOT_LINKED');
  });

  it('GIVEN recently played tracks THEN at most 50 are read, and a second call within minutes makes no request', async () => {
    const { userId, spotifyUser } = await linkedUser();
    const ids = Array.from({ length: 60 }, (_, i) => `track${String(i).padStart(17, '0')}`);
    fake.setRecentlyPlayed(spotifyUser, ids);
    fake.requests.length = 0;

    const all = await service.recentTracks(userId, 500);
    const few = await service.recentTracks(userId, 5);

    expect(all).toEqual(ids.slice(0, 50));
    expect(few).toEqual(ids.slice(0, 5));
    const reads = fake.requestsTo('recently-played');
    expect(reads).toHaveLength(1);
    expect(reads[0]!.path).toContain('limit=50');

    clock.advance(5 * 60_000);
    await service.recentTracks(userId, 5);
    expect(fake.requestsTo('recently-played')).toHaveLength(2);
  });

  it('GIVEN fewer played tracks than asked for THEN the short list is cached too', async () => {
    const { userId, spotifyUser } = await linkedUser();
    fake.setRecentlyPlayed(spotifyUser, ['onlyone0000000000000000']);
    fake.requests.length = 0;

    expect(await service.recentTracks(userId, 20)).toEqual(['onlyone0000000000000000']);
    expect(await service.recentTracks(userId, 20)).toEqual(['onlyone0000000000000000']);

    expect(fake.requestsTo('recently-played')).toHaveLength(1);
  });

  it('GIVEN Spotify is down when reading recently played THEN a UserError says so and the link stays', async () => {
    const { userId } = await linkedUser();
    fake.fail('recently-played', { status: 502 });

    const error = await rejection(service.recentTracks(userId, 10));

    expect(error.code).toBe('SPOTIFY_UNREACHABLE');
    expect((await service.status(userId)).linked).toBe(true);
  });
});
