import type { Db } from "../db/database";
import type { SpeErrorCode } from "../errors";
import { loadEnvironment, type PermitRow } from "../environments/environment-store";

export type AccessDecision =
  | { allowed: true; permit: PermitRow }
  | { allowed: false; status: 401 | 403 | 404 | 423; code: SpeErrorCode; message: string };

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
  if (
    environment.desiredState !== "active" ||
    permit.status === "revoked" ||
    now < permit.validFrom ||
    now >= permit.validUntil
  )
    return {
      allowed: false,
      status: 423,
      code: "WORKSPACE_UNAVAILABLE",
      message: `This environment is ${environment.desiredState !== "active" ? environment.desiredState : permit.status === "revoked" ? "under a revoked permit" : "outside its permit's validity"}; ask the operators.`,
    };
  return { allowed: true, permit };
}
