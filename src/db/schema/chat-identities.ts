import { index, integer, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** The chat platforms MoodScale speaks on. */
export const platforms = ['discord', 'slack', 'console'] as const;
export type Platform = (typeof platforms)[number];

/**
 * Maps a chat account to its MoodScale user. `workspace_id` is the Slack team id; Discord user ids are
 * global, so Discord identities use '' and a person keeps one history across every server.
 */
export const chatIdentities = pgTable(
  'chat_identities',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    platform: text('platform').$type<Platform>().notNull(),
    workspaceId: text('workspace_id').notNull().default(''),
    externalUserId: text('external_user_id').notNull(),
    displayName: text('display_name'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at').notNull().defaultNow(),
  },
  (t) => [
    unique('chat_identities_platform_workspace_external_key').on(t.platform, t.workspaceId, t.externalUserId),
    index('idx_chat_identities_user').on(t.userId),
  ],
);

export type ChatIdentity = typeof chatIdentities.$inferSelect;
export type NewChatIdentity = typeof chatIdentities.$inferInsert;
