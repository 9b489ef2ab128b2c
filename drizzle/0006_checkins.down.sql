-- Reverses 0006_checkins.sql.
DROP TABLE IF EXISTS "checkin_prompts" CASCADE;
DROP TABLE IF EXISTS "checkin_schedules" CASCADE;
