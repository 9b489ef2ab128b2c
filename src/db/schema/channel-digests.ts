import { index, integer, pgTable, primaryKey, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';
import type { Platform } from './chat-identities.js';
import { musicAnalysis } from './music-analysis.js';
import { users } from './users.js';

/**
 * Channels where an admin turned on the weekly channel post (`/channel-digest on`). The setting belongs
 * to the channel, not to the admin: erasing the admin keeps the channel's choice and forgets who made it
 * (`enabled_by` becomes NULL), so another admin can still turn it off.
 */
export const channelDigestChannels = pgTable(
  'channel_digest_channels',
  {
    id: serial('id').primaryKey(),
    platform: text('platform').$type<Platform>().notNull(),
    /** Slack team id or Discord guild id. */
    workspaceId: text('workspace_id').notNull(),
    channelId: text('channel_id').notNull(),
    enabledBy: integer('enabled_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [unique('channel_digest_channels_channel_key').on(t.platform, t.workspaceId, t.channelId)],
);

export type ChannelDigestChannel = typeof channelDigestChannels.$inferSelect;

export const channelDigestStatuses = ['claimed', 'sent', 'failed', 'skipped'] as const;
export type ChannelDigestStatus = (typeof channelDigestStatuses)[number];

/**
 * One row per channel and ISO week (2026-W47): claimed with a lease before posting, marked sent after,
 * so a channel gets its weekly post once across instances and restarts (as `digest_deliveries`).
 * Keyed by the channel itself, not the setting's row, so turning the post off and on again in one week
 * cannot post that week twice.
 */
export const channelDigestDeliveries = pgTable(
  'channel_digest_deliveries',
  {
    id: serial('id').primaryKey(),
    platform: text('platform').$type<Platform>().notNull(),
    workspaceId: text('workspace_id').notNull(),
    channelId: text('channel_id').notNull(),
    period: text('period').notNull(),
    status: text('status').$type<ChannelDigestStatus>().notNull().default('claimed'),
    claimedBy: text('claimed_by'),
    leaseExpiresAt: timestamp('lease_expires_at'),
    attempts: integer('attempts').notNull().default(0),
    sentAt: timestamp('sent_at'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('channel_digest_deliveries_channel_period_key').on(
      t.platform,
      t.workspaceId,
      t.channelId,
      t.period,
    ),
  ],
);

export type ChannelDigestDelivery = typeof channelDigestDeliveries.$inferSelect;

/**
 * Where a track was shared: a `music_analysis` row (one share by one user) posted in a channel. A
 * separate table because `music_analysis` must stay exactly as the schema document specifies it. Goes
 * with its share (and so with its user) on erasure.
 */
export const channelTrackShares = pgTable(
  'channel_track_shares',
  {
    id: serial('id').primaryKey(),
    musicAnalysisId: integer('music_analysis_id')
      .notNull()
      .references(() => musicAnalysis.id, { onDelete: 'cascade' }),
    platform: text('platform').$type<Platform>().notNull(),
    workspaceId: text('workspace_id').notNull(),
    channelId: text('channel_id').notNull(),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('idx_channel_track_shares_channel_created').on(t.platform, t.workspaceId, t.channelId, t.createdAt),
    index('idx_channel_track_shares_analysis').on(t.musicAnalysisId),
  ],
);

export type ChannelTrackShare = typeof channelTrackShares.$inferSelect;

/**
 * Which Discord servers a user has used MoodScale in. Slack identities carry their workspace already;
 * Discord identities are global, so this is how the channel vibe knows who belongs to a server.
 */
export const workspaceMembers = pgTable(
  'workspace_members',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    platform: text('platform').$type<Platform>().notNull(),
    workspaceId: text('workspace_id').notNull(),
    lastSeenAt: timestamp('last_seen_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'workspace_members_pkey', columns: [t.userId, t.platform, t.workspaceId] }),
    index('idx_workspace_members_workspace').on(t.platform, t.workspaceId),
  ],
);

export type WorkspaceMember = typeof workspaceMembers.$inferSelect;
