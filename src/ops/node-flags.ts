/**
 * Node.js options the bot's process starts with (`npm start`, the Docker image, the benchmarks' bot
 * processes). V8 reads them only at start, so they cannot live in the configuration.
 *
 * --max-semi-space-size=4: V8's young generation may otherwise grow to 16 MB per semi-space, which the
 * bot never needs (its allocations are small and short-lived) and which kept it 35-50 MB higher in
 * resident memory: idle under tsx 173 MB instead of 205-214 MB, bench/memory's peak 164 MB instead of
 * 193-200 MB. bench/mood-write could not tell the throughput apart (bench/README.md has the runs).
 */
export const RUNTIME_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
