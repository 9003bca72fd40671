import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { deliveries, environments, permits } from "../db/schema";
import { findDataset, type DatasetDescriptor } from "../datasets";
import { SpeError } from "../errors";

export const startDeliveryInput = z.strictObject({
  permitId: z.string().min(1).max(128),
  dataset: z.strictObject({ id: z.string().min(1).max(63), version: z.string().min(1).max(63) }),
});
export type StartDelivery = z.infer<typeof startDeliveryInput>;

/**
 * Opens a delivery of one dataset for one permit: the permit must be granted, not ended, and name the
 * dataset, its environment must not be torn down, the dataset must be in the catalogue, and the data holder
 * must be one the catalogue lets deliver it. Nothing is received yet.
 */
export async function startDelivery(
  db: Db,
  input: StartDelivery,
  actor: AuditActor,
  catalogue: readonly DatasetDescriptor[],
  now = new Date(),
): Promise<{ id: string; namespace: string }> {
  const [row] = await db
    .select({ permit: permits, environment: environments })
    .from(permits)
    .innerJoin(environments, eq(environments.permitId, permits.permitId))
    .where(eq(permits.permitId, input.permitId));
  if (
    !row ||
    row.permit.status !== "granted" ||
    now >= row.permit.validUntil ||
    row.environment.desiredState === "torn-down"
  )
    throw new SpeError(
      "PERMIT_NOT_FOUND",
      `There is no granted permit ${input.permitId} with an environment to deliver to.`,
    );
  const { id, version } = input.dataset;
  if (!row.permit.payload.datasets.some((d) => d.id === id && d.version === version))
    throw new SpeError(
      "DATASET_NOT_IN_PERMIT",
      `Permit ${input.permitId} does not grant ${id} version ${version}; deliver only what the permit names.`,
    );
  const descriptor = findDataset(id, version, catalogue);
  if (actor.role === "data-holder" && !(descriptor.deliveredBy ?? []).includes(actor.subject))
    throw new SpeError(
      "AUTH_FORBIDDEN",
      `${actor.subject} is not a holder of ${id} version ${version} in the catalogue.`,
    );
  const delivery = {
    id: randomUUID(),
    permitId: input.permitId,
    namespace: row.environment.namespace,
    datasetId: id,
    datasetVersion: version,
    deliveredBy: actor.subject,
    state: "receiving" as const,
    createdAt: now,
  };
  await db.transaction(async (tx) => {
    await tx.insert(deliveries).values(delivery);
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "delivery.started",
        target: `delivery:${delivery.id}`,
        details: { permitId: input.permitId, dataset: input.dataset },
      },
      now,
    );
  });
  return { id: delivery.id, namespace: delivery.namespace };
}
