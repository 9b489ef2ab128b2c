/**
 * A bot of the benchmarks in a process of its own (bench/answer-bot-process.ts, forked with tsx when the
 * bench runs under tsx), so the load client and the fakes do not share its event loop.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RUNTIME_NODE_FLAGS } from '../src/ops/node-flags.js';
import type { FromBot, Side, ToBot } from './answer-bot-process.js';

// A directory for V8 CPU profiles of each bot process (one .cpuprofile per side), to see where time goes.
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;
const BOT_START_DEADLINE_MS = 180_000;
const BOT_STOP_DEADLINE_MS = 20_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface BotProcess {
  slackEventsUrl: string;
  /** MoodScale's /healthz, /readyz and /metrics (OPS_PORT); absent for the minimal bot. */
  opsUrl: string | undefined;
  /** The bot process's id (its resident memory is read from /proc). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const fromBot = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), slackEventsUrl: z.string(), opsUrl: z.string().optional() }),
  z.object({ type: z.literal('failed'), error: z.string() }),
]);

export async function startBot(side: Side, env: Record<string, string>): Promise<BotProcess> {
  // Under tsx the script is .ts and the child needs tsx's loader too; compiled, it is .js.
  const underTsx = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`./answer-bot-process.${underTsx ? 'ts' : 'js'}`, import.meta.url));
  const child: ChildProcess = fork(script, [], {
    execArgv: [
      ...RUNTIME_NODE_FLAGS,
      ...(underTsx ? ['--import', 'tsx'] : []),
      ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}/${side}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const command = (message: ToBot) => child.send(message);
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await Promise.race([
      new Promise<FromBot>((resolve, reject) => {
        child.on('message', (raw: unknown) => {
          const parsed = fromBot.safeParse(raw);
          if (parsed.success) resolve(parsed.data);
        });
        child.once('exit', (code) => reject(new Error(`the ${side} bot process exited (${code})`)));
        command({ type: 'start', side, env });
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the ${side} bot did not start within ${BOT_START_DEADLINE_MS} ms`)),
          BOT_START_DEADLINE_MS,
        );
      }),
    ]);
    if (reply.type === 'failed') throw new Error(`the ${side} bot failed to start: ${reply.error}`);
    return {
      slackEventsUrl: reply.slackEventsUrl,
      opsUrl: reply.opsUrl,
      pid: child.pid,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        command({ type: 'stop' });
        const stopped = await Promise.race([exited.then(() => true), sleep(BOT_STOP_DEADLINE_MS)]);
        if (!stopped) child.kill('SIGKILL');
      },
    };
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How quiet a bot must be before a measured round: under QUIET_CPU_MS of CPU over QUIET_WINDOW_MS,
 * waited for at most QUIET_MAX_MS (a CPU profiler keeps a bot from ever being that quiet).
 */
const QUIET_CPU_MS = 10;
const QUIET_WINDOW_MS = 200;
const QUIET_MAX_MS = 5000;

/** A process's CPU time so far in ms (Linux /proc), or undefined where it cannot be read. */
function cpuMs(pid: number): number | undefined {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
// /proc reports CPU time in USER_HZ ticks, which Linux fixes at 100 a second for every architecture it
// exposes to user space (getconf CLK_TCK).
const CLOCK_TICKS_PER_SECOND = 100;

/** The machine's busy CPU time so far in ms, every core (Linux /proc/stat), or undefined elsewhere. */
function machineBusyMs(): number | undefined {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .trim()
      .split(/\s+/)
      .map(Number);
    return (
      (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 1000) /
      CLOCK_TICKS_PER_SECOND
    );
  } catch {
    return undefined;
  }
}

/**
 * Waits until `busyMsSoFar` grows by less than `busyMs` over a window of `windowMs`, at most `maxMs`
 * (or at once where it cannot be read), and says how long it waited.
 */
async function untilQuiet(
  busyMsSoFar: () => number | undefined,
  limits: { busyMs: number; windowMs: number; maxMs: number },
): Promise<number> {
  const started = performance.now();
  let before = busyMsSoFar();
  while (before !== undefined && performance.now() - started < limits.maxMs) {
    await sleep(limits.windowMs);
    const now = busyMsSoFar();
    if (now === undefined || now - before < limits.busyMs) break;
    before = now;
  }
  return performance.now() - started;
}

/**
 * Waits until the bots' processes are quiet together. Work a bot leaves for after its start or its round
 * (the garbage of its start-up, MoodScale's users.info for each new user's profile) would otherwise run
 * during the measured round: it takes the shared cores from the other bot, and counts in resident memory.
 */
export async function processesQuiet(pids: readonly (number | undefined)[]): Promise<void> {
  const total = () =>
    pids.reduce<number | undefined>((sum, pid) => {
      const ms = pid === undefined ? undefined : cpuMs(pid);
      return sum === undefined || ms === undefined ? undefined : sum + ms;
    }, 0);
  await untilQuiet(total, { busyMs: QUIET_CPU_MS, windowMs: QUIET_WINDOW_MS, maxMs: QUIET_MAX_MS });
}

/**
 * Waits until the whole machine is quiet (under `busyMs` of CPU over each second, all cores), at most
 * `maxMs`, and says how long it waited. A benchmark whose database was just bulk-loaded uses it: the
 * server's work after the load (writing the checkpoint, autovacuum, the dropped database's files) would
 * otherwise run during the first measured round, which a running bot's requests never meet.
 */
export function machineQuiet(options: { busyMs?: number; maxMs?: number } = {}): Promise<number> {
  const { busyMs = 100, maxMs = 60_000 } = options;
  return untilQuiet(machineBusyMs, { busyMs, windowMs: 1000, maxMs });
}
