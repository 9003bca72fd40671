import { loadSigningKey } from "../../keys/signing-key";
import type { ReleaseSigner } from "./release-record";

/**
 * Loads the release-record signing key (a private P-256 JWK) from `file`; with `createIfMissing` (the
 * embedded default) a new key is made there first, readable by this user only.
 */
export function loadReleaseSigner(file: string, options: { createIfMissing: boolean }): Promise<ReleaseSigner> {
  return loadSigningKey(file, { what: "release signing key", setting: "SIGNING_KEY_FILE" }, options);
}
