import { eq, sql } from "drizzle-orm";
import { appendAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { environments, permitRevisions, permits } from "../db/schema";
import { namespaceFor } from "../environments/namespace-name";
import { SpeError } from "../errors";
import { permitPayloadHash } from "./payload-hash";
import { assertDatasetsCatalogued } from "./permit-datasets";
import { assertToolsOffered } from "./permit-tools";
import type { ServedToolName } from "../tools/tool-registry";
import { verifyPermit, type VerifiedPermit, type VerifyOptions } from "./verify-permit";

export type ImportOutcome = "created" | "unchanged" | "amended" | "revoked";

export interface ImportResult {
  outcome: ImportOutcome;
  permitId: string;
  sequence: number;
  namespace: string;
}

/** Who sent the permit: an operator who uploaded it, or else the issuing HDAB's machine client (from `address`). */
/** How a permit is checked on intake: its signature, and the tools the installation offers (absent: JupyterLab). */
export interface ImportOptions extends VerifyOptions {
  offeredTools?: readonly ServedToolName[];
}

export interface PermitSender {
  operator?: AuditActor;
  address?: string | null;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type HeldPermit = typeof permits.$inferSelect;

/**
 * Verifies a signed permit and records it: a new permit gets its environment row, an identical re-import
 * changes nothing, a higher sequence amends (or revokes) and moves the environment's generation so that
 * the reconciler acts. One transaction: when anything fails, nothing is written.
 */
export async function importPermit(
  db: Db,
  jws: string,
  options: ImportOptions,
  sender: PermitSender = {},
): Promise<ImportResult> {
  // Verification touches no table, so it runs before the transaction and keeps it short.
  const verified = await verifyPermit(jws, options);
  const receivedAt = options.now;
  try {
    return await db.transaction((tx) => recordAudited(tx, verified, receivedAt, sender, options.offeredTools));
  } catch (err) {
    // Two first imports of one permit at once (the HDAB's push and an operator's upload): the loser's
    // insert hits the primary key. Once more, it finds the winner's row and answers like any re-import.
    if (!isUniqueViolation(err)) throw err;
    return db.transaction((tx) => recordAudited(tx, verified, receivedAt, sender, options.offeredTools));
  }
}

/** Records the permit and, when that changed anything, its audit event in the same transaction. */
async function recordAudited(
  tx: Tx,
  verified: VerifiedPermit,
  receivedAt: Date,
  sender: PermitSender,
  offeredTools: ImportOptions["offeredTools"],
): Promise<ImportResult> {
  const result = await record(tx, verified, receivedAt, offeredTools);
  if (result.outcome === "unchanged") return result;
  const { issuer, sequence, status } = verified.payload;
  const actor = sender.operator ?? { subject: issuer, role: "hdab" as const, address: sender.address ?? null };
  await appendAuditEvent(
    tx,
    {
      actor,
      action: "permit.imported",
      target: `permit:${result.permitId}`,
      details: { outcome: result.outcome, issuer, sequence, status, namespace: result.namespace },
    },
    receivedAt,
  );
  return result;
}

async function record(
  tx: Tx,
  verified: VerifiedPermit,
  receivedAt: Date,
  offeredTools: ImportOptions["offeredTools"],
): Promise<ImportResult> {
  const { payload } = verified;
  const hash = permitPayloadHash(payload);
  // FOR UPDATE: concurrent amendments of one permit take turns, each comparing with the latest sequence.
  const [held] = await tx.select().from(permits).where(eq(permits.permitId, payload.permitId)).for("update");
  if (!held) return create(tx, verified, hash, receivedAt, offeredTools);

  const result = (outcome: ImportOutcome): ImportResult => ({
    outcome,
    permitId: payload.permitId,
    sequence: payload.sequence,
    namespace: namespaceFor(payload.permitId),
  });
  if (importChange(held, payload, hash) === "unchanged") return result("unchanged");
  await amend(tx, verified, held, hash, receivedAt);
  return result(payload.status === "revoked" ? "revoked" : "amended");
}

/**
 * What a verified permit does to the one held under its id, if any: creates it, changes nothing (the same
 * version again) or amends it; or the refusal an import answers (another issuer, an older or a conflicting
 * version). Shared by the import and its preview, so that a preview says what the import will do.
 */
export function importChange(
  held: Pick<HeldPermit, "issuer" | "sequence" | "payloadHash"> | undefined,
  payload: VerifiedPermit["payload"],
  hash: string,
): "create" | "unchanged" | "amend" {
  if (!held) return "create";
  if (held.issuer !== payload.issuer)
    throw new SpeError(
      "PERMIT_ISSUER_MISMATCH",
      `Permit ${payload.permitId} was issued by "${held.issuer}", not by "${payload.issuer}". Only its own issuer can amend or revoke it.`,
    );
  if (payload.sequence < held.sequence)
    throw new SpeError(
      "PERMIT_STALE",
      `Permit ${payload.permitId} sequence ${payload.sequence} is older than the sequence ${held.sequence} we hold; it was not applied. Send sequence ${held.sequence + 1} or later to amend.`,
    );
  if (payload.sequence === held.sequence) {
    if (held.payloadHash === hash) return "unchanged";
    throw new SpeError(
      "PERMIT_CONFLICT",
      `Permit ${payload.permitId} sequence ${payload.sequence} differs from the sequence ${held.sequence} we already hold. An amendment needs a higher sequence; ask the issuer to send one.`,
    );
  }
  return "amend";
}

async function create(
  tx: Tx,
  { payload, jws }: VerifiedPermit,
  hash: string,
  receivedAt: Date,
  offeredTools: ImportOptions["offeredTools"],
): Promise<ImportResult> {
  const namespace = namespaceFor(payload.permitId);
  // A revocation may be the first we hear of a permit: it is recorded whatever it names.
  if (payload.status !== "revoked") {
    assertDatasetsCatalogued(payload);
    assertToolsOffered(payload, offeredTools);
  }
  await tx.insert(permits).values(permitRow(payload, hash, receivedAt));
  await tx
    .insert(permitRevisions)
    .values({ permitId: payload.permitId, sequence: payload.sequence, jws, payloadHash: hash, receivedAt });
  // A revocation may be the first we hear of a permit; the row still records that nothing may run.
  const revoked = payload.status === "revoked";
  await tx.insert(environments).values({
    permitId: payload.permitId,
    namespace,
    desiredState: revoked ? "torn-down" : "active",
    generation: 1,
    conditions: [],
    createdAt: receivedAt,
    updatedAt: receivedAt,
  });
  return {
    outcome: revoked ? "revoked" : "created",
    permitId: payload.permitId,
    sequence: payload.sequence,
    namespace,
  };
}

async function amend(
  tx: Tx,
  { payload, jws }: VerifiedPermit,
  held: HeldPermit,
  hash: string,
  receivedAt: Date,
): Promise<void> {
  const [environment] = await tx
    .select()
    .from(environments)
    .where(eq(environments.permitId, payload.permitId))
    .for("update");
  const revoked = payload.status === "revoked";
  if (!revoked && (held.status === "revoked" || environment?.desiredState === "torn-down"))
    throw new SpeError(
      "PERMIT_TORN_DOWN",
      `Permit ${payload.permitId} was ${held.status === "revoked" ? "revoked" : "ended"} and its environment torn down; an amendment cannot bring it back. The issuer must grant a new permit with a new permitId.`,
    );
  await tx
    .update(permits)
    .set(permitRow(payload, hash, receivedAt))
    .where(eq(permits.permitId, payload.permitId));
  await tx
    .insert(permitRevisions)
    .values({ permitId: payload.permitId, sequence: payload.sequence, jws, payloadHash: hash, receivedAt });
  // A suspended environment stays suspended through an amendment: suspending is the operators' decision.
  await tx
    .update(environments)
    .set({
      generation: sql`${environments.generation} + 1`,
      updatedAt: receivedAt,
      ...(revoked ? { desiredState: "torn-down" as const } : {}),
    })
    .where(eq(environments.permitId, payload.permitId));
}

function permitRow(payload: VerifiedPermit["payload"], hash: string, receivedAt: Date) {
  return {
    permitId: payload.permitId,
    issuer: payload.issuer,
    sequence: payload.sequence,
    status: payload.status,
    payload,
    payloadHash: hash,
    validFrom: new Date(payload.validFrom),
    validUntil: new Date(payload.validUntil),
    receivedAt,
  };
}

/** A PostgreSQL unique violation (23505), as node-postgres or PGlite report it, possibly wrapped by drizzle. */
function isUniqueViolation(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if ((e as { code?: unknown }).code === "23505") return true;
  return false;
}
