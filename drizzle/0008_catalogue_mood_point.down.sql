-- Reverses 0008_catalogue_mood_point.sql.
DROP INDEX IF EXISTS "idx_music_analysis_mood_point";
