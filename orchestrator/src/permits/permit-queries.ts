import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/database";
import { environments, permitRevisions, permits, type Condition } from "../db/schema";
import { SpeError } from "../errors";
import type { PermitPayload } from "./permit";

export interface PermitSummary {
  permitId: string;
  issuer: string;
  sequence: number;
  status: "granted" | "revoked";
  validFrom: string;
  validUntil: string;
  receivedAt: string;
  principalInvestigator: PermitPayload["principalInvestigator"];
  environment: {
    namespace: string;
    desiredState: "active" | "suspended" | "torn-down";
    generation: number;
    observedGeneration: number;
    conditions: Condition[];
  } | null;
}

export interface PermitDetail extends PermitSummary {
  payload: PermitPayload;
  /** Every signed version received, oldest first. */
  revisions: Array<{ sequence: number; payloadHash: string; receivedAt: string }>;
}

const summaryColumns = { permit: permits, environment: environments };

function toSummary({
  permit,
  environment,
}: {
  permit: typeof permits.$inferSelect;
  environment: typeof environments.$inferSelect | null;
}): PermitSummary {
  return {
    permitId: permit.permitId,
    issuer: permit.issuer,
    sequence: permit.sequence,
    status: permit.status,
    validFrom: permit.validFrom.toISOString(),
    validUntil: permit.validUntil.toISOString(),
    receivedAt: permit.receivedAt.toISOString(),
    principalInvestigator: permit.payload.principalInvestigator,
    environment: environment && {
      namespace: environment.namespace,
      desiredState: environment.desiredState,
      generation: environment.generation,
      observedGeneration: environment.observedGeneration,
      conditions: environment.conditions,
    },
  };
}

/** Every permit held, with its environment's state, by permit id. */
export async function listPermits(db: Db): Promise<PermitSummary[]> {
  const rows = await db
    .select(summaryColumns)
    .from(permits)
    .leftJoin(environments, eq(environments.permitId, permits.permitId))
    .orderBy(asc(permits.permitId));
  return rows.map(toSummary);
}

/** One permit with its payload and the history of its signed versions; PERMIT_NOT_FOUND if we hold none. */
export async function getPermit(db: Db, permitId: string): Promise<PermitDetail> {
  const [row] = await db
    .select(summaryColumns)
    .from(permits)
    .leftJoin(environments, eq(environments.permitId, permits.permitId))
    .where(eq(permits.permitId, permitId));
  if (!row)
    throw new SpeError(
      "PERMIT_NOT_FOUND",
      `No permit ${permitId} has been imported. Check the id, or import the permit first.`,
    );
  const revisions = await db
    .select({
      sequence: permitRevisions.sequence,
      payloadHash: permitRevisions.payloadHash,
      receivedAt: permitRevisions.receivedAt,
    })
    .from(permitRevisions)
    .where(eq(permitRevisions.permitId, permitId))
    .orderBy(asc(permitRevisions.sequence));
  return {
    ...toSummary(row),
    payload: row.permit.payload,
    revisions: revisions.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() })),
  };
}
