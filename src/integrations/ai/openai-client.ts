import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.js';

/** What MoodScale asks the language model for; a bounded label of `moodscale_model_calls_total`. */
export type ModelPurpose = 'track_mood' | 'recommendations' | 'insights';

/** How a call went: answered, failed (the caller's local path answers), or skipped (breaker open). */
export type ModelCallOutcome = 'ok' | 'fallback' | 'skipped';

/** One call as the metrics see it. */
export interface ModelCallReport {
  purpose: ModelPurpose;
  outcome: ModelCallOutcome;
}

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
  /** Told how every call went, whatever its purpose (metrics). */
  onCall?: (call: ModelCallReport) => void;
}

/** One structured-output request: the model's answer must parse with `schema`. */
export interface StructuredRequest<T extends z.ZodType> {
  /** Which use asks (metrics and logs). */
  purpose: ModelPurpose;
  /** Names the response format sent to the model. */
  name: string;
  schema: T;
  system: string;
  /** Serialized as the user message; untrusted fields must be called out in `system`. */
  data: unknown;
  temperature?: number;
}

/**
 * The language model as the rest of MoodScale sees it: one configured client and one circuit breaker,
 * shared by every use (track moods, recommendations, insights), so failures of one spare the others
 * the wait, and every call is reported the same way.
 */
export interface AiClient {
  /** The SDK client, loaded on the first call: a bot without model calls never carries it (~14 MB). */
  client(): Promise<OpenAI>;
  readonly model: string;
  readonly logger: Logger;
  /** Skips calls for 60 s after 3 consecutive failures, whichever use they came from. */
  readonly breaker: CircuitBreaker;
  /**
   * One structured-output call through the breaker. Undefined on any failure (timeout, 429, 5xx,
   * malformed JSON, refusal, schema mismatch) or while the breaker is open: callers then use their local
   * path. Failures are logged at warn with their kind only, never the data sent.
   */
  structured<T extends z.ZodType>(request: StructuredRequest<T>): Promise<z.infer<T> | undefined>;
}

function failureKind(err: unknown): { kind: string; status?: number } {
  if (err instanceof Error) {
    const status = (err as { status?: unknown }).status;
    return typeof status === 'number' ? { kind: err.name, status } : { kind: err.name };
  }
  return { kind: typeof err };
}

export function createAiClient(options: AiClientOptions): AiClient {
  let sdk: Promise<OpenAI> | undefined;
  const model = options.model ?? 'gpt-4o-mini';
  const logger = options.logger;
  const breaker = createCircuitBreaker({ threshold: 3, cooldownMs: 60_000, now: options.now });
  const report = (purpose: ModelPurpose, outcome: ModelCallOutcome) => options.onCall?.({ purpose, outcome });

  function client(): Promise<OpenAI> {
    sdk ??= import('openai').then(
      ({ default: OpenAI }) =>
        new OpenAI({
          apiKey: options.apiKey,
          baseURL: options.baseURL,
          // The model refines an answer a user is waiting for (Discord allows 3 s): one short attempt,
          // then the local path. A retry after a 429 or a hang would only make the fallback late.
          timeout: options.timeoutMs ?? 2000,
          maxRetries: options.maxRetries ?? 0,
        }),
    );
    return sdk;
  }

  return {
    client,
    model,
    logger,
    breaker,
    async structured(request) {
      const { purpose, name } = request;
      if (!breaker.allow()) {
        logger.debug({ purpose, call: name }, 'language model skipped: circuit breaker open');
        report(purpose, 'skipped');
        return undefined;
      }
      const fail = (why: { kind: string; status?: number }) => {
        breaker.failure();
        report(purpose, 'fallback');
        logger.warn(
          { ...why, purpose, call: name, model },
          'language model call failed; using the local path',
        );
        return undefined;
      };
      try {
        const completion = await (await client()).chat.completions.parse({
          model,
          temperature: request.temperature ?? 0.4,
          messages: [
            { role: 'system', content: request.system },
            { role: 'user', content: JSON.stringify(request.data) },
          ],
          response_format: zodResponseFormat(request.schema, name),
        });
        const message = completion.choices[0]?.message;
        if (message === undefined) return fail({ kind: 'no-choice' });
        if (message.refusal) return fail({ kind: 'refusal' });
        const checked = request.schema.safeParse(message.parsed);
        if (!checked.success) return fail({ kind: 'schema-mismatch' });
        breaker.success();
        report(purpose, 'ok');
        return checked.data;
      } catch (err) {
        return fail(failureKind(err));
      }
    },
  };
}
