import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { plural } from '../core/plural.js';
import { resolveCipher } from '../crypto/cipher-from-config.js';
import { keyIdFor, parseEncryptionKey } from '../crypto/encryption-keys.js';
import { openDatabase } from '../db/open-database.js';
import {
  formatKeyUsage,
  formatRotationRun,
  keyUsage,
  rotateEncryptedValues,
  unreadableValues,
} from '../services/keys/key-rotation.js';
import { type CliIo, readFlags, runCli } from './run-cli.js';

const usage = `Usage: npm run keys:rotate -- [options]

Re-encrypts every encrypted value (Spotify tokens, mood notes) that is not under ENCRYPTION_KEY yet,
with the keys of ENCRYPTION_OLD_KEYS to read them, and encrypts notes stored as plain text before notes
were encrypted. Works in batches, one transaction each; safe to stop (Ctrl-C finishes the batch in
progress) and to run again, also while the bot runs on PostgreSQL. Then reports, per column, how many
values each key still protects: an old key protecting nothing can be removed from ENCRYPTION_OLD_KEYS.

Options:
  --dry-run          only report; change nothing
  --batch-size N     rows per batch, 1 to 10000 (default 500)
  --help             show this text

Exit codes: 0 done; 1 bad options or a failure; 2 some values cannot be read with the configured keys
(they are left as they are: add their key to ENCRYPTION_OLD_KEYS and run again); 130 interrupted.
`;

const flagsSchema = z.object({
  'dry-run': z.boolean().default(false),
  'batch-size': z
    .string()
    .regex(/^\d+$/, { error: '--batch-size expects a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, { error: '--batch-size must be at least 1' })
        .max(10_000, { error: '--batch-size must be at most 10000' }),
    )
    .default(500),
  help: z.boolean().default(false),
});

function parseFlags(args: string[]): z.infer<typeof flagsSchema> {
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        'dry-run': { type: 'boolean' },
        'batch-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const parsed = flagsSchema.safeParse(values);
    if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
    return parsed.data;
  } catch (error) {
    throw new UserError(
      `${error instanceof Error ? error.message : String(error)}\nRun npm run keys:rotate -- --help to see the options.`,
      'BAD_FLAGS',
    );
  }
}

/** `npm run keys:rotate`: see the usage above; src/cli/keys-rotate.ts runs it on the process. */
export async function main(io: CliIo): Promise<number> {
  const flags = readFlags(io, parseFlags, usage);
  if (typeof flags === 'number') return flags;
  return rotate(io, flags);
}

function rotate(io: CliIo, flags: z.infer<typeof flagsSchema>): Promise<number> {
  return runCli(io, 'keys:rotate', async (config, logger) => {
    const { cipher } = resolveCipher(config, logger);
    const keys = {
      current: cipher.currentKeyId,
      old: config.encryption.oldKeys.map((k, i) =>
        keyIdFor(parseEncryptionKey(k, `ENCRYPTION_OLD_KEYS (entry ${i + 1})`)),
      ),
    };
    const database = await openDatabase(config.database, logger);
    const stop = new AbortController();
    const stopListening = io.onInterrupt(() => {
      io.stderr.write('Stopping after the batch in progress...\n');
      stop.abort();
    });
    let code = 0;
    // Values the run tried and could not decrypt (a known key id on a tampered or moved value included).
    let failedToOpen = 0;
    try {
      await database.migrate();
      if (!flags['dry-run']) {
        const run = await rotateEncryptedValues(database.db, cipher, logger, {
          batchSize: flags['batch-size'],
          signal: stop.signal,
          onBatch: (p) => logger.debug(p, 'batch committed'),
        });
        io.stdout.write(formatRotationRun(run, cipher.currentKeyId));
        if (run.interrupted) code = 130;
        failedToOpen = run.columns.reduce((n, c) => n + c.unreadable, 0);
      } else {
        io.stdout.write('Dry run: nothing was changed.\n');
      }
      const counts = await keyUsage(database.db);
      io.stdout.write(formatKeyUsage(counts, keys));
      const unreadable = unreadableValues(counts, keys);
      const count = Math.max(unreadable.count, failedToOpen);
      if (count > 0) {
        // A script or an operator must not read "done" here: these values stay sealed until their key is back.
        io.stderr.write(
          `${plural(count, 'stored value')} cannot be read with the configured keys` +
            `${unreadable.keyIds.length ? ` (written under ${unreadable.keyIds.join(', ')})` : ''}. ` +
            'Add the key they were written with to ENCRYPTION_OLD_KEYS and run keys:rotate again.\n',
        );
        if (code === 0) code = 2;
      }
      return code;
    } finally {
      stopListening();
      await database.close();
    }
  });
}
