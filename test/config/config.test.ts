import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/core/errors.js';

const root = new URL('../../', import.meta.url);
const variables = Object.keys(envSchema.shape).sort();

describe('GIVEN no environment at all', () => {
  it('THEN the defaults of the schema document apply and the embedded database is chosen', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({
      url: undefined,
      maxConnections: 20,
      idleTimeoutMs: 30_000,
      connectionTimeoutMs: 5000,
      statementTimeoutMs: 15_000,
      // PGlite's own threshold (test/config/slow-query-default.test.ts): the embedded database is chosen.
      slowQueryMs: 500,
      dataDir: './data',
    });
    expect(config.backup).toEqual({
      enabled: false,
      retentionDays: 30,
      dir: './backups',
      schedule: '30 3 * * *',
    });
    expect(config.log).toEqual({ level: 'info', pretty: true });
    expect(config.ops.heapGrowingPercent).toBe(20);
    expect(config.encryption.allowUnreadable).toBe(false);
  });

  it('THEN the operations endpoints listen on loopback port 9464 without a token', () => {
    expect(loadConfig({}).http).toEqual({
      port: 3000,
      ops: { port: 9464, host: '127.0.0.1', token: undefined },
    });
  });

  it('THEN blank values count as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', DB_MAX_CONNECTIONS: ' ' }).database.maxConnections).toBe(20);
  });
});

describe('GIVEN the variables of the schema document', () => {
  it('THEN each is parsed to its typed value', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://user:pw@db:5432/moodscale',
      DB_MAX_CONNECTIONS: '5',
      DB_IDLE_TIMEOUT: '1000',
      DB_CONNECTION_TIMEOUT: '2000',
      ENCRYPTION_KEY: 'k'.repeat(32),
      ENCRYPTION_OLD_KEYS: ` ${'a'.repeat(64)} , ${'b'.repeat(64)} ,,`,
      ENCRYPTION_ALLOW_UNREADABLE: 'true',
      BACKUP_ENABLED: 'true',
      BACKUP_RETENTION_DAYS: '7',
    });
    expect(config.database).toMatchObject({
      url: 'postgresql://user:pw@db:5432/moodscale',
      maxConnections: 5,
      idleTimeoutMs: 1000,
      connectionTimeoutMs: 2000,
    });
    expect(config.encryption).toEqual({
      key: 'k'.repeat(32),
      oldKeys: ['a'.repeat(64), 'b'.repeat(64)],
      allowUnreadable: true,
    });
    expect(config.backup).toMatchObject({ enabled: true, retentionDays: 7 });
  });
});

describe('GIVEN malformed values', () => {
  it.each([
    [
      'DB_MAX_CONNECTIONS',
      'twenty',
      /DB_MAX_CONNECTIONS: expected a whole number from 1 to 1000 \(got "twenty"\)/,
    ],
    ['DB_MAX_CONNECTIONS', '0', /DB_MAX_CONNECTIONS: expected a whole number from 1 to 1000 \(got "0"\)/],
    ['DB_IDLE_TIMEOUT', '-5', /DB_IDLE_TIMEOUT: expected a whole number from 0 to 86400000 \(got "-5"\)/],
    ['BACKUP_ENABLED', 'maybe', /BACKUP_ENABLED: expected true or false \(got "maybe"\)/],
    ['BACKUP_SCHEDULE', 'daily', /BACKUP_SCHEDULE: expected a cron expression such as "30 3 \* \* \*"/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: expected a URL such as postgresql:\/\//],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: .*(fatal|info)/],
    ['NODE_ENV', 'staging', /NODE_ENV: /],
    ['HEAP_GROWING_PERCENT', '2000', /HEAP_GROWING_PERCENT: expected a whole number from 0 to 1000/],
    ['STORAGE_ALERT_BYTES', '0', /STORAGE_ALERT_BYTES: expected a whole number of at least 1 \(got "0"\)/],
  ])(
    'GIVEN %s=%s THEN start-up stops with a message naming it and what it expects',
    (name, value, message) => {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(message);
    },
  );

  it('GIVEN DB_MAX_CONNECTIONS=-5 THEN the message says which whole numbers are allowed', () => {
    expect(() => loadConfig({ DB_MAX_CONNECTIONS: '-5' })).toThrow(
      'MoodScale cannot start: the configuration is invalid.\n' +
        '  DB_MAX_CONNECTIONS: expected a whole number from 1 to 1000 (got "-5")',
    );
  });

  it('GIVEN an ENCRYPTION_KEY that is not a key THEN the message has the same first line as every configuration error and hides the key', () => {
    let message = '';
    try {
      loadConfig({ ENCRYPTION_KEY: 'your-32-byte-encryption-key' });
    } catch (error) {
      message = error instanceof ConfigError ? error.message : String(error);
    }

    expect(message.split('\n')).toEqual([
      'MoodScale cannot start: the configuration is invalid.',
      expect.stringMatching(
        /^ {2}ENCRYPTION_KEY: expected a 32-byte key .*; this one has 27 characters \(27 bytes\)\. Generate one with: openssl rand -hex 32 \(got "\[hidden\]"\)$/,
      ),
    ]);
    expect(message).not.toContain('your-32-byte');
  });

  it('GIVEN an ENCRYPTION_OLD_KEYS entry that is not a key THEN the message names the entry', () => {
    expect(() => loadConfig({ ENCRYPTION_OLD_KEYS: `${'a'.repeat(64)},short` })).toThrow(
      /\n {2}ENCRYPTION_OLD_KEYS: entry 2: expected a 32-byte key/,
    );
  });

  it('THEN an OPS_TOKEN shorter than 16 characters is refused with what it expects', () => {
    expect(() => loadConfig({ OPS_TOKEN: 'short' })).toThrow(/OPS_TOKEN: expected at least 16 characters/);
  });

  it('THEN every bad variable is named at once', () => {
    expect(() => loadConfig({ DB_MAX_CONNECTIONS: 'x', BACKUP_RETENTION_DAYS: 'y' })).toThrow(
      /DB_MAX_CONNECTIONS[\s\S]*BACKUP_RETENTION_DAYS/,
    );
  });

  it('THEN a password in DATABASE_URL is never echoed', () => {
    try {
      loadConfig({ DATABASE_URL: 'postgres://u:hunter2@', DB_MAX_CONNECTIONS: 'x' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });

  it('THEN production with PostgreSQL and no ENCRYPTION_KEY refuses to start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://h/db' })).toThrow(
      /ENCRYPTION_KEY/,
    );
  });
});

describe('GIVEN the documentation', () => {
  it('THEN .env.example lists exactly the variables the schema reads', () => {
    const text = readFileSync(new URL('.env.example', root), 'utf8');
    const listed = [...text.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(variables);
  });

  it('THEN the README configuration table lists exactly the variables the schema reads', () => {
    const text = readFileSync(new URL('README.md', root), 'utf8');
    const section = text.split('## Configuration')[1]?.split('\n## ')[0] ?? '';
    const listed = [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(variables);
  });
});
