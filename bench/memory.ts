/**
 * bench/memory: 150,000 commands (/mood and /help from 5,000 users) through the real discord.js client
 * and a fake Discord on 127.0.0.1 (in a process of its own, so only the bot is measured), on real
 * PostgreSQL, with the bot's own heap setting (HEAP_GROWING_PERCENT). Resident memory is sampled every
 * 200 ms while commands run, read again after 10 s at rest (no forced collection: what an operator
 * sees), then after a full garbage collection with the heap. Targets: resident memory under 200 MB
 * under load and at rest after 100,000, and no growth of the collected heap between 100,000 and
 * 150,000 (bounded caches). BENCH_MEMORY_SEGMENT changes the 50,000 (for a quick run).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/core/logger.js';
import { createDiscordAdapter } from '../src/platforms/discord/discord-adapter.js';
import { chatInputInteraction, type InteractionJson, userJson } from '../test/fakes/discord/payloads.js';
import type { FromFake, ToFake } from './fake-discord-process.js';
import {
  applyProductRuntime,
  type BenchFigure,
  benchServerUrl,
  benchStack,
  freshDatabase,
  openBenchDatabase,
  table,
} from './support.js';

const SEGMENT = Number(process.env.BENCH_MEMORY_SEGMENT ?? 50_000);
const SEGMENTS = 3;
const USERS = 5000;
/** Interactions in flight at once: a busy bot, well inside the fake's and the machine's means. */
const WAVE = 100;
const RSS_TARGET_MB = 200;
/** Allowed growth of the collected heap over the last segment: noise, not a leak. */
const GROWTH_TARGET_MB = 5;

/** A full collection, also when started without --expose-gc (npm run bench passes it; a direct tsx run may not). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The fake Discord in a child process (bench/fake-discord-process), with its IPC as promises. */
async function startFakeProcess(): Promise<{
  ready: Extract<FromFake, { type: 'ready' }>;
  wave(interactions: InteractionJson[]): Promise<{ lost: number; late: number }>;
  close(): Promise<void>;
}> {
  // Under tsx the script is .ts and the child needs tsx's loader too; compiled, it is .js.
  const underTsx = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`./fake-discord-process.${underTsx ? 'ts' : 'js'}`, import.meta.url));
  const child: ChildProcess = fork(script, [], {
    execArgv: underTsx ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (done: { lost: number; late: number }) => void>();
  let nextId = 0;
  const ready = await new Promise<Extract<FromFake, { type: 'ready' }>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the fake Discord process exited (${code})`)));
    child.on('message', (message: FromFake) => {
      if (message.type === 'ready') resolve(message);
      else waiting.get(message.id)?.(message);
    });
  });
  const post = (message: ToFake) => child.send(message);
  return {
    ready,
    wave(interactions) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, (done) => {
          waiting.delete(id);
          resolve(done);
        });
        post({ type: 'wave', id, interactions });
      });
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      post({ type: 'close' });
      await exited;
    },
  };
}

/** How long the bot idles after a segment before its resident memory is read "at rest". */
const REST_MS = 10_000;
const MB = 1024 * 1024;

interface Sample {
  commands: number;
  /** Resident memory while the segment ran (every 200 ms): the highest and the median reading. */
  loadPeakMb: number;
  loadMedianMb: number;
  /** After REST_MS without commands and without a forced collection. */
  restMb: number;
  /** After a full collection (and a moment for V8 to hand the freed pages back). */
  collectedMb: number;
  heapMb: number;
  /** V8 heap reserved (used or not) and memory outside it (buffers, native objects). */
  heapTotalMb: number;
  externalMb: number;
  seconds: number;
}

/** Reads resident memory every 200 ms until taken. */
function rssSampler(): { take(): { peak: number; median: number } } {
  let readings: number[] = [];
  const timer = setInterval(() => readings.push(process.memoryUsage.rss() / MB), 200);
  timer.unref();
  return {
    take() {
      const sorted = [...readings, process.memoryUsage.rss() / MB].sort((a, b) => a - b);
      readings = [];
      return { peak: sorted.at(-1)!, median: sorted[Math.floor(sorted.length / 2)]! };
    },
  };
}

export async function runMemory(): Promise<{ figures: BenchFigure[]; report: string }> {
  applyProductRuntime();
  const gc = collector();
  const fresh = await freshDatabase(benchServerUrl(), 'moodscale_bench_memory');
  const database = openBenchDatabase(fresh.url);
  const fake = await startFakeProcess();
  let stop = async () => {};
  try {
    await database.migrate();
    const { dispatcher, services, inbox } = benchStack(database.db);
    const adapter = createDiscordAdapter({
      dispatcher,
      inbox,
      config: {
        token: fake.ready.token,
        applicationId: fake.ready.applicationId,
        guildId: undefined,
        apiUrl: fake.ready.apiUrl,
      },
      logger: silentLogger(),
    });
    await adapter.start();
    stop = () => adapter.stop();
    const users = Array.from({ length: USERS }, (_, i) =>
      userJson((400_000_000_000_000_000n + BigInt(i)).toString()),
    );

    let sent = 0;
    let lost = 0;
    let late = 0;
    /** One wave of interactions, answered in full (deferred ones through their edit). */
    const wave = async (size: number): Promise<void> => {
      const batch = [];
      for (let i = 0; i < size; i++) {
        const n = sent++;
        const user = users[n % USERS]!;
        const command =
          n % 4 === 3
            ? { name: 'help', options: [] }
            : {
                name: 'mood',
                options: [
                  { name: 'score', type: 4 as const, value: (n % 10) + 1 },
                  { name: 'emotions', type: 3 as const, value: 'calm, tired' },
                  { name: 'note', type: 3 as const, value: `memory bench entry ${n}` },
                ],
              };
        batch.push(chatInputInteraction(fake.ready.applicationId, command, user));
      }
      // An interaction the fake never saw acknowledged within 15 s is counted, not waited for.
      const done = await fake.wave(batch);
      lost += done.lost;
      late += done.late;
    };

    const started = performance.now();
    const sampler = rssSampler();
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const sample = async (): Promise<Sample> => {
      const load = sampler.take();
      await services.audit.flush();
      await pause(REST_MS);
      const restMb = process.memoryUsage.rss() / MB;
      gc();
      await pause(100);
      gc();
      // V8 returns freed pages from a background thread just after the collection.
      await pause(1000);
      const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
      const sample: Sample = {
        commands: sent,
        loadPeakMb: load.peak,
        loadMedianMb: load.median,
        restMb,
        collectedMb: rss / MB,
        heapMb: heapUsed / MB,
        heapTotalMb: heapTotal / MB,
        externalMb: external / MB,
        seconds: (performance.now() - started) / 1000,
      };
      sampler.take();
      return sample;
    };

    // Warm up (first connections, prepared statements, caches filling) before the baseline.
    for (let i = 0; i < 20; i++) await wave(WAVE);
    sent = 0;
    const samples: Sample[] = [await sample()];
    for (let segment = 1; segment <= SEGMENTS; segment++) {
      while (sent < segment * SEGMENT) await wave(Math.min(WAVE, segment * SEGMENT - sent));
      samples.push(await sample());
      process.stderr.write(
        `bench/memory: ${sent} commands, rss peak ${samples.at(-1)!.loadPeakMb.toFixed(1)} MB, at rest ${samples.at(-1)!.restMb.toFixed(1)} MB, heap ${samples.at(-1)!.heapMb.toFixed(1)} MB\n`,
      );
    }

    const fmt = (n: number) => n.toFixed(1);
    const [base, first, second, third] = samples as [Sample, Sample, Sample, Sample];
    const growth = third.heapMb - second.heapMb;
    const restGrowth = third.restMb - second.restMb;
    const peak = Math.max(first.loadPeakMb, second.loadPeakMb);
    const report = [
      `bench/memory: ${SEGMENTS * SEGMENT} Discord interactions (3 /mood : 1 /help) from ${USERS} users, ${WAVE} in flight, PostgreSQL, HEAP_GROWING_PERCENT=${loadConfig().ops.heapGrowingPercent}`,
      table(
        [
          'after',
          'commands',
          'rss peak under load MB',
          'rss median under load MB',
          `rss at rest (${REST_MS / 1000} s) MB`,
          'rss after full GC MB',
          'heap used MB',
          'heap reserved MB',
          'external MB',
          'elapsed s',
        ],
        samples.map((s, i) => [
          i === 0 ? 'warm-up (baseline)' : `segment ${i}`,
          String(s.commands),
          fmt(s.loadPeakMb),
          fmt(s.loadMedianMb),
          fmt(s.restMb),
          fmt(s.collectedMb),
          fmt(s.heapMb),
          fmt(s.heapTotalMb),
          fmt(s.externalMb),
          fmt(s.seconds),
        ]),
      ),
      `rss at rest after ${2 * SEGMENT}: ${fmt(second.restMb)} MB, peak under load up to ${2 * SEGMENT}: ${fmt(peak)} MB (target < ${RSS_TARGET_MB} MB); heap growth from ${2 * SEGMENT} to ${3 * SEGMENT}: ${fmt(growth)} MB (target < ${GROWTH_TARGET_MB} MB); rss at rest moved ${fmt(restGrowth)} MB (info: it follows the heap's unused reserve by a few MB either way)`,
      `interactions never delivered by the fake gateway: ${lost}; acknowledged after 3 s: ${late}`,
      'The fake Discord runs in a child process: the figures are the bot alone (discord.js, the command path, the pg pool).',
    ].join('\n');
    return {
      report,
      figures: [
        {
          bench: 'memory',
          figure: `resident memory at rest after ${2 * SEGMENT} commands (no forced GC)`,
          value: `${fmt(second.restMb)} MB`,
          target: `< ${RSS_TARGET_MB} MB`,
          baseline: `${fmt(base.restMb)} MB after warm-up`,
          pass: second.restMb < RSS_TARGET_MB,
        },
        {
          bench: 'memory',
          figure: `peak resident memory under load, commands 0 to ${2 * SEGMENT}`,
          value: `${fmt(peak)} MB`,
          target: `< ${RSS_TARGET_MB} MB`,
          baseline: `${fmt(base.loadPeakMb)} MB during warm-up`,
          pass: peak < RSS_TARGET_MB,
        },
        {
          bench: 'memory',
          figure: `heap growth, commands ${2 * SEGMENT} to ${3 * SEGMENT}`,
          value: `${fmt(growth)} MB`,
          target: `< ${GROWTH_TARGET_MB} MB`,
          baseline: `${fmt(second.heapMb)} MB heap at ${2 * SEGMENT}`,
          pass: growth < GROWTH_TARGET_MB,
        },
      ],
    };
  } finally {
    await stop();
    await fake.close();
    await database.close();
    await fresh.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { report, figures } = await runMemory();
  console.log(report);
  process.exitCode = figures.every((f) => f.pass) ? 0 : 1;
}
