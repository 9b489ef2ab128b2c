import type { z } from 'zod';

export type ProviderErrorKind = 'timeout' | 'network' | 'status' | 'malformed' | 'rate-limited';

/** An outage of an outside service (timeout, 5xx, refusal, unreadable answer): callers degrade on it. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly provider: string,
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    /** From Retry-After, when the answer had one. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${message}`, options);
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

/**
 * An outage in one line for the log, without a stack (it is expected): the message and the cause
 * underneath, e.g. "spotify-oembed: request failed: getaddrinfo ENOTFOUND open.spotify.com".
 */
export function outageSummary(error: ProviderError): string {
  let cause: unknown = error.cause;
  let deepest: string | undefined;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    deepest = cause.message;
    cause = cause.cause;
  }
  return deepest && deepest !== error.message ? `${error.message}: ${deepest}` : error.message;
}

export interface JsonRequest<T> {
  /** Name used in errors and logs ('spotify-api', 'spotify-oembed', ...). */
  provider: string;
  url: string;
  schema: z.ZodType<T>;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Largest answer read, in characters (default 1 MiB). */
  maxChars?: number;
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/**
 * One JSON request with a timeout covering the whole exchange (headers and body).
 * 2xx: the body parsed and checked by the schema. 404: undefined. Anything else throws a ProviderError
 * (status errors carry the status and any Retry-After so callers can refresh a token or wait once).
 */
export async function fetchJson<T>(request: JsonRequest<T>): Promise<T | undefined> {
  const fetchImpl = request.fetchImpl ?? fetch;
  const { provider } = request;
  const maxChars = request.maxChars ?? 1024 * 1024;
  let response: Response;
  let text: string;
  try {
    const init: RequestInit = {
      method: request.method ?? 'GET',
      headers: { accept: 'application/json', ...request.headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    };
    if (request.body !== undefined) init.body = request.body;
    response = await fetchImpl(request.url, init);
    if (response.status === 404) {
      await response.body?.cancel().catch(() => undefined);
      return undefined;
    }
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel().catch(() => undefined);
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      const kind = response.status === 429 ? 'rate-limited' : 'status';
      throw new ProviderError(provider, kind, `HTTP ${response.status}`, response.status, retryAfterMs);
    }
    text = await response.text();
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    if (isTimeout(error)) {
      throw new ProviderError(
        provider,
        'timeout',
        `no answer within ${request.timeoutMs} ms`,
        undefined,
        undefined,
        {
          cause: error,
        },
      );
    }
    throw new ProviderError(provider, 'network', 'request failed', undefined, undefined, { cause: error });
  }
  if (text.length > maxChars) {
    throw new ProviderError(
      provider,
      'malformed',
      `answer longer than ${maxChars} characters`,
      response.status,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProviderError(provider, 'malformed', 'answer is not JSON', response.status, undefined, {
      cause: error,
    });
  }
  const parsed = request.schema.safeParse(json);
  if (!parsed.success) {
    throw new ProviderError(
      provider,
      'malformed',
      'answer does not have the expected shape',
      response.status,
      undefined,
      {
        cause: parsed.error,
      },
    );
  }
  return parsed.data;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
