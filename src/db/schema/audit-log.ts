import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

import type { AuditOutcome } from '../../core/audit.js';

export { type AuditOutcome, auditOutcomes } from '../../core/audit.js';

/** Metadata about an action that is safe to keep: never note text or tokens. */
export type AuditDetails = Record<string, string | number | boolean | null>;

/** Who did what, when, from where, and how it ended. Never holds note text. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // No foreign key, on purpose: a key check takes a share lock on the user's row for every command
    // (a write of its own). deleteUser removes the user's audit rows in its transaction instead, and
    // the audit writer stores no id of a user who is gone.
    userId: integer('user_id'),
    platform: text('platform').notNull(),
    action: text('action').notNull(),
    outcome: text('outcome').$type<AuditOutcome>().notNull(),
    details: jsonb('details').$type<AuditDetails>(),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  // One index: per user (export, and the cascade when a user is erased). Time ranges over everyone
  // (retention) go by the id, which grows with time; every index costs each command's audit row.
  (t) => [index('idx_audit_log_user_created').on(t.userId, t.createdAt.desc().nullsFirst())],
);

export type AuditEntry = typeof auditLog.$inferSelect;
