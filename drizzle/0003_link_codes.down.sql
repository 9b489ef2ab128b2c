-- Reverses 0003_link_codes.sql.
DROP TABLE IF EXISTS "link_codes" CASCADE;
