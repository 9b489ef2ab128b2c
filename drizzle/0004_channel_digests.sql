CREATE TABLE "channel_digest_channels" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"workspace_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"enabled_by" integer,
	"created_at" timestamp DEFAULT now() NOT NULL,
	CONSTRAINT "channel_digest_channels_channel_key" UNIQUE("platform","workspace_id","channel_id")
);
--> statement-breakpoint
CREATE TABLE "channel_digest_deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"workspace_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"period" text NOT NULL,
	"status" text DEFAULT 'claimed' NOT NULL,
	"claimed_by" text,
	"lease_expires_at" timestamp,
	"attempts" integer DEFAULT 0 NOT NULL,
	"sent_at" timestamp,
	"last_error" text,
	"created_at" timestamp DEFAULT now() NOT NULL,
	CONSTRAINT "channel_digest_deliveries_channel_period_key" UNIQUE("platform","workspace_id","channel_id","period")
);
--> statement-breakpoint
CREATE TABLE "channel_track_shares" (
	"id" serial PRIMARY KEY NOT NULL,
	"music_analysis_id" integer NOT NULL,
	"platform" text NOT NULL,
	"workspace_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_members" (
	"user_id" integer NOT NULL,
	"platform" text NOT NULL,
	"workspace_id" text NOT NULL,
	"last_seen_at" timestamp DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_members_pkey" PRIMARY KEY("user_id","platform","workspace_id")
);
--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "user_settings" ADD COLUMN "channel_vibe_opt_in" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "channel_digest_channels" ADD CONSTRAINT "channel_digest_channels_enabled_by_users_id_fk" FOREIGN KEY ("enabled_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_track_shares" ADD CONSTRAINT "channel_track_shares_music_analysis_id_music_analysis_id_fk" FOREIGN KEY ("music_analysis_id") REFERENCES "public"."music_analysis"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_members" ADD CONSTRAINT "workspace_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_channel_track_shares_channel_created" ON "channel_track_shares" USING btree ("platform","workspace_id","channel_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_channel_track_shares_analysis" ON "channel_track_shares" USING btree ("music_analysis_id");--> statement-breakpoint
CREATE INDEX "idx_workspace_members_workspace" ON "workspace_members" USING btree ("platform","workspace_id");