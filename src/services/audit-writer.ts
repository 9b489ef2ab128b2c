import type { Logger } from '../core/logger.js';
import type { Db } from '../db/database.js';
import { type AuditRecord, recordAudits } from '../db/repositories/audit-log.js';

export interface AuditWriter {
  /** Queues an entry; it is written within `flushMs`, in one multi-row insert with its neighbours. */
  record(entry: AuditRecord): void;
  /** Writes everything queued so far (what the database cannot take now stays held). */
  flush(): Promise<void>;
  /** Flushes and stops the timers (at shutdown); entries still held are reported as lost. */
  close(): Promise<void>;
  /** Entries waiting to be written (the database was unavailable). */
  readonly held: number;
}

/** Told what the audit trail holds back and what it had to give up (metrics, alerts). */
export interface AuditObserver {
  held(count: number): void;
  dropped(count: number, total: number): void;
}

/**
 * Whether a failed insert says something about the rows (bad data: dropping the row is all one can do)
 * rather than about the database being unavailable (keep the rows and try again). SQLSTATE classes 22
 * (data exception), 23 (integrity constraint) and 42 (syntax or access rule) are about the rows.
 */
function rejectsTheRows(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|42)[0-9A-Z]{3}$/.test(code);
}

/**
 * Buffers audit entries so a command costs no extra round trip for its audit row. While the database
 * is unavailable, entries are held in order (at most `maxHeld`) and written when it is back; past the
 * bound the oldest are dropped, counted and reported, never silently. Held entries live in memory: a
 * crash during an outage loses them (the log says how many were held at the last report).
 */
export function createAuditWriter(deps: {
  db: Db;
  logger: Logger;
  flushMs?: number;
  maxBatch?: number;
  /** Entries held while the database is unavailable (10,000). */
  maxHeld?: number;
  /** How long to wait before trying again after the database refused (2 s). */
  retryMs?: number;
  observer?: AuditObserver;
}): AuditWriter {
  const flushMs = deps.flushMs ?? 200;
  const maxBatch = deps.maxBatch ?? 500;
  const maxHeld = deps.maxHeld ?? 10_000;
  const retryMs = deps.retryMs ?? 2000;
  const log = deps.logger.child({ component: 'audit' });
  // Oldest first: what could not be written yet, then what arrived since.
  let held: AuditRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  // The drain waiting behind the one running, if any (see schedule), and whether it writes everything.
  let queued: Promise<void> | undefined;
  let queuedAll = false;
  // How many of `held` (its first ones) the running drain is writing now.
  let writing = 0;
  let unavailable = false;
  let droppedTotal = 0;
  let closed = false;

  const report = () => deps.observer?.held(held.length);

  /** Writes `batch`; returns how many of it are done with (written, or rejected as bad) and whether to stop. */
  async function write(batch: readonly AuditRecord[]): Promise<{ done: number; unavailable: boolean }> {
    try {
      await recordAudits(deps.db, batch);
      return { done: batch.length, unavailable: false };
    } catch (error) {
      if (!rejectsTheRows(error)) return { done: 0, unavailable: true };
    }
    // One bad row must not cost the others: one by one, so only the bad one is lost.
    for (const [i, entry] of batch.entries()) {
      try {
        await recordAudits(deps.db, [entry]);
      } catch (error) {
        if (!rejectsTheRows(error)) return { done: i, unavailable: true };
        log.error({ err: error, action: entry.action }, 'audit entry lost: the database rejected it');
      }
    }
    return { done: batch.length, unavailable: false };
  }

  /**
   * Writes full batches, and with `all` everything held when it starts; what arrives while it writes and
   * fills no batch is left to the timer (writing it at once would be a statement for every few entries).
   */
  async function drain(all: boolean): Promise<void> {
    let owed = all ? held.length : 0;
    while (held.length > 0 && (owed > 0 || held.length >= maxBatch)) {
      const batch = held.slice(0, maxBatch);
      writing = batch.length;
      const result = await write(batch).finally(() => {
        writing = 0;
      });
      held = held.slice(result.done);
      owed -= result.done;
      if (result.unavailable) {
        if (!unavailable) log.warn({ held: held.length }, 'audit entries held: the database is unavailable');
        unavailable = true;
        report();
        if (!closed && !retryTimer) {
          retryTimer = setTimeout(() => {
            retryTimer = undefined;
            void flush();
          }, retryMs);
          retryTimer.unref();
        }
        return;
      }
    }
    if (unavailable) log.info('the database is back: held audit entries written');
    unavailable = false;
    report();
    if (held.length > 0) armTimer();
  }

  function armTimer(): void {
    if (timer || closed) return;
    timer = setTimeout(() => void flush(), flushMs);
    timer.unref();
  }

  /**
   * Queues a drain behind the running one; while one is queued, later requests join it (`all` when any
   * of them asked for everything). Entries arriving during a write so wait for the next batch rather
   * than each asking for a statement of their own.
   */
  function schedule(all: boolean): Promise<void> {
    queuedAll ||= all;
    if (queued) return queued;
    const next = inFlight.then(() => {
      queued = undefined;
      const everything = queuedAll;
      queuedAll = false;
      return drain(everything);
    });
    queued = next;
    inFlight = next;
    return next;
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    return schedule(true);
  }

  return {
    record(entry) {
      held.push(entry);
      if (held.length > maxHeld) {
        const over = held.length - maxHeld;
        held = held.slice(over);
        droppedTotal += over;
        deps.observer?.dropped(over, droppedTotal);
        log.error(
          { dropped: over, droppedTotal, maxHeld },
          'audit entries dropped: the database has been unavailable past the hold limit',
        );
      }
      // During an outage the retry timer writes; otherwise a short window gathers a batch.
      if (unavailable) return;
      // A full batch besides the one being written leaves at once; anything less waits for the window.
      if (held.length - writing >= maxBatch) void schedule(false);
      else armTimer();
    },
    flush,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      await flush();
      if (held.length > 0) {
        log.error({ lost: held.length }, 'audit entries lost at shutdown: the database was unavailable');
      }
    },
    get held() {
      return held.length;
    },
  };
}
