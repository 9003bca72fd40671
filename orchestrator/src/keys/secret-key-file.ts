import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SpeError } from "../errors";

/** At least 256 bits for every symmetric key of the orchestrator. */
export const MIN_SECRET_KEY_BYTES = 32;

/**
 * The path of a symmetric key: the configured file, or (the embedded default; production requires the
 * setting) `DATA_DIR/keys/<name>.key`, made with 32 random bytes on first start and kept, so that a
 * restart and every process on the same DATA_DIR use the same key.
 */
export function keyFileOrDefault(configured: string | undefined, dataDir: string, name: string): string {
  if (configured) return configured;
  const file = join(dataDir, "keys", `${name}.key`);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, `${randomBytes(MIN_SECRET_KEY_BYTES).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
    } catch (err) {
      // Another process on the same DATA_DIR made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return file;
}

/** A symmetric key from a file of one line of hex or base64 (≥ 32 bytes); `what` names it in the error. */
export function readSecretKey(file: string, what: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, "latin1").trim();
  } catch (err) {
    throw new SpeError(
      "CONFIG_INVALID",
      `Cannot read the ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const key = /^([0-9a-fA-F]{2})+$/.test(text)
    ? Buffer.from(text, "hex")
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)
      ? Buffer.from(text, "base64")
      : Buffer.alloc(0);
  if (key.length < MIN_SECRET_KEY_BYTES)
    throw new SpeError(
      "CONFIG_INVALID",
      `The ${what} in ${file} must be one line of hex or base64 of at least ${MIN_SECRET_KEY_BYTES} bytes; make one with \`openssl rand -hex 32\`.`,
    );
  return key;
}
