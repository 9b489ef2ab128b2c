CREATE TABLE "checkin_prompts" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"slot_at" timestamp NOT NULL,
	"kind" text DEFAULT 'prompt' NOT NULL,
	"status" text DEFAULT 'claimed' NOT NULL,
	"claimed_by" text,
	"lease_expires_at" timestamp,
	"attempts" integer DEFAULT 0 NOT NULL,
	"sent_at" timestamp,
	"last_error" text,
	"answered_at" timestamp,
	"mood_entry_id" integer,
	"created_at" timestamp DEFAULT now() NOT NULL,
	CONSTRAINT "checkin_prompts_user_slot_key" UNIQUE("user_id","slot_at")
);
--> statement-breakpoint
CREATE TABLE "checkin_schedules" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"times" smallint[] DEFAULT '{}'::smallint[] NOT NULL,
	"days" smallint DEFAULT 127 NOT NULL,
	"paused_until" timestamp,
	"resumed_at" timestamp,
	"offered_at" timestamp,
	"updated_at" timestamp DEFAULT now() NOT NULL,
	CONSTRAINT "checkin_schedules_days_check" CHECK ("checkin_schedules"."days" BETWEEN 0 AND 127),
	CONSTRAINT "checkin_schedules_times_check" CHECK (cardinality("checkin_schedules"."times") <= 3)
);
--> statement-breakpoint
ALTER TABLE "checkin_prompts" ADD CONSTRAINT "checkin_prompts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkin_prompts" ADD CONSTRAINT "checkin_prompts_mood_entry_id_mood_entries_id_fk" FOREIGN KEY ("mood_entry_id") REFERENCES "public"."mood_entries"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkin_schedules" ADD CONSTRAINT "checkin_schedules_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_checkin_prompts_mood_entry" ON "checkin_prompts" USING btree ("mood_entry_id");--> statement-breakpoint
CREATE INDEX "idx_checkin_prompts_open_lease" ON "checkin_prompts" USING btree ("lease_expires_at") WHERE "checkin_prompts"."status" = 'claimed';--> statement-breakpoint
CREATE INDEX "idx_checkin_schedules_enabled" ON "checkin_schedules" USING btree ("user_id") WHERE "checkin_schedules"."enabled";