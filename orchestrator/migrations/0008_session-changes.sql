-- Session changes announced for each replica's session cache (src/auth/session-cache.ts): keep the names
-- "sessions_deleted" and 'spe_session_changed', which the code checks and listens on.
-- Every session that ends (logout, idle or absolute timeout, purge) or whose fields change other than
-- last_seen_at is announced on one channel, whichever replica made the change: each replica keeps the
-- session rows it has read in memory and forgets one when its token hash is announced. NOTIFY inside a
-- transaction is delivered only if it commits. An empty payload (TRUNCATE) means: forget every session.
-- last_seen_at alone is not announced: it changes once a minute per active session, and a replica that
-- would act on it (touch or end for idleness) reads the row again first.
CREATE FUNCTION "sessions_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('spe_session_changed', '');
  ELSE
    PERFORM pg_notify('spe_session_changed', OLD."token_hash");
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "sessions_deleted" AFTER DELETE ON "sessions"
  FOR EACH ROW EXECUTE FUNCTION "sessions_notify_change"();
--> statement-breakpoint
CREATE TRIGGER "sessions_changed" AFTER UPDATE ON "sessions"
  FOR EACH ROW WHEN ((to_jsonb(OLD) - 'last_seen_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_seen_at'))
  EXECUTE FUNCTION "sessions_notify_change"();
--> statement-breakpoint
CREATE TRIGGER "sessions_truncated" AFTER TRUNCATE ON "sessions"
  FOR EACH STATEMENT EXECUTE FUNCTION "sessions_notify_change"();
--> statement-breakpoint
-- Every researcher request finds the permits that name its person (payload->'authorisedPersons' @> [{subject}]):
-- an index for that containment, so it does not scan every permit.
CREATE INDEX "permits_authorised_persons_idx" ON "permits" USING gin (("payload"->'authorisedPersons') jsonb_path_ops);
