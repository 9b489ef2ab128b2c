/**
 * `npm run bench`: runs every benchmark and prints one table of figures against their targets, each
 * with the baseline it was measured beside in the same run.
 */
import { runAnswerLatency } from './answer-latency.js';
import { runDigest } from './digest.js';
import { runDiscordInteractions } from './discord-interactions.js';
import { runMemory } from './memory.js';
import { runMoodWrite } from './mood-write.js';
import { runSlackFlood } from './slack-flood.js';
import { runSlackHttp } from './slack-http.js';
import { type BenchFigure, table } from './support.js';
import { runTrackAnalysis } from './track-analysis.js';

const benches: Array<{ name: string; run: () => Promise<{ figures: BenchFigure[]; report: string }> }> = [
  { name: 'mood-write', run: runMoodWrite },
  { name: 'discord-interactions', run: runDiscordInteractions },
  { name: 'slack-http', run: runSlackHttp },
  { name: 'slack-flood', run: runSlackFlood },
  { name: 'answer-latency', run: runAnswerLatency },
  { name: 'track-analysis', run: runTrackAnalysis },
  { name: 'digest', run: runDigest },
  { name: 'memory', run: runMemory },
];

const figures: BenchFigure[] = [];
for (const bench of benches) {
  const result = await bench.run();
  console.log(`${result.report}\n`);
  figures.push(...result.figures);
}
console.log(
  table(
    ['bench', 'figure', 'value', 'target', 'baseline (same run)', 'ok'],
    figures.map((f) => [f.bench, f.figure, f.value, f.target, f.baseline, f.pass ? 'yes' : 'NO']),
  ),
);
process.exitCode = figures.every((f) => f.pass) ? 0 : 1;
