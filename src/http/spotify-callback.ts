import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import type { SpotifyAccountService } from '../services/spotify-account/spotify-account-service.js';
import type { Route } from './http-server.js';

export const SPOTIFY_CALLBACK_PATH = '/spotify/callback';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** A self-contained page: inline style only, no scripts, images or other requests. */
export function renderCallbackPage(ok: boolean, message: string): string {
  const title = ok ? 'Spotify linked' : 'Spotify not linked';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} - MoodScale</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.4rem;color:${ok ? '#1a7f37' : '#b42318'}}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</body>
</html>
`;
}

/**
 * The handler for Spotify's redirect, as `(req, res) => Promise<void>`: it fits this app's Route and
 * also Slack Bolt's HTTPReceiver `customRoutes` ({ path: SPOTIFY_CALLBACK_PATH, method: ['GET'],
 * handler }) when Slack runs in HTTP mode on the same port.
 */
export function createSpotifyCallbackHandler(
  service: Pick<SpotifyAccountService, 'handleCallback'>,
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    let ok = false;
    let message: string;
    try {
      const given: { code?: string; state?: string; error?: string } = {};
      for (const key of ['code', 'state', 'error'] as const) {
        const value = query.get(key);
        if (value !== null) given[key] = value;
      }
      const result = await service.handleCallback(given);
      ok = result.ok;
      message = result.ok
        ? 'Your Spotify account is now linked to MoodScale. You can close this page and return to the chat.'
        : `${result.reason} You can close this page and return to the chat.`;
    } catch (error) {
      logger.error({ err: error }, 'spotify callback failed');
      message =
        'Something went wrong on our side, so nothing was linked. Please try `/spotify connect` again later.';
    }
    const body = renderCallbackPage(ok, message);
    res.writeHead(ok ? 200 : 400, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
    res.end(body);
  };
}

/** The callback as a Route for createHttpServer. */
export function spotifyCallbackRoute(
  service: Pick<SpotifyAccountService, 'handleCallback'>,
  logger: Logger,
): Route {
  return {
    method: 'GET',
    path: SPOTIFY_CALLBACK_PATH,
    handler: createSpotifyCallbackHandler(service, logger),
  };
}
