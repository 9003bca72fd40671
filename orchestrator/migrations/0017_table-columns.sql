-- The operators' table (src/environments/environment-table.ts): every environment's state and, when searching,
-- every permit's purpose as columns of their own rather than read out of JSON per row on every page, and
-- indexes for its sorts, so that a page reads its rows off an index.
ALTER TABLE "environments" ADD COLUMN "ready_status" text GENERATED ALWAYS AS (jsonb_path_query_first(conditions, '$[*] ? (@.type == "Ready")') ->> 'status') STORED;--> statement-breakpoint
ALTER TABLE "environments" ADD COLUMN "ready_reason" text GENERATED ALWAYS AS (jsonb_path_query_first(conditions, '$[*] ? (@.type == "Ready")') ->> 'reason') STORED;--> statement-breakpoint
ALTER TABLE "permits" ADD COLUMN "purpose" text GENERATED ALWAYS AS (payload -> 'purpose' ->> 'description') STORED;--> statement-breakpoint
CREATE INDEX "environments_created_at_idx" ON "environments" USING btree ("created_at","namespace");--> statement-breakpoint
CREATE INDEX "environments_state_since_idx" ON "environments" USING btree ("state_since","namespace");--> statement-breakpoint
CREATE INDEX "permits_valid_until_idx" ON "permits" USING btree ("valid_until");