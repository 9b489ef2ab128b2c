import http from 'node:http';
import https from 'node:https';

/** What users.info answered: its JSON body, or why there is none. */
export type UsersInfoAnswer =
  | { ok: true; body: unknown }
  | { ok: false; error: string; status?: number; retryAfterSeconds?: number };

/** Bodies larger than this are not a users.info answer. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * users.info over a kept-alive connection, without the Web API client. It is asked for every new user,
 * and through the client (fetch, web streams, a retry queue) each call cost about half a millisecond of
 * the event loop's time, on the loop that also answers commands. No retries: a failure only means the
 * new user keeps UTC until they choose a zone.
 */
export function createUsersInfo(options: {
  token: string;
  /** The Web API's base URL (`https://slack.com/api/` unless SLACK_API_URL says otherwise). */
  apiUrl: string | undefined;
  timeoutMs: number;
  /** Connections kept open to the Web API. */
  maxSockets: number;
}): (userId: string) => Promise<UsersInfoAnswer> {
  const base = options.apiUrl ?? 'https://slack.com/api/';
  const url = new URL('users.info', base.endsWith('/') ? base : `${base}/`);
  const secure = url.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: options.maxSockets })
    : new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const request = secure ? https.request : http.request;

  return (userId) =>
    new Promise<UsersInfoAnswer>((resolve) => {
      const body = new URLSearchParams({ user: userId }).toString();
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          timeout: options.timeoutMs,
          headers: {
            authorization: `Bearer ${options.token}`,
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              req.destroy();
              resolve({ ok: false, error: 'answer_too_large' });
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status === 429) {
              const retryAfter = Number(res.headers['retry-after']);
              resolve({
                ok: false,
                error: 'ratelimited',
                status,
                ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
              });
              return;
            }
            if (status !== 200) {
              resolve({ ok: false, error: `http_${status}`, status });
              return;
            }
            try {
              resolve({ ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
            } catch {
              resolve({ ok: false, error: 'invalid_json', status });
            }
          });
          res.on('error', () => resolve({ ok: false, error: 'response_error' }));
        },
      );
      req.on('timeout', () => {
        req.destroy();
        resolve({ ok: false, error: 'timeout' });
      });
      req.on('error', (error) => resolve({ ok: false, error: error.message }));
      req.end(body);
    });
}
