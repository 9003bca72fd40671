import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../src/db/database";
import { deliveries, environments, permits } from "../src/db/schema";
import type { EnvironmentConfig } from "../src/environments/environment-config";
import { namespaceFor } from "../src/environments/namespace-name";
import { workspacePersons } from "../src/environments/workspace-persons";
import { askToStart } from "../src/environments/workspace-wishes";
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
  await db.insert(environments).values({
    permitId: payload.permitId,
    namespace,
    desiredState: "active",
    generation: 1,
    createdAt: now,
    updatedAt: now,
  });
  return namespace;
}

/** An amendment or revocation as intake records it: the new payload, and a new generation to reconcile. */
export async function amendEnvironment(
  db: Db,
  payload: PermitPayload,
  desiredState?: "active" | "suspended" | "torn-down",
): Promise<void> {
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

/**
 * Records a staged delivery of one of the permit's datasets as the delivery pipeline would, with a new
 * generation for the reconciler: for tests of what staging changes in the cluster.
 */
export async function stageDelivery(
  db: Db,
  payload: PermitPayload,
  dataset = payload.datasets[0]!,
  now = new Date(),
): Promise<string> {
  const id = crypto.randomUUID();
  const files = [
    { path: `${dataset.id}.parquet`, rows: 10, bytes: 100, sha256: createHash("sha256").update(id).digest("hex") },
  ];
  await db.insert(deliveries).values({
    id,
    permitId: payload.permitId,
    namespace: namespaceFor(payload.permitId),
    datasetId: dataset.id,
    datasetVersion: dataset.version,
    deliveredBy: "region-test",
    state: "staged",
    rows: 10,
    manifest: { files },
    manifestSha256: createHash("sha256").update(JSON.stringify(files)).digest("hex"),
    createdAt: now,
    finishedAt: now,
  });
  await db
    .update(environments)
    .set({ generation: sql`${environments.generation} + 1` })
    .where(eq(environments.permitId, payload.permitId));
  return id;
}

/** Each person of the permit opens their workspace, as the gateway records it: until then it has no pod. */
export async function openWorkspaces(
  db: Db,
  namespace: string,
  payload: PermitPayload,
  config: Pick<EnvironmentConfig, "workspaceHosts" | "workspaceIdentities">,
): Promise<void> {
  for (const [i, person] of workspacePersons(namespace, payload, config).entries()) {
    const { subject } = payload.authorisedPersons[i]!;
    await askToStart(db, { namespace, personId: person.id, subject }, { subject, role: "researcher" }, new Date());
  }
}
