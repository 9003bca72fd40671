-- The orchestrator's runtime role may read the audit log but not write it: appends go through these two
-- functions, which run with the rights of the role that ran the migrations (SECURITY DEFINER). Taking the
-- lock the chain needs (SHARE ROW EXCLUSIVE asks for UPDATE, DELETE or TRUNCATE rights on the table) and
-- inserting are what only they can do, and the insert must extend the chain head exactly. With one role
-- (PGlite, or PostgreSQL without DATABASE_MIGRATION_URL) they work the same. search_path is pinned so that
-- nothing the caller creates can stand in for what they call.
CREATE FUNCTION "audit_events_lock_head"() RETURNS TABLE ("head_sequence" bigint, "head_hash" text)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  -- Conflicts with itself and with inserts, not with reads: appends take turns until their commit.
  LOCK TABLE public.audit_events IN SHARE ROW EXCLUSIVE MODE;
  RETURN QUERY SELECT e.sequence, e.hash FROM public.audit_events e ORDER BY e.sequence DESC LIMIT 1;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION "audit_events_append"(
  "p_sequence" bigint, "p_time" timestamptz, "p_actor_subject" text, "p_actor_role" text, "p_actor_address" text,
  "p_action" text, "p_target" text, "p_details" jsonb, "p_previous_hash" text, "p_hash" text
) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  last_sequence bigint;
  last_hash text;
BEGIN
  LOCK TABLE public.audit_events IN SHARE ROW EXCLUSIVE MODE;
  SELECT e.sequence, e.hash INTO last_sequence, last_hash FROM public.audit_events e ORDER BY e.sequence DESC LIMIT 1;
  IF p_sequence IS DISTINCT FROM coalesce(last_sequence, 0) + 1
     OR p_previous_hash IS DISTINCT FROM coalesce(last_hash, repeat('0', 64)) THEN
    RAISE EXCEPTION 'audit_events: event % does not extend the chain head (event %)', p_sequence, coalesce(last_sequence, 0)
      USING ERRCODE = 'integrity_constraint_violation',
            HINT = 'Audit events are appended only after the newest one, linked to its hash.';
  END IF;
  INSERT INTO public.audit_events
    ("sequence", "time", "actor_subject", "actor_role", "actor_address", "action", "target", "details", "previous_hash", "hash")
  VALUES
    (p_sequence, p_time, p_actor_subject, p_actor_role, p_actor_address, p_action, p_target, p_details, p_previous_hash, p_hash);
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION "audit_events_lock_head"() FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION "audit_events_append"(bigint, timestamptz, text, text, text, text, text, jsonb, text, text) FROM PUBLIC;
