import { existsSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import type { Config } from "../config";
import { loadSigningKey, readPublicKeys, type SigningKey, type SigningKeyName } from "./signing-key";

/**
 * The orchestrator's signing keys, one store for everything it signs (release records, audit checkpoints,
 * compliance evidence reports; each JWS typed apart): the current key signs, and every published key
 * verifies, so that what a retired key signed still verifies after a rotation.
 */
export interface SigningKeys {
  current: SigningKey;
  /** The public keys verifiers trust: the current one first, then those it replaced. Served at WELL_KNOWN_SIGNING_KEYS. */
  published: JWK[];
}

/** Where the published keys are served, as a JWK Set, to anyone (they are public). */
export const WELL_KNOWN_SIGNING_KEYS = "/.well-known/spe-signing-keys.json";

type KeySettings = Pick<
  Config,
  "SIGNING_KEY_FILE" | "RELEASE_SIGNING_KEY_FILE" | "SIGNING_RETIRED_KEYS_FILE" | "DATA_DIR"
>;

/** Where the keys are kept, and which setting named them (for errors that say what to change). */
export interface SigningKeyFiles {
  /** The current private key. */
  keyFile: string;
  /** The retired public keys, a JWK Set; absent until the first rotation. */
  retiredFile: string;
  /** The embedded default: made on first start under DATA_DIR (never in production, where a setting is required). */
  createIfMissing: boolean;
  name: SigningKeyName;
}

/**
 * SIGNING_KEY_FILE, else RELEASE_SIGNING_KEY_FILE (the name of earlier versions, deprecated), else
 * DATA_DIR/keys/release-signing.jwk (the file earlier versions made, kept so their records still verify);
 * the retired keys: SIGNING_RETIRED_KEYS_FILE, else beside the current key.
 */
export function signingKeyFilesOf(config: KeySettings): SigningKeyFiles {
  const configured = config.SIGNING_KEY_FILE ?? config.RELEASE_SIGNING_KEY_FILE;
  const keyFile = configured ?? join(config.DATA_DIR, "keys", "release-signing.jwk");
  return {
    keyFile,
    retiredFile: config.SIGNING_RETIRED_KEYS_FILE ?? join(config.DATA_DIR, "keys", "retired-signing-keys.jwks"),
    createIfMissing: configured === undefined,
    name: {
      what: "signing key",
      setting:
        config.RELEASE_SIGNING_KEY_FILE && !config.SIGNING_KEY_FILE ? "RELEASE_SIGNING_KEY_FILE" : "SIGNING_KEY_FILE",
    },
  };
}

const RETIRED: SigningKeyName = { what: "retired signing keys", setting: "SIGNING_RETIRED_KEYS_FILE" };

/** Loads the current key (made on first start in the embedded default) and the retired public keys, if any. */
export async function loadSigningKeys(config: KeySettings): Promise<SigningKeys> {
  const files = signingKeyFilesOf(config);
  const current = await loadSigningKey(files.keyFile, files.name, { createIfMissing: files.createIfMissing });
  // A configured file must be there; the default one appears only with the first rotation.
  const retired =
    config.SIGNING_RETIRED_KEYS_FILE || existsSync(files.retiredFile)
      ? await readPublicKeys(files.retiredFile, RETIRED)
      : [];
  return { current, published: [current.publicJwk, ...retired.filter((k) => k.kid !== current.kid)] };
}

/**
 * Rotation: a new current key, and the old one's public half added to the retired keys, so that what it
 * signed still verifies. Each file is replaced whole (written beside it, then renamed), never half-written.
 * The orchestrator signs with the new key from its next start; give every replica the same files.
 */
export async function rotateSigningKey(files: SigningKeyFiles): Promise<{ retired: string; current: string }> {
  const old = await loadSigningKey(files.keyFile, files.name, { createIfMissing: false });
  const retired = existsSync(files.retiredFile) ? await readPublicKeys(files.retiredFile, RETIRED) : [];
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  replaceFile(
    files.retiredFile,
    JSON.stringify({ keys: [old.publicJwk, ...retired.filter((k) => k.kid !== old.kid)] }),
    0o644,
  );
  replaceFile(files.keyFile, JSON.stringify(await exportJWK(privateKey)), 0o600);
  const current = await loadSigningKey(files.keyFile, files.name, { createIfMissing: false });
  return { retired: old.kid, current: current.kid };
}

function replaceFile(file: string, content: string, mode: number): void {
  const next = `${file}.${process.pid}.new`;
  writeFileSync(next, content, { mode, flag: "wx" });
  renameSync(next, file);
}
