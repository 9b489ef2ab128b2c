CREATE TABLE "pending_imports" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"file_name" text NOT NULL,
	"format" text NOT NULL,
	"payload" text,
	"status" text DEFAULT 'preview' NOT NULL,
	"lease_expires_at" timestamp,
	"imported_entries" integer,
	"skipped_entries" integer,
	"created_at" timestamp DEFAULT now() NOT NULL,
	"expires_at" timestamp NOT NULL,
	"finished_at" timestamp
);
--> statement-breakpoint
ALTER TABLE "pending_imports" ADD CONSTRAINT "pending_imports_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_pending_imports_user" ON "pending_imports" USING btree ("user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_pending_imports_expires" ON "pending_imports" USING btree ("expires_at");