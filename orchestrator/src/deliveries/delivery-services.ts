import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config";
import { loadCatalogue, readMasterKeyFile } from "../datasets";
import { keyFileOrDefault } from "../keys/secret-key-file";
import { stagingStoreFrom } from "../staging/staging-store-from-config";
import type { DeliveryServices } from "./receive-delivery";

/**
 * The delivery pipeline's settings from configuration. The pseudonymisation master key comes from
 * PSEUDONYMISATION_KEY_FILE; on the embedded default a new key is made under DATA_DIR on first start. The
 * staging store is the one STAGING_STORE chose (a folder under DATA_DIR by default).
 */
export function deliveryServices(config: Config, log: Logger): DeliveryServices {
  const keyFile = keyFileOrDefault(config.PSEUDONYMISATION_KEY_FILE, config.DATA_DIR, "pseudonymisation");
  return {
    catalogue: loadCatalogue(),
    masterKey: readMasterKeyFile(keyFile),
    incomingDir: join(config.DATA_DIR, "incoming"),
    staging: stagingStoreFrom(config, log),
    maxBytes: config.DELIVERY_MAX_BYTES,
    log: log.child({ component: "deliveries" }),
  };
}
