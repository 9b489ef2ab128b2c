import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type AuditDetails, type AuditEntry, type AuditOutcome, auditLog } from '../schema/index.js';
import { boundedLimit } from './text-guard.js';

export interface AuditRecord {
  userId: number | null;
  platform: string;
  action: string;
  outcome: AuditOutcome;
  details?: AuditDetails;
}

// Keys whose values could carry what the user wrote or a secret; the audit trail must never hold them.
const forbiddenKey = /note|text|token|secret|password|message|content/i;
const maxValueLength = 200;

/** Keeps only short, non-sensitive metadata; drops keys that could carry note text or secrets. */
export function safeAuditDetails(details: AuditDetails | undefined): AuditDetails | null {
  if (!details) return null;
  const safe: AuditDetails = {};
  for (const [key, value] of Object.entries(details)) {
    if (forbiddenKey.test(key)) continue;
    safe[key] = typeof value === 'string' ? value.replaceAll('\u0000', '').slice(0, maxValueLength) : value;
  }
  return safe;
}

/** The row an audit record becomes: short, NUL-free, with only safe details. */
export function auditRow(record: AuditRecord) {
  return {
    userId: record.userId,
    platform: record.platform.replaceAll('\u0000', '').slice(0, 32),
    action: record.action.replaceAll('\u0000', '').slice(0, 100),
    outcome: record.outcome,
    details: safeAuditDetails(record.details),
  };
}

export async function recordAudit(db: Db, record: AuditRecord): Promise<void> {
  await recordAudits(db, [record]);
}

/**
 * Several records in one statement. The rows travel as one JSON document (JSON.stringify is native and
 * the server expands it with json_to_recordset): the audit writer sends hundreds at once, and per-value
 * parameter encoding would cost more than the insert.
 */
export async function recordAudits(db: Db, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = JSON.stringify(
    records.map((record) => {
      const row = auditRow(record);
      return {
        user_id: row.userId,
        platform: row.platform,
        action: row.action,
        outcome: row.outcome,
        details: row.details,
      };
    }),
  );
  // An entry queued before its user was erased keeps no id: the log has no foreign key to refuse it.
  await db.execute(sql`
    INSERT INTO audit_log (user_id, platform, action, outcome, details)
    SELECT u.id, r.platform, r.action, r.outcome, r.details
      FROM ROWS FROM (json_to_recordset(${rows}::json)
             AS (user_id int, platform text, action text, outcome text, details jsonb))
           WITH ORDINALITY AS r(user_id, platform, action, outcome, details, ord)
      LEFT JOIN users u ON u.id = r.user_id
     ORDER BY r.ord`);
}

/** Audit entries, newest first (default 50, at most 1,000), optionally for one user or action. */
export async function listAudit(
  db: Db,
  filter: { userId?: number; action?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        filter.userId !== undefined ? eq(auditLog.userId, filter.userId) : undefined,
        filter.action !== undefined ? eq(auditLog.action, filter.action) : undefined,
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(boundedLimit(filter.limit, 50, 1000));
}
