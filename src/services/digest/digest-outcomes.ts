/** How one user's digest of one week ended in this run. */
export interface DigestOutcome {
  userId: number;
  period: string;
  /**
   * sent: the digest went out; nudged: the short note for a quiet week went out; skipped: nothing to send
   * or DMs refused (marked, never retried); failed: no platform took it (retried by a later run);
   * taken: another instance holds or finished it.
   */
  result: 'sent' | 'nudged' | 'skipped' | 'failed' | 'taken';
  reason?: string;
}

export interface DigestRunSummary {
  /** Users looked at. */
  users: number;
  /** Digests this run tried to deliver (after opt-outs, unreachable users and settled ones). */
  due: number;
  sent: number;
  nudged: number;
  skipped: number;
  failed: number;
  taken: number;
}

/** One run's count of outcomes, each also passed on as it happens (metrics). */
export interface RunTally {
  readonly summary: DigestRunSummary;
  report(outcome: DigestOutcome): void;
}

/** A fresh tally for one run; `onOutcome` hears every outcome. */
export function startTally(onOutcome?: ((outcome: DigestOutcome) => void) | undefined): RunTally {
  const summary: DigestRunSummary = { users: 0, due: 0, sent: 0, nudged: 0, skipped: 0, failed: 0, taken: 0 };
  return {
    summary,
    report(outcome) {
      summary[outcome.result]++;
      onOutcome?.(outcome);
    },
  };
}
