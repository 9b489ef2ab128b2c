import { LruCache } from '../../core/lru-cache.js';

export interface DedupeOptions {
  /** How long a delivery is remembered; Slack retries within minutes. Default 10 minutes. */
  ttlMs?: number;
  /** Bound on memory; the least recently seen keys go first. Default 50,000. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Remembers deliveries by a key built from the payload (for a slash command: team, user, trigger id),
 * so an HTTP retry (`x-slack-retry-num`), a replayed signed request or a redelivered Socket Mode
 * envelope is acknowledged and ignored instead of storing twice. In memory: with several instances behind
 * one HTTP endpoint, a retry that lands on another instance is not caught (Socket Mode sends an
 * envelope to one connection).
 */
export function createDeliveryDedupe(options: DedupeOptions = {}) {
  const seen = new LruCache<string, true>(
    options.maxEntries ?? 50_000,
    options.ttlMs ?? 10 * 60_000,
    options.now,
  );
  return {
    /** True the first time a key is offered (and remembers it); false for every repeat within the TTL. */
    first(key: string): boolean {
      if (seen.get(key)) return false;
      seen.set(key, true);
      return true;
    },
  };
}
