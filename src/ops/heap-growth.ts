import { setFlagsFromString } from 'node:v8';

const GIVEN = /--heap[-_]growing[-_]percent/;

/**
 * How far V8 lets the old generation grow past what survived the last full collection before it
 * collects again. V8's own factor (up to 4x on a machine with plenty of memory) let a bot holding
 * ~37 MB of live objects sit at 260-280 MB resident; 20% keeps it at 165-190 MB, and the benchmarks
 * could not tell its throughput cost from their noise (bench/README.md has the runs). The flag is read
 * at every collection, so setting it at start works. An operator's own --heap-growing-percent (command line or NODE_OPTIONS) is left alone;
 * 0 keeps V8's default.
 */
export function applyHeapGrowth(
  percent: number,
  given: string = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`,
): 'applied' | 'operator' | 'default' {
  if (GIVEN.test(given)) return 'operator';
  if (percent <= 0) return 'default';
  setFlagsFromString(`--heap-growing-percent=${Math.trunc(percent)}`);
  return 'applied';
}
