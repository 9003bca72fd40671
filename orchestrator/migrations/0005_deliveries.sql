CREATE TABLE "deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"permit_id" text NOT NULL,
	"namespace" text NOT NULL,
	"dataset_id" text NOT NULL,
	"dataset_version" text NOT NULL,
	"delivered_by" text NOT NULL,
	"state" text NOT NULL,
	"bytes" bigint,
	"upload_sha256" text,
	"rows" bigint,
	"report" jsonb,
	"manifest" jsonb,
	"manifest_sha256" text,
	"error" text,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_permit_id_permits_permit_id_fk" FOREIGN KEY ("permit_id") REFERENCES "public"."permits"("permit_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_permit_idx" ON "deliveries" USING btree ("permit_id","dataset_id","dataset_version");