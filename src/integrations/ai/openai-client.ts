import OpenAI from 'openai';
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
}

/** The language model as the rest of MoodScale sees it: one configured client plus its breaker. */
export interface AiClient {
  readonly client: OpenAI;
  readonly model: string;
  readonly logger: Logger;
  /** Skips calls for 60 s after 3 consecutive failures. */
  readonly breaker: CircuitBreaker;
}

export function createAiClient(options: AiClientOptions): AiClient {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 8000,
    maxRetries: options.maxRetries ?? 1,
  });
  return {
    client,
    model: options.model ?? 'gpt-4o-mini',
    logger: options.logger,
    breaker: createCircuitBreaker({ threshold: 3, cooldownMs: 60_000, now: options.now }),
  };
}
