/**
 * `npm run bench`: runs every benchmark, each in a process of its own (bench/run-one.ts), and prints one
 * table of figures against their targets, each with the baseline it was measured beside in the same run.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RUNTIME_NODE_FLAGS } from '../src/ops/node-flags.js';
import { type BenchName, type BenchResult, benchNames } from './run-one.js';
import { figuresTable } from './support.js';

const resultSchema = z.object({
  report: z.string(),
  figures: z.array(
    z.object({
      bench: z.string(),
      figure: z.string(),
      value: z.string(),
      target: z.string(),
      baseline: z.string(),
      pass: z.boolean(),
    }),
  ),
});

/** Runs one bench in a child (under tsx when this runs under tsx, as `npm run bench` does). */
function runAlone(name: BenchName): Promise<BenchResult> {
  const underTsx = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`./run-one.${underTsx ? 'ts' : 'js'}`, import.meta.url));
  const child = fork(script, [name], {
    // As `npm start` runs the bot (bench/memory measures it), with a full collection available.
    execArgv: ['--expose-gc', ...RUNTIME_NODE_FLAGS, ...(underTsx ? ['--import', 'tsx'] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: BenchResult | undefined;
    child.on('message', (message: unknown) => {
      const parsed = resultSchema.safeParse(message);
      if (parsed.success) result = parsed.data;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`bench ${name} ended (exit code ${code}) without its figures`));
    });
  });
}

const figures: BenchResult['figures'] = [];
let failed = false;
for (const name of benchNames) {
  try {
    const result = await runAlone(name);
    console.log(`${result.report}\n`);
    figures.push(...result.figures);
  } catch (error) {
    failed = true;
    console.error(error instanceof Error ? error.message : String(error));
  }
}
console.log(figuresTable(figures));
process.exitCode = !failed && figures.every((f) => f.pass) ? 0 : 1;
