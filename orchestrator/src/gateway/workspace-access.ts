import type { Db } from "../db/database";
import type { SpeErrorCode } from "../errors";
import { isStuckReason } from "../environments/condition-sentences";
import { loadEnvironment, type PermitRow } from "../environments/environment-store";

export type AccessDecision =
  | {
      allowed: true;
      permit: PermitRow;
      /** The reason the environment is stuck (environments/workload-health.ts), when it is. */
      stuck?: string;
    }
  | { allowed: false; status: 401 | 403 | 404 | 410 | 423; code: SpeErrorCode; message: string };

/**
 * Who may open an environment's workspace: a signed-in person named in its permit, while the environment
 * is active and the permit valid. Everyone else is refused with a reason they can act on.
 */
export async function decideWorkspaceAccess(
  db: Db,
  namespace: string,
  subject: string | undefined,
  now: Date,
): Promise<AccessDecision> {
  if (!subject) return { allowed: false, status: 401, code: "AUTH_UNAUTHENTICATED", message: "Sign in first." };
  const found = await loadEnvironment(db, namespace);
  const named = found?.permit.payload.authorisedPersons.some((p) => p.subject === subject);
  // Not named and not existing look the same from outside: no hint which environments exist.
  if (!found || !named)
    return { allowed: false, status: 404, code: "WORKSPACE_NOT_FOUND", message: "There is no workspace here for you." };
  const { environment, permit } = found;
  // A revoked permit tears its environment down; until that is recorded, the permit's own status already counts.
  // Ended, paused and not yet begun are different news for the person: each has its own code and words.
  if (environment.desiredState === "torn-down" || permit.status === "revoked" || now >= permit.validUntil)
    return {
      allowed: false,
      status: 410,
      code: "WORKSPACE_ENDED",
      message: `This environment has ended: ${permit.status === "revoked" ? "its permit was revoked" : now >= permit.validUntil ? "its permit has expired" : "it was torn down"}.`,
    };
  if (environment.desiredState === "suspended")
    return {
      allowed: false,
      status: 423,
      code: "WORKSPACE_SUSPENDED",
      message: "This environment is suspended; ask the operators to resume it.",
    };
  if (now < permit.validFrom)
    return {
      allowed: false,
      status: 423,
      code: "WORKSPACE_NOT_YET_VALID",
      message: `This environment's permit is valid from ${permit.validFrom.toISOString()}.`,
    };
  const ready = environment.conditions.find((c) => c.type === "Ready");
  if (ready && ready.status !== "True" && isStuckReason(ready.reason))
    return { allowed: true, permit, stuck: ready.reason };
  return { allowed: true, permit };
}
