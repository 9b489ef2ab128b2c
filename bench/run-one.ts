/**
 * One benchmark of `npm run bench` in a process of its own (forked by bench/run-all.ts): a bench that
 * measures memory or tail latency must not carry what the benches before it left in the process (their
 * modules, heaps and timers). Sends `{ figures, report }` to the parent and exits.
 */
import type { BenchFigure } from './support.js';

export const benchNames = [
  'mood-write',
  'discord-interactions',
  'slack-http',
  'slack-flood',
  'answer-latency',
  'track-analysis',
  'digest',
  'recommend',
  'charts',
  'import',
  'checkins',
  'memory',
] as const;
export type BenchName = (typeof benchNames)[number];

export interface BenchResult {
  figures: BenchFigure[];
  report: string;
}

async function run(name: BenchName): Promise<BenchResult> {
  switch (name) {
    case 'mood-write':
      return (await import('./mood-write.js')).runMoodWrite();
    case 'discord-interactions':
      return (await import('./discord-interactions.js')).runDiscordInteractions();
    case 'slack-http':
      return (await import('./slack-http.js')).runSlackHttp();
    case 'slack-flood':
      return (await import('./slack-flood.js')).runSlackFlood();
    case 'answer-latency':
      return (await import('./answer-latency.js')).runAnswerLatency();
    case 'track-analysis':
      return (await import('./track-analysis.js')).runTrackAnalysis();
    case 'digest':
      return (await import('./digest.js')).runDigest();
    case 'recommend':
      return (await import('./recommend.js')).runRecommend();
    case 'charts':
      return (await import('./charts.js')).runCharts();
    case 'import':
      return (await import('./import.js')).runImport();
    case 'checkins':
      return (await import('./checkins.js')).runCheckins();
    case 'memory':
      return (await import('./memory.js')).runMemory();
  }
}

const name = process.argv[2];
if (process.send && benchNames.includes(name as BenchName)) {
  const result = await run(name as BenchName);
  await new Promise<void>((resolve) => process.send?.(result, () => resolve()));
  process.exit(0);
}
