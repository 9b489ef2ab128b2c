import type OpenAI from 'openai';
import type { Logger } from 'pino';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.js';

export interface AiClientOptions {
  apiKey: string;
  /** An OpenAI-compatible server (Ollama, vLLM, LM Studio) or a test fake. */
  baseURL?: string;
  model?: string;
  timeoutMs?: number;
  maxRetries?: number;
  logger: Logger;
  /** Clock for the circuit breaker; defaults to Date.now. */
  now?: () => number;
  /** Told how each refinement went (metrics): answered, fell back to the local prediction, or skipped. */
  onOutcome?: (outcome: 'ok' | 'fallback' | 'skipped') => void;
}

/** The language model as the rest of MoodScale sees it: one configured client plus its breaker. */
export interface AiClient {
  /** The SDK client, loaded on the first call: a bot without model calls never carries it (~14 MB). */
  client(): Promise<OpenAI>;
  readonly model: string;
  readonly logger: Logger;
  /** Skips calls for 60 s after 3 consecutive failures. */
  readonly breaker: CircuitBreaker;
  readonly onOutcome?: (outcome: 'ok' | 'fallback' | 'skipped') => void;
}

export function createAiClient(options: AiClientOptions): AiClient {
  let client: Promise<OpenAI> | undefined;
  return {
    client() {
      client ??= import('openai').then(
        ({ default: OpenAI }) =>
          new OpenAI({
            apiKey: options.apiKey,
            baseURL: options.baseURL,
            // The model refines an answer a user is waiting for (Discord allows 3 s): one short attempt,
            // then the local prediction. A retry after a 429 or a hang would only make the fallback late.
            timeout: options.timeoutMs ?? 2000,
            maxRetries: options.maxRetries ?? 0,
          }),
      );
      return client;
    },
    model: options.model ?? 'gpt-4o-mini',
    logger: options.logger,
    breaker: createCircuitBreaker({ threshold: 3, cooldownMs: 60_000, now: options.now }),
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  };
}
