import { createHmac, hkdfSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { SpeError } from "../errors";

/** At least 256 bits: the master key is the only secret between a pseudonym and a personnummer. */
const MIN_MASTER_KEY_BYTES = 32;

/**
 * K_permit = HKDF-SHA-256(master key, salt empty, info "permit:<permitId>"), 32 bytes. Each permit gets its
 * own key, so the pseudonyms of two permits cannot be linked without the master key (EHDS Art. 66(3): only
 * the HDAB or a trusted third party can re-identify).
 */
export function derivePermitKey(masterKey: Uint8Array, permitId: string): Buffer {
  if (masterKey.length < MIN_MASTER_KEY_BYTES)
    throw new SpeError(
      "PSEUDONYM_KEY_INVALID",
      `The master key has ${masterKey.length} bytes; at least ${MIN_MASTER_KEY_BYTES} are needed.`,
    );
  if (permitId.length === 0)
    throw new SpeError("PSEUDONYM_KEY_INVALID", "A permit id is needed to derive a pseudonym key.");
  return Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), `permit:${permitId}`, 32));
}

/** The pseudonym of a canonical 12-digit identifier: HMAC-SHA-256(K_permit, canonical), lower-case hex. */
export function pseudonymOf(permitKey: Uint8Array, canonical: string): string {
  return createHmac("sha256", permitKey).update(canonical, "latin1").digest("hex");
}

/**
 * Reads a master key file: one line of hex (`openssl rand -hex 32`) or base64 (`openssl rand -base64 32`)
 * of at least 32 bytes. Throws PSEUDONYM_KEY_INVALID otherwise.
 */
export function readMasterKeyFile(path: string): Buffer {
  let text: string;
  try {
    text = readFileSync(path, "latin1").trim();
  } catch (err) {
    throw new SpeError(
      "PSEUDONYM_KEY_INVALID",
      `Cannot read the master key file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseMasterKey(text);
}

/** A master key from its hex or base64 text; see readMasterKeyFile. */
export function parseMasterKey(text: string): Buffer {
  const key = /^([0-9a-fA-F]{2})+$/.test(text)
    ? Buffer.from(text, "hex")
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)
      ? Buffer.from(text, "base64")
      : Buffer.alloc(0);
  if (key.length < MIN_MASTER_KEY_BYTES)
    throw new SpeError(
      "PSEUDONYM_KEY_INVALID",
      `The master key must be hex or base64 of at least ${MIN_MASTER_KEY_BYTES} bytes (openssl rand -hex 32).`,
    );
  return key;
}
