import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { createAuditWriter } from '../../../src/services/audit-writer.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

describeEachDatabase('the audit trail under a steady stream of commands', (getDb) => {
  it('GIVEN a full batch being written WHEN more entries arrive one by one THEN they leave in full batches, not in a statement each', async () => {
    const { db } = getDb();
    const audit = createAuditWriter({ db, logger: silentLogger(), maxBatch: 100, flushMs: 60_000 });
    const prefix = `stream-${Date.now()}-`;
    const record = (i: number) =>
      audit.record({ userId: null, platform: 'console', action: `${prefix}${i}`, outcome: 'ok' });

    for (let i = 0; i < 100; i++) record(i);
    for (let i = 100; i < 400; i++) {
      record(i);
      await tick();
    }
    await audit.close();

    // One statement, one transaction time. The window outlasts the test: only full batches leave.
    const statements = await queryRows<{ at: string; n: number }>(
      db,
      sql`SELECT created_at::text AS at, count(*)::int AS n FROM audit_log
           WHERE action LIKE ${`${prefix}%`} GROUP BY created_at ORDER BY created_at`,
    );
    expect(statements.map((s) => s.n)).toEqual([100, 100, 100, 100]);
  });
});
