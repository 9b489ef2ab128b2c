import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { ConfigError } from './core/errors.js';
import { encryptionKeyProblem } from './crypto/encryption-keys.js';

const booleanFlag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'expected true or false' }))
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

/** Every message of a whole-number variable says the range it takes: "expected a whole number from 1 to 1000". */
const wholeNumber = (min: number, max: number) => {
  const range =
    max === Number.MAX_SAFE_INTEGER
      ? `expected a whole number of at least ${min}`
      : `expected a whole number from ${min} to ${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: range })
    .transform(Number)
    .pipe(z.number().min(min, { error: range }).max(max, { error: range }));
};

/** A 32-byte key in any form parseEncryptionKey accepts; the message says which forms and how to make one. */
const encryptionKey = z.string().superRefine((value, context) => {
  const problem = encryptionKeyProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/** Comma-separated keys, each checked like ENCRYPTION_KEY and named by its position when it is not one. */
const encryptionKeyList = z.string().superRefine((value, context) => {
  value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .forEach((key, i) => {
      const problem = encryptionKeyProblem(key);
      if (problem) context.addIssue({ code: 'custom', message: `entry ${i + 1}: ${problem}` });
    });
});

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), {
    error: 'expected a URL such as postgresql://user:password@host:5432/database',
  });

const blankIsUnset = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsUnset, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: string) =>
  z.preprocess((v) => blankIsUnset(v) ?? fallback, schema);

/**
 * Every environment variable MoodScale reads, in one place. README's configuration table and
 * .env.example list the same variables; test/config.test.ts keeps the three in step.
 */
export const envSchema = z.object({
  NODE_ENV: withDefault(z.enum(['development', 'production', 'test']), 'development'),
  LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  LOG_FORMAT: optional(z.enum(['json', 'pretty'])),

  DATABASE_URL: optional(postgresUrl),
  DB_MAX_CONNECTIONS: withDefault(wholeNumber(1, 1000), '20'),
  DB_IDLE_TIMEOUT: withDefault(wholeNumber(0, 86_400_000), '30000'),
  DB_CONNECTION_TIMEOUT: withDefault(wholeNumber(0, 600_000), '5000'),
  DB_STATEMENT_TIMEOUT: withDefault(wholeNumber(0, 3_600_000), '15000'),
  DB_SLOW_QUERY_MS: optional(wholeNumber(0, 3_600_000)),
  DATA_DIR: withDefault(z.string(), './data'),

  ENCRYPTION_KEY: optional(encryptionKey),
  ENCRYPTION_OLD_KEYS: optional(encryptionKeyList),
  ENCRYPTION_ALLOW_UNREADABLE: withDefault(booleanFlag, 'false'),

  RATE_LIMIT_POINTS: withDefault(wholeNumber(1, 1_000_000), '30'),
  RATE_LIMIT_DURATION: withDefault(wholeNumber(1, 86_400), '60'),
  RATE_LIMIT_STORE: withDefault(z.enum(['memory', 'database']), 'memory'),

  DISCORD_TOKEN: optional(z.string()),
  DISCORD_APPLICATION_ID: optional(
    z.string().regex(/^\d{15,25}$/, { error: 'expected the numeric application id' }),
  ),
  DISCORD_GUILD_ID: optional(
    z.string().regex(/^\d{15,25}$/, { error: 'expected a numeric server (guild) id' }),
  ),
  DISCORD_API_URL: optional(z.url({ error: 'expected a URL such as http://127.0.0.1:8080/api' })),
  DISCORD_MESSAGE_CONTENT: withDefault(booleanFlag, 'false'),

  SLACK_BOT_TOKEN: optional(
    z.string().startsWith('xoxb-', { error: 'expected a bot token starting with xoxb-' }),
  ),
  SLACK_APP_TOKEN: optional(
    z.string().startsWith('xapp-', { error: 'expected an app-level token starting with xapp-' }),
  ),
  SLACK_SIGNING_SECRET: optional(z.string()),
  SLACK_MODE: withDefault(z.enum(['socket', 'http']), 'socket'),
  SLACK_API_URL: optional(z.url({ error: 'expected a URL such as https://slack.com/api/' })),
  SLACK_COMMAND_PREFIX: optional(
    z.string().regex(/^[a-z0-9][a-z0-9_-]{0,15}$/, {
      error: 'expected up to 16 lowercase letters, digits, - or _ such as ms- (giving /ms-mood)',
    }),
  ),
  SLACK_MAX_BODY_BYTES: withDefault(wholeNumber(1024, 10_000_000), '65536'),
  PORT: withDefault(wholeNumber(0, 65_535), '3000'),
  OPS_PORT: withDefault(wholeNumber(0, 65_535), '9464'),
  OPS_HOST: withDefault(
    z.string().min(1, { error: 'expected an interface address such as 127.0.0.1' }),
    '127.0.0.1',
  ),
  OPS_TOKEN: optional(z.string().min(16, { error: 'expected at least 16 characters (a random secret)' })),

  SPOTIFY_CLIENT_ID: optional(z.string()),
  SPOTIFY_CLIENT_SECRET: optional(z.string()),
  SPOTIFY_API_URL: withDefault(
    z.url({ error: 'expected a URL such as https://api.spotify.com' }),
    'https://api.spotify.com',
  ),
  SPOTIFY_ACCOUNTS_URL: withDefault(
    z.url({ error: 'expected a URL such as https://accounts.spotify.com' }),
    'https://accounts.spotify.com',
  ),
  SPOTIFY_OEMBED_URL: withDefault(
    z.url({ error: 'expected a URL such as https://open.spotify.com/oembed' }),
    'https://open.spotify.com/oembed',
  ),
  RECCOBEATS_API_URL: withDefault(
    z.url({ error: 'expected a URL such as https://api.reccobeats.com' }),
    'https://api.reccobeats.com',
  ),
  SPOTIFY_REDIRECT_URI: optional(
    z.url({ error: 'expected a URL such as http://127.0.0.1:3000/spotify/callback' }),
  ),
  OPENAI_API_KEY: optional(z.string()),
  OPENAI_BASE_URL: optional(z.url({ error: 'expected a URL such as https://api.openai.com/v1' })),
  OPENAI_MODEL: withDefault(z.string().min(1), 'gpt-4o-mini'),

  CARE_RESOURCES_TEXT: optional(z.string().max(2000, { error: 'expected at most 2,000 characters' })),
  CONSOLE_USER: optional(z.string().max(64, { error: 'expected at most 64 characters' })),

  DIGEST_ENABLED: withDefault(booleanFlag, 'true'),
  DIGEST_LEASE_SECONDS: withDefault(wholeNumber(30, 86_400), '600'),
  CHECKINS_ENABLED: withDefault(booleanFlag, 'true'),
  CHECKIN_LEASE_SECONDS: withDefault(wholeNumber(10, 3600), '120'),
  IMPORT_MAX_ENTRIES: withDefault(wholeNumber(1, 1_000_000), '10000'),
  IMPORT_MAX_BYTES: withDefault(wholeNumber(1024, 100 * 1024 * 1024), String(5 * 1024 * 1024)),
  IMPORT_PER_HOUR: withDefault(wholeNumber(1, 1000), '10'),
  INBOX_LEASE_SECONDS: withDefault(wholeNumber(1, 3600), '20'),
  INBOX_RETENTION_HOURS: withDefault(wholeNumber(1, 8760), '2'),

  BACKUP_ENABLED: withDefault(booleanFlag, 'false'),
  BACKUP_RETENTION_DAYS: withDefault(wholeNumber(1, 3650), '30'),
  BACKUP_DIR: withDefault(z.string(), './backups'),
  BACKUP_SCHEDULE: withDefault(
    z.string().refine((v) => validateCron(v), {
      error: 'expected a cron expression such as "30 3 * * *" (03:30 every day)',
    }),
    '30 3 * * *',
  ),

  ALERT_WEBHOOK_URL: optional(
    z.url({ error: 'expected a URL such as https://hooks.slack.com/services/... or a Discord webhook URL' }),
  ),
  ALERT_CHANNEL: optional(
    z
      .string()
      .trim()
      .regex(/^(discord:\d{15,25}|slack:[A-Z0-9]{8,15})$/, {
        error:
          'expected discord:<channel id> or slack:<channel id>, e.g. discord:123456789012345678 or slack:C0123456789',
      }),
  ),
  STORAGE_ALERT_BYTES: optional(wholeNumber(1, Number.MAX_SAFE_INTEGER)),
  HEAP_GROWING_PERCENT: withDefault(wholeNumber(0, 1000), '20'),
});

export type Env = z.infer<typeof envSchema>;

/**
 * DB_SLOW_QUERY_MS by driver. A PostgreSQL server answers the hot paths in a few milliseconds. PGlite
 * runs in this process, one statement at a time, so a statement's time includes waiting behind the
 * others and any busy moment of the event loop: 500 ms is where a user would notice the chat stall.
 */
export const SLOW_QUERY_MS = { postgres: 200, pglite: 500 } as const;

/** Parsed configuration, grouped the way the composition root hands it out. */
export interface Config {
  env: Env['NODE_ENV'];
  log: { level: Env['LOG_LEVEL']; pretty: boolean };
  database: {
    url: string | undefined;
    maxConnections: number;
    idleTimeoutMs: number;
    connectionTimeoutMs: number;
    statementTimeoutMs: number;
    slowQueryMs: number;
    dataDir: string;
  };
  /**
   * `allowUnreadable`: start in production even when stored values are under a key that is not
   * configured (they stay unreadable); without it such a start stops (see stored-key-check.ts).
   */
  encryption: { key: string | undefined; oldKeys: string[]; allowUnreadable: boolean };
  backup: { enabled: boolean; retentionDays: number; dir: string; schedule: string };
  /** The weekly DM digest: on or off, and how long a claim on one user's digest holds. */
  digest: { enabled: boolean; leaseSeconds: number };
  /** Daily check-in prompts: on or off for the whole bot, and how long a claim on one prompt holds. */
  checkins: { enabled: boolean; leaseSeconds: number };
  /** /import: the largest file it reads (entries and bytes) and how many files a user may preview an hour. */
  imports: { maxEntries: number; maxBytes: number; perHour: number };
  /** The durable inbox: how long a claim lasts unrenewed, and how long a finished delivery's key is kept. */
  inbox: { leaseSeconds: number; retentionHours: number };
  /** Admin alerts and the storage threshold (see README, Operations). */
  ops: {
    alertWebhookUrl: string | undefined;
    alertChannel: { platform: 'discord' | 'slack'; channelId: string } | undefined;
    storageAlertBytes: number | undefined;
    /** V8's old-generation growth between full collections, in percent (0: V8's default). */
    heapGrowingPercent: number;
  };
  rateLimit: { points: number; durationSeconds: number; store: 'memory' | 'database' };
  care: { text: string | undefined };
  console: { user: string | undefined };
  /** Present when DISCORD_TOKEN is set. */
  discord:
    | {
        token: string;
        applicationId: string;
        guildId: string | undefined;
        apiUrl: string | undefined;
        messageContent: boolean;
      }
    | undefined;
  /** Present when SLACK_BOT_TOKEN is set. */
  slack:
    | {
        botToken: string;
        mode: 'socket' | 'http';
        appToken: string | undefined;
        signingSecret: string | undefined;
        apiUrl: string | undefined;
        maxBodyBytes: number;
        /** SLACK_COMMAND_PREFIX: '' or e.g. 'ms-' (/ms-mood). */
        commandPrefix: string;
      }
    | undefined;
  /**
   * `port`: the public port, only what the platforms call (Slack's events, the Spotify callback).
   * `ops`: /healthz, /readyz and /metrics on their own port, on loopback unless OPS_HOST says otherwise;
   * with a token, /readyz and /metrics ask for it as a bearer token.
   */
  http: { port: number; ops: { port: number; host: string; token: string | undefined } };
  music: {
    spotify: { clientId: string; clientSecret: string } | undefined;
    spotifyApiUrl: string;
    spotifyAccountsUrl: string;
    oembedUrl: string;
    reccoBeatsUrl: string;
    /** Where Spotify sends the browser back after /spotify connect (this bot's PORT). */
    redirectUri: string | undefined;
  };
  /** Present when OPENAI_API_KEY is set (any OpenAI-compatible server with OPENAI_BASE_URL). */
  ai: { apiKey: string; baseUrl: string | undefined; model: string } | undefined;
}

/** Parses the environment once; throws a ConfigError that names every bad variable and what it expects. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const given = source[name];
      const shown =
        given === undefined ? 'it is not set' : `got ${JSON.stringify(redactSecret(name, given))}`;
      return `  ${name}: ${issue.message} (${shown})`;
    });
    throw new ConfigError(`MoodScale cannot start: the configuration is invalid.\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production' && env.DATABASE_URL && !env.ENCRYPTION_KEY) {
    throw new ConfigError(
      'MoodScale cannot start: ENCRYPTION_KEY is required in production with DATABASE_URL.\n' +
        '  ENCRYPTION_KEY: expected 32 bytes as 64 hex characters or base64 (generate one with: openssl rand -hex 32)',
    );
  }
  if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) {
    throw new ConfigError(
      'MoodScale cannot start: DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is not.\n' +
        '  DISCORD_APPLICATION_ID: expected the numeric application id (Developer Portal > your app > General Information)',
    );
  }
  if (env.SLACK_BOT_TOKEN && env.SLACK_MODE === 'socket' && !env.SLACK_APP_TOKEN) {
    throw new ConfigError(
      'MoodScale cannot start: Slack Socket Mode needs SLACK_APP_TOKEN.\n' +
        '  SLACK_APP_TOKEN: expected an app-level token (xapp-...) with connections:write, or set SLACK_MODE=http',
    );
  }
  if (env.SLACK_BOT_TOKEN && env.SLACK_MODE === 'http' && !env.SLACK_SIGNING_SECRET) {
    throw new ConfigError(
      'MoodScale cannot start: Slack HTTP mode needs SLACK_SIGNING_SECRET.\n' +
        '  SLACK_SIGNING_SECRET: expected the signing secret (Slack app > Basic Information > App Credentials)',
    );
  }
  if (Boolean(env.SPOTIFY_CLIENT_ID) !== Boolean(env.SPOTIFY_CLIENT_SECRET)) {
    throw new ConfigError(
      'MoodScale cannot start: SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET go together.\n' +
        '  Set both (Spotify developer dashboard > your app > Settings), or neither to use the keyless oEmbed.',
    );
  }
  return {
    env: env.NODE_ENV,
    log: { level: env.LOG_LEVEL, pretty: (env.LOG_FORMAT ?? defaultLogFormat(env.NODE_ENV)) === 'pretty' },
    database: {
      url: env.DATABASE_URL,
      maxConnections: env.DB_MAX_CONNECTIONS,
      idleTimeoutMs: env.DB_IDLE_TIMEOUT,
      connectionTimeoutMs: env.DB_CONNECTION_TIMEOUT,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT,
      slowQueryMs: env.DB_SLOW_QUERY_MS ?? (env.DATABASE_URL ? SLOW_QUERY_MS.postgres : SLOW_QUERY_MS.pglite),
      dataDir: env.DATA_DIR,
    },
    encryption: {
      key: env.ENCRYPTION_KEY,
      oldKeys: (env.ENCRYPTION_OLD_KEYS ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
      allowUnreadable: env.ENCRYPTION_ALLOW_UNREADABLE,
    },
    backup: {
      enabled: env.BACKUP_ENABLED,
      retentionDays: env.BACKUP_RETENTION_DAYS,
      dir: env.BACKUP_DIR,
      schedule: env.BACKUP_SCHEDULE,
    },
    digest: { enabled: env.DIGEST_ENABLED, leaseSeconds: env.DIGEST_LEASE_SECONDS },
    checkins: { enabled: env.CHECKINS_ENABLED, leaseSeconds: env.CHECKIN_LEASE_SECONDS },
    imports: {
      maxEntries: env.IMPORT_MAX_ENTRIES,
      maxBytes: env.IMPORT_MAX_BYTES,
      perHour: env.IMPORT_PER_HOUR,
    },
    inbox: { leaseSeconds: env.INBOX_LEASE_SECONDS, retentionHours: env.INBOX_RETENTION_HOURS },
    ops: {
      alertWebhookUrl: env.ALERT_WEBHOOK_URL,
      alertChannel: env.ALERT_CHANNEL
        ? {
            platform: env.ALERT_CHANNEL.startsWith('discord:') ? 'discord' : 'slack',
            channelId: env.ALERT_CHANNEL.slice(env.ALERT_CHANNEL.indexOf(':') + 1),
          }
        : undefined,
      storageAlertBytes: env.STORAGE_ALERT_BYTES,
      heapGrowingPercent: env.HEAP_GROWING_PERCENT,
    },
    rateLimit: {
      points: env.RATE_LIMIT_POINTS,
      durationSeconds: env.RATE_LIMIT_DURATION,
      store: env.RATE_LIMIT_STORE,
    },
    // Literal "\n" in an environment variable means a line break.
    care: { text: env.CARE_RESOURCES_TEXT?.replaceAll('\\n', '\n') },
    console: { user: env.CONSOLE_USER },
    discord: env.DISCORD_TOKEN
      ? {
          token: env.DISCORD_TOKEN,
          applicationId: env.DISCORD_APPLICATION_ID!,
          guildId: env.DISCORD_GUILD_ID,
          apiUrl: env.DISCORD_API_URL,
          messageContent: env.DISCORD_MESSAGE_CONTENT,
        }
      : undefined,
    slack: env.SLACK_BOT_TOKEN
      ? {
          botToken: env.SLACK_BOT_TOKEN,
          mode: env.SLACK_MODE,
          appToken: env.SLACK_APP_TOKEN,
          signingSecret: env.SLACK_SIGNING_SECRET,
          apiUrl: env.SLACK_API_URL,
          maxBodyBytes: env.SLACK_MAX_BODY_BYTES,
          commandPrefix: env.SLACK_COMMAND_PREFIX ?? '',
        }
      : undefined,
    http: { port: env.PORT, ops: { port: env.OPS_PORT, host: env.OPS_HOST, token: env.OPS_TOKEN } },
    music: {
      spotify:
        env.SPOTIFY_CLIENT_ID && env.SPOTIFY_CLIENT_SECRET
          ? { clientId: env.SPOTIFY_CLIENT_ID, clientSecret: env.SPOTIFY_CLIENT_SECRET }
          : undefined,
      spotifyApiUrl: env.SPOTIFY_API_URL,
      spotifyAccountsUrl: env.SPOTIFY_ACCOUNTS_URL,
      oembedUrl: env.SPOTIFY_OEMBED_URL,
      reccoBeatsUrl: env.RECCOBEATS_API_URL,
      redirectUri: env.SPOTIFY_REDIRECT_URI,
    },
    ai: env.OPENAI_API_KEY
      ? { apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, model: env.OPENAI_MODEL }
      : undefined,
  };
}

function defaultLogFormat(nodeEnv: Env['NODE_ENV']): 'json' | 'pretty' {
  return nodeEnv === 'development' ? 'pretty' : 'json';
}

function redactSecret(name: string, value: string): string {
  if (/KEY|SECRET|TOKEN|PASSWORD/.test(name)) return '[hidden]';
  if (name === 'DATABASE_URL') return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:[hidden]@');
  return value;
}
