import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the next chat completion gets. */
export type FakeOpenAiReply =
  /** A normal answer: `answer` is serialized as the message content. */
  | { kind: 'ok'; answer: unknown }
  | { kind: 'rate-limit'; retryAfter?: string }
  | { kind: 'server-error'; status?: number }
  | { kind: 'hang' }
  /** Content that is not JSON. */
  | { kind: 'malformed'; content?: string }
  | { kind: 'refusal'; message?: string };

export interface RecordedChatRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (model, messages, response_format, tools, temperature, ...). */
  body: Record<string, unknown>;
}

/**
 * A fake OpenAI on 127.0.0.1 speaking the chat completions wire format (`POST /v1/chat/completions`)
 * well enough for the real SDK's `chat.completions.parse`. Replies are programmed per request; when the
 * queue is empty the default reply is used. Every request is recorded.
 */
export class FakeOpenAi {
  readonly requests: RecordedChatRequest[] = [];
  defaultReply: FakeOpenAiReply = {
    kind: 'ok',
    answer: { mood: 'happy', confidence: 0.8, reason: 'Bright major key and a lively tempo.' },
  };
  private readonly queue: FakeOpenAiReply[] = [];
  private readonly server: Server;
  private port = 0;
  private counter = 0;

  constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) json(res, 500, { error: { message: 'fake failure' } });
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The SDK's baseURL. */
  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  reply(...replies: FakeOpenAiReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = text === '' ? {} : JSON.parse(text);
      if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      return json(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error' } });
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    this.requests.push({ method: req.method ?? '', path, headers: { ...req.headers }, body });
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return json(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
    }
    const reply = this.queue.shift() ?? this.defaultReply;
    const model = typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
    switch (reply.kind) {
      case 'hang':
        return;
      case 'rate-limit':
        return json(
          res,
          429,
          { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
          { 'retry-after': reply.retryAfter ?? '0' },
        );
      case 'server-error':
        return json(res, reply.status ?? 500, {
          error: { message: 'The server had an error', type: 'server_error' },
        });
      case 'malformed':
        return json(res, 200, this.completion(model, reply.content ?? 'happy, I think {', null));
      case 'refusal':
        return json(
          res,
          200,
          this.completion(model, null, reply.message ?? "I'm sorry, I can't help with that."),
        );
      case 'ok':
        return json(res, 200, this.completion(model, JSON.stringify(reply.answer), null));
    }
  }

  private completion(model: string, content: string | null, refusal: string | null) {
    this.counter += 1;
    return {
      id: `chatcmpl-fake${this.counter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        { index: 0, message: { role: 'assistant', content, refusal }, logprobs: null, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 },
    };
  }
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
