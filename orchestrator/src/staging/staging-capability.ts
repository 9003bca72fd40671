import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * What one capability lets its bearer fetch: one staged file, by its hash, for one environment, until a
 * time. Bound to the delivery rather than the environment's generation: the generation also moves on
 * suspend, resume and amendments, which must not invalidate a loader Job that is still running.
 */
export interface StagedFileClaim {
  namespace: string;
  deliveryId: string;
  /** The file's path inside its delivery, as the delivery's manifest names it. */
  path: string;
  sha256: string;
}

export type CapabilityRefusal = "STAGING_CAPABILITY_INVALID" | "STAGING_CAPABILITY_EXPIRED";

export interface StagingCapabilities {
  /** A bearer token for exactly this file of this environment, valid until `expiresAt`. */
  sign(claim: StagedFileClaim, expiresAt: Date): string;
  /** Whether `token` was made by `sign` for this very claim and has not expired at `now`. */
  verify(
    token: string,
    claim: StagedFileClaim,
    now: Date,
  ): { ok: true; expiresAt: Date } | { ok: false; code: CapabilityRefusal };
}

const VERSION = "v1";
const TOKEN = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** Fields one per line: none of them can hold a newline (validated at the endpoint), so no two claims share a text. */
const claimText = (c: StagedFileClaim, expiresAtSeconds: number) =>
  ["spe-staging-capability", VERSION, c.namespace, c.deliveryId, c.path, c.sha256, String(expiresAtSeconds)].join("\n");

/**
 * Capabilities for the data loader: HMAC-SHA-256 under the staging key, which stays in this closure (an
 * object of these serialises to `{}`, so it cannot end up in a log line or a Kubernetes object by mistake).
 * A capability sits in the loader Job's spec, readable in the namespace; it grants only bytes that
 * namespace is entitled to anyway, is useless for any other file or namespace, and expires.
 */
export function stagingCapabilities(key: Uint8Array): StagingCapabilities {
  if (key.length < 32) throw new Error(`The staging key has ${key.length} bytes; at least 32 are needed.`);
  const mac = (claim: StagedFileClaim, expiresAtSeconds: number) =>
    createHmac("sha256", key).update(claimText(claim, expiresAtSeconds)).digest();
  return {
    sign(claim, expiresAt) {
      const seconds = Math.floor(expiresAt.getTime() / 1000);
      return `${VERSION}.${seconds}.${mac(claim, seconds).toString("base64url")}`;
    },
    verify(token, claim, now) {
      const match = TOKEN.exec(token);
      if (!match) return { ok: false, code: "STAGING_CAPABILITY_INVALID" };
      const seconds = Number(match[1]);
      const given = Buffer.from(match[2]!, "base64url");
      // The signature first: an expiry is only worth reporting when it is ours.
      if (!timingSafeEqual(given, mac(claim, seconds))) return { ok: false, code: "STAGING_CAPABILITY_INVALID" };
      if (now.getTime() >= seconds * 1000) return { ok: false, code: "STAGING_CAPABILITY_EXPIRED" };
      return { ok: true, expiresAt: new Date(seconds * 1000) };
    },
  };
}
