import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../src/db/database";
import { environments, permits } from "../src/db/schema";
import { namespaceFor } from "../src/environments/namespace-name";
import type { PermitPayload } from "../src/permits/permit";

/** Writes a permit and its environment as intake would, without the signature: for reconciler tests. */
export async function insertEnvironment(db: Db, payload: PermitPayload, now = new Date()): Promise<string> {
  const namespace = namespaceFor(payload.permitId);
  const row = {
    permitId: payload.permitId,
    issuer: payload.issuer,
    sequence: payload.sequence,
    status: payload.status,
    payload,
    payloadHash: createHash("sha256").update(JSON.stringify(payload)).digest("hex"),
    validFrom: new Date(payload.validFrom),
    validUntil: new Date(payload.validUntil),
    receivedAt: now,
  };
  await db.insert(permits).values(row);
  await db.insert(environments).values({ permitId: payload.permitId, namespace, desiredState: "active", generation: 1, createdAt: now, updatedAt: now });
  return namespace;
}

/** An amendment or revocation as intake records it: the new payload, and a new generation to reconcile. */
export async function amendEnvironment(db: Db, payload: PermitPayload, desiredState?: "active" | "suspended" | "torn-down"): Promise<void> {
  await db
    .update(permits)
    .set({ payload, sequence: payload.sequence, status: payload.status, validUntil: new Date(payload.validUntil) })
    .where(eq(permits.permitId, payload.permitId));
  await db
    .update(environments)
    .set({ generation: sql`${environments.generation} + 1`, ...(desiredState ? { desiredState } : {}) })
    .where(eq(environments.permitId, payload.permitId));
}

export async function environmentRow(db: Db, namespace: string) {
  const [row] = await db.select().from(environments).where(eq(environments.namespace, namespace));
  return row!;
}
