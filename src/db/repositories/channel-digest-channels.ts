import { and, asc, eq, lt } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type ChannelDigestChannel, channelDigestChannels, type Platform } from '../schema/index.js';
import { storableText } from './text-guard.js';

/** A chat channel: its platform, its workspace (Slack team, Discord guild) and its id. */
export interface ChannelKey {
  platform: Platform;
  workspaceId: string;
  channelId: string;
}

const matches = (key: ChannelKey) =>
  and(
    eq(channelDigestChannels.platform, key.platform),
    eq(channelDigestChannels.workspaceId, key.workspaceId),
    eq(channelDigestChannels.channelId, key.channelId),
  );

/** Turns the weekly post on for a channel; true when it was off before. */
export async function enableChannelDigest(db: Db, key: ChannelKey, enabledBy: number): Promise<boolean> {
  const inserted = await db
    .insert(channelDigestChannels)
    .values({
      platform: key.platform,
      workspaceId: storableText(key.workspaceId, 'workspace id'),
      channelId: storableText(key.channelId, 'channel id'),
      enabledBy,
    })
    .onConflictDoNothing()
    .returning({ id: channelDigestChannels.id });
  return inserted.length > 0;
}

/** Turns the weekly post off; true when it was on. */
export async function disableChannelDigest(db: Db, key: ChannelKey): Promise<boolean> {
  const deleted = await db
    .delete(channelDigestChannels)
    .where(matches(key))
    .returning({ id: channelDigestChannels.id });
  return deleted.length > 0;
}

export async function findChannelDigest(db: Db, key: ChannelKey): Promise<ChannelDigestChannel | undefined> {
  const [row] = await db.select().from(channelDigestChannels).where(matches(key));
  return row;
}

/** Channels with the post on that were turned on before `before` (a week is posted only when it was on). */
export function listChannelDigests(db: Db, before: Date): Promise<ChannelDigestChannel[]> {
  return db
    .select()
    .from(channelDigestChannels)
    .where(lt(channelDigestChannels.createdAt, before))
    .orderBy(asc(channelDigestChannels.id));
}
