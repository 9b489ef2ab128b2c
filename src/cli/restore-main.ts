import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import { plural } from '../core/plural.js';
import { parseBackupFileName } from '../ops/backup/backup-files.js';
import { restoreEmbedded } from '../ops/backup/pglite-restore.js';
import { restorePostgres } from '../ops/backup/postgres-restore.js';
import { formatCounts } from '../ops/backup/report.js';
import { databaseNameOf } from '../ops/backup/run-tool.js';
import { totalRows } from '../ops/backup/table-counts.js';
import { type CliIo, runCli } from './run-cli.js';

const USAGE = 'Usage: npm run restore -- FILE [--yes] [--force]';

/** `npm run restore -- FILE`: src/cli/restore.ts runs it on the process. */
export function main(io: CliIo): Promise<number> {
  return runCli(io, 'restore', async (config) => {
    const { values, positionals } = parseArgs({
      args: [...io.argv],
      allowPositionals: true,
      options: { yes: { type: 'boolean' }, force: { type: 'boolean' } },
    });
    if (positionals.length !== 1) throw new UserError(`Name one backup file to restore. ${USAGE}`);
    const file = resolve(positionals[0]!);
    if (!existsSync(file)) throw new UserError(`${file} does not exist. ${USAGE}`);
    const format = detectFormat(file);
    const url = config.database.url;
    if (format === 'pg_dump' && !url) {
      throw new UserError(
        `${file} is a pg_dump archive: set DATABASE_URL to the PostgreSQL database to restore it into.`,
      );
    }
    if (format === 'pglite' && url) {
      throw new UserError(
        `${file} is an embedded (PGlite) backup: it restores into DATA_DIR, so unset DATABASE_URL ` +
          '(restore does not move data between the embedded database and a PostgreSQL server).',
      );
    }
    if (parseBackupFileName(file.split('/').pop() ?? '')?.verified === false) {
      io.stderr.write(`Warning: ${file} failed verification when it was taken.\n`);
    }
    const target = url ? databaseNameOf(url) : config.database.dataDir;
    await confirm(io, values.yes === true, target, file);

    if (url) {
      const counts = await restorePostgres({ url, file, force: values.force === true });
      io.stdout.write(
        [
          `Restored ${file} into the database ${target}: ${plural(Object.keys(counts).length, 'table')}, ${plural(totalRows(counts), 'row')}.`,
          'Rows per table:',
          ...formatCounts(counts),
          '',
        ].join('\n'),
      );
      return 0;
    }
    const restored = await restoreEmbedded({
      dataDir: config.database.dataDir,
      file,
      force: values.force === true,
      now: systemClock.now(),
    });
    io.stdout.write(
      [
        `Restored ${file} into the embedded database in ${target}: ${plural(Object.keys(restored.counts).length, 'table')}, ${plural(totalRows(restored.counts), 'row')}.`,
        ...(restored.movedAside ? [`The database it replaced was moved to ${restored.movedAside}.`] : []),
        'Rows per table:',
        ...formatCounts(restored.counts),
        '',
      ].join('\n'),
    );
    return 0;
  });
}

/** By content, not by name: a renamed file is still recognised. */
function detectFormat(file: string): 'pg_dump' | 'pglite' {
  const head = readFileSync(file).subarray(0, 512);
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg_dump';
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const tar = head.subarray(257, 262).toString('latin1') === 'ustar';
  if (gzip || tar) return 'pglite';
  throw new UserError(
    `${file} is neither a pg_dump custom-format archive nor an embedded-database tarball made by npm run backup.`,
  );
}

/** On a terminal, the operator types the database's name; elsewhere --yes is required. */
async function confirm(io: CliIo, yes: boolean, target: string, file: string): Promise<void> {
  if (yes) return;
  if (!io.stdin.isTTY) {
    throw new UserError(
      `Restoring replaces the contents of ${target}. Run it on a terminal to confirm, or add --yes. ${USAGE}`,
    );
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(
      `This replaces the contents of ${target} with ${file}.\nType ${target} to continue: `,
    );
    if (answer.trim() !== target) throw new UserError('Not confirmed: nothing was changed.');
  } finally {
    rl.close();
  }
}
