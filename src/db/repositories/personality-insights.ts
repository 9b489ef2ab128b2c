import { desc, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type NewPersonalityInsight, type PersonalityInsight, personalityInsights } from '../schema/index.js';
import { boundedLimit, storableText } from './text-guard.js';

export type PersonalityInsightInput = Omit<NewPersonalityInsight, 'id'>;

/** The insight with its free-text columns checked storable (storableText refuses a NUL). */
function storable(input: PersonalityInsightInput): PersonalityInsightInput {
  return {
    ...input,
    musicDna: storableText(input.musicDna ?? null, 'music DNA'),
    aiSuggestion: storableText(input.aiSuggestion ?? null, 'suggestion'),
  };
}

export async function insertPersonalityInsight(
  db: Db,
  input: PersonalityInsightInput,
): Promise<PersonalityInsight> {
  const [row] = await db.insert(personalityInsights).values(storable(input)).returning();
  return row!;
}

/** Stores many insights in one statement (the insights of one batch's sent digests). */
export async function insertPersonalityInsights(
  db: Db,
  inputs: readonly PersonalityInsightInput[],
): Promise<void> {
  if (inputs.length === 0) return;
  await db.insert(personalityInsights).values(inputs.map(storable));
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
