-- Reverses 0001_rate_limits.sql.
DROP TABLE IF EXISTS "rate_limits";
