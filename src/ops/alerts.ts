import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

/** Raises and resolves incidents; each is posted once when it opens (and reminded), not once per error. */
export interface Alerter {
  raise(incidentKey: string, message: string): void;
  resolve(incidentKey: string): void;
  /** Keys of the incidents open now. */
  open(): string[];
  /** Resolves when every post started so far has finished (tests, shutdown). */
  settled(): Promise<void>;
}

export interface AlerterOptions {
  /** ALERT_WEBHOOK_URL: a Slack incoming webhook, a Discord webhook, or anything taking JSON `{ text }`. */
  webhookUrl?: string | undefined;
  /** ALERT_CHANNEL through the running Discord or Slack adapter. */
  sendToChannel?: ((text: string) => Promise<void>) | undefined;
  logger: Logger;
  clock: Clock;
  /** An incident still open is posted again after this long; 6 hours by default. */
  reminderMs?: number;
  /** How long one post may take; 5 s by default. */
  timeoutMs?: number;
}

interface Incident {
  since: Date;
  /** When the last post about it was attempted; a post is in flight while `posting`. */
  attemptedAt: Date | undefined;
  delivered: boolean;
  posting: boolean;
}

/** A failed post is tried again at the next raise after this long. */
const RETRY_FAILED_POST_MS = 60_000;

/**
 * Discord webhooks want `content` (Slack-style `{ text }` only on their `/slack` variant); everything
 * else, Slack's incoming webhooks first, takes `{ text }`.
 */
export function webhookBody(webhookUrl: string, text: string): Record<string, unknown> {
  let discord = false;
  try {
    const url = new URL(webhookUrl);
    discord =
      /(^|\.)discord(app)?\.com$/.test(url.hostname) &&
      url.pathname.startsWith('/api/webhooks/') &&
      !url.pathname.endsWith('/slack');
  } catch {
    // A URL config.ts let through always parses; nothing to decide here.
  }
  return discord ? { content: text.slice(0, 2000), allowed_mentions: { parse: [] } } : { text };
}

export function createAlerter(options: AlerterOptions): Alerter {
  const log = options.logger.child({ component: 'alerts' });
  const reminderMs = options.reminderMs ?? 6 * 60 * 60 * 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const incidents = new Map<string, Incident>();
  const posting = new Set<Promise<void>>();

  async function deliver(text: string): Promise<boolean> {
    let delivered = false;
    if (options.webhookUrl) {
      try {
        const response = await fetch(options.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(webhookBody(options.webhookUrl, text)),
          signal: AbortSignal.timeout(timeoutMs),
        });
        // Drain the body so the connection can be reused.
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) delivered = true;
        else log.warn({ status: response.status }, 'the alert webhook refused the alert');
      } catch (error) {
        log.warn({ err: error }, 'could not post the alert to ALERT_WEBHOOK_URL');
      }
    }
    if (options.sendToChannel) {
      try {
        await options.sendToChannel(text);
        delivered = true;
      } catch (error) {
        log.warn({ err: error }, 'could not post the alert to ALERT_CHANNEL');
      }
    }
    return delivered;
  }

  function post(incident: Incident | undefined, text: string): void {
    if (!options.webhookUrl && !options.sendToChannel) return;
    if (incident) {
      incident.posting = true;
      incident.attemptedAt = options.clock.now();
    }
    const task = deliver(text).then((delivered) => {
      if (!incident) return;
      incident.posting = false;
      incident.delivered = delivered;
    });
    posting.add(task);
    void task.finally(() => posting.delete(task));
  }

  /** Whether an open incident is due another post: a reminder, or a retry of a failed post. */
  function due(incident: Incident, now: Date): boolean {
    if (incident.posting || !incident.attemptedAt) return false;
    const waited = now.getTime() - incident.attemptedAt.getTime();
    return waited >= (incident.delivered ? reminderMs : RETRY_FAILED_POST_MS);
  }

  return {
    raise(key, message) {
      const now = options.clock.now();
      const current = incidents.get(key);
      if (!current) {
        const incident: Incident = { since: now, attemptedAt: undefined, delivered: false, posting: false };
        incidents.set(key, incident);
        log.error({ incident: key }, `ALERT: ${message}`);
        post(incident, `:rotating_light: MoodScale alert (${key}): ${message}`);
        return;
      }
      if (!due(current, now)) {
        log.debug({ incident: key }, `alert still open: ${message}`);
        return;
      }
      log.error({ incident: key, since: current.since }, `ALERT (still open): ${message}`);
      post(
        current,
        `:rotating_light: MoodScale alert (${key}), open since ${current.since.toISOString()}: ${message}`,
      );
    },
    resolve(key) {
      const incident = incidents.get(key);
      if (!incident) return;
      incidents.delete(key);
      const minutes = Math.round((options.clock.now().getTime() - incident.since.getTime()) / 60_000);
      log.info({ incident: key, openMinutes: minutes }, 'alert resolved');
      post(undefined, `:white_check_mark: MoodScale: resolved (${key}) after ${minutes} min.`);
    },
    open: () => [...incidents.keys()],
    async settled() {
      while (posting.size > 0) await Promise.allSettled([...posting]);
    },
  };
}
