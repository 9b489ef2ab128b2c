import { index, integer, pgTable, real, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** `personality_insights` as specified: one generated profile per user and run. */
export const personalityInsights = pgTable(
  'personality_insights',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    musicDna: text('music_dna'),
    energyLevel: real('energy_level'),
    positivityLevel: real('positivity_level'),
    aiSuggestion: text('ai_suggestion'),
    generatedAt: timestamp('generated_at').notNull().defaultNow(),
  },
  (t) => [index('idx_personality_insights_user_generated').on(t.userId, t.generatedAt.desc().nullsFirst())],
);

export type PersonalityInsight = typeof personalityInsights.$inferSelect;
export type NewPersonalityInsight = typeof personalityInsights.$inferInsert;
