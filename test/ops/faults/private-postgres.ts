import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

/** Why a private cluster cannot be made here, or undefined when it can. */
export function privateClusterUnavailable(): string | undefined {
  if (!existsSync(join(POSTGRES_BIN, 'initdb'))) return `no PostgreSQL binaries in ${POSTGRES_BIN}`;
  if (userInfo().uid !== 0) return 'initdb must run as the postgres OS user, which needs root here (runuser)';
  return undefined;
}

/** A PostgreSQL cluster of our own on a free port: it can be stopped and restarted without harm to others. */
export interface PrivateCluster {
  readonly port: number;
  /** postgresql://postgres@127.0.0.1:PORT/<database> */
  url(database?: string): string;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

const asPostgres = (args: string[]) => run('runuser', ['-u', 'postgres', '--', ...args]);

/**
 * Where the postgres OS user can reach the cluster: os.tmpdir() (the run's temp folder, see
 * test/support/run-tmpdir.ts) when every directory down to it lets others through, /tmp otherwise.
 */
function clusterParent(): string {
  const dir = tmpdir();
  for (let at = dir; ; at = dirname(at)) {
    if ((statSync(at).mode & 0o001) === 0) return '/tmp';
    if (dirname(at) === at) return dir;
  }
}

/**
 * Makes the cluster in a new directory (see clusterParent); destroy() stops it and removes the
 * directory, as does a start that fails.
 */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(clusterParent(), 'moodscale-pg-'));
  try {
    return await startClusterIn(dir);
  } catch (error) {
    // A server that started before the failure would keep running in a removed directory.
    await asPostgres([
      join(POSTGRES_BIN, 'pg_ctl'),
      '-D',
      join(dir, 'data'),
      '-m',
      'immediate',
      'stop',
    ]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startClusterIn(dir: string): Promise<PrivateCluster> {
  const { uid, gid } = await run('id', ['-u', 'postgres']).then(async (u) => ({
    uid: Number(u.stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  }));
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  await asPostgres([
    join(POSTGRES_BIN, 'initdb'),
    '-D',
    data,
    '--auth=trust',
    '--username=postgres',
    '--encoding=UTF8',
    '--no-sync',
  ]);
  const port = await freePort();
  const pgCtl = (action: string[]) =>
    asPostgres([join(POSTGRES_BIN, 'pg_ctl'), '-D', data, '-l', join(dir, 'server.log'), '-w', ...action]);
  const start = () =>
    pgCtl(['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50`, 'start']).then(
      () => undefined,
    );
  await start();
  let running = true;
  return {
    port,
    url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    async stop(mode = 'fast') {
      await pgCtl(['-m', mode, 'stop']);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) await pgCtl(['-m', 'immediate', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
