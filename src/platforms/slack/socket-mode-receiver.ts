import {
  type App,
  ErrorCode,
  type Receiver,
  type ReceiverEvent,
  type Logger as SlackLogger,
} from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import type { Arrival } from './arrivals.js';

/** The SDK's acknowledgement of one envelope: `{ envelope_id, payload }` sent on the socket. */
type SocketAck = (response?: unknown) => Promise<void>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What the SDK emits as `slack_event` for each envelope (its EventEmitter leaves it untyped). The payload
 * is only checked to be an object: the listeners parse what they read of it with their own schemas.
 */
const slackEventSchema = z.object({
  ack: z.custom<SocketAck>((value) => typeof value === 'function'),
  envelope_id: z.string(),
  type: z.string(),
  body: z.custom<Record<string, unknown>>(isRecord),
  retry_num: z.number().nullish(),
  retry_reason: z.string().nullish(),
});

type SlackEvent = z.infer<typeof slackEventSchema>;

export interface SocketModeReceiverOptions {
  appToken: string;
  /** SLACK_API_URL, for the client's apps.connections.open. */
  apiUrl?: string | undefined;
  /** Bolt's logger over pino: the SDK's own lines. */
  sdkLogger: SlackLogger;
  log: Logger;
}

/**
 * Socket Mode, acknowledging an Events API envelope only once its listener has returned: Bolt's own
 * SocketModeReceiver acknowledges every event before any listener runs, so a crash before the inbox
 * write would lose a message Slack believes delivered. This is HTTP mode's processBeforeResponse for
 * the socket: an event whose listener failed (the inbox did not take it) is not acknowledged, and Slack
 * delivers the envelope again. Commands and clicks are acknowledged when their listener calls ack(),
 * which it does once the inbox holds them. Each envelope's arrival and the time its ack left are put in
 * Bolt's context (arrivals.ts).
 */
export class SocketModeReceiver implements Receiver {
  readonly client: SocketModeClient;
  private app: App | undefined;
  private readonly log: Logger;

  constructor(options: SocketModeReceiverOptions) {
    this.log = options.log;
    this.client = new SocketModeClient({
      appToken: options.appToken,
      logger: options.sdkLogger,
      // Its own Web API client (apps.connections.open) keeps the SDK's long reconnect policy.
      clientOptions: options.apiUrl ? { slackApiUrl: options.apiUrl } : {},
    });
    this.client.on('slack_event', (args: unknown) => {
      const at = performance.now();
      this.onEnvelope(args, at).catch((error: unknown) =>
        this.log.error({ err: error }, 'a Socket Mode envelope could not be handled'),
      );
    });
  }

  init(app: App): void {
    this.app = app;
  }

  start(): Promise<unknown> {
    return this.client.start();
  }

  stop(): Promise<void> {
    // Not waited for, as in Bolt's receiver: it resolves only once the socket reports its close.
    void this.client.disconnect();
    return Promise.resolve();
  }

  private async onEnvelope(args: unknown, at: number): Promise<void> {
    const parsed = slackEventSchema.safeParse(args);
    const app = this.app;
    if (!parsed.success || !app) {
      this.log.warn(
        { issues: parsed.error?.issues.map((i) => i.path.join('.')) },
        'a Socket Mode envelope was not handled (not acknowledged)',
      );
      return;
    }
    const envelope = parsed.data;
    const ack = new EnvelopeAck(envelope, this.log);
    // Bolt hands a function_executed event's ack to its listener; every other event's it calls at once.
    const afterListener = envelope.type === 'events_api' && !isFunctionExecuted(envelope.body);
    const arrival: Arrival = { at, sent: ack.sent };
    const event: ReceiverEvent = {
      body: envelope.body,
      ack: afterListener ? ack.keep : ack.send,
      retryNum: envelope.retry_num ?? undefined,
      retryReason: envelope.retry_reason ?? undefined,
      customProperties: { arrival },
    };
    try {
      await app.processEvent(event);
      if (afterListener) await ack.sendKept();
    } catch (error) {
      await this.onFailure(error, envelope, ack);
    } finally {
      ack.end();
    }
  }

  /** Bolt's default for a failed envelope: acknowledged only when it failed authorization. */
  private async onFailure(error: unknown, envelope: SlackEvent, ack: EnvelopeAck): Promise<void> {
    const fields = {
      err: error,
      envelopeId: envelope.envelope_id,
      type: envelope.type,
      retryNum: envelope.retry_num,
    };
    if (isRecord(error) && error.code === ErrorCode.AuthorizationError) {
      // No installation can take it, so a redelivery would fail the same way.
      this.log.warn(
        fields,
        'a Socket Mode envelope failed authorization; acknowledged so Slack stops retrying',
      );
      await ack.send().catch(() => undefined);
      return;
    }
    if (ack.started) this.log.error(fields, 'a Socket Mode envelope failed after its acknowledgement');
    else this.log.warn(fields, 'a Socket Mode envelope failed; not acknowledged, so Slack delivers it again');
  }
}

function isFunctionExecuted(body: Record<string, unknown>): boolean {
  return isRecord(body.event) && body.event.type === 'function_executed';
}

/**
 * One envelope's acknowledgement, sent at most once (a second call is ignored, as in Bolt's
 * SocketModeResponseAck). `send` sends it now; `keep` only keeps what Bolt asked to send, for
 * `sendKept` once the listener has returned. `sent` settles with the time it left (performance.now()),
 * or with undefined once the envelope's processing ended without it leaving.
 */
class EnvelopeAck {
  readonly sent: Promise<number | undefined>;
  private settle: (at: number | undefined) => void = () => undefined;
  private sending = false;
  private kept: { response: unknown } | undefined;

  constructor(
    private readonly envelope: Pick<SlackEvent, 'ack' | 'envelope_id' | 'type'>,
    private readonly log: Logger,
  ) {
    this.sent = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  /** The ack was sent, or is on its way. */
  get started(): boolean {
    return this.sending;
  }

  readonly send = async (response?: unknown): Promise<void> => {
    if (this.sending) {
      this.log.debug({ envelopeId: this.envelope.envelope_id }, 'ack() was called again; ignored');
      return;
    }
    this.sending = true;
    try {
      await this.envelope.ack(response);
      this.settle(performance.now());
    } catch (error) {
      this.settle(undefined);
      throw error;
    }
  };

  readonly keep = async (response?: unknown): Promise<void> => {
    if (this.kept) {
      this.log.debug({ envelopeId: this.envelope.envelope_id }, 'ack() was called again; ignored');
      return;
    }
    this.kept = { response };
  };

  /** Sends what Bolt asked to send, if it asked (it does not for a body it cannot route). Never throws. */
  async sendKept(): Promise<void> {
    if (!this.kept) return;
    await this.send(this.kept.response).catch((error: unknown) =>
      // Lost with the connection, say: unacknowledged, the envelope comes again (the inbox has it).
      this.log.warn(
        { err: error, envelopeId: this.envelope.envelope_id, type: this.envelope.type },
        'the acknowledgement of a Socket Mode envelope could not be sent; Slack will deliver it again',
      ),
    );
  }

  /** The envelope's processing ended: an ack never started never will be (for `sent`). */
  end(): void {
    if (!this.sending) this.settle(undefined);
  }
}
