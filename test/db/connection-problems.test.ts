import { describe, expect, inject, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { describeDatabaseUrl, explainConnectionError } from '../../src/db/connection-problems.js';
import { openPostgresDatabase } from '../../src/db/postgres.js';
import { freePort } from '../support/free-port.js';
import { postgresAvailable } from '../support/test-database.js';

/** The test server's URL with some parts replaced. */
function serverUrl(change: {
  user?: string;
  password?: string;
  host?: string;
  port?: number;
  database?: string;
}) {
  const url = new URL(inject('postgresUrl'));
  if (change.user) url.username = change.user;
  if (change.password) url.password = change.password;
  if (change.host) url.hostname = change.host;
  if (change.port) url.port = String(change.port);
  if (change.database) url.pathname = `/${change.database}`;
  return url.toString();
}

/** What the start-up and the CLIs make of the first failure on `url`. */
async function explainedFailure(url: string): Promise<UserError | undefined> {
  const database = openPostgresDatabase(
    {
      url,
      maxConnections: 1,
      idleTimeoutMs: 1000,
      connectionTimeoutMs: 3000,
      statementTimeoutMs: 0,
      slowQueryMs: 10_000,
    },
    silentLogger(),
  );
  try {
    await database.migrate();
    throw new Error(`migrating ${url} should have failed`);
  } catch (error) {
    return explainConnectionError(error, url, 3000);
  } finally {
    await database.close();
  }
}

describe('GIVEN a DATABASE_URL with a password', () => {
  it('THEN its description names host, port, database and role and never the password', () => {
    const text = describeDatabaseUrl('postgresql://bot:hunter2-secret@db.internal:6543/moodscale');
    expect(text).toBe('DATABASE_URL (host db.internal, port 6543, database moodscale, user bot)');
  });

  it('THEN an error that is not about connecting is left alone', () => {
    expect(
      explainConnectionError(new Error('syntax error at or near "SELEC"'), 'postgresql://a@b/c'),
    ).toBeUndefined();
  });
});

describe.skipIf(!postgresAvailable())('GIVEN a DATABASE_URL the server cannot serve [postgres]', () => {
  it('WHEN nothing listens on its port THEN the UserError names DATABASE_URL, the port, a running server, and not the password', async () => {
    const port = await freePort();
    const error = await explainedFailure(
      serverUrl({ port, password: 'hunter2-secret', database: 'moodscale_dev' }),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error?.message).toContain(`DATABASE_URL (host 127.0.0.1, port ${port}, database moodscale_dev`);
    expect(error?.message).toContain('PostgreSQL server is running');
    expect(error?.message).not.toContain('hunter2-secret');
  });

  it('WHEN its database does not exist THEN the UserError says to createdb that name', async () => {
    const error = await explainedFailure(serverUrl({ database: 'moodscale_missing_db' }));
    expect(error?.message).toContain('the database "moodscale_missing_db" does not exist');
    expect(error?.message).toMatch(/createdb .*moodscale_missing_db/);
  });

  it('WHEN its role does not exist THEN the UserError names the role and how to create it', async () => {
    const error = await explainedFailure(serverUrl({ user: 'moodscale_no_such_role' }));
    expect(error?.message).toContain('the role "moodscale_no_such_role" does not exist');
    expect(error?.message).toContain('createuser');
  });

  it('WHEN its host name does not resolve THEN the UserError says the host is unknown', async () => {
    const error = await explainedFailure(serverUrl({ host: 'no-such-host.invalid' }));
    expect(error?.message).toContain('the host name "no-such-host.invalid" is unknown');
  });
});
