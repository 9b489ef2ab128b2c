/** How a command ended, as the audit trail records it (the audit_log.outcome values). */
export const auditOutcomes = ['ok', 'user_error', 'error', 'rate_limited', 'denied'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];
