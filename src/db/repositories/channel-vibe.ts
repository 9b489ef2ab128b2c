import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { queryRows } from '../raw-query.js';
import type { Platform } from '../schema/index.js';
import { storableText } from './text-guard.js';

/** Notes that a user used MoodScale in a workspace (a Discord server), so the channel vibe counts them. */
export async function noteWorkspaceMember(
  db: Db,
  userId: number,
  platform: Platform,
  workspaceId: string,
  at: Date,
): Promise<void> {
  await db.execute(sql`
    INSERT INTO workspace_members (user_id, platform, workspace_id, last_seen_at)
    VALUES (${userId}, ${platform}, ${storableText(workspaceId, 'workspace id')}, ${at.toISOString()}::timestamp)
    ON CONFLICT (user_id, platform, workspace_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at`);
}

/** The anonymous figures of a channel's week: only counts and averages, never a user id. */
export interface VibeFigures {
  /** Opted-in members of the workspace who logged at least one mood in the period. */
  contributors: number;
  /** The mean of each contributor's own average (so one frequent logger weighs as much as anyone). */
  averageScore: number | null;
  /** Emotions by how many contributors named them, most first; only those named by 2 people or more. */
  topEmotions: Array<{ emotion: string; people: number }>;
}

const averageRow = z.object({ contributors: z.coerce.number(), average: z.coerce.number().nullable() });
const emotionRow = z.object({ emotion: z.string(), people: z.coerce.number() });

/**
 * The mood figures of the members of a workspace who opted in to the channel vibe and logged moods in
 * [from, to). Membership: a Slack identity in that team, or (Discord identities being global) a
 * workspace_members row for that server. Aggregated in the database; no per-person row leaves it.
 */
export async function vibeFigures(
  db: Db,
  platform: Platform,
  workspaceId: string,
  from: Date,
  to: Date,
  topEmotions = 3,
): Promise<VibeFigures> {
  const members = sql`
    SELECT s.user_id FROM user_settings s
     WHERE s.channel_vibe_opt_in
       AND (EXISTS (SELECT 1 FROM chat_identities ci
                     WHERE ci.user_id = s.user_id AND ci.platform = ${platform} AND ci.workspace_id = ${workspaceId})
            OR EXISTS (SELECT 1 FROM workspace_members wm
                        WHERE wm.user_id = s.user_id AND wm.platform = ${platform} AND wm.workspace_id = ${workspaceId}))`;
  const inPeriod = sql`e.created_at >= ${from.toISOString()}::timestamp AND e.created_at < ${to.toISOString()}::timestamp`;
  const [averages] = await queryRows(
    db,
    sql`SELECT count(*)::int AS contributors, avg(person_average)::float8 AS average FROM (
          SELECT avg(e.mood_score) AS person_average
            FROM mood_entries e
           WHERE e.user_id IN (${members}) AND ${inPeriod}
           GROUP BY e.user_id) people`,
  );
  const figures = averageRow.parse(averages ?? { contributors: 0, average: null });
  const emotions = await queryRows(
    db,
    sql`SELECT lower(tag) AS emotion, count(DISTINCT e.user_id)::int AS people
          FROM mood_entries e, unnest(e.emotions) AS tag
         WHERE e.user_id IN (${members}) AND ${inPeriod}
         GROUP BY 1 HAVING count(DISTINCT e.user_id) >= 2
         ORDER BY 2 DESC, 1 LIMIT ${topEmotions}`,
  );
  return {
    contributors: figures.contributors,
    averageScore: figures.average,
    topEmotions: emotions.map((row) => emotionRow.parse(row)),
  };
}
