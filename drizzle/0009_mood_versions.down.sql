-- Reverses 0009_mood_versions.sql.
DROP TABLE IF EXISTS "mood_versions";
