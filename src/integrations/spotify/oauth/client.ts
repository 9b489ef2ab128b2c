import { z } from 'zod';
import { fetchJson, ProviderError } from '../http.js';
import { SpotifyOAuthError } from './errors.js';

export const SPOTIFY_SCOPES = ['user-read-recently-played'] as const;

const accountsProvider = 'spotify-accounts';
const apiProvider = 'spotify-api';

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export interface AuthorizeUrlParams {
  accountsUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
  /** The S256 code_challenge. */
  challenge: string;
  scopes: readonly string[];
}

/** Where the browser goes to let MoodScale read the account (Authorization Code with PKCE). */
export function buildAuthorizeUrl(params: AuthorizeUrlParams): string {
  const url = new URL(`${trimSlash(params.accountsUrl)}/authorize`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', params.clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('state', params.state);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('code_challenge', params.challenge);
  url.searchParams.set('scope', params.scopes.join(' '));
  return url.toString();
}

const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

const oauthErrorSchema = z.object({
  error: z.string().min(1),
  error_description: z.string().optional(),
});

/** A token answer: the refresh token is absent when Spotify keeps the old one valid. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | undefined;
  /** Lifetime of the access token in seconds. */
  expiresIn: number;
  scope: string | undefined;
}

export interface OAuthClientOptions {
  accountsUrl: string;
  clientId: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/**
 * POST to the token endpoint. 2xx: the checked token answer. 400/401 with an OAuth error body: a
 * SpotifyOAuthError (a definite refusal). Anything else (5xx, 429, timeouts, unreadable answers): a
 * ProviderError, i.e. an outage.
 */
async function postToken(options: OAuthClientOptions, form: Record<string, string>): Promise<TokenSet> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const url = `${trimSlash(options.accountsUrl)}/api/token`;
  const body = new URLSearchParams({ ...form, client_id: options.clientId }).toString();
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const timeout = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new ProviderError(
      accountsProvider,
      timeout ? 'timeout' : 'network',
      timeout ? `no answer within ${timeoutMs} ms` : 'request failed',
      undefined,
      undefined,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (response.status === 400 || response.status === 401) {
    const refusal = oauthErrorSchema.safeParse(json);
    if (refusal.success) {
      throw new SpotifyOAuthError(refusal.data.error, refusal.data.error_description, response.status);
    }
  }
  if (response.status < 200 || response.status > 299) {
    const kind = response.status === 429 ? 'rate-limited' : 'status';
    throw new ProviderError(accountsProvider, kind, `HTTP ${response.status}`, response.status);
  }
  const parsed = tokenSchema.safeParse(json);
  if (!parsed.success) {
    throw new ProviderError(
      accountsProvider,
      'malformed',
      'token answer does not have the expected shape',
      response.status,
    );
  }
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    expiresIn: parsed.data.expires_in,
    scope: parsed.data.scope,
  };
}

/** Trades the authorization code (and the verifier its challenge was made from) for tokens. */
export function exchangeCode(
  options: OAuthClientOptions & { code: string; redirectUri: string; codeVerifier: string },
): Promise<TokenSet> {
  return postToken(options, {
    grant_type: 'authorization_code',
    code: options.code,
    redirect_uri: options.redirectUri,
    code_verifier: options.codeVerifier,
  });
}

/** A new access token for a refresh token; `refreshToken` of the answer is often undefined. */
export function refreshAccessToken(
  options: OAuthClientOptions & { refreshToken: string },
): Promise<TokenSet> {
  return postToken(options, { grant_type: 'refresh_token', refresh_token: options.refreshToken });
}

export interface WebApiOptions {
  apiUrl: string;
  accessToken: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

const meSchema = z.object({
  id: z.string().min(1).max(200),
  display_name: z.string().nullable().optional(),
});

export interface SpotifyProfile {
  id: string;
  displayName: string | null;
}

/** The account the access token belongs to (GET /v1/me). */
export async function getMe(options: WebApiOptions): Promise<SpotifyProfile> {
  const answer = await fetchJson({
    provider: apiProvider,
    url: `${trimSlash(options.apiUrl)}/v1/me`,
    headers: { authorization: `Bearer ${options.accessToken}` },
    schema: meSchema,
    timeoutMs: options.timeoutMs ?? 5000,
    ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
  });
  if (!answer) throw new ProviderError(apiProvider, 'status', '/v1/me not found', 404);
  return { id: answer.id, displayName: answer.display_name ?? null };
}

const recentlyPlayedSchema = z.object({
  items: z.array(
    z.object({
      track: z.object({ id: z.string().nullable().optional(), name: z.string().optional() }).nullable(),
      played_at: z.string(),
    }),
  ),
});

export interface RecentlyPlayed {
  trackId: string;
  playedAt: string;
}

export const RECENTLY_PLAYED_MAX = 50;

/** The account's last played tracks, newest first (at most 50, Spotify's limit). */
export async function getRecentlyPlayed(
  options: WebApiOptions & { limit: number },
): Promise<RecentlyPlayed[]> {
  const limit = Math.min(RECENTLY_PLAYED_MAX, Math.max(1, Math.trunc(options.limit)));
  const answer = await fetchJson({
    provider: apiProvider,
    url: `${trimSlash(options.apiUrl)}/v1/me/player/recently-played?limit=${limit}`,
    headers: { authorization: `Bearer ${options.accessToken}` },
    schema: recentlyPlayedSchema,
    timeoutMs: options.timeoutMs ?? 5000,
    ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
  });
  if (!answer) return [];
  const out: RecentlyPlayed[] = [];
  for (const item of answer.items.slice(0, limit)) {
    const id = item.track?.id;
    if (id) out.push({ trackId: id, playedAt: item.played_at });
  }
  return out;
}
