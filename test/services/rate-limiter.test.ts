import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { commandCounterKey } from '../../src/db/repositories/rate-limits.js';
import { createRateLimiter } from '../../src/services/rate-limiter.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';

describeEachDatabase('per-user rate limits', (getDb) => {
  for (const store of ['memory', 'database'] as const) {
    it(`GIVEN the ${store} store WHEN a user exceeds the points THEN further commands are refused with a wait time`, async () => {
      const limiter = createRateLimiter({ points: 3, durationSeconds: 60, store }, getDb().db);
      const key = `user:${store}-flood`;
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await limiter.consume(key));
      expect(decisions.slice(0, 3).every((d) => d.allowed)).toBe(true);
      expect(decisions[3]).toMatchObject({ allowed: false });
      const refused = decisions[4];
      expect(refused?.allowed === false && refused.retryAfterMs > 0 && refused.retryAfterMs <= 60_000).toBe(
        true,
      );
    });

    it(`GIVEN the ${store} store WHEN one user is limited THEN another user is not`, async () => {
      const limiter = createRateLimiter({ points: 1, durationSeconds: 60, store }, getDb().db);
      await limiter.consume(`user:${store}-a`);
      expect((await limiter.consume(`user:${store}-a`)).allowed).toBe(false);
      expect((await limiter.consume(`user:${store}-b`)).allowed).toBe(true);
    });
  }

  it('GIVEN the database store THEN two limiters (two instances) share one count', async () => {
    const first = createRateLimiter({ points: 2, durationSeconds: 60, store: 'database' }, getDb().db);
    const second = createRateLimiter({ points: 2, durationSeconds: 60, store: 'database' }, getDb().db);
    expect((await first.consume('user:shared')).allowed).toBe(true);
    expect((await second.consume('user:shared')).allowed).toBe(true);
    expect((await first.consume('user:shared')).allowed).toBe(false);
    const [row] = await queryRows<{ points: number }>(
      getDb().db,
      sql`SELECT points FROM rate_limits WHERE key = 'cmd:user:shared'`,
    );
    expect(row?.points).toBe(3);
  });

  it('GIVEN the database store WHEN the dispatcher counts user 987654 THEN the row has the key erasure deletes', async () => {
    const limiter = createRateLimiter({ points: 5, durationSeconds: 60, store: 'database' }, getDb().db);
    // The dispatcher counts `user:<id>` (src/platforms/dispatcher.ts).
    await limiter.consume('user:987654');
    const rows = await queryRows<{ key: string }>(
      getDb().db,
      sql`SELECT key FROM rate_limits WHERE key = ${commandCounterKey(987_654)}`,
    );
    expect(rows).toHaveLength(1);
  });

  it('GIVEN counters that expired two hours ago, one a minute ago and a live one THEN prune deletes only the old one', async () => {
    const { db } = getDb();
    const limiter = createRateLimiter({ points: 5, durationSeconds: 60, store: 'database' }, db);
    await limiter.consume('user:prune-live');
    await db.execute(sql`INSERT INTO rate_limits (key, points, expire) VALUES
      ('cmd:user:prune-old', 1, (now() AT TIME ZONE 'UTC') - interval '2 hours'),
      ('cmd:user:prune-recent', 1, (now() AT TIME ZONE 'UTC') - interval '1 minute')`);
    expect(await limiter.prune()).toBeGreaterThanOrEqual(1);
    const keys = await queryRows<{ key: string }>(
      db,
      sql`SELECT key FROM rate_limits WHERE key LIKE 'cmd:user:prune-%' ORDER BY key`,
    );
    expect(keys.map((k) => k.key)).toEqual(['cmd:user:prune-live', 'cmd:user:prune-recent']);
  });

  it('GIVEN the memory store THEN prune touches no table', async () => {
    const limiter = createRateLimiter({ points: 5, durationSeconds: 60, store: 'memory' }, getDb().db);
    expect(await limiter.prune()).toBe(0);
  });
});
