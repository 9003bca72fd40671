import { and, eq, inArray, sql } from "drizzle-orm";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { environments } from "../db/schema";
import { SpeError } from "../errors";

export type LifecycleAction = "suspend" | "resume" | "teardown";

/** Which desired states each action may start from, and where it leads. */
const TRANSITIONS: Record<
  LifecycleAction,
  { from: Array<"active" | "suspended">; to: "active" | "suspended" | "torn-down" }
> = {
  suspend: { from: ["active"], to: "suspended" },
  resume: { from: ["suspended"], to: "active" },
  teardown: { from: ["active", "suspended"], to: "torn-down" },
};

/** The audit action of each lifecycle action; teardown is requested here and done by the reconciler. */
const AUDIT_ACTIONS: Record<LifecycleAction, string> = {
  suspend: "environment.suspended",
  resume: "environment.resumed",
  teardown: "environment.teardown-requested",
};

/**
 * Moves an environment's desired state for an operator and opens a new generation for the reconciler.
 * One conditional UPDATE: two operators acting at once cannot both succeed from the same state. The
 * audit event is written in the same transaction, so a change is never without its event.
 */
export async function changeDesiredState(
  db: Db,
  namespace: string,
  action: LifecycleAction,
  now: Date,
  actor: AuditActor,
): Promise<{ namespace: string; desiredState: string; generation: number }> {
  const { from, to } = TRANSITIONS[action];
  const updated = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(environments)
      .set({ desiredState: to, generation: sql`${environments.generation} + 1`, updatedAt: now })
      .where(and(eq(environments.namespace, namespace), inArray(environments.desiredState, from)))
      .returning({
        namespace: environments.namespace,
        desiredState: environments.desiredState,
        generation: environments.generation,
      });
    if (row)
      await appendAuditEvent(
        tx,
        {
          actor,
          action: AUDIT_ACTIONS[action],
          target: `environment:${namespace}`,
          details: { desiredState: row.desiredState, generation: row.generation },
        },
        now,
      );
    return row;
  });
  if (updated) return updated;
  const [current] = await db
    .select({ desiredState: environments.desiredState })
    .from(environments)
    .where(eq(environments.namespace, namespace));
  if (!current) throw new SpeError("ENVIRONMENT_NOT_FOUND", `There is no environment ${namespace}.`);
  throw new SpeError(
    "ENVIRONMENT_STATE_CONFLICT",
    `Cannot ${action} ${namespace}: it is ${current.desiredState}; ${action} needs ${from.join(" or ")}.`,
  );
}
