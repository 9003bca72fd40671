import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { PermitPayload } from "./permit";

/**
 * SHA-256 (hex) of the payload in RFC 8785 canonical JSON: the same permit hashes alike however the
 * issuer ordered or spaced its JSON, and however the database hands jsonb back.
 */
export function permitPayloadHash(payload: PermitPayload): string {
  return createHash("sha256").update(canonicalize(payload)!).digest("hex");
}
