/**
 * How the inbox fault tests judge a run: for every delivery, whether it was acknowledged, how many mood
 * entries its user has, and what the user was told. One user per delivery, so rows map to deliveries.
 */
import { CONFIRMED, NOT_SAVED } from './inbox-harness.js';

export interface Delivery {
  /** The chat account (one per delivery). */
  who: string;
  /** The platform took the acknowledgement (Slack: HTTP 200 / envelope ack; Discord: a callback). */
  acked: boolean;
  /** The acknowledgement itself said the command was not saved (database down). */
  refused: boolean;
  /** Everything the user was shown for it: the acknowledgement's answer, response_url posts, edits, DMs. */
  answers: string[];
}

export interface Verdict {
  counts: {
    deliveries: number;
    acked: number;
    refused: number;
    notAcked: number;
    stored: number;
    confirmed: number;
    duplicates: number;
  };
  /** Each broken promise, by kind, with a few example accounts. */
  violations: Record<string, { count: number; examples: string[] }>;
  ok: boolean;
}

/**
 * The rules:
 * - acknowledged as received: exactly one row, and the user was told it was logged;
 * - refused in the acknowledgement ("not saved"): no row;
 * - not acknowledged: no row (and no confirmation), or exactly one row AND the user was told;
 * - nobody has two rows; `notAckedIsViolation` (PostgreSQL down) also counts every delivery that got
 *   no acknowledgement at all, since the user must have been told "not saved" instead.
 */
export function judge(
  deliveries: readonly Delivery[],
  rows: ReadonlyMap<string, number>,
  options: { notAckedIsViolation?: boolean } = {},
): Verdict {
  const violations: Verdict['violations'] = {};
  const flag = (kind: string, who: string) => {
    const v = violations[kind] ?? { count: 0, examples: [] };
    violations[kind] = v;
    v.count += 1;
    if (v.examples.length < 5) v.examples.push(who);
  };
  let stored = 0;
  let confirmedCount = 0;
  for (const d of deliveries) {
    const n = rows.get(d.who) ?? 0;
    const confirmed = d.answers.some((a) => CONFIRMED.test(a));
    if (n > 0) stored += 1;
    if (confirmed) confirmedCount += 1;
    if (n > 1) flag('duplicate rows', d.who);
    if (d.acked && d.refused) {
      if (n > 0) flag('refused as not saved, but stored', d.who);
      continue;
    }
    if (d.acked) {
      if (n === 0) flag('acknowledged but not stored', d.who);
      else if (!confirmed) flag('acknowledged and stored, but the user was not told', d.who);
      continue;
    }
    if (options.notAckedIsViolation) flag('neither acknowledged nor told "not saved"', d.who);
    if (n === 0 && confirmed) flag('told "logged" but not stored', d.who);
    if (n >= 1 && !confirmed) flag('not acknowledged, stored, and the user was never told', d.who);
  }
  const acked = deliveries.filter((d) => d.acked && !d.refused).length;
  const refused = deliveries.filter((d) => d.acked && d.refused).length;
  return {
    counts: {
      deliveries: deliveries.length,
      acked,
      refused,
      notAcked: deliveries.length - acked - refused,
      stored,
      confirmed: confirmedCount,
      duplicates: [...rows.values()].filter((n) => n > 1).length,
    },
    violations,
    ok: Object.keys(violations).length === 0,
  };
}

/** Whether a Slack acknowledgement body says "not saved". */
export function saysNotSaved(text: string): boolean {
  return NOT_SAVED.test(text);
}

/** A one-screen account of a verdict for the assertion message. */
export function describeVerdict(verdict: Verdict, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...verdict.counts, ...extra, violations: verdict.violations }, null, 1);
}
