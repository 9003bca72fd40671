CREATE TABLE "audit_events" (
	"sequence" bigint PRIMARY KEY NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"actor_subject" text NOT NULL,
	"actor_role" text NOT NULL,
	"actor_address" text,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"details" jsonb NOT NULL,
	"previous_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_events_time_idx" ON "audit_events" USING btree ("time");--> statement-breakpoint
CREATE INDEX "audit_events_target_idx" ON "audit_events" USING btree ("target");--> statement-breakpoint
CREATE INDEX "audit_events_actor_subject_idx" ON "audit_events" USING btree ("actor_subject");