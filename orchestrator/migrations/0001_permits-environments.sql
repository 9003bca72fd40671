CREATE TABLE "environments" (
	"permit_id" text PRIMARY KEY NOT NULL,
	"namespace" text NOT NULL,
	"desired_state" text NOT NULL,
	"generation" integer NOT NULL,
	"observed_generation" integer DEFAULT 0 NOT NULL,
	"conditions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"teardown" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "environments_namespace_unique" UNIQUE("namespace")
);
--> statement-breakpoint
CREATE TABLE "permit_revisions" (
	"permit_id" text NOT NULL,
	"sequence" integer NOT NULL,
	"jws" text NOT NULL,
	"payload_hash" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "permit_revisions_permit_id_sequence_pk" PRIMARY KEY("permit_id","sequence")
);
--> statement-breakpoint
CREATE TABLE "permits" (
	"permit_id" text PRIMARY KEY NOT NULL,
	"issuer" text NOT NULL,
	"sequence" integer NOT NULL,
	"status" text NOT NULL,
	"payload" jsonb NOT NULL,
	"payload_hash" text NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_permit_id_permits_permit_id_fk" FOREIGN KEY ("permit_id") REFERENCES "public"."permits"("permit_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "permit_revisions" ADD CONSTRAINT "permit_revisions_permit_id_permits_permit_id_fk" FOREIGN KEY ("permit_id") REFERENCES "public"."permits"("permit_id") ON DELETE no action ON UPDATE no action;