import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core/logger.js';
import { createStatementGroup } from '../../core/statement-group.js';
import { DecryptionError } from '../../crypto/create-field-cipher.js';
import type { CipherContext, FieldCipher } from '../../crypto/field-cipher.js';
import type { Db } from '../../db/database.js';
import type { IdentityKey } from '../../db/repositories/chat-identities.js';
import {
  acceptInboxEntries,
  claimExpiredInboxEntries,
  finishInboxEntries,
  type InboxBacklog,
  type InboxEnd,
  inboxBacklog,
  markInboxApplied,
  pruneInbox,
  renewInboxLeases,
} from '../../db/repositories/inbox.js';

/** A delivery as a platform adapter records it, before acknowledging it. */
export interface InboxDelivery {
  /** The platform's own delivery id with a prefix naming platform and kind (`slack:command:T1:123.45`). */
  deliveryKey: string;
  identity: IdentityKey;
  /** 'command', 'button', 'message', ...: for logs and the operator. */
  kind: string;
  /** The command it runs, for logs and for deciding what to do with it after a crash. */
  command: string;
  /** What the platform needs to run it and answer it again after a crash; JSON, stored sealed. */
  payload: unknown;
}

/** A delivery taken over from an instance that died (or stalled past its lease). */
export interface ResumedDelivery {
  deliveryKey: string;
  platform: string;
  kind: string;
  command: string;
  /** The payload as recorded; undefined when it cannot be opened (its key is not configured). */
  payload: unknown;
  attempts: number;
  /** When the command's effect committed, if it did before the crash. */
  appliedAt: Date | null;
  receivedAt: Date;
}

export interface InboxStore {
  /** This instance's id in `claimed_by`. */
  readonly instanceId: string;
  /**
   * Records a delivery, claimed by this instance (grouped with those arriving at once, one round trip);
   * 'duplicate' when its key is stored already. A new one stays leased to this instance until finished.
   */
  record(delivery: InboxDelivery): Promise<'new' | 'duplicate'>;
  /** Records that the delivery's command took effect (when the effect itself could not say so). */
  applied(deliveryKey: string): Promise<void>;
  /** Ends a delivery this instance holds: its payload is deleted, its key kept against retries. */
  finish(deliveryKey: string, end?: InboxEnd): Promise<void>;
  /** Stops renewing a delivery's lease without ending it: once the lease runs out it is tried again. */
  release(deliveryKey: string): void;
  /** Takes over at most `limit` deliveries of `platforms` whose lease ran out. */
  takeOver(limit: number, platforms: readonly string[]): Promise<ResumedDelivery[]>;
  backlog(): Promise<InboxBacklog>;
  /** Deletes the keys of deliveries that ended before the retention period. */
  prune(): Promise<number>;
  /** Keeps renewing the leases of the deliveries this instance works on. */
  start(): void;
  /** Stops renewing and waits for the pending writes (bounded by the caller). */
  stop(): Promise<void>;
  /** Deliveries this instance is working on now. */
  readonly holding: number;
}

export interface InboxStoreOptions {
  db: Db;
  cipher: FieldCipher;
  logger: Logger;
  /** How long a claim lasts without renewal; a dead instance's deliveries are taken over after it. */
  leaseMs: number;
  /** How long a finished delivery's key is kept (Slack and Discord retry within minutes). */
  retentionMs: number;
  instanceId?: string;
}

/** How long a delivery's end waits to share its statement with others. */
const FINISH_LINGER_MS = 100;

const payloadContext = (deliveryKey: string): CipherContext => ({
  table: 'inbox',
  column: 'payload',
  userId: 0,
  rowKey: deliveryKey,
});

/**
 * The durable inbox of deliveries (see the `inbox` table): records before acknowledgement, renews the
 * leases of the deliveries being worked on, and hands over the ones a dead instance left.
 */
export function createInboxStore(options: InboxStoreOptions): InboxStore {
  const { db, cipher, leaseMs } = options;
  const log = options.logger.child({ component: 'inbox' });
  const instanceId = options.instanceId ?? randomUUID();
  const holding = new Set<string>();
  let renewTimer: NodeJS.Timeout | undefined;
  let renewing: Promise<void> | undefined;

  const accepts = createStatementGroup<InboxDelivery, 'new' | 'duplicate'>(async (deliveries) => {
    const entries = deliveries.map((d) => ({
      deliveryKey: d.deliveryKey,
      platform: d.identity.platform,
      workspaceId: d.identity.workspaceId,
      externalUserId: d.identity.externalUserId,
      kind: d.kind,
      command: d.command,
      payload: cipher.encrypt(JSON.stringify(d.payload), payloadContext(d.deliveryKey)),
    }));
    const fresh = await acceptInboxEntries(db, entries, instanceId, leaseMs);
    // The same key twice in one group: the first is new, the second a duplicate.
    const seen = new Set<string>();
    return deliveries.map((d) => {
      const isNew = fresh.has(d.deliveryKey) && !seen.has(d.deliveryKey);
      seen.add(d.deliveryKey);
      return isNew ? 'new' : 'duplicate';
    });
  });
  // Ending a delivery only deletes its payload (its answer has gone already): a short wait lets a
  // burst's ends share a statement. A crash inside it means the user is told "saved" a second time.
  const finishes = createStatementGroup<{ deliveryKey: string; end: InboxEnd }, void>(
    async (ends) => {
      await finishInboxEntries(db, ends);
      return ends.map(() => undefined);
    },
    { lingerMs: FINISH_LINGER_MS, maxInFlight: 1 },
  );
  const applies = createStatementGroup<string, void>(async (keys) => {
    await markInboxApplied(db, keys);
    return keys.map(() => undefined);
  });

  function open(deliveryKey: string, stored: string | null): unknown {
    if (stored === null) return undefined;
    try {
      return JSON.parse(cipher.decrypt(stored, payloadContext(deliveryKey))) as unknown;
    } catch (error) {
      if (!(error instanceof DecryptionError) && !(error instanceof SyntaxError)) throw error;
      log.error({ deliveryKey, err: error }, 'an inbox payload cannot be opened');
      return undefined;
    }
  }

  async function renew(): Promise<void> {
    if (holding.size === 0) return;
    try {
      await renewInboxLeases(db, [...holding], instanceId, leaseMs);
    } catch (error) {
      log.warn({ err: error, holding: holding.size }, 'could not renew inbox leases');
    }
  }

  return {
    instanceId,
    async record(delivery) {
      const result = await accepts.run(delivery);
      if (result === 'new') holding.add(delivery.deliveryKey);
      return result;
    },
    applied: (deliveryKey) => applies.run(deliveryKey),
    async finish(deliveryKey, end = 'done') {
      try {
        await finishes.run({ deliveryKey, end });
      } finally {
        holding.delete(deliveryKey);
      }
    },
    release(deliveryKey) {
      holding.delete(deliveryKey);
    },
    async takeOver(limit, platforms) {
      if (platforms.length === 0) return [];
      const claimed = await claimExpiredInboxEntries(db, {
        claimedBy: instanceId,
        leaseMs,
        limit,
        platforms,
      });
      return claimed.map((row) => {
        holding.add(row.deliveryKey);
        return {
          deliveryKey: row.deliveryKey,
          platform: row.platform,
          kind: row.kind,
          command: row.command,
          payload: open(row.deliveryKey, row.payload),
          attempts: row.attempts,
          appliedAt: row.appliedAt,
          receivedAt: row.receivedAt,
        };
      });
    },
    backlog: () => inboxBacklog(db),
    prune: () => pruneInbox(db, options.retentionMs),
    start() {
      if (renewTimer) return;
      // Three renewals fit in a lease, so one slow statement does not cost a claim.
      renewTimer = setInterval(
        () => {
          renewing ??= renew().finally(() => {
            renewing = undefined;
          });
        },
        Math.max(250, Math.floor(leaseMs / 3)),
      );
      renewTimer.unref();
    },
    async stop() {
      clearInterval(renewTimer);
      renewTimer = undefined;
      await Promise.all([renewing, accepts.idle, finishes.idle, applies.idle]);
    },
    get holding() {
      return holding.size;
    },
  };
}
