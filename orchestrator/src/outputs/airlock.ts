import { join } from "node:path";
import type { Config } from "../config";
import { templateUpstream, type UpstreamResolver } from "../environments/service-origin";
import { loadSigningKeys, type SigningKeys } from "../keys/signing-keys";
import { agentOutbox } from "./agent-outbox";
import { airlockLimitsSchema } from "./requests/airlock-limits";
import { createQuarantine } from "./requests/quarantine";
import type { ReleaseSigner } from "./requests/release-record";
import type { AirlockServices } from "./requests/submit-request";
import { sdcCheck } from "./sdc-check";

/** Everything export requests need beyond the database: outboxes, quarantine, checks, limits, the signer. */
export interface Airlock extends AirlockServices {
  /** The installation's current signing key (signingKeys.current). */
  signer: ReleaseSigner;
  /** The installation's key store: what signs, and what verifiers trust (keys/signing-keys.ts). */
  signingKeys: SigningKeys;
  /** Where single files are checked before submission and then removed. */
  scratchDir: string;
}

/**
 * The airlock of an installation, from its configuration: environments' agents (at AIRLOCK_AGENT_URL, or
 * where `agentUrlFor` finds them), the SDC checks, quarantine.
 */
export async function createAirlock(config: Config, agentUrlFor?: UpstreamResolver): Promise<Airlock> {
  const signingKeys = await loadSigningKeys(config);
  return {
    outbox: agentOutbox(
      agentUrlFor ?? templateUpstream(config.AIRLOCK_AGENT_URL ?? "http://airlock.{namespace}.svc.cluster.local:8090"),
    ),
    checkOutputFile: sdcCheck,
    quarantine: createQuarantine(join(config.DATA_DIR, "quarantine")),
    scratchDir: join(config.DATA_DIR, "scratch"),
    limits: airlockLimitsSchema.parse({
      maxFiles: config.AIRLOCK_MAX_FILES,
      maxFileBytes: config.AIRLOCK_MAX_FILE_BYTES,
      maxCsvRows: config.AIRLOCK_MAX_CSV_ROWS,
    }),
    signer: signingKeys.current,
    signingKeys,
  };
}
