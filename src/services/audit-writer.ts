import type { Logger } from '../core/logger.js';
import type { Db } from '../db/database.js';
import { type AuditRecord, recordAudits } from '../db/repositories/audit-log.js';

export interface AuditWriter {
  /** Queues an entry; it is written within `flushMs`, in one multi-row insert with its neighbours. */
  record(entry: AuditRecord): void;
  /** Writes everything queued so far. */
  flush(): Promise<void>;
  /** Flushes and stops the timer (at shutdown). */
  close(): Promise<void>;
}

/**
 * Buffers audit entries so a command costs no extra round trip for its audit row. The window is short
 * and the buffer is flushed at shutdown, so at most a crash's last moments go unrecorded.
 */
export function createAuditWriter(deps: {
  db: Db;
  logger: Logger;
  flushMs?: number;
  maxBatch?: number;
}): AuditWriter {
  const flushMs = deps.flushMs ?? 200;
  const maxBatch = deps.maxBatch ?? 500;
  let queue: AuditRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const write = async (batch: AuditRecord[]) => {
    try {
      await recordAudits(deps.db, batch);
    } catch {
      // One bad row must not cost the others: write one by one, so only the bad one is lost.
      for (const entry of batch) {
        await recordAudits(deps.db, [entry]).catch((error: unknown) =>
          deps.logger.error({ err: error, action: entry.action }, 'audit entry lost'),
        );
      }
    }
  };

  const flush = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (queue.length === 0) return inFlight;
    const batch = queue;
    queue = [];
    inFlight = inFlight.then(() => write(batch));
    return inFlight;
  };

  return {
    record(entry) {
      queue.push(entry);
      if (queue.length >= maxBatch) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), flushMs);
        timer.unref();
      }
    },
    flush,
    close: flush,
  };
}
