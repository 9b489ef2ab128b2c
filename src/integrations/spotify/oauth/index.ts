export {
  buildAuthorizeUrl,
  exchangeCode,
  getMe,
  getRecentlyPlayed,
  RECENTLY_PLAYED_MAX,
  type RecentlyPlayed,
  refreshAccessToken,
  SPOTIFY_SCOPES,
  type SpotifyProfile,
  type TokenSet,
} from './client.js';
export { isSpotifyOAuthError, SpotifyOAuthError } from './errors.js';
export { codeChallengeS256, createCodeVerifier } from './pkce.js';
export { createOAuthState, type OAuthState, type StateCheck } from './state.js';
