import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { createFieldCipher } from '../../../src/crypto/create-field-cipher.js';
import type { Db } from '../../../src/db/database.js';
import { createInboxStore, type InboxDelivery } from '../../../src/services/inbox/inbox-store.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';

const cipher = createFieldCipher({ currentKey: 'a'.repeat(64) });

const storeOn = (db: Db, leaseMs = 20_000, instanceId?: string) =>
  createInboxStore({
    db,
    cipher,
    logger: silentLogger(),
    leaseMs,
    retentionMs: 3_600_000,
    ...(instanceId ? { instanceId } : {}),
  });

function delivery(note = 'slept badly'): InboxDelivery {
  const id = randomBytes(6).toString('hex');
  return {
    deliveryKey: `test:command:${id}`,
    identity: { platform: 'slack', workspaceId: 'T1', externalUserId: `U${id}` },
    kind: 'command',
    command: 'mood',
    payload: { text: `4 tired -- ${note}` },
  };
}

interface Row {
  status: string;
  payload: string | null;
  claimed_by: string | null;
}

const rowOf = async (db: Db, key: string): Promise<Row | undefined> =>
  (
    await queryRows<Row>(db, sql`SELECT status, payload, claimed_by FROM inbox WHERE delivery_key = ${key}`)
  )[0];

/** Makes every open lease of these keys run out now, as if their instance had died. */
const expire = (db: Db, keys: string[]) =>
  db.execute(
    sql`UPDATE inbox SET lease_expires_at = (now() AT TIME ZONE 'UTC') - interval '1 second'
         WHERE delivery_key IN (${sql.join(
           keys.map((k) => sql`${k}`),
           sql`, `,
         )})`,
  );

describeEachDatabase('the inbox store', (getDb) => {
  it('GIVEN a delivery recorded twice THEN the first is new and the second a duplicate', async () => {
    const store = storeOn(getDb().db);
    const d = delivery();
    expect(await store.record(d)).toBe('new');
    expect(await store.record(d)).toBe('duplicate');
  });

  it('GIVEN the same key recorded by two instances at the same moment THEN exactly one gets it', async () => {
    const [a, b] = [storeOn(getDb().db), storeOn(getDb().db)];
    const d = delivery();
    const results = await Promise.all([a.record(d), b.record(d), a.record(d)]);
    expect(results.filter((r) => r === 'new')).toHaveLength(1);
  });

  it('GIVEN deliveries recorded in one turn THEN they are all stored, each new', async () => {
    const store = storeOn(getDb().db);
    const many = Array.from({ length: 20 }, () => delivery());
    expect(await Promise.all(many.map((d) => store.record(d)))).toEqual(many.map(() => 'new'));
  });

  it('GIVEN a recorded note THEN the stored payload is sealed, never the text', async () => {
    const { db } = getDb();
    const d = delivery('a private note');
    await storeOn(db).record(d);
    const row = await rowOf(db, d.deliveryKey);
    expect(row?.payload).toMatch(/^enc:/);
    expect(row?.payload).not.toContain('private');
  });

  it('GIVEN a finished delivery THEN its payload is gone and its key still refuses a retry', async () => {
    const { db } = getDb();
    const store = storeOn(db);
    const d = delivery();
    await store.record(d);
    await store.finish(d.deliveryKey);
    expect(await rowOf(db, d.deliveryKey)).toMatchObject({ status: 'done', payload: null });
    expect(await store.record(d)).toBe('duplicate');
    expect(store.holding).toBe(0);
  });

  it('GIVEN a delivery whose lease ran out THEN another instance takes it over once, with its payload', async () => {
    const { db } = getDb();
    const dead = storeOn(db);
    const d = delivery();
    await dead.record(d);
    await expire(db, [d.deliveryKey]);
    const [first, second] = [storeOn(db, 20_000, 'first'), storeOn(db, 20_000, 'second')];
    const [a, b] = await Promise.all([first.takeOver(1000, ['slack']), second.takeOver(1000, ['slack'])]);
    const taken = [...a, ...b].filter((r) => r.deliveryKey === d.deliveryKey);
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ payload: d.payload, attempts: 2, appliedAt: null, command: 'mood' });
  });

  it('GIVEN a delivery still leased THEN nobody takes it over', async () => {
    const { db } = getDb();
    const d = delivery();
    await storeOn(db).record(d);
    const taken = await storeOn(db).takeOver(1000, ['slack']);
    expect(taken.map((r) => r.deliveryKey)).not.toContain(d.deliveryKey);
  });

  it('GIVEN an expired delivery of a platform this instance does not serve THEN it is left for another', async () => {
    const { db } = getDb();
    const d = delivery();
    await storeOn(db).record(d);
    await expire(db, [d.deliveryKey]);
    const taken = await storeOn(db).takeOver(1000, ['discord']);
    expect(taken.map((r) => r.deliveryKey)).not.toContain(d.deliveryKey);
  });

  it('GIVEN a holder renewing its lease THEN its delivery is not taken over after the first lease', async () => {
    const { db } = getDb();
    const holder = storeOn(db, 600);
    const d = delivery();
    await holder.record(d);
    holder.start();
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const taken = await storeOn(db).takeOver(1000, ['slack']);
      expect(taken.map((r) => r.deliveryKey)).not.toContain(d.deliveryKey);
    } finally {
      await holder.stop();
    }
  });

  it('GIVEN open deliveries THEN the backlog counts them and ages the oldest', async () => {
    const { db } = getDb();
    const store = storeOn(db);
    await store.record(delivery());
    const backlog = await store.backlog();
    expect(backlog.pending).toBeGreaterThanOrEqual(1);
    expect(backlog.oldestPendingSeconds).toBeGreaterThanOrEqual(0);
  });

  it('GIVEN finished deliveries older than the retention THEN prune deletes them in batches, and only them', async () => {
    const { db } = getDb();
    const store = createInboxStore({
      db,
      cipher,
      logger: silentLogger(),
      leaseMs: 20_000,
      retentionMs: 60_000,
    });
    const [old, recent, open] = [delivery(), delivery(), delivery()];
    for (const d of [old, recent, open]) await store.record(d);
    await store.finish(old.deliveryKey);
    await store.finish(recent.deliveryKey);
    await db.execute(
      sql`UPDATE inbox SET done_at = (now() AT TIME ZONE 'UTC') - interval '2 minutes'
           WHERE delivery_key = ${old.deliveryKey}`,
    );
    expect(await store.prune()).toBeGreaterThanOrEqual(1);
    expect(await rowOf(db, old.deliveryKey)).toBeUndefined();
    expect(await rowOf(db, recent.deliveryKey)).toMatchObject({ status: 'done' });
    expect(await rowOf(db, open.deliveryKey)).toMatchObject({ status: 'claimed' });
  });

  it('GIVEN a payload moved to another row THEN it does not open there', async () => {
    const { db } = getDb();
    const store = storeOn(db);
    const [a, b] = [delivery('note of a'), delivery('note of b')];
    await store.record(a);
    await store.record(b);
    await db.execute(
      sql`UPDATE inbox SET payload = (SELECT payload FROM inbox WHERE delivery_key = ${a.deliveryKey})
           WHERE delivery_key = ${b.deliveryKey}`,
    );
    await expire(db, [b.deliveryKey]);
    const taken = (await storeOn(db).takeOver(1000, ['slack'])).find((r) => r.deliveryKey === b.deliveryKey);
    expect(taken?.payload).toBeUndefined();
  });
});
