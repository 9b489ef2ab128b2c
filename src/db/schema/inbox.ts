import { sql } from 'drizzle-orm';
import { index, integer, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';

export const inboxStatuses = ['claimed', 'done', 'dropped'] as const;
export type InboxStatus = (typeof inboxStatuses)[number];

/**
 * Every delivery a chat platform made (a slash command, a button click, a message MoodScale acts on),
 * written before it is acknowledged: what was acknowledged is never lost, and a delivery whose key is
 * here already is not run again, across retries, restarts and instances.
 *
 * A row is claimed by the instance that runs it, under a lease its holder keeps renewing; a lease that
 * ran out belongs to a dead instance and is taken over. `applied_at` says the command's effect has
 * committed (for /mood in the same statement as the entry), so a take-over never applies it twice.
 * The payload (the command with its note) is sealed like notes and deleted once the work is done; the
 * key stays for the retention period, to recognise late retries.
 */
export const inbox = pgTable(
  'inbox',
  {
    id: serial('id').primaryKey(),
    deliveryKey: text('delivery_key').notNull(),
    platform: text('platform').notNull(),
    workspaceId: text('workspace_id').notNull().default(''),
    externalUserId: text('external_user_id').notNull(),
    kind: text('kind').notNull(),
    command: text('command').notNull(),
    payload: text('payload'),
    status: text('status').$type<InboxStatus>().notNull().default('claimed'),
    claimedBy: text('claimed_by'),
    leaseExpiresAt: timestamp('lease_expires_at'),
    attempts: integer('attempts').notNull().default(1),
    appliedAt: timestamp('applied_at'),
    receivedAt: timestamp('received_at').notNull().defaultNow(),
    doneAt: timestamp('done_at'),
  },
  (t) => [
    unique('inbox_delivery_key_key').on(t.deliveryKey),
    // Only open rows are looked for by lease; done rows leave this index.
    index('idx_inbox_open_lease').on(t.leaseExpiresAt).where(sql`${t.status} = 'claimed'`),
    index('idx_inbox_done_at').on(t.doneAt),
    index('idx_inbox_identity').on(t.platform, t.workspaceId, t.externalUserId),
  ],
);

export type InboxRow = typeof inbox.$inferSelect;
