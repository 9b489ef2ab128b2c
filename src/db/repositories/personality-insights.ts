import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type NewPersonalityInsight, type PersonalityInsight, personalityInsights } from '../schema/index.js';
import { boundedLimit, storableText } from './text-guard.js';

export type PersonalityInsightInput = Omit<NewPersonalityInsight, 'id'>;

export async function insertPersonalityInsight(
  db: Db,
  input: PersonalityInsightInput,
): Promise<PersonalityInsight> {
  const [row] = await db
    .insert(personalityInsights)
    .values({
      ...input,
      musicDna: storableText(input.musicDna ?? null, 'music DNA'),
      aiSuggestion: storableText(input.aiSuggestion ?? null, 'suggestion'),
    })
    .returning();
  return row!;
}

export async function findLatestInsight(db: Db, userId: number): Promise<PersonalityInsight | undefined> {
  const [row] = await listInsights(db, userId, 1);
  return row;
}

/** The user's insights, newest first (default 12, at most 200). */
export async function listInsights(db: Db, userId: number, limit?: number): Promise<PersonalityInsight[]> {
  return db
    .select()
    .from(personalityInsights)
    .where(eq(personalityInsights.userId, userId))
    .orderBy(desc(personalityInsights.generatedAt), desc(personalityInsights.id))
    .limit(boundedLimit(limit, 12, 200));
}

/** The user's latest insight generated in [since, until), if any. */
export async function findInsightGeneratedBetween(
  db: Db,
  userId: number,
  since: Date,
  until: Date,
): Promise<PersonalityInsight | undefined> {
  const [row] = await db
    .select()
    .from(personalityInsights)
    .where(
      and(
        eq(personalityInsights.userId, userId),
        gte(personalityInsights.generatedAt, since),
        lt(personalityInsights.generatedAt, until),
      ),
    )
    .orderBy(desc(personalityInsights.generatedAt), desc(personalityInsights.id))
    .limit(1);
  return row;
}
