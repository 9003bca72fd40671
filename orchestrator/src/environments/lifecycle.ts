import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/database";
import { environments } from "../db/schema";
import { SpeError } from "../errors";

export type LifecycleAction = "suspend" | "resume" | "teardown";

/** Which desired states each action may start from, and where it leads. */
const TRANSITIONS: Record<LifecycleAction, { from: Array<"active" | "suspended">; to: "active" | "suspended" | "torn-down" }> = {
  suspend: { from: ["active"], to: "suspended" },
  resume: { from: ["suspended"], to: "active" },
  teardown: { from: ["active", "suspended"], to: "torn-down" },
};

/**
 * Moves an environment's desired state for an operator and opens a new generation for the reconciler.
 * One conditional UPDATE: two operators acting at once cannot both succeed from the same state.
 */
export async function changeDesiredState(db: Db, namespace: string, action: LifecycleAction, now: Date): Promise<{ namespace: string; desiredState: string; generation: number }> {
  const { from, to } = TRANSITIONS[action];
  const [updated] = await db
    .update(environments)
    .set({ desiredState: to, generation: sql`${environments.generation} + 1`, updatedAt: now })
    .where(and(eq(environments.namespace, namespace), inArray(environments.desiredState, from)))
    .returning({ namespace: environments.namespace, desiredState: environments.desiredState, generation: environments.generation });
  if (updated) return updated;
  const [current] = await db.select({ desiredState: environments.desiredState }).from(environments).where(eq(environments.namespace, namespace));
  if (!current) throw new SpeError("ENVIRONMENT_NOT_FOUND", `There is no environment ${namespace}.`);
  throw new SpeError("ENVIRONMENT_STATE_CONFLICT", `Cannot ${action} ${namespace}: it is ${current.desiredState}; ${action} needs ${from.join(" or ")}.`);
}
