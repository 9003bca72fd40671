import { CompactSign, importJWK, type JWK } from "jose";
import { SpeError } from "../errors";
import type { PermitAlgorithm } from "./trusted-issuers";

/** The algorithm a private JWK signs with: its own `alg`, else what its curve implies. */
function algorithmFor(jwk: JWK): PermitAlgorithm {
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519" && (jwk.alg === undefined || jwk.alg === "EdDSA")) return "EdDSA";
  if (jwk.kty === "EC" && jwk.crv === "P-256" && (jwk.alg === undefined || jwk.alg === "ES256")) return "ES256";
  throw new SpeError(
    "PERMIT_SIGNING_KEY_INVALID",
    "The signing key must be an Ed25519 (EdDSA) or P-256 (ES256) private JWK.",
  );
}

/**
 * Signs a permit payload as a Health Data Access Body would: a compact JWS with `alg` and `kid` in the
 * protected header. For the development HDAB, tests, and HDAB integrators; the payload is not checked
 * here, so that tests can sign bad permits.
 */
export async function signPermit(payload: unknown, privateJwk: JWK): Promise<string> {
  if (!privateJwk.d)
    throw new SpeError(
      "PERMIT_SIGNING_KEY_INVALID",
      'The signing key is a public key: a private JWK (with "d") is needed to sign.',
    );
  if (!privateJwk.kid)
    throw new SpeError(
      "PERMIT_SIGNING_KEY_INVALID",
      "The signing key has no kid: add one, and list the public key under the same kid in the trusted-issuers file.",
    );
  const alg = algorithmFor(privateJwk);
  const key = await importJWK(privateJwk, alg);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, kid: privateJwk.kid })
    .sign(key);
}
