-- Reverses 0007_pending_imports.sql.
DROP TABLE IF EXISTS "pending_imports" CASCADE;
