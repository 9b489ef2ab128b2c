/**
 * Spotify's accounts service answered with an OAuth error (RFC 6749 section 5.2), for example
 * `invalid_grant` for an expired, revoked or already used code or refresh token. Unlike a
 * ProviderError this is a definite answer, not an outage: retrying will not help.
 */
export class SpotifyOAuthError extends Error {
  override readonly name = 'SpotifyOAuthError';
  constructor(
    readonly code: string,
    readonly description: string | undefined,
    readonly status: number,
  ) {
    super(`spotify-accounts: ${code}${description ? ` (${description})` : ''}`);
  }

  /** The grant (code or refresh token) is no longer valid: the user has to authorize again. */
  get isInvalidGrant(): boolean {
    return this.code === 'invalid_grant';
  }
}

export function isSpotifyOAuthError(error: unknown): error is SpotifyOAuthError {
  return error instanceof SpotifyOAuthError;
}
