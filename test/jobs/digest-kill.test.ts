import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Database } from '../../src/db/database.js';
import { openPostgresDatabase } from '../../src/db/postgres.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { claimOneDigest } from '../support/digest-claims.js';
import { queryRows } from '../support/query-rows.js';
import { tempDir } from '../support/temp-dir.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../support/test-database.js';
import { spawnTracked, type TrackedChild } from '../support/tracked-child.js';
import { activeWeek, digestUser, MONDAY_0900 } from './digest-support.js';

const PERIOD = '2026-W47';
const USERS = 8;
const LEASE_SECONDS = 60;

/** The child processes still running, killed in afterAll (a failed test leaves them) before DATA_DIR goes. */
const running = new Set<ChildProcess>();

/** A bot process running the digest once (test/jobs/digest-child.ts). */
function startChild(env: Record<string, string>): TrackedChild {
  return spawnTracked(join(import.meta.dirname, 'digest-child.ts'), env, running);
}

describe.skipIf(!postgresAvailable())('a digest run killed midway and restarted [postgres]', () => {
  const databases = useMigratedPostgresDatabases();
  let fake: FakeDiscord;
  let database: Database;
  const discordIds: string[] = [];
  const userIds: number[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    const { url } = await databases.create();
    database = openPostgresDatabase(
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
    for (let i = 0; i < USERS; i++) {
      const id = `${700_000_000_000_000_000n + BigInt(i) * 1_000_003n + BigInt(Date.now() % 1_000_000)}`;
      discordIds.push(id);
      userIds.push(await digestUser(database.db, { discord: id, ...activeWeek() }));
    }
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: url,
      DATA_DIR: tempDir('moodscale-digest-kill-'),
      ENCRYPTION_KEY: 'e'.repeat(64),
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      PORT: '0',
      OPS_PORT: '0',
      DIGEST_ENABLED: 'false',
      DIGEST_LEASE_SECONDS: String(LEASE_SECONDS),
    };
  }, 60_000);

  afterAll(async () => {
    for (const child of running) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await database?.close();
    await fake?.close();
  });

  const delivered = (id: string) => fake.directMessagesTo(id).filter((r) => r.status === 200).length;
  const deliveredTotal = () => discordIds.reduce((n, id) => n + delivered(id), 0);
  const statuses = async () =>
    queryRows<{ user_id: number; status: string; claimed_by: string | null }>(
      database.db,
      sql`SELECT user_id, status, claimed_by FROM digest_deliveries WHERE period = ${PERIOD} ORDER BY user_id`,
    );

  it('GIVEN a claim left by a dead instance and a process SIGKILLed mid-batch WHEN a new process runs after the leases THEN every digest is delivered exactly once', async () => {
    // An instance that died long ago left the first user's digest claimed; its lease ran out at 09:00.
    await claimOneDigest(database.db, {
      userId: userIds[0]!,
      period: PERIOD,
      claimedBy: 'dead-instance',
      leaseMs: 1000,
      now: new Date(Date.parse(MONDAY_0900) - 60_000),
    });

    const first = startChild({ ...env, DIGEST_NOW: MONDAY_0900, DIGEST_INSTANCE: 'first' });
    // Discord DMs go out 1 s apart: kill the process a moment after the third one, while it waits to send the fourth.
    const deadline = Date.now() + 60_000;
    while (deliveredTotal() < 3 && Date.now() < deadline) await sleep(20);
    expect(deliveredTotal(), first.out()).toBe(3);
    await sleep(500);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    const afterKill = await statuses();
    expect(afterKill.filter((r) => r.status === 'sent')).toHaveLength(3);
    // The batch the dead process was sending (3 users, claimed together before its first DM) stays
    // claimed by it until its lease runs out.
    expect(afterKill.filter((r) => r.status === 'claimed' && r.claimed_by === 'first')).toHaveLength(3);
    expect(afterKill.find((r) => r.user_id === userIds[0])?.claimed_by).toBe('first');

    // Restarted after the lease (the hourly run an hour later, the same local week).
    const later = new Date(Date.parse(MONDAY_0900) + 3_600_000).toISOString();
    const second = startChild({ ...env, DIGEST_NOW: later, DIGEST_INSTANCE: 'second' });
    expect(await second.exited, second.out()).toBe(0);
    expect(JSON.parse(second.out().trim().split('\n').at(-1)!)).toMatchObject({ sent: USERS - 3 });

    for (const id of discordIds) expect(delivered(id)).toBe(1);
    const final = await statuses();
    expect(final.map((r) => r.status)).toEqual(Array(USERS).fill('sent'));

    // A third process finds nothing left to do.
    const third = startChild({ ...env, DIGEST_NOW: later, DIGEST_INSTANCE: 'third' });
    expect(await third.exited).toBe(0);
    expect(deliveredTotal()).toBe(USERS);
  }, 120_000);
});
