CREATE TABLE "permit_budgets" (
	"permit_id" text PRIMARY KEY NOT NULL,
	"amount" double precision NOT NULL,
	"currency" text NOT NULL,
	"set_by" text NOT NULL,
	"reason" text NOT NULL,
	"set_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "permit_budgets" ADD CONSTRAINT "permit_budgets_permit_id_permits_permit_id_fk" FOREIGN KEY ("permit_id") REFERENCES "public"."permits"("permit_id") ON DELETE no action ON UPDATE no action;