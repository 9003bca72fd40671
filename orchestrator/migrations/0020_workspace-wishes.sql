CREATE TABLE "workspace_wishes" (
	"namespace" text NOT NULL,
	"person_id" text NOT NULL,
	"subject" text NOT NULL,
	"started_at" timestamp with time zone,
	"stopped_at" timestamp with time zone,
	"stop_cause" text,
	"stop_reason" text,
	"last_activity_at" timestamp with time zone,
	CONSTRAINT "workspace_wishes_namespace_person_id_pk" PRIMARY KEY("namespace","person_id")
);
