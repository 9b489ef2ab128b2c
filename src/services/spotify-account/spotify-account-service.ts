import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { LruCache } from '../../core/lru-cache.js';
import { DecryptionError } from '../../crypto/create-field-cipher.js';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import type { Db } from '../../db/database.js';
import {
  clearSpotifyLink,
  findUserById,
  readSpotifyLink,
  saveSpotifyLink,
} from '../../db/repositories/users.js';
import { isProviderError } from '../../integrations/spotify/http.js';
import {
  buildAuthorizeUrl,
  exchangeCode,
  getMe,
  getRecentlyPlayed,
  RECENTLY_PLAYED_MAX,
  refreshAccessToken,
  SPOTIFY_SCOPES,
} from '../../integrations/spotify/oauth/client.js';
import { isSpotifyOAuthError } from '../../integrations/spotify/oauth/errors.js';
import { createOAuthState } from '../../integrations/spotify/oauth/state.js';

export interface SpotifyAccountSettings {
  clientId: string;
  /** Must match one of the app's redirect URIs in Spotify's dashboard exactly. */
  redirectUri: string;
  accountsUrl: string;
  apiUrl: string;
  /** Key material for the signed `state` (derive it from the app secret, purpose 'spotify-oauth'). */
  secret: Buffer;
  /** Per request to Spotify (default 5 s). */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export interface SpotifyAccountStatus {
  linked: boolean;
  spotifyId: string | null;
  /** The refresh token was refused (expired after 6 months or revoked): `/spotify connect` again. */
  needsRenewal: boolean;
  /**
   * Set (with needsRenewal) when the stored tokens do not decrypt here: written under an encryption key
   * this server does not have. `/spotify connect` replaces them; `/spotify disconnect` deletes them.
   */
  unreadable?: true;
}

export type CallbackResult = { ok: true; userId: number } | { ok: false; reason: string };

export interface SpotifyAccountService {
  /** The authorize URL for this user (valid 10 minutes, once). */
  connectUrl(userId: number): string;
  /** Finishes the flow from the redirect's query; never throws for a bad or refused callback. */
  handleCallback(query: { code?: string; state?: string; error?: string }): Promise<CallbackResult>;
  /** A valid access token, refreshed shortly before expiry; UserError when there is none to give. */
  accessToken(userId: number): Promise<string>;
  status(userId: number): Promise<SpotifyAccountStatus>;
  /** Forgets the Spotify account and both tokens, without decrypting them; true when one was linked. */
  disconnect(userId: number): Promise<boolean>;
  /** Ids of the recently played tracks, newest first (at most 50; cached per user for a few minutes). */
  recentTracks(userId: number, limit: number): Promise<string[]>;
}

/**
 * What the access-token column holds (encrypted as a whole, so none of it is readable in the database):
 * the token, when it expires, and whether the link needs renewal. The users table has no column for the
 * expiry or the renewal flag and its schema is fixed by the spec, so both ride along inside the one
 * encrypted value; the refresh-token column keeps the plain refresh token (encrypted) and is never
 * rewritten by a failed refresh, so nothing is lost when a link needs renewal.
 */
interface StoredAccess {
  v: 1;
  token: string;
  /** ms since the epoch. */
  expiresAt: number;
  needsRenewal?: true;
}

function parseStoredAccess(value: string): StoredAccess {
  try {
    const parsed: unknown = JSON.parse(value);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'token' in parsed &&
      typeof parsed.token === 'string' &&
      'expiresAt' in parsed &&
      typeof parsed.expiresAt === 'number'
    ) {
      const needsRenewal = 'needsRenewal' in parsed && parsed.needsRenewal === true;
      return {
        v: 1,
        token: parsed.token,
        expiresAt: parsed.expiresAt,
        ...(needsRenewal ? { needsRenewal } : {}),
      };
    }
  } catch {
    // A bare token written by something else: treat it as expired, so it is refreshed before use.
  }
  return { v: 1, token: value, expiresAt: 0 };
}

/** An access token is replaced this long before Spotify says it expires. */
const REFRESH_MARGIN_MS = 2 * 60_000;
const RECENT_TTL_MS = 3 * 60_000;

const RENEWAL_MESSAGE =
  'Spotify no longer accepts MoodScale’s access to your account (links expire after six months, or ' +
  'access was removed). Run `/spotify connect` again to renew it; nothing was deleted.';
const UNREACHABLE_MESSAGE =
  'Spotify cannot be reached right now, so your recently played tracks were not read. Your link is kept; ' +
  'try again in a few minutes.';
const NOT_LINKED_MESSAGE = 'No Spotify account is linked. Run `/spotify connect` to link one.';
const UNREADABLE_MESSAGE =
  'Your Spotify link needs renewing: it was saved with an encryption key this MoodScale server does not ' +
  'have, so it cannot be used. Run `/spotify connect` to link your account again (or `/spotify disconnect` ' +
  'to remove it).';

export function createSpotifyAccountService(deps: {
  db: Db;
  cipher: FieldCipher;
  clock: Clock;
  logger: Logger;
  settings: SpotifyAccountSettings;
}): SpotifyAccountService {
  const { db, cipher, clock, settings } = deps;
  const logger = deps.logger.child({ component: 'spotify-account' });
  const states = createOAuthState({ secret: settings.secret, cipher, clock });
  const http = {
    accountsUrl: settings.accountsUrl,
    clientId: settings.clientId,
    timeoutMs: settings.timeoutMs ?? 5000,
    ...(settings.fetchImpl ? { fetchImpl: settings.fetchImpl } : {}),
  };
  const api = (accessToken: string) => ({
    apiUrl: settings.apiUrl,
    accessToken,
    timeoutMs: http.timeoutMs,
    ...(settings.fetchImpl ? { fetchImpl: settings.fetchImpl } : {}),
  });
  const now = () => clock.now().getTime();
  const recent = new LruCache<string, string[]>(1000, RECENT_TTL_MS, now);
  /** One refresh at a time per user, shared by everyone waiting for it. */
  const refreshing = new Map<number, Promise<string>>();

  async function store(userId: number, spotifyId: string, access: StoredAccess, refresh: string | null) {
    await saveSpotifyLink(db, cipher, userId, {
      spotifyId,
      accessToken: JSON.stringify(access),
      refreshToken: refresh,
    });
  }

  /** The decrypted link; a UserError asking to reconnect when its tokens do not decrypt here. */
  async function readLink(userId: number) {
    try {
      return await readSpotifyLink(db, cipher, userId);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      logger.warn({ userId, code: error.code }, `spotify link unreadable: ${error.message}`);
      throw new UserError(UNREADABLE_MESSAGE, 'SPOTIFY_RENEWAL_NEEDED');
    }
  }

  async function markNeedsRenewal(userId: number): Promise<void> {
    const link = await readLink(userId);
    if (!link) return;
    const access = parseStoredAccess(link.accessToken);
    await store(userId, link.spotifyId, { ...access, needsRenewal: true }, link.refreshToken);
  }

  async function refresh(userId: number): Promise<string> {
    const link = await readLink(userId);
    if (!link) throw new UserError(NOT_LINKED_MESSAGE, 'SPOTIFY_NOT_LINKED');
    if (!link.refreshToken) {
      await markNeedsRenewal(userId);
      throw new UserError(RENEWAL_MESSAGE, 'SPOTIFY_RENEWAL_NEEDED');
    }
    try {
      const answer = await refreshAccessToken({ ...http, refreshToken: link.refreshToken });
      const access: StoredAccess = {
        v: 1,
        token: answer.accessToken,
        expiresAt: now() + answer.expiresIn * 1000,
      };
      // Spotify often answers a refresh without a new refresh token: the old one stays valid then.
      await store(userId, link.spotifyId, access, answer.refreshToken ?? link.refreshToken);
      return answer.accessToken;
    } catch (error) {
      if (isSpotifyOAuthError(error) && error.isInvalidGrant) {
        logger.info({ userId }, 'spotify refresh token refused; link needs renewal');
        await markNeedsRenewal(userId);
        throw new UserError(RENEWAL_MESSAGE, 'SPOTIFY_RENEWAL_NEEDED');
      }
      if (isProviderError(error) || isSpotifyOAuthError(error)) {
        logger.warn({ userId, err: error.message }, 'spotify token refresh failed');
        throw new UserError(UNREACHABLE_MESSAGE, 'SPOTIFY_UNREACHABLE');
      }
      throw error;
    }
  }

  async function accessToken(userId: number, force = false): Promise<string> {
    const link = await readLink(userId);
    if (!link) throw new UserError(NOT_LINKED_MESSAGE, 'SPOTIFY_NOT_LINKED');
    const access = parseStoredAccess(link.accessToken);
    if (access.needsRenewal) throw new UserError(RENEWAL_MESSAGE, 'SPOTIFY_RENEWAL_NEEDED');
    if (!force && access.expiresAt - REFRESH_MARGIN_MS > now()) return access.token;
    let pending = refreshing.get(userId);
    if (!pending) {
      pending = refresh(userId).finally(() => refreshing.delete(userId));
      refreshing.set(userId, pending);
    }
    return pending;
  }

  async function handleCallback(query: {
    code?: string;
    state?: string;
    error?: string;
  }): Promise<CallbackResult> {
    if (!query.state)
      return { ok: false, reason: 'The link is incomplete (no state). Run `/spotify connect` again.' };
    const checked = states.consume(query.state);
    if (!checked.ok) {
      logger.warn({ reason: checked.reason }, 'spotify callback with a bad state');
      const reason =
        checked.reason === 'expired'
          ? 'This link has expired (links last 10 minutes). Run `/spotify connect` again for a new one.'
          : checked.reason === 'replayed'
            ? 'This link was already used. Run `/spotify connect` again if you want to link again.'
            : 'This link is not valid. Run `/spotify connect` in the chat to get a new one.';
      return { ok: false, reason };
    }
    const { userId, codeVerifier } = checked;
    if (query.error) {
      const reason =
        query.error === 'access_denied'
          ? 'You did not allow access, so nothing was linked.'
          : 'Spotify did not grant access, so nothing was linked. Run `/spotify connect` to try again.';
      return { ok: false, reason };
    }
    if (!query.code)
      return { ok: false, reason: 'Spotify sent no authorization code. Run `/spotify connect` again.' };
    if (!(await findUserById(db, userId))) {
      return { ok: false, reason: 'The MoodScale account this link was made for no longer exists.' };
    }
    try {
      const tokens = await exchangeCode({
        ...http,
        code: query.code,
        redirectUri: settings.redirectUri,
        codeVerifier,
      });
      const profile = await getMe(api(tokens.accessToken));
      await store(
        userId,
        profile.id,
        { v: 1, token: tokens.accessToken, expiresAt: now() + tokens.expiresIn * 1000 },
        tokens.refreshToken ?? null,
      );
      recent.delete(String(userId));
      logger.info({ userId }, 'spotify account linked');
      return { ok: true, userId };
    } catch (error) {
      if (isSpotifyOAuthError(error)) {
        logger.warn({ userId, code: error.code }, 'spotify refused the authorization code');
        return {
          ok: false,
          reason:
            'Spotify refused the authorization (it may have been used already). Run `/spotify connect` again.',
        };
      }
      if (isProviderError(error)) {
        logger.warn({ userId, err: error.message }, 'spotify unreachable during the callback');
        return {
          ok: false,
          reason: 'Spotify could not be reached. Please run `/spotify connect` again later.',
        };
      }
      throw error;
    }
  }

  async function recentTracks(userId: number, limit: number): Promise<string[]> {
    const bounded = Math.min(RECENTLY_PLAYED_MAX, Math.max(1, Math.trunc(limit) || 1));
    const key = String(userId);
    const cached = recent.get(key);
    // The cache holds a full read (Spotify's maximum), so it answers any limit.
    if (cached) return cached.slice(0, bounded);
    const read = async (token: string) => getRecentlyPlayed({ ...api(token), limit: RECENTLY_PLAYED_MAX });
    let items: Awaited<ReturnType<typeof read>>;
    try {
      try {
        items = await read(await accessToken(userId));
      } catch (error) {
        // Revoked or expired early: one forced refresh, then give up.
        if (!(isProviderError(error) && error.status === 401)) throw error;
        items = await read(await accessToken(userId, true));
      }
    } catch (error) {
      if (isProviderError(error)) {
        logger.warn({ userId, err: error.message }, 'spotify recently played failed');
        throw new UserError(UNREACHABLE_MESSAGE, 'SPOTIFY_UNREACHABLE');
      }
      throw error;
    }
    const ids = items.map((item) => item.trackId);
    recent.set(key, ids);
    return ids.slice(0, bounded);
  }

  return {
    connectUrl(userId) {
      const { state, challenge } = states.issue(userId);
      return buildAuthorizeUrl({
        accountsUrl: settings.accountsUrl,
        clientId: settings.clientId,
        redirectUri: settings.redirectUri,
        state,
        challenge,
        scopes: SPOTIFY_SCOPES,
      });
    },
    handleCallback,
    accessToken: (userId) => accessToken(userId),
    async status(userId) {
      let link: Awaited<ReturnType<typeof readSpotifyLink>>;
      try {
        link = await readSpotifyLink(db, cipher, userId);
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
        logger.warn({ userId, code: error.code }, `spotify link unreadable: ${error.message}`);
        const spotifyId = (await findUserById(db, userId))?.spotifyId ?? null;
        return { linked: true, spotifyId, needsRenewal: true, unreadable: true };
      }
      if (!link) return { linked: false, spotifyId: null, needsRenewal: false };
      const access = parseStoredAccess(link.accessToken);
      return { linked: true, spotifyId: link.spotifyId, needsRenewal: access.needsRenewal === true };
    },
    async disconnect(userId) {
      const cleared = await clearSpotifyLink(db, userId);
      recent.delete(String(userId));
      return cleared;
    },
    recentTracks,
  };
}
