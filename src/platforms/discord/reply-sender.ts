import { type Client, type Interaction, InteractionWebhook, REST } from 'discord.js';
import type { Clock } from '../../core/clock.js';
import type { Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import { fitAttachments, withoutFiles } from './attachments.js';
import type { DiscordSettings } from './discord-client.js';
import { DiscordCode, discordCodeOf, httpStatusOf } from './discord-errors.js';
import { renderMessage } from './render.js';

/** The webhook of an interaction: edits and follow-ups of its answer. */
export type WebhookOf = (applicationId: string, token: string) => InteractionWebhook;

export interface InteractionWebhooks {
  webhookOf: WebhookOf;
  /** Stops the REST client's sweepers (on stop). */
  close(): void;
}

/** Interaction webhooks on a REST client of their own, sharing everything else with `client`. */
export function createInteractionWebhooks(
  client: Client,
  config: Pick<DiscordSettings, 'apiUrl'>,
): InteractionWebhooks {
  // Interaction webhooks (edits and follow-ups of an answer) are not bound by the bot's global limit of
  // 50 requests a second, which @discordjs/rest applies to every route but the callback: behind a burst
  // of deferred answers it would hold the last edits for seconds. Their own per-token buckets still apply.
  const webhookRest = new REST({
    ...(config.apiUrl ? { api: config.apiUrl } : {}),
    globalRequestsPerSecond: Number.MAX_SAFE_INTEGER,
  });
  const webhookClient: Client<true> = Object.create(client, { rest: { value: webhookRest } });
  return {
    webhookOf: (applicationId, token) => new InteractionWebhook(webhookClient, applicationId, token),
    close() {
      webhookRest.clearHashSweeper();
      webhookRest.clearHandlerSweeper();
    },
  };
}

export interface ReplySender {
  /**
   * Sends a reply through `send` with its files fitted to Discord's upload limit (see fitAttachments).
   * When Discord still refuses them as too large (40005, the limit guessed wrong), the reply goes again
   * without them and says so: an answer never stays on "thinking…" because of a file.
   */
  sendFitted(reply: Reply, limitBytes: number, send: (reply: Reply) => Promise<unknown>): Promise<void>;
  /** Edits an interaction's answer (its "thinking…" placeholder, or an earlier answer) into `reply`. */
  editOriginal(applicationId: string, token: string, reply: Reply, limit: number): Promise<void>;
}

export interface ReplySenderDeps {
  log: Logger;
  clock: Clock;
  webhookOf: WebhookOf;
}

export function createReplySender({ log, clock, webhookOf }: ReplySenderDeps): ReplySender {
  async function sendFitted(
    reply: Reply,
    limitBytes: number,
    send: (reply: Reply) => Promise<unknown>,
  ): Promise<void> {
    const fitted = await fitAttachments(reply, limitBytes);
    try {
      await send(fitted);
    } catch (error) {
      if (!isTooLarge(error) || (fitted.files ?? []).length === 0) throw error;
      log.warn(
        { err: error, files: fitted.files?.map((file) => file.name), limitBytes },
        'Discord refused the files of an answer as too large (40005); answering without them',
      );
      await send(withoutFiles(fitted));
    }
  }

  function editOriginal(applicationId: string, token: string, reply: Reply, limit: number): Promise<void> {
    const webhook = webhookOf(applicationId, token);
    return sendFitted(reply, limit, (fitted) =>
      webhook.editMessage('@original', renderMessage(fitted, { now: clock.now() })),
    );
  }

  return { sendFitted, editOriginal };
}

/** The upload limit Discord announced with an interaction (it grows with a server's boosts), if any. */
export function uploadLimitOf(interaction: Interaction): number | undefined {
  // Typed as always there; payloads from before Discord added it have none.
  const limit: unknown = interaction.attachmentSizeLimit;
  return typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
}

/** Discord refused an upload as too large: 413 with code 40005. */
function isTooLarge(error: unknown): boolean {
  return discordCodeOf(error) === DiscordCode.RequestEntityTooLarge || httpStatusOf(error) === 413;
}
