import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Database } from '../../src/db/database.js';
import { openPostgresDatabase } from '../../src/db/postgres.js';
import { attachIdentity } from '../../src/db/repositories/chat-identities.js';
import { saveCheckinSchedule } from '../../src/db/repositories/checkins.js';
import type { CheckinRunSummary } from '../../src/services/checkins/checkin-runner.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { newUser } from '../support/fixtures.js';
import { queryRows } from '../support/query-rows.js';
import { tempDir } from '../support/temp-dir.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../support/test-database.js';
import { spawnTracked } from '../support/tracked-child.js';

/** A Monday, 09:00 UTC: the users below have their check-in at 09:00 (UTC, the default zone). */
const NOW = '2026-11-23T09:00:00Z';
const NINE_AM = 9 * 60;
const LEASE_SECONDS = 10;
const at = (offsetMs: number) => new Date(Date.parse(NOW) + offsetMs).toISOString();

/** The child processes still running, killed in afterAll (a failed test leaves them) before DATA_DIR goes. */
const running = new Set<ChildProcess>();

interface Child {
  child: ChildProcess;
  exited: Promise<number | null>;
  out: () => string;
  /** Resolves once the process printed "ready" (CHECKIN_WAIT_FOR_GO). */
  ready: Promise<void>;
  /** Lets a waiting process run. */
  go(): void;
  /** The summary the process printed last. */
  summary(): CheckinRunSummary;
}

/** A bot process running the check-in prompts once (test/jobs/checkin-child.ts). */
function startChild(env: Record<string, string>): Child {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const tracked = spawnTracked(join(import.meta.dirname, 'checkin-child.ts'), env, running, (out) => {
    if (/^ready$/m.test(out)) markReady();
  });
  return {
    ...tracked,
    ready,
    go: () => tracked.child.kill('SIGUSR2'),
    summary: () => JSON.parse(tracked.out().trim().split('\n').at(-1) ?? '{}') as CheckinRunSummary,
  };
}

describe.skipIf(!postgresAvailable())('check-in prompts from several bot processes [postgres]', () => {
  const scratch = useMigratedPostgresDatabases();
  let fake: FakeDiscord;
  const databases: Database[] = [];
  let dataDir: string;

  beforeAll(async () => {
    // Two bot processes are connected at once, each with its own gateway session, as Discord allows.
    fake = await startFakeDiscord({ concurrentSessions: true });
    dataDir = tempDir('moodscale-checkin-kill-');
  }, 60_000);

  afterAll(async () => {
    for (const child of running) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    for (const database of databases) await database.close();
    await fake?.close();
  });

  /** A database of its own with `count` Discord users whose check-in is at 09:00 UTC; the children's env. */
  async function setUp(count: number) {
    const { url } = await scratch.create();
    const database = openPostgresDatabase(
      {
        url,
        maxConnections: 4,
        idleTimeoutMs: 1000,
        connectionTimeoutMs: 5000,
        statementTimeoutMs: 30_000,
        slowQueryMs: 10_000,
      },
      silentLogger(),
    );
    databases.push(database);
    const discordIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${710_000_000_000_000_000n + BigInt(databases.length) * 10_000_000n + BigInt(i) * 1_000_003n}`;
      const user = await newUser(database.db, 'checkin');
      await attachIdentity(
        database.db,
        { platform: 'discord', workspaceId: '', externalUserId: id },
        user.id,
      );
      // Set up a week before the run, as a user who turned check-ins on then would be.
      await saveCheckinSchedule(
        database.db,
        user.id,
        { enabled: true, times: [NINE_AM], resumedAt: new Date(Date.parse(NOW) - 7 * 86_400_000) },
        new Date(),
      );
      discordIds.push(id);
    }
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: 'e'.repeat(64),
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      PORT: '0',
      OPS_PORT: '0',
      DIGEST_ENABLED: 'false',
      // The schedule stays off: each child runs the prompts once, at the moment it is given.
      CHECKINS_ENABLED: 'false',
      CHECKIN_LEASE_SECONDS: String(LEASE_SECONDS),
    };
    const delivered = (id: string) => fake.directMessagesTo(id).filter((r) => r.status === 200).length;
    const deliveredTotal = () => discordIds.reduce((n, id) => n + delivered(id), 0);
    const prompts = () =>
      queryRows<{ status: string; claimed_by: string | null; attempts: number }>(
        database.db,
        sql`SELECT status, claimed_by, attempts FROM checkin_prompts ORDER BY user_id`,
      );
    return { env, discordIds, delivered, deliveredTotal, prompts };
  }

  it('GIVEN 20 users due WHEN two bot processes run the check-ins at the same moment THEN each user gets exactly one DM', async () => {
    const USERS = 20;
    const { env, discordIds, delivered, deliveredTotal, prompts } = await setUp(USERS);
    // A little slow to open DM channels, so the two runs overlap for a while.
    fake.delayDmOpens(30);
    try {
      const a = startChild({ ...env, CHECKIN_NOW: NOW, CHECKIN_INSTANCE: 'a', CHECKIN_WAIT_FOR_GO: '1' });
      const b = startChild({ ...env, CHECKIN_NOW: NOW, CHECKIN_INSTANCE: 'b', CHECKIN_WAIT_FOR_GO: '1' });
      await Promise.all([a.ready, b.ready]);
      a.go();
      b.go();
      expect(await a.exited, a.out()).toBe(0);
      expect(await b.exited, b.out()).toBe(0);

      const [sa, sb] = [a.summary(), b.summary()];
      const counts = discordIds.map(delivered);
      const duplicates = counts.filter((n) => n > 1).length;
      process.stdout.write(
        `[checkin-kill] two instances at once: ${USERS} users due, a sent ${sa.sent} (taken ${sa.taken}), ` +
          `b sent ${sb.sent} (taken ${sb.taken}), ${deliveredTotal()} DMs delivered, ${duplicates} duplicates, ` +
          `${counts.filter((n) => n === 0).length} missed\n`,
      );
      expect(counts).toEqual(Array(USERS).fill(1));
      expect(sa.sent + sb.sent).toBe(USERS);
      expect(sa.failed + sb.failed).toBe(0);
      expect((await prompts()).map((p) => p.status)).toEqual(Array(USERS).fill('sent'));
    } finally {
      fake.delayDmOpens(0);
    }
  }, 120_000);

  it('GIVEN a process SIGKILLed between claiming prompts and sending them WHEN a process runs again after the lease THEN it sends the rest: every user one DM, no duplicates, every prompt sent', async () => {
    const USERS = 12;
    const CONCURRENCY = 3;
    const { env, discordIds, delivered, deliveredTotal, prompts } = await setUp(USERS);
    // Each DM channel takes 300 ms to open: the process is killed while it waits for one, its prompts
    // claimed (CONCURRENCY at a time) and not yet sent.
    fake.delayDmOpens(300);
    const first = startChild({
      ...env,
      CHECKIN_NOW: NOW,
      CHECKIN_INSTANCE: 'first',
      CHECKIN_CONCURRENCY: String(CONCURRENCY),
    });
    const deadline = Date.now() + 60_000;
    while (deliveredTotal() < 4 && Date.now() < deadline) await sleep(10);
    // Well inside the next 300 ms wait: every DM sent so far is marked sent, the next ones are claimed.
    await sleep(100);
    first.child.kill('SIGKILL');
    expect(await first.exited, first.out()).toBeNull();
    fake.delayDmOpens(0);

    const sentBeforeKill = deliveredTotal();
    const afterKill = await prompts();
    expect(sentBeforeKill, first.out()).toBeGreaterThanOrEqual(4);
    expect(sentBeforeKill).toBeLessThanOrEqual(USERS - CONCURRENCY);
    expect(afterKill.filter((p) => p.status === 'sent')).toHaveLength(sentBeforeKill);
    const heldByDead = afterKill.filter((p) => p.status === 'claimed' && p.claimed_by === 'first').length;
    expect(heldByDead).toBe(CONCURRENCY);
    expect(afterKill).toHaveLength(sentBeforeKill + CONCURRENCY);

    // Restarted 5 s later, within the dead process's lease: the prompts nobody claimed go, its own wait.
    const early = startChild({ ...env, CHECKIN_NOW: at(5_000), CHECKIN_INSTANCE: 'early' });
    expect(await early.exited, early.out()).toBe(0);
    expect(early.summary()).toMatchObject({ sent: USERS - sentBeforeKill - CONCURRENCY, taken: CONCURRENCY });

    // And once the lease has run out (the same local hour): the prompts the dead process held.
    const late = startChild({
      ...env,
      CHECKIN_NOW: at((LEASE_SECONDS + 5) * 1000),
      CHECKIN_INSTANCE: 'late',
    });
    expect(await late.exited, late.out()).toBe(0);
    expect(late.summary()).toMatchObject({ sent: CONCURRENCY, taken: 0, failed: 0 });

    const counts = discordIds.map(delivered);
    const final = await prompts();
    process.stdout.write(
      `[checkin-kill] killed midway: ${USERS} users due, ${sentBeforeKill} sent before SIGKILL with ${heldByDead} claimed ` +
        `and unsent, ${early.summary().sent} sent by a restart within the lease (${early.summary().taken} left to it), ` +
        `${late.summary().sent} after it; ${counts.reduce((a, b) => a + b, 0)} DMs delivered, ` +
        `${counts.filter((n) => n > 1).length} duplicates, ${counts.filter((n) => n === 0).length} missed, ` +
        `${final.filter((p) => p.status === 'sent').length}/${USERS} prompts sent\n`,
    );
    expect(counts).toEqual(Array(USERS).fill(1));
    expect(final.map((p) => p.status)).toEqual(Array(USERS).fill('sent'));
    expect(final.filter((p) => p.claimed_by === 'late').map((p) => p.attempts)).toEqual(
      Array(CONCURRENCY).fill(2),
    );

    // A further run finds nothing left to send.
    const again = startChild({
      ...env,
      CHECKIN_NOW: at((LEASE_SECONDS + 10) * 1000),
      CHECKIN_INSTANCE: 'again',
    });
    expect(await again.exited, again.out()).toBe(0);
    expect(again.summary()).toMatchObject({ due: 0, sent: 0 });
    expect(deliveredTotal()).toBe(USERS);
  }, 120_000);
});
