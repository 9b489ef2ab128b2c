-- Reverses 0000_init.sql. Drops every table the migration created; CASCADE removes their FKs and indexes.
DROP TABLE IF EXISTS "audit_log" CASCADE;
DROP TABLE IF EXISTS "digest_deliveries" CASCADE;
DROP TABLE IF EXISTS "user_settings" CASCADE;
DROP TABLE IF EXISTS "chat_identities" CASCADE;
DROP TABLE IF EXISTS "recommendations" CASCADE;
DROP TABLE IF EXISTS "personality_insights" CASCADE;
DROP TABLE IF EXISTS "music_analysis" CASCADE;
DROP TABLE IF EXISTS "mood_entries" CASCADE;
DROP TABLE IF EXISTS "users" CASCADE;
