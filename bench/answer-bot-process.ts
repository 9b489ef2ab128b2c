/**
 * One bot of bench/answer-latency in a process of its own, so the load client and the fakes (in the
 * bench's process) do not share its event loop. Driven over IPC: `start` with the side and an
 * environment-like object, answered with `ready` (or `failed`); `stop`, answered by exiting.
 *
 * - moodscale: exactly as src/main.ts starts it: loadConfig(env), createLogger, the heap setting,
 *   startApp. Whatever adapters app.ts wires are what gets measured.
 * - baseline: bench/baseline/baseline-bot.ts, given the same variables.
 */
import { z } from 'zod';

// Each side loads only its own code (below, on `start`): the other bot's SDKs would count in this
// process's resident memory, which bench/slack-flood and bench/memory compare.

export type Side = 'baseline' | 'moodscale';
export type ToBot = { type: 'start'; side: Side; env: Record<string, string> } | { type: 'stop' };
export type FromBot =
  | { type: 'ready'; slackEventsUrl: string; opsUrl?: string }
  | { type: 'failed'; error: string };

const toBot = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    side: z.enum(['baseline', 'moodscale']),
    env: z.record(z.string(), z.string()),
  }),
  z.object({ type: z.literal('stop') }),
]);

/** What the baseline reads of the environment-like object (the same variables MoodScale gets). */
const baselineEnv = z.object({
  DATABASE_URL: z.string(),
  SLACK_BOT_TOKEN: z.string(),
  SLACK_SIGNING_SECRET: z.string(),
  SLACK_API_URL: z.string(),
  DISCORD_TOKEN: z.string(),
  DISCORD_API_URL: z.string(),
});

const STOP_DEADLINE_MS = 15_000;

const send = (message: FromBot) => process.send?.(message);
let stopBot: (() => Promise<void>) | undefined;

/** Where the bot listens: Slack's events, and (MoodScale) its operations port. */
interface Started {
  slackEventsUrl: string;
  opsUrl?: string;
}

async function start(side: Side, env: Record<string, string>): Promise<Started> {
  if (side === 'moodscale') {
    const [{ startApp }, { loadConfig }, { createLogger }, { applyHeapGrowth }] = await Promise.all([
      import('../src/app.js'),
      import('../src/config.js'),
      import('../src/core/logger.js'),
      import('../src/ops/heap-growth.js'),
    ]);
    const config = loadConfig(env);
    const logger = createLogger(config.log);
    applyHeapGrowth(config.ops.heapGrowingPercent);
    const app = await startApp(config, logger);
    stopBot = () => app.stop();
    const port = app.slack?.port;
    if (port === undefined) throw new Error('MoodScale started without a Slack HTTP port');
    return {
      slackEventsUrl: `http://127.0.0.1:${port}/slack/events`,
      ...(app.opsUrl ? { opsUrl: app.opsUrl } : {}),
    };
  }
  const vars = baselineEnv.parse(env);
  const { startBaselineBot } = await import('./baseline/baseline-bot.js');
  const bot = await startBaselineBot({
    databaseUrl: vars.DATABASE_URL,
    slack: {
      token: vars.SLACK_BOT_TOKEN,
      signingSecret: vars.SLACK_SIGNING_SECRET,
      apiUrl: vars.SLACK_API_URL,
      port: 0,
    },
    discord: { token: vars.DISCORD_TOKEN, apiUrl: vars.DISCORD_API_URL },
  });
  stopBot = () => bot.stop();
  return { slackEventsUrl: `http://127.0.0.1:${bot.slackPort}/slack/events` };
}

process.on('message', (raw: unknown) => {
  const message = toBot.safeParse(raw);
  if (!message.success) return;
  if (message.data.type === 'start') {
    start(message.data.side, message.data.env).then(
      (started) => send({ type: 'ready', ...started }),
      (error: unknown) =>
        send({ type: 'failed', error: error instanceof Error ? error.message : String(error) }),
    );
    return;
  }
  setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
  void (stopBot?.() ?? Promise.resolve()).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
// The bench's process went away without saying stop: do not linger.
process.on('disconnect', () => process.exit(1));
