CREATE TABLE "activity_batches" (
	"sequence" bigint PRIMARY KEY NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"entries" integer NOT NULL,
	"previous_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "activity_entries" (
	"batch" bigint NOT NULL,
	"position" integer NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"namespace" text NOT NULL,
	"subject" text NOT NULL,
	"kind" text NOT NULL,
	"details" jsonb NOT NULL,
	CONSTRAINT "activity_entries_batch_position_pk" PRIMARY KEY("batch","position")
);
--> statement-breakpoint
ALTER TABLE "activity_entries" ADD CONSTRAINT "activity_entries_batch_activity_batches_sequence_fk" FOREIGN KEY ("batch") REFERENCES "public"."activity_batches"("sequence") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_entries_person_idx" ON "activity_entries" USING btree ("namespace","subject","time");--> statement-breakpoint
-- The record of activities is evidence like the audit log (0003, 0010): once written, neither changed nor
-- removed, and appended only through these functions, which run with the migration role's rights (SECURITY
-- DEFINER): the runtime role may read the two tables and nothing more. A batch and its entries go in
-- together, and only as the next link of the chain; the lock is one per batch, never one per entry.
CREATE FUNCTION "activity_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'The record of activities is never changed or removed.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "activity_batches_append_only" BEFORE UPDATE OR DELETE ON "activity_batches"
  FOR EACH ROW EXECUTE FUNCTION "activity_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "activity_batches_no_truncate" BEFORE TRUNCATE ON "activity_batches"
  FOR EACH STATEMENT EXECUTE FUNCTION "activity_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "activity_entries_append_only" BEFORE UPDATE OR DELETE ON "activity_entries"
  FOR EACH ROW EXECUTE FUNCTION "activity_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "activity_entries_no_truncate" BEFORE TRUNCATE ON "activity_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "activity_refuse_change"();
--> statement-breakpoint
CREATE FUNCTION "activity_lock_head"() RETURNS TABLE ("head_sequence" bigint, "head_hash" text)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  -- Conflicts with itself and with inserts, not with reads: writers (one per replica) take turns per batch.
  LOCK TABLE public.activity_batches IN SHARE ROW EXCLUSIVE MODE;
  RETURN QUERY SELECT b.sequence, b.hash FROM public.activity_batches b ORDER BY b.sequence DESC LIMIT 1;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION "activity_append"(
  "p_sequence" bigint, "p_time" timestamptz, "p_previous_hash" text, "p_hash" text, "p_entries" jsonb
) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  last_sequence bigint;
  last_hash text;
BEGIN
  LOCK TABLE public.activity_batches IN SHARE ROW EXCLUSIVE MODE;
  SELECT b.sequence, b.hash INTO last_sequence, last_hash FROM public.activity_batches b ORDER BY b.sequence DESC LIMIT 1;
  IF p_sequence IS DISTINCT FROM coalesce(last_sequence, 0) + 1
     OR p_previous_hash IS DISTINCT FROM coalesce(last_hash, repeat('0', 64)) THEN
    RAISE EXCEPTION 'activity_batches: batch % does not extend the chain head (batch %)', p_sequence, coalesce(last_sequence, 0)
      USING ERRCODE = 'integrity_constraint_violation',
            HINT = 'Batches are appended only after the newest one, linked to its hash.';
  END IF;
  IF jsonb_typeof(p_entries) IS DISTINCT FROM 'array' OR jsonb_array_length(p_entries) = 0 THEN
    RAISE EXCEPTION 'activity_batches: a batch holds one entry or more' USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO public.activity_batches ("sequence", "time", "entries", "previous_hash", "hash")
  VALUES (p_sequence, p_time, jsonb_array_length(p_entries), p_previous_hash, p_hash);
  INSERT INTO public.activity_entries ("batch", "position", "time", "namespace", "subject", "kind", "details")
  SELECT p_sequence, e.position::integer, (e.entry->>'time')::timestamptz, e.entry->>'namespace', e.entry->>'subject',
         e.entry->>'kind', e.entry->'details'
    FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS e(entry, position);
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION "activity_lock_head"() FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION "activity_append"(bigint, timestamptz, text, text, jsonb) FROM PUBLIC;
