-- Reverses 0004_channel_digests.sql.
DROP TABLE IF EXISTS "workspace_members" CASCADE;
DROP TABLE IF EXISTS "channel_track_shares" CASCADE;
DROP TABLE IF EXISTS "channel_digest_deliveries" CASCADE;
DROP TABLE IF EXISTS "channel_digest_channels" CASCADE;
ALTER TABLE "user_settings" DROP COLUMN IF EXISTS "channel_vibe_opt_in";
-- The audit log's key to users comes back; rows of users erased meanwhile would break it, and erasure
-- removes a user's audit rows anyway.
DELETE FROM "audit_log" a WHERE a."user_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "users" u WHERE u."id" = a."user_id");
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
