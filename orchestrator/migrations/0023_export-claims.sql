CREATE TABLE "export_claims" (
	"request_id" text NOT NULL,
	"checker" text NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "export_claims_request_id_checker_pk" PRIMARY KEY("request_id","checker")
);
--> statement-breakpoint
ALTER TABLE "export_claims" ADD CONSTRAINT "export_claims_request_id_export_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."export_requests"("id") ON DELETE no action ON UPDATE no action;