import { index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.js';

export const pendingImportStatuses = ['preview', 'importing', 'done', 'cancelled'] as const;
export type PendingImportStatus = (typeof pendingImportStatuses)[number];

/**
 * An /import between its preview and its confirmation: the file as read (entries with their notes,
 * settings, shares), sealed like notes, so a confirm clicked on another instance or after a restart
 * imports exactly what the preview showed. The confirm claims the row under a lease (`importing`), so a
 * double click or a resumed delivery imports once; the payload is dropped when the import is done or
 * the preview expires, and the row is pruned a day later.
 */
export const pendingImports = pgTable(
  'pending_imports',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    fileName: text('file_name').notNull(),
    format: text('format').notNull(),
    /** The parsed file, sealed (AES-256-GCM, bound to the user); null once imported or expired. */
    payload: text('payload'),
    status: text('status').$type<PendingImportStatus>().notNull().default('preview'),
    leaseExpiresAt: timestamp('lease_expires_at'),
    importedEntries: integer('imported_entries'),
    skippedEntries: integer('skipped_entries'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    expiresAt: timestamp('expires_at').notNull(),
    finishedAt: timestamp('finished_at'),
  },
  (t) => [
    index('idx_pending_imports_user').on(t.userId, t.createdAt.desc()),
    index('idx_pending_imports_expires').on(t.expiresAt),
  ],
);

export type PendingImport = typeof pendingImports.$inferSelect;
