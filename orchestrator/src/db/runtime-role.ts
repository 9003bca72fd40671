import pg from "pg";
import { SpeError } from "../errors";

/**
 * Gives the orchestrator's runtime role (DATABASE_URL's) what it needs and no more, as the migration role
 * (DATABASE_MIGRATION_URL's, the owner of every table): reading and writing every table but the audit log
 * and the record of activities, which it may only read and append to through the migration role's
 * functions (migrations 0010 and 0012). Run after
 * every migration, so that a table a later migration adds is granted too. Idempotent.
 */
export async function grantRuntimeRights(migration: pg.Pool, runtimeRole: string): Promise<void> {
  const role = pg.escapeIdentifier(runtimeRole);
  await migration.query(`
    GRANT USAGE ON SCHEMA public TO ${role};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role};
    REVOKE ALL ON public.audit_events FROM ${role};
    GRANT SELECT ON public.audit_events TO ${role};
    GRANT EXECUTE ON FUNCTION public.audit_events_lock_head() TO ${role};
    GRANT EXECUTE ON FUNCTION public.audit_events_append(bigint, timestamptz, text, text, text, text, text, jsonb, text, text)
      TO ${role};
    REVOKE ALL ON public.activity_batches, public.activity_entries FROM ${role};
    GRANT SELECT ON public.activity_batches, public.activity_entries TO ${role};
    GRANT EXECUTE ON FUNCTION public.activity_lock_head() TO ${role};
    GRANT EXECUTE ON FUNCTION public.activity_append(bigint, timestamptz, text, text, jsonb) TO ${role};`);
}

/**
 * Refuses a runtime role that could change the audit log or the record of activities anyway — a superuser,
 * the owner, or a member of the owner's role — since with it the separation the installation asked for
 * would be a false promise.
 */
export async function assertRuntimeCannotRewriteAudit(runtime: pg.Pool): Promise<void> {
  const { rows } = await runtime.query<{ role: string; can: boolean }>(
    `select current_user as role,
            has_table_privilege('public.audit_events', 'UPDATE, DELETE, TRUNCATE, INSERT')
            or has_table_privilege('public.activity_batches', 'UPDATE, DELETE, TRUNCATE, INSERT')
            or has_table_privilege('public.activity_entries', 'UPDATE, DELETE, TRUNCATE, INSERT')
            or pg_has_role((select tableowner from pg_tables where schemaname = 'public' and tablename = 'audit_events'), 'MEMBER')
            as can`,
  );
  const { role, can } = rows[0]!;
  if (can)
    throw new SpeError(
      "CONFIG_INVALID",
      `DATABASE_URL's role ${role} can change or remove audit events (it is a superuser, owns the audit table or is a member of its owner's role). Give the orchestrator a role of its own that owns nothing, and run migrations as DATABASE_MIGRATION_URL's role.`,
    );
}

/** The role a connection acts as. */
export async function currentRole(client: pg.Pool): Promise<string> {
  const { rows } = await client.query<{ role: string }>("select current_user as role");
  return rows[0]!.role;
}
