import { defineConfig } from 'drizzle-kit';

// `generate` needs no database; `push` and `migrate` use DATABASE_URL (see README, "Development").
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/moodscale_dev' },
  verbose: true,
});
