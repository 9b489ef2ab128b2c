import { type ChildProcess, spawn } from 'node:child_process';

export interface TrackedChild {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Everything it printed so far, stdout and stderr together. */
  out: () => string;
}

/**
 * A TypeScript script run under tsx with this environment plus `env`, added to `running` until it exits,
 * so a test's afterAll can kill what a failed test left behind. `onOutput` sees the output so far.
 */
export function spawnTracked(
  script: string,
  env: Record<string, string>,
  running: Set<ChildProcess>,
  onOutput?: (out: string) => void,
): TrackedChild {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const take = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    onOutput?.(out);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, exited, out: () => out };
}
