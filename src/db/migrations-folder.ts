import { fileURLToPath } from 'node:url';

/** drizzle/ at the package root, found from this file so it works from src/ (tsx) and dist/ (tsc). */
export function migrationsFolder(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const root = here.includes('/dist/')
    ? new URL('../../../', import.meta.url)
    : new URL('../../', import.meta.url);
  return fileURLToPath(new URL('drizzle/', root));
}
