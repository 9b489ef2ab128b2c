-- Reverses 0005_inbox.sql.
DROP TABLE IF EXISTS "inbox" CASCADE;
