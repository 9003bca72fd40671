import { and, eq, ne, sql } from "drizzle-orm";
import { appendAuditEvent } from "../audit/append-audit-event";
import { SYSTEM_ACTOR } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { environments, permits, type Condition } from "../db/schema";
import { conditionNotifications } from "../notifications/condition-notifications";
import { recordNotification } from "../notifications/record-notification";

export type EnvironmentRow = typeof environments.$inferSelect;
export type PermitRow = typeof permits.$inferSelect;

/** An environment with its permit, by namespace. */
export async function loadEnvironment(
  db: Db,
  namespace: string,
): Promise<{ environment: EnvironmentRow; permit: PermitRow } | undefined> {
  const [row] = await db
    .select({ environment: environments, permit: permits })
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(eq(environments.namespace, namespace))
    .limit(1);
  return row;
}

/**
 * Records what the reconciler saw, for the generation it worked from; a change worth telling (Ready, or with
 * problems) writes its notification in the same transaction.
 */
export async function saveStatus(
  db: Db,
  namespace: string,
  conditions: Condition[],
  observedGeneration: number,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ permitId: environments.permitId, conditions: environments.conditions })
      .from(environments)
      .where(eq(environments.namespace, namespace))
      .for("update");
    await tx
      .update(environments)
      .set({ conditions, observedGeneration, updatedAt: now })
      .where(eq(environments.namespace, namespace));
    if (before)
      for (const kind of conditionNotifications(before.conditions, conditions))
        await recordNotification(tx, kind, { permitId: before.permitId, namespace }, now);
  });
}

/** Marks an environment for teardown (expiry found by the reconciler): a new generation to work towards. */
export async function requestTeardown(
  db: Db,
  namespace: string,
  reason: "expired" | "revoked",
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    const changed = await tx
      .update(environments)
      .set({ desiredState: "torn-down", generation: sql`${environments.generation} + 1`, updatedAt: now })
      .where(and(eq(environments.namespace, namespace), ne(environments.desiredState, "torn-down")))
      .returning({ namespace: environments.namespace });
    if (changed.length)
      await appendAuditEvent(
        tx,
        {
          actor: SYSTEM_ACTOR,
          action: "environment.teardown-requested",
          target: `environment:${namespace}`,
          details: { reason },
        },
        now,
      );
  });
}

/**
 * Records the teardown: when it was asked for, and once the namespace is gone the deletion certificate,
 * which also goes into the audit log in the same transaction.
 */
export async function saveTeardown(
  db: Db,
  namespace: string,
  teardown: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(environments).set({ teardown, updatedAt: now }).where(eq(environments.namespace, namespace));
    if (teardown.completedAt)
      await appendAuditEvent(
        tx,
        {
          actor: SYSTEM_ACTOR,
          action: "environment.torn-down",
          target: `environment:${namespace}`,
          details: { certificate: teardown },
        },
        now,
      );
  });
}

/** Namespaces whose wanted state moved past what the reconciler last worked from: work for the leader. */
export async function namespacesBehind(db: Db): Promise<string[]> {
  const rows = await db
    .select({ namespace: environments.namespace })
    .from(environments)
    .where(ne(environments.generation, environments.observedGeneration));
  return rows.map((r) => r.namespace);
}

export async function allNamespaces(db: Db): Promise<string[]> {
  return (await db.select({ namespace: environments.namespace }).from(environments)).map((r) => r.namespace);
}
