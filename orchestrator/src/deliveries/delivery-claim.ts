import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Tx } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { deliveries, environments, permits } from "../db/schema";
import { SpeError } from "../errors";

type DeliveryRow = typeof deliveries.$inferSelect;

/**
 * Claims an open delivery for one upload. The claim is one conditional UPDATE: `bytes` goes from null (nothing
 * received) to 0 (an upload is under way) only while the delivery is still receiving, so of two uploads of one
 * delivery exactly one gets it, on any number of replicas; the other is refused before it reads its body, and
 * before it could touch the files the first one stages.
 */
export async function claimDelivery(db: Db, id: string, actor: AuditActor): Promise<DeliveryRow> {
  const [claimed] = await db
    .update(deliveries)
    .set({ bytes: 0 })
    .where(
      and(
        eq(deliveries.id, id),
        eq(deliveries.deliveredBy, actor.subject),
        eq(deliveries.state, "receiving"),
        isNull(deliveries.bytes),
      ),
    )
    .returning();
  if (claimed) return claimed;
  const [delivery] = await db.select().from(deliveries).where(eq(deliveries.id, id));
  if (!delivery || delivery.deliveredBy !== actor.subject)
    throw new SpeError("DELIVERY_NOT_FOUND", `There is no delivery ${id} of yours.`);
  if (delivery.state === "receiving")
    throw new SpeError(
      "DELIVERY_STATE_CONFLICT",
      `Delivery ${id} is being received by another upload already; wait for its outcome (GET the delivery), or start a new delivery to send another extract.`,
    );
  throw new SpeError(
    "DELIVERY_STATE_CONFLICT",
    `Delivery ${id} is ${delivery.state} already; start a new delivery to send another extract.`,
  );
}

type EnvironmentOf = Pick<DeliveryRow, "id" | "permitId" | "namespace">;

/**
 * Refuses (PERMIT_TORN_DOWN) a delivery whose environment takes no more data: its permit revoked or ended, or
 * the environment being torn down or torn down. Teardown deletes the staged data once, when it completes, so
 * anything staged after that would stay behind a deletion certificate that says it is gone.
 */
export async function refuseUnlessEnvironmentTakesData(db: Db | Tx, delivery: EnvironmentOf, now: Date): Promise<void> {
  const [row] = await db
    .select({ status: permits.status, validUntil: permits.validUntil, desiredState: environments.desiredState })
    .from(permits)
    .innerJoin(environments, eq(environments.permitId, permits.permitId))
    .where(and(eq(permits.permitId, delivery.permitId), eq(environments.namespace, delivery.namespace)));
  const why = refusalReason(row, now);
  if (why) throw tornDown(delivery, why);
}

/**
 * In the transaction that records a delivery as staged: refuses it unless its environment still takes data,
 * and otherwise gives the environment a new generation (new data is a change of what it should hold). The
 * permit is read FOR SHARE and the environment changed only where it is not torn down, in the order a
 * revocation locks them (permit, then environment), so a revocation or teardown either commits first and
 * this refuses, or waits for this commit and then finds (and certifies the deletion of) the staged delivery.
 */
export async function stageIntoEnvironment(tx: Tx, delivery: EnvironmentOf, now: Date): Promise<void> {
  const [permit] = await tx
    .select({ status: permits.status, validUntil: permits.validUntil })
    .from(permits)
    .where(eq(permits.permitId, delivery.permitId))
    .for("share");
  const early = refusalReason(permit && { ...permit, desiredState: "active" }, now);
  if (early) throw tornDown(delivery, early);
  const [changed] = await tx
    .update(environments)
    .set({ generation: sql`${environments.generation} + 1`, updatedAt: now })
    .where(
      and(
        eq(environments.namespace, delivery.namespace),
        eq(environments.permitId, delivery.permitId),
        ne(environments.desiredState, "torn-down"),
      ),
    )
    .returning({ namespace: environments.namespace });
  if (!changed) throw tornDown(delivery, "its environment is being torn down");
}

function refusalReason(
  row: { status: string; validUntil: Date; desiredState: string } | undefined,
  now: Date,
): string | undefined {
  if (!row) return "its environment is gone";
  if (row.status === "revoked") return "its permit was revoked";
  if (now >= row.validUntil) return "its permit has ended";
  if (row.desiredState === "torn-down") return "its environment is being torn down";
  return undefined;
}

const tornDown = (delivery: EnvironmentOf, why: string) =>
  new SpeError(
    "PERMIT_TORN_DOWN",
    `Delivery ${delivery.id} cannot be staged: ${why}, and a torn-down environment takes no more data. Nothing of this extract was kept. Deliver again only for a new permit.`,
  );
