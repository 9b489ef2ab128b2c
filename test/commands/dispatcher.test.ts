import { type SQL, sql } from 'drizzle-orm';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { listAudit } from '../../src/db/repositories/audit-log.js';
import { countEntries, newAccount, textOf, useApp, userOf } from '../support/app-harness.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';

async function count(db: Db, query: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, query);
  return Number(row?.n ?? 0);
}

const REFERENCE = /^Something went wrong on my side \(ref ([2-9A-HJ-NP-Z]{4})\)\. /;

describeEachDatabase('the dispatcher', (getDb) => {
  const app = useApp(getDb);

  it('GIVEN an unknown command THEN the answer names it and points to /help, without creating a user', async () => {
    const result = await app().run('/nope 1 2 3', newAccount());

    expect(result.outcome).toBe('user_error');
    expect(result.reply.visibility).toBe('private');
    expect(result.reply.text).toBe('There is no /nope command. Type /help to see what I can do.');
    expect(result.userId).toBeNull();
  });

  it('GIVEN 10 concurrent first commands from a new chat account THEN one user and 10 entries are created', async () => {
    const who = newAccount('burst');

    const results = await Promise.all(Array.from({ length: 10 }, () => app().run('/mood 5', who)));

    expect(results.map((r) => r.outcome)).toEqual(Array(10).fill('ok'));
    expect(new Set(results.map((r) => r.userId)).size).toBe(1);
    // Every user named after the account (a suffixed name included) counts: no orphan is left behind.
    const named = `console:${who}%`;
    expect(
      await count(app().db, sql`SELECT count(*)::int AS n FROM users WHERE username LIKE ${named}`),
    ).toBe(1);
    expect(
      await count(
        app().db,
        sql`SELECT count(*)::int AS n FROM chat_identities WHERE external_user_id = ${who}`,
      ),
    ).toBe(1);
    expect(await countEntries(app().db, userOf(results[0]!))).toBe(10);
  });

  it('GIVEN two different chat accounts whose ids join to the same username THEN each gets its own user', async () => {
    // usernameFor() joins platform, workspace and user id with ':', so these two accounts share a username.
    const first = await app().dispatcher.dispatch({
      identity: { platform: 'slack', workspaceId: 'T1', externalUserId: 'U1:X' },
      command: 'mood',
      input: { text: '3 -- written by the first account' },
    });
    const second = await app().dispatcher.dispatch({
      identity: { platform: 'slack', workspaceId: 'T1:U1', externalUserId: 'X' },
      command: 'history',
      input: { text: '' },
    });

    expect(second.userId).not.toBe(first.userId);
    expect(textOf(second)).not.toContain('written by the first account');
  });

  describe('with a service that throws', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
    const failing = useApp(getDb, { logger });

    it('GIVEN an exception inside a service THEN the answer is an error with a reference, also logged', async () => {
      const moods = failing().services.moods;
      const log = moods.log;
      moods.log = async () => {
        throw new Error('database on fire');
      };
      try {
        const result = await failing().run('/mood 5', newAccount());

        expect(result.outcome).toBe('error');
        expect(result.reply.text).toMatch(REFERENCE);
        const ref = REFERENCE.exec(result.reply.text)?.[1];
        expect(
          lines.some((line) => line.includes(`"ref":"${ref}"`) && line.includes('database on fire')),
        ).toBe(true);
        expect(result.reply.text).not.toContain('database on fire');
      } finally {
        moods.log = log;
      }
    });

    it('GIVEN a command failed THEN the next command is answered normally', async () => {
      const who = newAccount();
      const moods = failing().services.moods;
      const log = moods.log;
      moods.log = async () => {
        throw new Error('boom');
      };
      await failing()
        .run('/mood 5', who)
        .finally(() => {
          moods.log = log;
        });

      const result = await failing().run('/mood 6', who);

      expect(result.outcome, textOf(result)).toBe('ok');
      expect(result.reply.title).toBe('Mood logged: 6/10');
    });
  });

  describe('with a limit of 5 commands a minute', () => {
    const limited = useApp(getDb, { rateLimit: { points: 5, durationSeconds: 60 } });

    it('GIVEN 5 commands within the minute WHEN a 6th comes THEN it is refused with the friendly limit message', async () => {
      const who = newAccount();
      for (let i = 0; i < 5; i++) expect((await limited().run('/help', who)).outcome).toBe('ok');

      const result = await limited().run('/mood 5', who);

      expect(result.outcome).toBe('rate_limited');
      expect(result.reply.text).toMatch(
        /^You're sending commands faster than I can take them\. Try again in \d+ s\.$/,
      );
      expect(await countEntries(limited().db, userOf(result))).toBe(0);
    });

    it('GIVEN one user is limited THEN another user still gets answers', async () => {
      const busy = newAccount('busy');
      for (let i = 0; i < 6; i++) await limited().run('/help', busy);

      const result = await limited().run('/mood 5', newAccount('calm'));

      expect(result.outcome).toBe('ok');
    });

    it('GIVEN a refused command THEN it is audited as rate_limited', async () => {
      const who = newAccount();
      for (let i = 0; i < 5; i++) await limited().run('/help', who);
      const userId = userOf(await limited().run('/history', who));

      await limited().flushAudit();

      const [latest] = await listAudit(limited().db, { userId, limit: 1 });
      expect(latest).toMatchObject({ action: 'history', outcome: 'rate_limited', platform: 'console' });
    });
  });

  describe('audit', () => {
    it('GIVEN several commands THEN after a flush the audit log has one row per command with platform, action and outcome', async () => {
      const who = newAccount();
      const userId = userOf(await app().run('/mood 6 tired', who, 'discord'));
      await app().run('/mood 11', who, 'discord');
      await app().run('/history', who, 'discord');

      await app().flushAudit();

      const rows = await listAudit(app().db, { userId });
      expect(rows.map((r) => [r.platform, r.action, r.outcome]).reverse()).toEqual([
        ['discord', 'mood', 'ok'],
        ['discord', 'mood', 'user_error'],
        ['discord', 'history', 'ok'],
      ]);
    });

    it('GIVEN a note with a unique marker THEN the marker appears nowhere in the audit log', async () => {
      const marker = `marker-${newAccount()}`;
      await app().run(`/mood 3 sad -- ${marker} private words`, newAccount());
      await app().run(`/mood 99 -- ${marker}`, newAccount());

      await app().flushAudit();

      const like = `%${marker}%`;
      expect(
        await count(app().db, sql`SELECT count(*)::int AS n FROM audit_log WHERE details::text LIKE ${like}`),
      ).toBe(0);
      expect(
        await count(app().db, sql`SELECT count(*)::int AS n FROM audit_log a WHERE a::text LIKE ${like}`),
      ).toBe(0);
    });
  });
});
