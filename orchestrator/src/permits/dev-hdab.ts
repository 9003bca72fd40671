import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { JWK } from "jose";
import type { PublicSigningJwk } from "./trusted-issuers";

/**
 * The development Health Data Access Body: an issuer whose private key is committed to the repository so
 * that `npm start` and the tests have a signed permit. DEVELOPMENT ONLY — anyone can sign with this key,
 * so it is trusted only outside production and refused in production even from a trusted-issuers file.
 */
export const DEV_HDAB_ISSUER = "https://hdab.dev.invalid";

export const devHdabKeyFile = fileURLToPath(
  new URL("../../dev/DEVELOPMENT-ONLY-hdab-signing-key.jwk", import.meta.url),
);

let cached: JWK | undefined;

/** The development HDAB's private signing key (Ed25519, with its kid). */
export function devHdabPrivateKey(): JWK {
  cached ??= JSON.parse(readFileSync(devHdabKeyFile, "utf8")) as JWK;
  return cached;
}

/** The development HDAB's public key, as a trusted-issuers entry carries it. */
export function devHdabPublicKey(): PublicSigningJwk {
  const { kid, kty, crv, x } = devHdabPrivateKey();
  if (kty !== "OKP" || crv !== "Ed25519" || !kid || !x)
    throw new Error(`${devHdabKeyFile} is not an Ed25519 key with a kid`);
  return { kid, kty: "OKP", crv: "Ed25519", x, alg: "EdDSA", use: "sig" };
}

/** True when a key is the development HDAB's, whatever kid or issuer it is listed under. */
export function isDevHdabKey(jwk: PublicSigningJwk): boolean {
  return jwk.kty === "OKP" && jwk.x === devHdabPrivateKey().x;
}
