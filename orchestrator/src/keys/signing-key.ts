import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";
import { SpeError } from "../errors";

/**
 * A private P-256 key that signs what the orchestrator vouches for (release records, audit checkpoints,
 * compliance evidence reports),
 * with its public half as published: one way of keeping signing keys, so that every signed thing is checked
 * the same way (docs/architecture.md#threat-model).
 */
export interface SigningKey {
  /** The public key's RFC 7638 thumbprint: what a JWS header names. */
  kid: string;
  /** The public JWK with kid, alg and use, as published. */
  publicJwk: JWK;
  privateKey: CryptoKey;
}

/** Which key a file holds and the setting that names it, for errors that say what to do. */
export interface SigningKeyName {
  what: string;
  setting: string;
}

/**
 * Loads a signing key (a private P-256 JWK) from `file`; with `createIfMissing` (the embedded default) a
 * new key is made there first, readable by this user only. Rotation and the keys verifiers trust:
 * signing-keys.ts.
 */
export async function loadSigningKey(
  file: string,
  name: SigningKeyName,
  { createIfMissing }: { createIfMissing: boolean },
): Promise<SigningKey> {
  if (!existsSync(file)) {
    if (!createIfMissing)
      throw new SpeError(
        "CONFIG_INVALID",
        `The ${name.what} ${file} does not exist. Set ${name.setting} to a private P-256 JWK.`,
      );
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600, flag: "wx" });
    } catch (err) {
      // Another process on the same DATA_DIR made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  const jwk = readJwkFile(file, name);
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d)
    throw new SpeError("CONFIG_INVALID", `The ${name.what} ${file} must be a private P-256 (EC) JWK.`);
  const publicJwk = await publishedJwk(jwk);
  return { kid: publicJwk.kid!, publicJwk, privateKey: (await importJWK(jwk, "ES256")) as CryptoKey };
}

/**
 * The public keys in `file` that a verifier trusts: a private or public P-256 JWK, or a JWK Set of them
 * (the current key and those it replaced).
 */
export async function readPublicKeys(file: string, name: SigningKeyName): Promise<JWK[]> {
  const content = readJwkFile(file, name) as JWK & { keys?: JWK[] };
  const keys = Array.isArray(content.keys) ? content.keys : [content];
  if (keys.length === 0 || keys.some((k) => k.kty !== "EC" || k.crv !== "P-256" || !k.x || !k.y))
    throw new SpeError("CONFIG_INVALID", `The ${name.what} ${file} must hold P-256 (EC) JWKs.`);
  return Promise.all(keys.map(publishedJwk));
}

async function publishedJwk(jwk: JWK): Promise<JWK> {
  const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  return { ...publicJwk, kid: await calculateJwkThumbprint(publicJwk), alg: "ES256", use: "sig" };
}

function readJwkFile(file: string, name: SigningKeyName): JWK {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as JWK;
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new SpeError("CONFIG_INVALID", `The ${name.what} ${file} is not a readable JWK: ${reason}`, { cause: err });
  }
}
