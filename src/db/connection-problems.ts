import { UserError } from '../core/errors.js';
import type { DatabasePlace } from './migration-state.js';

/** The parts of DATABASE_URL a message may show: never the password. */
export interface DatabaseUrlParts {
  host: string;
  port: string;
  database: string;
  user: string;
}

/** Reads DATABASE_URL the way node-postgres does for the parts it names (defaults included). */
export function databaseUrlParts(url: string): DatabaseUrlParts {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const user = decode(parsed?.username ?? '') || process.env.PGUSER || 'postgres';
  const host = decode(parsed?.hostname ?? '') || parsed?.searchParams.get('host') || 'localhost';
  const database = decode((parsed?.pathname ?? '').replace(/^\//, '')) || user;
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port: parsed?.port || '5432', database, user };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** "DATABASE_URL (host 127.0.0.1, port 5432, database moodscale_dev, user postgres)". */
export function describeDatabaseUrl(url: string): string {
  const { host, port, database, user } = databaseUrlParts(url);
  return `DATABASE_URL (host ${host}, port ${port}, database ${database}, user ${user})`;
}

/** Where a PostgreSQL database is, and the commands that replace it with an empty, migrated one. */
export function postgresPlace(url: string): DatabasePlace {
  const parts = databaseUrlParts(url);
  const flags = clientFlags(parts);
  const db = shellWord(parts.database);
  return {
    description: `the PostgreSQL database in ${describeDatabaseUrl(url)}`,
    startOver: `dropdb ${flags} ${db} && createdb ${flags} ${db} && npm run db:push`,
    keepRows:
      `pg_dump ${flags} --data-only --schema=public ${db} > rows.sql, start over as above, ` +
      `then psql ${flags} ${db} -f rows.sql (while the schema has not changed).`,
  };
}

function clientFlags({ host, port, user }: DatabaseUrlParts): string {
  return `-h ${shellWord(host)} -p ${shellWord(port)} -U ${shellWord(user)}`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * When `error` says the PostgreSQL server in DATABASE_URL could not be reached or refused the
 * connection, a UserError naming DATABASE_URL (host, port, database and role, never the password)
 * and what to check; otherwise undefined. The original error is kept as `cause`.
 */
export function explainConnectionError(
  error: unknown,
  url: string,
  connectionTimeoutMs?: number,
): UserError | undefined {
  const advice = adviceFor(error, databaseUrlParts(url), connectionTimeoutMs);
  if (!advice) return undefined;
  const explained = new UserError(
    `Cannot connect to the PostgreSQL database in ${describeDatabaseUrl(url)}: ${advice}`,
    'DATABASE_UNREACHABLE',
  );
  explained.cause = error;
  return explained;
}

function adviceFor(
  error: unknown,
  parts: DatabaseUrlParts,
  timeoutMs: number | undefined,
): string | undefined {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const flags = clientFlags(parts);
  switch (code) {
    case 'ECONNREFUSED':
      return (
        `nothing accepts connections at ${parts.host}:${parts.port}.\n` +
        `Check that the PostgreSQL server is running (pg_isready -h ${shellWord(parts.host)} -p ${shellWord(parts.port)}) ` +
        'and that the host and port in DATABASE_URL are the ones it listens on.'
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return (
        `the host name "${parts.host}" is unknown (it does not resolve to an address).\n` +
        'Check the host in DATABASE_URL: 127.0.0.1 or localhost for a server on this machine, ' +
        'the service name (e.g. db) inside Docker Compose.'
      );
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return unanswered(parts, timeoutMs);
    case '3D000':
      return (
        `the server answers, but the database "${parts.database}" does not exist.\n` +
        `Create it (createdb ${flags} ${shellWord(parts.database)}, then npm run db:push) ` +
        'or correct the database name at the end of DATABASE_URL.'
      );
    case '28000':
      if (/role .* does not exist/i.test(message)) {
        return (
          `the server answers, but the role "${parts.user}" does not exist.\n` +
          `Create it (as a superuser: createuser -h ${shellWord(parts.host)} -p ${shellWord(parts.port)} --createdb ${shellWord(parts.user)}) ` +
          'or put an existing role in DATABASE_URL (postgresql://ROLE:PASSWORD@host:port/database).'
        );
      }
      return (
        `the server does not let role "${parts.user}" connect to "${parts.database}" from here (${message}).\n` +
        "Check the role and database in DATABASE_URL, and the server's pg_hba.conf."
      );
    case '28P01':
      return `the server refused the password for role "${parts.user}".\nCheck the password in DATABASE_URL.`;
    case '57P03':
      return 'the server is starting up or shutting down.\nTry again in a moment.';
    case '53300':
      return 'the server has no connection slots left (max_connections).\nTry again, or lower DB_MAX_CONNECTIONS.';
  }
  if (/password must be a string|password authentication/i.test(message)) {
    return `the server asks for a password for role "${parts.user}" and DATABASE_URL has none (or a wrong one).\nPut it in DATABASE_URL: postgresql://ROLE:PASSWORD@host:port/database.`;
  }
  if (/timeout/i.test(message)) return unanswered(parts, timeoutMs);
  if (/does not support SSL|SSL/i.test(message) && /connection/i.test(message)) {
    return `${message}.\nCheck sslmode in DATABASE_URL (e.g. ?sslmode=require, or remove it for a local server).`;
  }
  if (code === 'ECONNRESET' || /Connection terminated unexpectedly/i.test(message)) {
    return (
      `the connection to ${parts.host}:${parts.port} was closed before PostgreSQL answered.\n` +
      'Check that the port in DATABASE_URL is PostgreSQL (not another service) and that the server is running.'
    );
  }
  return undefined;
}

function unanswered(parts: DatabaseUrlParts, timeoutMs: number | undefined): string {
  const within = timeoutMs ? ` within ${timeoutMs} ms (DB_CONNECTION_TIMEOUT)` : '';
  return (
    `no answer from ${parts.host}:${parts.port}${within}.\n` +
    'Check the host and port in DATABASE_URL, that the server is running, and that no firewall drops the connection.'
  );
}
