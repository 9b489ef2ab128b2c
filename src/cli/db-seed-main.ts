import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { plural } from '../core/plural.js';
import { createFieldCipher } from '../crypto/create-field-cipher.js';
import { loadOrCreateKeyFile } from '../crypto/encryption-keys.js';
import type { DatabaseKind } from '../db/database.js';
import { openDatabase } from '../db/open-database.js';
import { type SeedOptions, seedLimits } from '../db/seed/generate.js';
import { type SeedSummary, seedDatabase, seedTables } from '../db/seed/insert.js';
import { type CliIo, readFlags, runCli } from './run-cli.js';

const usage = `Usage: npm run db:seed -- [options]

Fills the database (DATABASE_URL, or the embedded one under DATA_DIR) with realistic mock data:
users with chat identities and settings, mood entries, analysed tracks, recommendations and
weekly insights, over the days up to now. The same options give the same data when --until
is given (e.g. --until 2026-11-23); without it the period ends at the moment you run it.

Options:
  --users N      users to create (default 50)
  --days N       days of history per user (default 90)
  --tracks N     size of the mock track catalogue (default 1000)
  --analyses N   music_analysis rows in total (default 20 per user; >= tracks analyses every track)
  --seed N       random seed (default 42)
  --until ISO    end of the period, exclusive (default now); a fixed date gives the same data every run
  --reset        delete ALL rows of ALL tables first; without it a non-empty database is refused
  --help         show this text
`;

const helpHint = 'Run npm run db:seed -- --help to see the options.';

const count = (name: keyof typeof seedLimits) => {
  const { min, max } = seedLimits[name];
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `--${name} expects a whole number` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `--${name} must be at least ${min}` })
        .max(max, { error: `--${name} must be at most ${max}` }),
    );
};

const flagsSchema = z.object({
  users: count('users').default(50),
  days: count('days').default(90),
  tracks: count('tracks').default(1000),
  analyses: count('analyses').optional(),
  seed: count('seed').default(42),
  until: z
    .string()
    .trim()
    .refine(isIsoInstant, {
      error: '--until expects an ISO date or date-time such as 2026-11-23 or 2026-11-23T00:00:00Z',
    })
    .transform((v) => new Date(asUtc(v)))
    .optional(),
  reset: z.boolean().default(false),
  help: z.boolean().default(false),
});

/** A real calendar date (no 30 February), optionally with a time and a zone. */
function isIsoInstant(value: string): boolean {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1, 4).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && !Number.isNaN(Date.parse(value));
}

/** Times without a zone are UTC, like every stored timestamp (JavaScript would read them as local time). */
function asUtc(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00Z`;
  return /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
}

/** Parses and checks the command line; throws a UserError that says what is wrong. */
function parseSeedFlags(args: string[]): SeedOptions & { help: boolean } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        users: { type: 'string' },
        days: { type: 'string' },
        tracks: { type: 'string' },
        analyses: { type: 'string' },
        seed: { type: 'string' },
        until: { type: 'string' },
        reset: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UserError(
      `${error instanceof Error ? error.message : String(error)}\n${helpHint}`,
      'BAD_FLAGS',
    );
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.message} (got ${shown(values, issue.path)})`,
    );
    throw new UserError(`Invalid options:\n${problems.join('\n')}\n${helpHint}`, 'BAD_FLAGS');
  }
  return parsed.data;
}

function shown(values: Record<string, unknown>, path: readonly PropertyKey[]): string {
  const value = values[String(path[0] ?? '')];
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** The summary table the CLI prints. */
function formatSummary(summary: SeedSummary, kind: DatabaseKind): string {
  const { options, counts } = summary;
  const number = (n: number) => n.toLocaleString('en-US');
  const total = seedTables.reduce((n, t) => n + counts[t], 0);
  const width = Math.max(...seedTables.map((t) => t.length), 'total'.length);
  const valueWidth = number(total).length;
  const line = (name: string, n: number) => `  ${name.padEnd(width)}  ${number(n).padStart(valueWidth)}`;
  return [
    `Seeded ${kind === 'postgres' ? 'PostgreSQL' : 'the embedded database (PGlite)'} in ${(summary.durationMs / 1000).toFixed(1)} s`,
    `  ${plural(options.users, 'user')} x ${plural(options.days, 'day')} until ${options.until.toISOString()}, ` +
      `${plural(options.tracks, 'track')}, ${plural(options.analyses, 'analysis', 'analyses')}, seed ${options.seed}${options.reset ? ', after --reset' : ''}`,
    '',
    ...seedTables.map((t) => line(t, counts[t])),
    `  ${'-'.repeat(width + valueWidth + 2)}`,
    line('total', total),
    '',
  ].join('\n');
}

/** `npm run db:seed`: see the usage above; src/cli/db-seed.ts runs it on the process. */
export async function main(io: CliIo): Promise<number> {
  const flags = readFlags(io, parseSeedFlags, usage);
  if (typeof flags === 'number') return flags;
  const { help: _help, ...options } = flags;
  return runCli(io, 'db:seed', async (config, logger) => {
    let key = config.encryption.key;
    if (!key) {
      const file = loadOrCreateKeyFile(config.database.dataDir);
      key = file.key;
      logger.info(
        { dataDir: config.database.dataDir, created: file.created },
        file.created
          ? 'ENCRYPTION_KEY is not set: created a new key file in DATA_DIR'
          : 'ENCRYPTION_KEY is not set: using the key file in DATA_DIR',
      );
    }
    const cipher = createFieldCipher({ currentKey: key, oldKeys: config.encryption.oldKeys });
    // Bulk inserts of thousands of rows take a while by design; only warn about truly slow ones.
    const slowQueryMs = Math.max(config.database.slowQueryMs, 5_000);
    const database = await openDatabase({ ...config.database, slowQueryMs }, logger);
    try {
      await database.migrate();
      const summary = await seedDatabase(database.db, cipher, options, (message) => logger.info(message));
      io.stdout.write(formatSummary(summary, database.kind));
      return 0;
    } finally {
      await database.close();
    }
  });
}
