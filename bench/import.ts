/**
 * bench/import: `/import` of a 10,000-row Daylio export against real PostgreSQL, as a user meets it:
 * the preview (read the file, check every row, seal it, count what is there already) and then the
 * Import button (notes sealed, batches of 500 rows, one transaction each, skipping rows already there),
 * through the dispatcher. Target: both steps together under 10 s. Baseline in the same run: the same
 * 10,000 rows written by plain multi-row INSERTs of 500 (no parsing, sealing or duplicate check), the
 * floor of any import. A second import of the same file (every row skipped) is reported beside them.
 * Rounds alternate between the import and the baseline, each with a fresh user.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { addDays } from '../src/core/calendar/index.js';
import type { IncomingFile } from '../src/core/commands/index.js';
import type { Dispatcher, Outcome } from '../src/platforms/dispatcher.js';
import {
  applyProductRuntime,
  type BenchFigure,
  benchServerUrl,
  benchStack,
  freshDatabase,
  openBenchDatabase,
  printBenchResult,
  table,
} from './support.js';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);
const ROUNDS = 3;
const BATCH = 500;
const MOODS = ['rad', 'good', 'meh', 'bad', 'awful'];
const ACTIVITIES = ['work', 'friends', 'family', 'music', 'sport', 'reading', 'gaming', 'sleep early'];

/** A Daylio export of `rows` entries, several a day going back from yesterday, newest first as Daylio writes. */
export function daylioExport(rows: number): string {
  const lines = ['full_date,date,weekday,time,mood,activities,note_title,note'];
  const end = new Date().toISOString().slice(0, 10);
  for (let i = 0; i < rows; i++) {
    const day = addDays(end, -1 - Math.floor(i / 3));
    const minute = 7 * 60 + (((i % 3) * 317 + (i % 11)) % (16 * 60));
    const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    const acts = ACTIVITIES.filter((_, k) => (i + k) % 3 === 0).join(' | ');
    const note = i % 5 === 0 ? `"Day ${i}: a walk, then ""dinner"" with friends"` : '';
    lines.push(`${day},x,x,${time},${MOODS[i % 5]},${acts},${i % 7 === 0 ? 'Title' : ''},${note}`);
  }
  return lines.join('\n');
}

function fileOf(name: string, text: string): IncomingFile {
  const bytes = new TextEncoder().encode(text);
  return { name, size: bytes.byteLength, read: async () => bytes };
}

const textOf = (o: Outcome) => `${o.reply.title ?? ''} ${o.reply.text}`;

/** Preview then Import, as two clicks of one user; resolves with the milliseconds of each. */
async function importOnce(
  dispatcher: Dispatcher,
  who: string,
  file: IncomingFile,
): Promise<{ previewMs: number; importMs: number; answer: string }> {
  const identity = { platform: 'console' as const, workspaceId: '', externalUserId: who };
  const t0 = performance.now();
  const preview = await dispatcher.dispatch({ identity, command: 'import', input: { values: { file } } });
  const t1 = performance.now();
  if (preview.outcome !== 'ok') throw new Error(`preview failed: ${textOf(preview)}`);
  const confirm = preview.reply.buttons?.find((b) => b.label.startsWith('Import'));
  if (!confirm) return { previewMs: t1 - t0, importMs: 0, answer: textOf(preview) };
  const [, args = ''] = /^\/import (.*)$/.exec(confirm.action) ?? [];
  const done = await dispatcher.dispatch({ identity, command: 'import', input: { text: args } });
  const t2 = performance.now();
  if (done.outcome !== 'ok') throw new Error(`import failed: ${textOf(done)}`);
  return { previewMs: t1 - t0, importMs: t2 - t1, answer: textOf(done) };
}

/** The floor: the same rows as plain multi-row INSERTs of 500, for one user. */
async function rawInsert(pool: pg.Pool, userId: number, rows: number): Promise<number> {
  const t = performance.now();
  const end = Date.now();
  for (let i = 0; i < rows; i += BATCH) {
    const n = Math.min(BATCH, rows - i);
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let k = 0; k < n; k++) {
      const at = new Date(end - (i + k) * 3_600_000);
      values.push(userId, ((i + k) % 10) + 1, ['work', 'music'], (i + k) % 5 === 0 ? 'a note' : null, at);
      const b = k * 5;
      tuples.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`);
    }
    await pool.query(
      `INSERT INTO mood_entries (user_id, mood_score, emotions, notes, created_at) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
  return performance.now() - t;
}

export async function runImport(): Promise<{ figures: BenchFigure[]; report: string }> {
  applyProductRuntime();
  const fresh = await freshDatabase(benchServerUrl(), 'moodscale_bench_import');
  const database = openBenchDatabase(fresh.url);
  const pool = new pg.Pool({ connectionString: fresh.url, max: 4 });
  pool.on('error', () => undefined);
  try {
    await database.migrate();
    const { dispatcher } = benchStack(database.db, {});
    const csv = daylioExport(ROWS);
    const file = fileOf('daylio_export.csv', csv);
    const rounds: Array<{ previewMs: number; importMs: number; againMs: number; rawMs: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const who = `bench-import-${round}`;
      const first = await importOnce(dispatcher, who, file);
      if (!first.answer.includes(`${ROWS} entries added`)) {
        throw new Error(`the import did not add every row: ${first.answer}`);
      }
      const again = await importOnce(dispatcher, who, file);
      const { rows } = await pool.query<{ id: number }>(
        `INSERT INTO users (username) VALUES ($1) RETURNING id`,
        [`bench-raw-${round}`],
      );
      const rawMs = await rawInsert(pool, rows[0]!.id, ROWS);
      rounds.push({
        previewMs: first.previewMs,
        importMs: first.importMs,
        againMs: again.previewMs + again.importMs,
        rawMs,
      });
    }
    const fmt = (ms: number) => (ms / 1000).toFixed(2);
    const totals = rounds.map((r) => r.previewMs + r.importMs);
    const worst = Math.max(...totals);
    const report = [
      `bench/import: a Daylio export of ${ROWS} rows (${(Buffer.byteLength(csv) / 1024 / 1024).toFixed(2)} MB), ` +
        `preview then Import through the dispatcher on PostgreSQL, ${ROUNDS} rounds with fresh users`,
      '',
      table(
        ['round', 'preview s', 'import s', 'total s', 'same file again s', `raw INSERTs of ${BATCH} s`],
        rounds.map((r, i) => [
          String(i + 1),
          fmt(r.previewMs),
          fmt(r.importMs),
          fmt(r.previewMs + r.importMs),
          fmt(r.againMs),
          fmt(r.rawMs),
        ]),
      ),
    ].join('\n');
    return {
      report,
      figures: [
        {
          bench: 'import',
          figure: `/import of ${ROWS} Daylio rows, preview + import (worst of ${ROUNDS})`,
          value: `${fmt(worst)} s`,
          target: '< 10 s',
          baseline: `raw INSERTs ${fmt(Math.max(...rounds.map((r) => r.rawMs)))} s`,
          pass: worst < 10_000,
        },
      ],
    };
  } finally {
    await pool.end();
    await database.close();
    await fresh.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printBenchResult(await runImport());
}
