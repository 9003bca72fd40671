CREATE TABLE "export_files" (
	"request_id" text NOT NULL,
	"path" text NOT NULL,
	"version" integer NOT NULL,
	"current" boolean NOT NULL,
	"type" text NOT NULL,
	"size" bigint,
	"sha256" text,
	"check_status" text,
	"check_report" jsonb,
	"decision" text NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	CONSTRAINT "export_files_request_id_path_version_pk" PRIMARY KEY("request_id","path","version")
);
--> statement-breakpoint
CREATE TABLE "export_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"permit_id" text NOT NULL,
	"namespace" text NOT NULL,
	"requester" text NOT NULL,
	"title" text NOT NULL,
	"justification" text NOT NULL,
	"state" text NOT NULL,
	"profile" text NOT NULL,
	"reviewers_required" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"submitted_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"release_record" text
);
--> statement-breakpoint
CREATE TABLE "export_votes" (
	"request_id" text NOT NULL,
	"path" text NOT NULL,
	"version" integer NOT NULL,
	"checker" text NOT NULL,
	"vote" text NOT NULL,
	"comment" text NOT NULL,
	"cast_at" timestamp with time zone NOT NULL,
	CONSTRAINT "export_votes_request_id_path_version_checker_pk" PRIMARY KEY("request_id","path","version","checker")
);
--> statement-breakpoint
ALTER TABLE "export_files" ADD CONSTRAINT "export_files_request_id_export_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."export_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "export_requests" ADD CONSTRAINT "export_requests_permit_id_permits_permit_id_fk" FOREIGN KEY ("permit_id") REFERENCES "public"."permits"("permit_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "export_votes" ADD CONSTRAINT "export_votes_request_id_path_version_export_files_request_id_path_version_fk" FOREIGN KEY ("request_id","path","version") REFERENCES "public"."export_files"("request_id","path","version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "export_requests_permit_idx" ON "export_requests" USING btree ("permit_id");--> statement-breakpoint
CREATE INDEX "export_requests_state_idx" ON "export_requests" USING btree ("state");