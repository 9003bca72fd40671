import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "../../config";
import { SpeError } from "../../errors";
import { stagingCapabilities, type StagingCapabilities } from "./staging-capability";

/**
 * The key that signs the data loaders' capabilities, from STAGING_KEY_FILE (hex or base64, ≥ 32 bytes).
 * Outside production it is made under DATA_DIR on first start and kept: a key made afresh at each start
 * would change every loader Job's spec, and API replicas must verify what the reconciler signed. It never
 * leaves the orchestrator: environments only ever see capabilities made with it.
 */
export function stagingCapabilitiesFrom(config: Pick<Config, "STAGING_KEY_FILE" | "DATA_DIR">): StagingCapabilities {
  const file = config.STAGING_KEY_FILE ?? join(config.DATA_DIR, "keys", "staging.key");
  if (!config.STAGING_KEY_FILE && !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
    } catch (err) {
      // Another process on the same DATA_DIR made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  let text: string;
  try {
    text = readFileSync(file, "latin1").trim();
  } catch (err) {
    throw new SpeError("CONFIG_INVALID", `Cannot read the staging key file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const key = /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  if (key.length < 32) throw new SpeError("CONFIG_INVALID", `The staging key in ${file} has ${key.length} bytes; make one of 32 with \`openssl rand -hex 32\`.`);
  return stagingCapabilities(key);
}
