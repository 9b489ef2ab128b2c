import { asc, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import {
  auditLog,
  channelDigestChannels,
  channelTrackShares,
  chatIdentities,
  checkinPrompts,
  checkinSchedules,
  digestDeliveries,
  linkCodes,
  moodEntries,
  moodVersions,
  musicAnalysis,
  pendingImports,
  personalityInsights,
  recommendations,
  userSettings,
  users,
  workspaceMembers,
} from '../schema/index.js';

/**
 * Every row stored about one user, table by table (GDPR art. 15 and 20). Unbounded on purpose:
 * it is one person's own data, and leaving rows out would make the export untrue.
 */
export async function collectUserData(db: Db, userId: number) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  return {
    user,
    identities: await db
      .select()
      .from(chatIdentities)
      .where(eq(chatIdentities.userId, userId))
      .orderBy(asc(chatIdentities.id)),
    settings: await db.select().from(userSettings).where(eq(userSettings.userId, userId)),
    moodEntries: await db
      .select()
      .from(moodEntries)
      .where(eq(moodEntries.userId, userId))
      .orderBy(asc(moodEntries.createdAt), asc(moodEntries.id)),
    // How often the entries changed (a counter the bot keeps so it knows its /mood stats current).
    moodVersion: await db.select().from(moodVersions).where(eq(moodVersions.userId, userId)),
    musicAnalysis: await db
      .select()
      .from(musicAnalysis)
      .where(eq(musicAnalysis.userId, userId))
      .orderBy(asc(musicAnalysis.id)),
    recommendations: await db
      .select()
      .from(recommendations)
      .where(eq(recommendations.userId, userId))
      .orderBy(asc(recommendations.id)),
    personalityInsights: await db
      .select()
      .from(personalityInsights)
      .where(eq(personalityInsights.userId, userId))
      .orderBy(asc(personalityInsights.id)),
    digestDeliveries: await db
      .select()
      .from(digestDeliveries)
      .where(eq(digestDeliveries.userId, userId))
      .orderBy(asc(digestDeliveries.id)),
    checkinSchedule: await db.select().from(checkinSchedules).where(eq(checkinSchedules.userId, userId)),
    checkinPrompts: await db
      .select()
      .from(checkinPrompts)
      .where(eq(checkinPrompts.userId, userId))
      .orderBy(asc(checkinPrompts.slotAt), asc(checkinPrompts.id)),
    // What an /import waiting for confirmation is; its sealed payload is the user's own file, not repeated.
    pendingImports: await db
      .select({
        id: pendingImports.id,
        fileName: pendingImports.fileName,
        format: pendingImports.format,
        status: pendingImports.status,
        importedEntries: pendingImports.importedEntries,
        skippedEntries: pendingImports.skippedEntries,
        createdAt: pendingImports.createdAt,
        expiresAt: pendingImports.expiresAt,
        finishedAt: pendingImports.finishedAt,
      })
      .from(pendingImports)
      .where(eq(pendingImports.userId, userId))
      .orderBy(asc(pendingImports.id)),
    linkCodes: await db
      .select({
        id: linkCodes.id,
        createdAt: linkCodes.createdAt,
        expiresAt: linkCodes.expiresAt,
        usedAt: linkCodes.usedAt,
      })
      .from(linkCodes)
      .where(eq(linkCodes.userId, userId))
      .orderBy(asc(linkCodes.id)),
    auditLog: await db.select().from(auditLog).where(eq(auditLog.userId, userId)).orderBy(asc(auditLog.id)),
    workspaceMemberships: await db
      .select()
      .from(workspaceMembers)
      .where(eq(workspaceMembers.userId, userId))
      .orderBy(asc(workspaceMembers.platform), asc(workspaceMembers.workspaceId)),
    channelShares: await db
      .select({
        musicAnalysisId: channelTrackShares.musicAnalysisId,
        platform: channelTrackShares.platform,
        workspaceId: channelTrackShares.workspaceId,
        channelId: channelTrackShares.channelId,
        createdAt: channelTrackShares.createdAt,
      })
      .from(channelTrackShares)
      .innerJoin(musicAnalysis, eq(musicAnalysis.id, channelTrackShares.musicAnalysisId))
      .where(eq(musicAnalysis.userId, userId))
      .orderBy(asc(channelTrackShares.id)),
    channelPostsEnabled: await db
      .select()
      .from(channelDigestChannels)
      .where(eq(channelDigestChannels.enabledBy, userId))
      .orderBy(asc(channelDigestChannels.id)),
  };
}

export type UserData = Awaited<ReturnType<typeof collectUserData>>;
