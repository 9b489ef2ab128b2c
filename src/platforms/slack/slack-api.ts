import type { webApi } from '@slack/bolt';
import type { ReplyFile } from '../../core/commands/index.js';
import { LruCache } from '../../core/lru-cache.js';
import { conversationOpenSchema, slackApiFailure } from './payloads.js';

export type WebClient = webApi.WebClient;

/** Options of every Web API client MoodScale makes: a bounded retry policy instead of the SDK's 30 minutes. */
export function webClientOptions(apiUrl: string | undefined): webApi.WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    // Rate limits come back as errors and withRateLimit waits, boundedly; network errors retry twice.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000, randomize: true },
    timeout: 15_000,
  };
}

export interface RateLimitPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The longest single wait a retry-after may ask for before the call gives up instead. */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultPolicy: RateLimitPolicy = { attempts: 3, maxWaitMs: 30_000 };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a Web API call, waiting out `ratelimited` answers as Slack's retry-after asks, a bounded number of times. */
export async function withRateLimit<T>(
  call: () => Promise<T>,
  policy: RateLimitPolicy = defaultPolicy,
): Promise<T> {
  const wait = policy.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = slackApiFailure(error);
      if (failure?.error !== 'ratelimited' || attempt >= policy.attempts) throw error;
      const waitMs = Math.max(1, failure.retryAfter ?? 1) * 1000;
      if (waitMs > policy.maxWaitMs) throw error;
      await wait(waitMs);
    }
  }
}

/** The DM channel with a user, opened once and remembered (conversations.open is idempotent anyway). */
export function createDmChannels(client: WebClient) {
  const channels = new LruCache<string, string>(10_000, 6 * 3_600_000);
  return async (userId: string): Promise<string> => {
    const known = channels.get(userId);
    if (known) return known;
    const answer = conversationOpenSchema.parse(
      await withRateLimit(() => client.conversations.open({ users: userId })),
    );
    channels.set(userId, answer.channel.id);
    return answer.channel.id;
  };
}

/** Uploads a reply's files to a channel with files.uploadV2 (getUploadURLExternal, upload, completeUploadExternal). */
export async function uploadFiles(
  client: WebClient,
  channelId: string,
  files: readonly ReplyFile[],
  comment?: string,
): Promise<void> {
  if (files.length === 0) return;
  await withRateLimit(() =>
    client.filesUploadV2({
      channel_id: channelId,
      ...(comment ? { initial_comment: comment } : {}),
      file_uploads: files.map((file) => ({
        file: typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : Buffer.from(file.data),
        filename: file.name,
        title: file.name,
        ...(file.description ? { alt_text: file.description.slice(0, 1000) } : {}),
      })),
    }),
  );
}
