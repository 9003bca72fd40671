import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";
import { SpeError } from "../../errors";
import type { ReleaseSigner } from "./release-record";

/**
 * Loads the release-record signing key (a private P-256 JWK) from `file`; with `createIfMissing` (the
 * embedded default) a new key is made there first, readable by this user only.
 */
export async function loadReleaseSigner(
  file: string,
  { createIfMissing }: { createIfMissing: boolean },
): Promise<ReleaseSigner> {
  if (!existsSync(file)) {
    if (!createIfMissing)
      throw new SpeError(
        "CONFIG_INVALID",
        `The release signing key ${file} does not exist. Set RELEASE_SIGNING_KEY_FILE to a private P-256 JWK.`,
      );
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
  }
  let jwk: JWK;
  try {
    jwk = JSON.parse(readFileSync(file, "utf8")) as JWK;
  } catch (err) {
    throw new SpeError("CONFIG_INVALID", `The release signing key ${file} is not a JWK: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d)
    throw new SpeError("CONFIG_INVALID", `The release signing key ${file} must be a private P-256 (EC) JWK.`);
  const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    publicJwk: { ...publicJwk, kid, alg: "ES256", use: "sig" },
    privateKey: (await importJWK(jwk, "ES256")) as CryptoKey,
  };
}
