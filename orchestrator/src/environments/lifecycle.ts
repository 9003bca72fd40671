import { and, inArray, sql } from "drizzle-orm";
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
 * Moves environments' desired state for an operator and opens a new generation of each for the reconciler,
 * all or none: one conditional UPDATE, so that two operators acting at once cannot both succeed from the same
 * state, and when any of them cannot take the action (gone, or already elsewhere) nothing changes and the
 * error names each. Every change has its audit event, with the operator's reason, in the same transaction.
 */
export async function changeDesiredStates(
  db: Db,
  namespaces: readonly string[],
  action: LifecycleAction,
  now: Date,
  actor: AuditActor,
  reason?: string,
): Promise<Array<{ namespace: string; desiredState: string; generation: number }>> {
  const { from, to } = TRANSITIONS[action];
  const wanted = [...new Set(namespaces)];
  return db.transaction(async (tx) => {
    const changed = await tx
      .update(environments)
      .set({ desiredState: to, generation: sql`${environments.generation} + 1`, updatedAt: now })
      .where(and(inArray(environments.namespace, wanted), inArray(environments.desiredState, from)))
      .returning({
        namespace: environments.namespace,
        desiredState: environments.desiredState,
        generation: environments.generation,
      });
    if (changed.length < wanted.length) {
      // Thrown inside the transaction: the changes above are rolled back with it.
      const current = await tx
        .select({ namespace: environments.namespace, desiredState: environments.desiredState })
        .from(environments)
        .where(inArray(environments.namespace, wanted));
      const missing = wanted.filter((n) => !current.some((c) => c.namespace === n));
      if (missing.length) throw new SpeError("ENVIRONMENT_NOT_FOUND", `There is no environment ${missing.join(", ")}.`);
      const refused = current.filter((c) => !changed.some((u) => u.namespace === c.namespace));
      throw new SpeError(
        "ENVIRONMENT_STATE_CONFLICT",
        `Cannot ${action} ${refused.map((r) => `${r.namespace}: it is ${r.desiredState}`).join("; ")}; ${action} needs ${from.join(" or ")}.`,
      );
    }
    for (const row of changed.sort((a, b) => a.namespace.localeCompare(b.namespace)))
      await appendAuditEvent(
        tx,
        {
          actor,
          action: AUDIT_ACTIONS[action],
          target: `environment:${row.namespace}`,
          details: {
            desiredState: row.desiredState,
            generation: row.generation,
            ...(reason === undefined ? {} : { reason }),
            ...(wanted.length > 1 ? { together: wanted.length } : {}),
          },
        },
        now,
      );
    return changed;
  });
}

/** One environment's change of desired state (changeDesiredStates). */
export async function changeDesiredState(
  db: Db,
  namespace: string,
  action: LifecycleAction,
  now: Date,
  actor: AuditActor,
  reason?: string,
): Promise<{ namespace: string; desiredState: string; generation: number }> {
  const [changed] = await changeDesiredStates(db, [namespace], action, now, actor, reason);
  return changed!;
}
