import { withTimeout } from '../core/within.js';
import type { Database } from '../db/database.js';
import type { PlatformAdapter } from '../platforms/platform.js';

/** The answer of /readyz: ready when the database answers and every configured platform is connected. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, ReadinessCheck>;
}

/** One check: `reason` is safe to show anyone; `detail` (driver messages, hosts, ports) only to the log. */
export interface ReadinessCheck {
  ok: boolean;
  reason?: string;
  detail?: string;
}

/** How long the database may take to answer `SELECT 1` before it counts as down. */
const PING_TIMEOUT_MS = 2000;

export function createReadinessCheck(deps: {
  database: Database;
  platforms: readonly PlatformAdapter[];
  pingTimeoutMs?: number;
}): () => Promise<Readiness> {
  const timeoutMs = deps.pingTimeoutMs ?? PING_TIMEOUT_MS;
  return async () => {
    const checks: Readiness['checks'] = {};
    checks.database = await pingWithin(deps.database, timeoutMs);
    for (const platform of deps.platforms) {
      const ok = platform.isReady?.() ?? true;
      checks[platform.name] = ok ? { ok } : { ok, reason: `${platform.name} is not connected` };
    }
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  };
}

async function pingWithin(database: Database, ms: number): Promise<ReadinessCheck> {
  const answer = database.ping().then(
    (): ReadinessCheck => ({ ok: true }),
    (error: unknown): ReadinessCheck => ({
      ok: false,
      reason: 'database unreachable',
      detail: error instanceof Error ? error.message : String(error),
    }),
  );
  return withTimeout(answer, ms, (): ReadinessCheck => ({ ok: false, reason: `no answer within ${ms} ms` }));
}
