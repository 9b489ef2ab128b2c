import { zodResponseFormat } from 'openai/helpers/zod';
import type { z } from 'zod';
import type { AiClient } from '../../integrations/ai/openai-client.js';

export interface StructuredRequest<T extends z.ZodType> {
  /** Names the response format and the log lines. */
  name: string;
  schema: T;
  system: string;
  /** Serialized as the user message; untrusted fields must be called out in `system`. */
  data: unknown;
  temperature?: number;
}

function failureKind(err: unknown): { kind: string; status?: number } {
  if (err instanceof Error) {
    const status = (err as { status?: unknown }).status;
    return typeof status === 'number' ? { kind: err.name, status } : { kind: err.name };
  }
  return { kind: typeof err };
}

/**
 * One structured-output call through the client's circuit breaker. Undefined on any failure (timeout, 429,
 * 5xx, malformed JSON, refusal, schema mismatch) or while the breaker is open: callers then use their local
 * path. Failures are logged at warn with their kind only, never the data sent.
 */
export async function callStructured<T extends z.ZodType>(
  ai: AiClient,
  request: StructuredRequest<T>,
): Promise<z.infer<T> | undefined> {
  if (!ai.breaker.allow()) {
    ai.logger.debug({ call: request.name }, 'language model skipped: circuit breaker open');
    return undefined;
  }
  const fail = (why: { kind: string; status?: number }) => {
    ai.breaker.failure();
    ai.logger.warn(
      { ...why, call: request.name, model: ai.model },
      'language model call failed; using the local path',
    );
    return undefined;
  };
  try {
    const completion = await (await ai.client()).chat.completions.parse({
      model: ai.model,
      temperature: request.temperature ?? 0.4,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: JSON.stringify(request.data) },
      ],
      response_format: zodResponseFormat(request.schema, request.name),
    });
    const message = completion.choices[0]?.message;
    if (message === undefined) return fail({ kind: 'no-choice' });
    if (message.refusal) return fail({ kind: 'refusal' });
    const checked = request.schema.safeParse(message.parsed);
    if (!checked.success) return fail({ kind: 'schema-mismatch' });
    ai.breaker.success();
    return checked.data;
  } catch (err) {
    return fail(failureKind(err));
  }
}
