import type { Config } from "../config";
import { keyFileOrDefault, readSecretKey } from "../keys/secret-key-file";
import { stagingCapabilities, type StagingCapabilities } from "./staging-capability";

/**
 * The key that signs the data loaders' capabilities, from STAGING_KEY_FILE (hex or base64, ≥ 32 bytes).
 * Outside production it is made under DATA_DIR on first start and kept: a key made afresh at each start
 * would change every loader Job's spec, and API replicas must verify what the reconciler signed. It never
 * leaves the orchestrator: environments only ever see capabilities made with it.
 */
export function stagingCapabilitiesFrom(config: Pick<Config, "STAGING_KEY_FILE" | "DATA_DIR">): StagingCapabilities {
  return stagingCapabilities(
    readSecretKey(keyFileOrDefault(config.STAGING_KEY_FILE, config.DATA_DIR, "staging"), "staging key"),
  );
}
