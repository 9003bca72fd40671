import { eq } from "drizzle-orm";
import type { Tx } from "../../audit/append-audit-event";
import { environments, permits } from "../../db/schema";
import type { PermitPayload } from "../../permits/permit";

/** What decides whether anything may still leave through a permit's airlock. */
export interface PermitStanding {
  permitId: string;
  status: "granted" | "revoked";
  validUntil: Date;
  /** The environment's wanted state; null when the permit has no environment row. */
  environmentState: "active" | "suspended" | "torn-down" | null;
}

/**
 * Why nothing more may leave through this permit's airlock, or undefined while it may. Files leave only
 * under a permit in force: once it is revoked, past its `validUntil`, or its environment is being or has
 * been torn down, no vote moves a request on and no released file is served any more: the permit is the
 * only basis for using the data, its outputs included.
 */
export function permitEnded(standing: PermitStanding, now: Date): string | undefined {
  const permit = `Permit ${standing.permitId}`;
  if (standing.status === "revoked") return `${permit} was revoked: nothing more leaves its environment.`;
  if (now >= standing.validUntil)
    return `${permit} ended at ${standing.validUntil.toISOString()}: nothing more leaves its environment.`;
  if (standing.environmentState === "torn-down")
    return `${permit}'s environment is torn down or being torn down: nothing more leaves it.`;
  return undefined;
}

/** The columns of a PermitStanding, for queries that join permits and environments. */
export const standingColumns = {
  permitId: permits.permitId,
  status: permits.status,
  validUntil: permits.validUntil,
  environmentState: environments.desiredState,
};

/**
 * The permit's standing and its payload, read under a share lock on the permit and its environment within
 * `tx`: a revocation, teardown or amendment waits until the transaction that read it commits, so a release
 * decided on a permit in force, for a person it names, cannot cross either unnoticed.
 */
export async function lockPermitStanding(
  tx: Tx,
  permitId: string,
): Promise<(PermitStanding & { payload: PermitPayload }) | undefined> {
  const [row] = await tx
    .select({ ...standingColumns, payload: permits.payload })
    .from(permits)
    .innerJoin(environments, eq(environments.permitId, permits.permitId))
    .where(eq(permits.permitId, permitId))
    .for("share");
  return row;
}
