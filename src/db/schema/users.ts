import { index, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

/** `users` exactly as the schema document specifies it. Spotify tokens hold ciphertext only. */
export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    username: text('username').notNull().unique(),
    spotifyId: text('spotify_id'),
    spotifyAccessToken: text('spotify_access_token'),
    spotifyRefreshToken: text('spotify_refresh_token'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  // The document asks for this index although UNIQUE already creates one; kept so the names match.
  (t) => [index('idx_users_username').on(t.username)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
