import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "../config";
import { loadCatalogue } from "../datasets/catalogue";
import { readMasterKeyFile } from "../datasets/pseudonym-key";
import type { DeliveryServices } from "./receive-delivery";

/**
 * The delivery pipeline's settings from configuration. The pseudonymisation master key comes from
 * PSEUDONYMISATION_KEY_FILE; on the embedded default a new key is made under DATA_DIR on first start.
 */
export function deliveryServices(config: Config): DeliveryServices {
  const keyFile = config.PSEUDONYMISATION_KEY_FILE ?? join(config.DATA_DIR, "keys", "pseudonymisation.key");
  if (!config.PSEUDONYMISATION_KEY_FILE && !existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  }
  return {
    catalogue: loadCatalogue(),
    masterKey: readMasterKeyFile(keyFile),
    incomingDir: join(config.DATA_DIR, "incoming"),
    stagingDir: join(config.DATA_DIR, "staging"),
    maxBytes: config.DELIVERY_MAX_BYTES,
  };
}
