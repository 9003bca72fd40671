import { timingSafeEqual } from "node:crypto";
import type { Db } from "../db/database";
import { loadEnvironment } from "../environments/environment-store";
import type { WorkspaceIdentities } from "../gateway/workspace-identities";
import type { SOFTWARE_CHOICES } from "../permits/permit";

type SoftwareChoice = (typeof SOFTWARE_CHOICES)[number];

/** Whose pip is asking: an environment that is active and one person its permit names. */
export interface MirrorClient {
  namespace: string;
  permitId: string;
  subject: string;
}

export interface MirrorClients {
  /** The client an `Authorization` header proves, or undefined (absent, malformed, forged, or no longer entitled). */
  identify(authorization: string | undefined): Promise<MirrorClient | undefined>;
}

/**
 * The user name and password a person's workspace puts into pip's index URL: `<namespace>.<workspace id>` and a
 * keyed hash of both (WorkspaceIdentities.mirrorTokenOf). Nothing is stored: the mirror recomputes it, and
 * finds the person among the permit's by their opaque id, so no subject travels in the URL.
 */
export function mirrorCredential(identities: WorkspaceIdentities, namespace: string, personId: string) {
  return { username: `${namespace}.${personId}`, password: identities.mirrorTokenOf(namespace, personId) };
}

function basicCredential(authorization: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]{1,512})$/.exec(authorization ?? "");
  if (!match) return undefined;
  const text = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = text.indexOf(":");
  return colon < 0 ? undefined : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Identifies callers by their workspace's credential, against the environments in the database. `defaultSoftware`
 * is the installation's answer for a permit that does not say whether it allows installs.
 */
export function databaseMirrorClients(
  db: Db,
  identities: WorkspaceIdentities,
  defaultSoftware: SoftwareChoice = "none",
): MirrorClients {
  return {
    async identify(authorization) {
      const credential = basicCredential(authorization);
      const match = credential && /^(spe-[a-z0-9-]{1,58})\.([0-9a-f]{20})$/.exec(credential.username);
      if (!credential || !match) return undefined;
      const [, namespace, personId] = match as unknown as [string, string, string];
      if (!sameText(credential.password, identities.mirrorTokenOf(namespace, personId))) return undefined;
      // The key proves the pair was issued; the database says whether it still counts: a suspended or ended
      // environment, or a person an amendment removed, installs nothing.
      const found = await loadEnvironment(db, namespace);
      if (!found || found.environment.desiredState !== "active") return undefined;
      const now = new Date();
      const { status, validFrom, validUntil } = found.permit;
      if (status === "revoked" || now < validFrom || now >= validUntil) return undefined;
      const permit = found.permit.payload;
      // Its NetworkPolicy opens to the mirror only then; a credential from before an amendment closed it counts no more.
      if ((permit.environment.software ?? defaultSoftware) !== "allowlisted") return undefined;
      const person = permit.authorisedPersons.find((p) => identities.personIdOf(namespace, p.subject) === personId);
      return person && { namespace, permitId: found.permit.permitId, subject: person.subject };
    },
  };
}
