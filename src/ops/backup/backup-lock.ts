import pg from 'pg';

/** Arbitrary but fixed, and distinct from the migration lock: instances contend for it to back up. */
export const BACKUP_LOCK_KEY = 7_415_920_134;

/**
 * Runs `fn` only if this process wins the backup advisory lock (a try-lock on its own connection, held
 * for the whole run); otherwise returns undefined at once. A crashed holder's lock ends with its session.
 */
export async function withBackupLock<T>(
  url: string,
  fn: () => Promise<T>,
): Promise<{ value: T } | undefined> {
  const client = new pg.Client({ connectionString: url, application_name: 'moodscale-backup-lock' });
  await client.connect();
  // A dropped lock connection must not crash the process; the run carries on and the next one retries.
  client.on('error', () => undefined);
  try {
    const { rows } = await client.query<{ won: boolean }>('SELECT pg_try_advisory_lock($1) AS won', [
      BACKUP_LOCK_KEY,
    ]);
    if (!rows[0]?.won) return undefined;
    try {
      return { value: await fn() };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [BACKUP_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
