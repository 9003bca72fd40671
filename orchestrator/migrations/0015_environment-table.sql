-- The operators' table of environments (src/environments/environment-table.ts) and an environment's page
-- (environment-detail.ts): since when each environment has been in its state, and its conditions over time.
-- Triggers keep both, so that every writer (the reconciler, operators' actions, expiry) is counted and none
-- has to remember to.
CREATE TABLE "environment_condition_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "environment_condition_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"namespace" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"message" text NOT NULL,
	"values" jsonb,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "environments" ADD COLUMN "state_since" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "environment_condition_changes_namespace_idx" ON "environment_condition_changes" USING btree ("namespace","changed_at");
--> statement-breakpoint
-- An environment's state as operators read it: its desired state and its Ready condition's status and reason.
CREATE FUNCTION "environment_state_key"("desired_state" text, "conditions" jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT "desired_state" || '/' || coalesce((
    SELECT (c->>'status') || '/' || (c->>'reason') FROM jsonb_array_elements("conditions") c
    WHERE c->>'type' = 'Ready' LIMIT 1
  ), '')
$$;
--> statement-breakpoint
-- Existing environments: since Ready last flipped, or their last write.
UPDATE "environments" SET "state_since" = coalesce((
  SELECT (c->>'lastTransitionTime')::timestamptz FROM jsonb_array_elements("conditions") c
  WHERE c->>'type' = 'Ready' LIMIT 1
), "updated_at");
--> statement-breakpoint
-- Their conditions as they are now, from when each last flipped: the history starts there.
INSERT INTO "environment_condition_changes" ("namespace", "type", "status", "reason", "message", "values", "changed_at")
SELECT e."namespace", c->>'type', c->>'status', c->>'reason', coalesce(c->>'message', ''), c->'values',
  coalesce((c->>'lastTransitionTime')::timestamptz, e."updated_at")
FROM "environments" e, jsonb_array_elements(e."conditions") c;
--> statement-breakpoint
CREATE FUNCTION "environments_track_state"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR environment_state_key(NEW."desired_state", NEW."conditions")
      IS DISTINCT FROM environment_state_key(OLD."desired_state", OLD."conditions") THEN
    NEW."state_since" := NEW."updated_at";
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "environments_state_since" BEFORE INSERT OR UPDATE ON "environments"
  FOR EACH ROW EXECUTE FUNCTION "environments_track_state"();
--> statement-breakpoint
-- A condition is recorded when it appears or its status or reason changes; a resync that rewrites the same
-- conditions records nothing.
CREATE FUNCTION "environments_record_conditions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "environment_condition_changes" ("namespace", "type", "status", "reason", "message", "values", "changed_at")
  SELECT NEW."namespace", c->>'type', c->>'status', c->>'reason', coalesce(c->>'message', ''), c->'values', NEW."updated_at"
  FROM jsonb_array_elements(NEW."conditions") c
  WHERE TG_OP = 'INSERT' OR NOT EXISTS (
    SELECT 1 FROM jsonb_array_elements(OLD."conditions") o
    WHERE o->>'type' = c->>'type' AND o->>'status' = c->>'status' AND o->>'reason' = c->>'reason'
  );
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "environments_condition_changes" AFTER INSERT OR UPDATE OF "conditions" ON "environments"
  FOR EACH ROW EXECUTE FUNCTION "environments_record_conditions"();
