import type { IncomingHttpHeaders } from 'node:http';

/** Why a request to the Slack endpoint is refused before its body is read, and the status that says so. */
export interface Refusal {
  status: 401 | 411 | 413;
  reason: string;
}

/** What Slack sends is far below this; a larger body is refused unread (SLACK_MAX_BODY_BYTES). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** `ssl_check=1&token=...`: the unsigned probe is far below this. */
const UNSIGNED_MAX_BYTES = 1024;

/** Slack's rule: a request timestamp more than 5 minutes away from our clock, either way, is refused. */
const TIMESTAMP_WINDOW_MS = 5 * 60_000;

/**
 * Checks a POST to the Slack endpoint on its headers alone, before any of its body is buffered: a
 * request Slack would never send (no signature, no length, a length over the limit, a timestamp from
 * the future) is refused at once, so an unsigned flood costs headers, not megabytes. Bolt still checks
 * the signature and the old-timestamp side on what passes.
 */
export function refuseBeforeBody(
  headers: IncomingHttpHeaders,
  now: Date,
  maxBodyBytes: number,
): Refusal | undefined {
  const length = headers['content-length'];
  const bytes = length === undefined ? undefined : Number(length);
  const signature = headers['x-slack-signature'];
  const timestamp = Number(headers['x-slack-request-timestamp']);
  if (!signature || !Number.isFinite(timestamp)) {
    // Slack's ssl_check probe is the one unsigned request it sends: a few bytes of form. Bolt lets
    // only that through; anything else unsigned is refused here, unread.
    const form = headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true;
    if (form && bytes !== undefined && bytes <= UNSIGNED_MAX_BYTES) return undefined;
    return { status: 401, reason: 'no Slack signature or timestamp' };
  }
  if (timestamp * 1000 - now.getTime() > TIMESTAMP_WINDOW_MS) {
    // Bolt refuses only timestamps over 5 minutes old.
    return { status: 401, reason: 'timestamp more than 5 minutes ahead' };
  }
  if (bytes === undefined) return { status: 411, reason: 'no Content-Length (Slack always sends one)' };
  if (!Number.isSafeInteger(bytes) || bytes < 0) return { status: 411, reason: 'unreadable Content-Length' };
  if (bytes > maxBodyBytes) return { status: 413, reason: `body of ${bytes} bytes over ${maxBodyBytes}` };
  return undefined;
}
