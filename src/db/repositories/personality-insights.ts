import { desc, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type PreparedStatement, runPrepared } from '../raw-query.js';
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

// One array per column: Drizzle's builder made one parameter per value, and building that statement
// for a batch's 500 insights cost more CPU than PostgreSQL's insert (bench/digest's sending).
const insertInsightsStatement: PreparedStatement = {
  name: 'moodscale_insert_personality_insights_v1',
  text: `INSERT INTO personality_insights
           (user_id, music_dna, energy_level, positivity_level, ai_suggestion, generated_at)
         SELECT user_id, music_dna, energy_level, positivity_level, ai_suggestion, coalesce(generated_at, now())
           FROM unnest($1::int[], $2::text[], $3::real[], $4::real[], $5::text[], $6::timestamp[])
                AS t(user_id, music_dna, energy_level, positivity_level, ai_suggestion, generated_at)`,
};

/** Stores many insights in one statement (the insights of one batch's sent digests). */
export async function insertPersonalityInsights(
  db: Db,
  inputs: readonly PersonalityInsightInput[],
): Promise<void> {
  if (inputs.length === 0) return;
  const rows = inputs.map(storable);
  await runPrepared(db, insertInsightsStatement, [
    rows.map((r) => r.userId),
    rows.map((r) => r.musicDna ?? null),
    rows.map((r) => r.energyLevel ?? null),
    rows.map((r) => r.positivityLevel ?? null),
    rows.map((r) => r.aiSuggestion ?? null),
    // As Drizzle writes a timestamp without time zone: the UTC wall time.
    rows.map((r) => r.generatedAt?.toISOString() ?? null),
  ]);
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
