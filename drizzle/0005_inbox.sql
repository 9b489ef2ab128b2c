CREATE TABLE "inbox" (
	"id" serial PRIMARY KEY NOT NULL,
	"delivery_key" text NOT NULL,
	"platform" text NOT NULL,
	"workspace_id" text DEFAULT '' NOT NULL,
	"external_user_id" text NOT NULL,
	"kind" text NOT NULL,
	"command" text NOT NULL,
	"payload" text,
	"status" text DEFAULT 'claimed' NOT NULL,
	"claimed_by" text,
	"lease_expires_at" timestamp,
	"attempts" integer DEFAULT 1 NOT NULL,
	"applied_at" timestamp,
	"received_at" timestamp DEFAULT now() NOT NULL,
	"done_at" timestamp,
	CONSTRAINT "inbox_delivery_key_key" UNIQUE("delivery_key")
);
--> statement-breakpoint
CREATE INDEX "idx_inbox_open_lease" ON "inbox" USING btree ("lease_expires_at") WHERE "inbox"."status" = 'claimed';--> statement-breakpoint
CREATE INDEX "idx_inbox_done_at" ON "inbox" USING btree ("done_at");--> statement-breakpoint
CREATE INDEX "idx_inbox_identity" ON "inbox" USING btree ("platform","workspace_id","external_user_id");