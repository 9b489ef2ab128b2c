import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { type Reply, renderPlainText } from '../../../src/core/commands/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Db } from '../../../src/db/database.js';
import type { Invocation } from '../../../src/platforms/dispatcher.js';
import { createDeliveryRunner, type InboxSurface } from '../../../src/platforms/inbox/delivery-runner.js';
import { createInboxStore, type InboxStore } from '../../../src/services/inbox/inbox-store.js';
import { countEntries, newAccount, useApp, userOf } from '../../support/app-harness.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';

/** A platform's side of a resume, recording what it was asked to answer. */
function fakeSurface(): InboxSurface & { answers: Array<{ payload: unknown; text: string }> } {
  const answers: Array<{ payload: unknown; text: string }> = [];
  return {
    platform: 'slack',
    answerWindowMs: 30 * 60_000,
    answers,
    invocationOf(payload) {
      const p = payload as { who: string; line: string };
      const [name, ...rest] = p.line.slice(1).split(' ');
      return {
        identity: { platform: 'slack', workspaceId: 'T1', externalUserId: p.who },
        command: name ?? '',
        input: { text: rest.join(' ') },
      } satisfies Invocation;
    },
    async answerLate(payload, reply: Reply) {
      answers.push({ payload, text: renderPlainText(reply) });
      return 'answered';
    },
  };
}

let sequence = 0;
const keyFor = () => `test:resume:${process.pid}:${Date.now()}:${sequence++}`;

describeEachDatabase('the inbox between the platforms and the dispatcher', (getDb) => {
  const app = useApp(getDb);

  function runnerOn(db: Db, store?: InboxStore) {
    const s =
      store ??
      createInboxStore({
        db,
        cipher: app().cipher,
        logger: silentLogger(),
        leaseMs: 20_000,
        retentionMs: 3_600_000,
      });
    return {
      store: s,
      runner: createDeliveryRunner({ store: s, dispatcher: app().dispatcher, logger: silentLogger() }),
    };
  }

  /** Records `line` for `who` as a Slack delivery, as an adapter would before acknowledging it. */
  async function recordLine(db: Db, who: string, line: string) {
    const { runner, store } = runnerOn(db);
    const deliveryKey = keyFor();
    const name = line.slice(1).split(' ')[0] ?? '';
    const result = await runner.record(
      {
        deliveryKey,
        identity: { platform: 'slack', workspaceId: 'T1', externalUserId: who },
        kind: 'command',
        command: name,
        payload: { who, line },
      },
      2000,
    );
    expect(result).toBe('new');
    return { deliveryKey, runner, store };
  }

  const expire = (db: Db, key: string) =>
    db.execute(
      sql`UPDATE inbox SET lease_expires_at = (now() AT TIME ZONE 'UTC') - interval '1 second'
           WHERE delivery_key = ${key}`,
    );

  const entriesOf = async (who: string) => {
    const rows = await queryRows<{ user_id: number }>(
      getDb().db,
      sql`SELECT user_id FROM chat_identities WHERE platform = 'slack' AND external_user_id = ${who}`,
    );
    return rows[0] ? countEntries(getDb().db, rows[0].user_id) : 0;
  };

  /** Runs one resume round with a fresh instance and returns what it answered. */
  async function resume(db: Db) {
    const surface = fakeSurface();
    const { runner } = runnerOn(db);
    runner.start([surface], 60_000);
    await runner.stop();
    return surface.answers;
  }

  it('GIVEN a /mood recorded and its instance killed before running it THEN a later instance stores it once and answers it', async () => {
    const { db } = getDb();
    const who = newAccount('resume');
    const { deliveryKey } = await recordLine(db, who, '/mood 6 tired');
    await expire(db, deliveryKey);
    const answers = await resume(db);
    const mine = answers.filter((a) => (a.payload as { who: string }).who === who);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.text).toContain('Mood logged: 6/10');
    expect(mine[0]?.text).toContain('`/mood 6 tired` from');
    expect(await entriesOf(who)).toBe(1);
    expect(await resume(db)).not.toContainEqual(
      expect.objectContaining({ payload: { who, line: '/mood 6 tired' } }),
    );
  });

  it('GIVEN a /mood stored and its instance killed before answering THEN the resume says it is saved and stores nothing more', async () => {
    const { db } = getDb();
    const who = newAccount('applied');
    const { deliveryKey, runner } = await recordLine(db, who, '/mood 7');
    const outcome = await runner.run({
      identity: { platform: 'slack', workspaceId: 'T1', externalUserId: who },
      command: 'mood',
      input: { text: '7' },
      deliveryKey,
    });
    expect(outcome.outcome).toBe('ok');
    await expire(db, deliveryKey);
    const mine = (await resume(db)).filter((a) => (a.payload as { who: string }).who === who);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.text).toContain('Your `/mood 7` from');
    expect(mine[0]?.text).toContain('is saved');
    expect(await entriesOf(who)).toBe(1);
  });

  it('GIVEN one /mood delivery run by two instances at once THEN it is stored once and the other run says so', async () => {
    const { db } = getDb();
    const who = newAccount('twice');
    const { deliveryKey, runner } = await recordLine(db, who, '/mood 5');
    const other = runnerOn(db).runner;
    const invocation = {
      identity: { platform: 'slack' as const, workspaceId: 'T1', externalUserId: who },
      command: 'mood',
      input: { text: '5' },
      deliveryKey,
    };
    const outcomes = await Promise.all([runner.run(invocation), other.run(invocation)]);
    expect(await entriesOf(who)).toBe(1);
    expect(outcomes.map((o) => renderPlainText(o.reply)).join('\n')).toContain('saved already');
  });

  it('GIVEN /settings run and its instance killed before answering THEN the resume does not run it again', async () => {
    const { db } = getDb();
    const who = newAccount('settings');
    const { deliveryKey, runner } = await recordLine(db, who, '/settings timezone Asia/Tokyo');
    const outcome = await runner.run({
      identity: { platform: 'slack', workspaceId: 'T1', externalUserId: who },
      command: 'settings',
      input: { text: 'timezone Asia/Tokyo' },
      deliveryKey,
    });
    expect(userOf(outcome)).toBeGreaterThan(0);
    const [row] = await queryRows<{ applied: boolean }>(
      db,
      sql`SELECT applied_at IS NOT NULL AS applied FROM inbox WHERE delivery_key = ${deliveryKey}`,
    );
    expect(row?.applied).toBe(true);
    await expire(db, deliveryKey);
    const mine = (await resume(db)).filter((a) => (a.payload as { who: string }).who === who);
    expect(mine[0]?.text).toContain('went through');
  });

  it('GIVEN a resumed /mood whose answer cannot be delivered THEN a later round answers it, and it is stored once', async () => {
    const { db } = getDb();
    const who = newAccount('unreachable');
    const { deliveryKey } = await recordLine(db, who, '/mood 4');
    await expire(db, deliveryKey);
    const refusing = fakeSurface();
    refusing.answerLate = async () => 'failed';
    const first = runnerOn(db).runner;
    first.start([refusing], 60_000);
    await first.stop();
    await expire(db, deliveryKey);
    const mine = (await resume(db)).filter((a) => (a.payload as { who: string }).who === who);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.text).toContain('is saved');
    expect(await entriesOf(who)).toBe(1);
  });

  it('GIVEN a /mood whose live answer failed THEN it is left to be resumed, and the resume says it is saved', async () => {
    const { db } = getDb();
    const who = newAccount('unanswered');
    const { deliveryKey, runner } = await recordLine(db, who, '/mood 8');
    await runner.run({
      identity: { platform: 'slack', workspaceId: 'T1', externalUserId: who },
      command: 'mood',
      input: { text: '8' },
      deliveryKey,
    });
    await runner.finish(deliveryKey, false);
    const [row] = await queryRows<{ status: string }>(
      db,
      sql`SELECT status FROM inbox WHERE delivery_key = ${deliveryKey}`,
    );
    expect(row?.status).toBe('claimed');
    await expire(db, deliveryKey);
    const mine = (await resume(db)).filter((a) => (a.payload as { who: string }).who === who);
    expect(mine[0]?.text).toContain('Your `/mood 8` from');
    expect(await entriesOf(who)).toBe(1);
  });

  it('GIVEN a read-only command resumed past its answer window THEN it is dropped, not answered', async () => {
    const { db } = getDb();
    const who = newAccount('history');
    const { deliveryKey } = await recordLine(db, who, '/history');
    await db.execute(
      sql`UPDATE inbox SET received_at = (now() AT TIME ZONE 'UTC') - interval '2 hours',
                           lease_expires_at = (now() AT TIME ZONE 'UTC') - interval '1 second'
           WHERE delivery_key = ${deliveryKey}`,
    );
    const mine = (await resume(db)).filter((a) => (a.payload as { who: string }).who === who);
    expect(mine).toHaveLength(0);
    const [row] = await queryRows<{ status: string }>(
      db,
      sql`SELECT status FROM inbox WHERE delivery_key = ${deliveryKey}`,
    );
    expect(row?.status).toBe('dropped');
  });

  it('GIVEN the inbox write fails THEN the delivery is unsaved, so the user is told', async () => {
    const failing: InboxStore = {
      ...runnerOn(getDb().db).store,
      record: () => Promise.reject(new Error('connect ECONNREFUSED')),
    };
    const { runner } = runnerOn(getDb().db, failing);
    const result = await runner.record(
      {
        deliveryKey: keyFor(),
        identity: { platform: 'slack', workspaceId: 'T1', externalUserId: 'x' },
        kind: 'command',
        command: 'mood',
        payload: {},
      },
      2000,
    );
    expect(result).toBe('unsaved');
  });

  it('GIVEN the inbox write lands after its deadline THEN the user hears "unsaved" and the row is dropped, never run', async () => {
    const { db } = getDb();
    const real = runnerOn(db).store;
    const slow: InboxStore = {
      ...real,
      record: (d) => new Promise((r) => setTimeout(r, 300)).then(() => real.record(d)),
    };
    const { runner } = runnerOn(db, slow);
    const deliveryKey = keyFor();
    const result = await runner.record(
      {
        deliveryKey,
        identity: { platform: 'slack', workspaceId: 'T1', externalUserId: 'late' },
        kind: 'command',
        command: 'mood',
        payload: { who: 'late', line: '/mood 3' },
      },
      50,
    );
    expect(result).toBe('unsaved');
    await new Promise((r) => setTimeout(r, 600));
    const [row] = await queryRows<{ status: string }>(
      db,
      sql`SELECT status FROM inbox WHERE delivery_key = ${deliveryKey}`,
    );
    expect(row?.status).toBe('dropped');
  });

  it("GIVEN a new user's delivery prepared while it is recorded THEN the account is made once and the command runs only after the record", async () => {
    const { db } = getDb();
    const who = newAccount('prepared');
    const { runner } = runnerOn(db);
    const invocation: Invocation = {
      identity: { platform: 'slack', workspaceId: 'T1', externalUserId: who },
      command: 'mood',
      input: { text: '6 tired' },
    };

    runner.prepare(invocation);
    const accounts = await app().services.identities.resolve(invocation.identity);
    expect(await entriesOf(who)).toBe(0);
    const deliveryKey = keyFor();
    const payload = { who, line: '/mood 6 tired' };
    const delivery = {
      deliveryKey,
      identity: invocation.identity,
      kind: 'command',
      command: 'mood',
      payload,
    };
    expect(await runner.record(delivery, 2000)).toBe('new');
    const outcome = await runner.run({ ...invocation, deliveryKey });

    expect(userOf(outcome)).toBe(accounts.id);
    const [identities] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM chat_identities WHERE platform = 'slack' AND external_user_id = ${who}`,
    );
    expect(identities?.n).toBe(1);
    expect(await entriesOf(who)).toBe(1);
  });

  it('GIVEN an unknown command prepared THEN no account is made for it', async () => {
    const { db } = getDb();
    const who = newAccount('prepared_unknown');
    const { runner } = runnerOn(db);

    runner.prepare({
      identity: { platform: 'slack', workspaceId: 'T1', externalUserId: who },
      command: 'nosuchcommand',
      input: { text: '' },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const [identities] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM chat_identities WHERE platform = 'slack' AND external_user_id = ${who}`,
    );
    expect(identities?.n).toBe(0);
  });
});
