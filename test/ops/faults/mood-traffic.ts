import pg from 'pg';
import { expect } from 'vitest';
import type { Dispatcher } from '../../../src/platforms/dispatcher.js';

/** One /mood a user sent, and what they were told. */
export interface MoodResult {
  who: string;
  confirmed: boolean;
  text: string;
  /** Date.now() when the answer came. */
  at: number;
}

export interface MoodTraffic {
  readonly results: MoodResult[];
  /** Stops sending and resolves once every command sent has its answer. */
  stop(): Promise<MoodResult[]>;
}

/**
 * `workers` users-at-a-time sending /mood without pause, each command from a new console account
 * (`prefix-N`) so every answer can be checked against the rows of exactly one user.
 */
export function startMoodTraffic(
  dispatcher: Dispatcher,
  options: { prefix: string; workers?: number; pauseMs?: number },
): MoodTraffic {
  const results: MoodResult[] = [];
  let running = true;
  let next = 0;
  const loops = Array.from({ length: options.workers ?? 4 }, async () => {
    while (running) {
      const n = next++;
      const who = `${options.prefix}-${n}`;
      const outcome = await dispatcher.dispatch({
        identity: { platform: 'console', workspaceId: '', externalUserId: who },
        command: 'mood',
        input: { text: `${(n % 10) + 1} calm -- entry ${n}` },
      });
      const text = [outcome.reply.title, outcome.reply.text].filter(Boolean).join(' ');
      results.push({ who, confirmed: /^Mood logged: \d+\/10/.test(text), text, at: Date.now() });
      await new Promise((r) => setTimeout(r, options.pauseMs ?? 2));
    }
  });
  return {
    results,
    async stop() {
      running = false;
      await Promise.all(loops);
      return results;
    },
  };
}

/** Mood entries stored per console account whose name starts with `prefix-`. */
export async function storedEntries(url: string, prefix: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ who: string; n: number }>(
      `SELECT ci.external_user_id AS who, count(me.id)::int AS n
         FROM chat_identities ci LEFT JOIN mood_entries me ON me.user_id = ci.user_id
        WHERE ci.platform = 'console' AND ci.external_user_id LIKE $1
        GROUP BY ci.external_user_id`,
      [`${prefix}-%`],
    );
    return new Map(rows.map((r) => [r.who, r.n]));
  } finally {
    await client.end();
  }
}

/**
 * Every confirmation is backed by exactly one stored entry; every other answer says to try again (and
 * may or may not have been stored: an honest "try again" can follow a commit whose answer was lost).
 */
export function expectHonestAnswers(results: readonly MoodResult[], stored: Map<string, number>): void {
  const falseConfirmations = results.filter((r) => r.confirmed && stored.get(r.who) !== 1);
  expect(falseConfirmations).toEqual([]);
  const dishonest = results.filter((r) => !r.confirmed && !/try again/i.test(r.text));
  expect(dishonest).toEqual([]);
  const duplicates = [...stored].filter(([, n]) => n > 1);
  expect(duplicates).toEqual([]);
}

/** Milliseconds from `since` to the first confirmed answer after it. */
export function recoveryMs(results: readonly MoodResult[], since: number): number {
  const first = results.find((r) => r.confirmed && r.at > since);
  return first ? first.at - since : Number.POSITIVE_INFINITY;
}
