-- Every committed write of an environment's row is announced on one channel, whichever process or replica
-- made it: the operators' live view (environments.updates) on every API replica LISTENs to it. The database
-- sends it, so no writer can forget to, and NOTIFY inside a transaction is delivered only if it commits.
-- The payload is the namespace only: listeners read the row again (level-based, like the reconciler).
CREATE FUNCTION "environments_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('spe_environment_changed', NEW."namespace");
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "environments_changed" AFTER INSERT OR UPDATE ON "environments"
  FOR EACH ROW EXECUTE FUNCTION "environments_notify_change"();
