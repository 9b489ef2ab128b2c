-- Reverses 0002_audit_log_one_index.sql.
CREATE INDEX IF NOT EXISTS "idx_audit_log_created" ON "audit_log" USING btree ("created_at");
