/**
 * A bot of the benchmarks in a process of its own (bench/answer-bot-process.ts, forked with tsx when the
 * bench runs under tsx), so the load client and the fakes do not share its event loop.
 */
import { type ChildProcess, fork } from 'node:child_process';
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
